// Internal: re-ranks the head of a section list by how much each section reads like the first
// (the cluster hypothesis: sections relevant to one query resemble each other), which lifts the
// related sections of other articles that the query's own words reach only weakly.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace medsearch {

// Sections compared with the first; the rest keep their order after them, so every page of
// one query sees the same head.
inline constexpr std::size_t kLikenessDepth = 40;

// Inverse document frequencies of body stems, kept across the queries of one index: looking
// them up took about half the re-ranking's time. Clear it when the index changes.
class IdfCache {
public:
    double idf(const Xapian::Database& db, const std::string& term);
    void clear() noexcept { idf_.clear(); }

private:
    std::unordered_map<std::string, double> idf_;
};

struct RankedSection {
    Xapian::docid did = 0;
    Xapian::Document document;
    double weight = 0;    // the query's weight plus `likeness`
    double likeness = 0;  // the bonus: `share` x the first weight x cosine to the first section
};

// The sections of `mset` (ranked by the query, from its first match), best first after adding
// to each of the first kLikenessDepth `share` x the first section's weight x the cosine between
// its body stems and the first section's (tf-idf). share 0 keeps the query's order.
std::vector<RankedSection> rank_by_likeness(const Xapian::Database& db, const Xapian::MSet& mset, double share,
                                            IdfCache& idf);

}  // namespace medsearch
