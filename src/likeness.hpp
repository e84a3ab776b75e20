// Internal: re-ranks the head of a section list by how much each section reads like the first
// (the cluster hypothesis: sections relevant to one query resemble each other), which lifts the
// related sections of other articles that the query's own words reach only weakly; then makes
// room on the first page for other articles than the one whose every section the article
// context lifts.
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
    double repeat = 0;    // the variety discount (<= 0) added to `weight`
};

// The sections of `mset` (ranked by the query, from its first match), best first after adding
// to each of the first kLikenessDepth `share` x the first section's weight x the cosine between
// its body stems and the first section's (tf-idf). share 0 keeps the query's order.
std::vector<RankedSection> rank_by_likeness(const Xapian::Database& db, const Xapian::MSet& mset, double share,
                                            IdfCache& idf);

// Sections of one article the head holds before discount_repeats() discounts the next.
inline constexpr std::size_t kFreeRepeats = 5;

// Multiplies the weight of each section of the first kLikenessDepth that follows kFreeRepeats
// of its article by `decay` once per section past them, then sorts that head again. An article
// the query names gets its context on every section, and its risk factors or history then fill
// the page ahead of another article's section that answers the question in part. decay 1 keeps
// the order.
void discount_repeats(std::vector<RankedSection>& ranked, double decay);

}  // namespace medsearch
