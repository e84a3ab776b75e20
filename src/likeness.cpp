#include "likeness.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "medsearch/schema.hpp"

namespace medsearch {
namespace {

using TermVector = std::unordered_map<std::string, double>;

// Body stems are Z<stem>; field stems carry an upper-case prefix after the Z (ZH, ZS).
bool is_body_stem(const std::string& term) {
    return term.size() > 1 && term[0] == schema::kStemPrefix[0] && !(term[1] >= 'A' && term[1] <= 'Z');
}

// Beyond this many stems (a big index's whole vocabulary) the cache starts again.
constexpr std::size_t kMaxCachedStems = 200000;

// Unit-length tf-idf vector of a section's body stems.
TermVector body_vector(const Xapian::Database& db, Xapian::docid did, IdfCache& idf) {
    TermVector v;
    double norm = 0;
    for (auto it = db.termlist_begin(did); it != db.termlist_end(did); ++it) {
        std::string term = *it;
        if (!is_body_stem(term)) continue;
        double w = (1 + std::log(double(it.get_wdf()))) * idf.idf(db, term);
        if (w <= 0) continue;
        norm += w * w;
        v.emplace(std::move(term), w);
    }
    if (norm > 0)
        for (auto& [term, w] : v) w /= std::sqrt(norm);
    return v;
}

double dot(const TermVector& a, const TermVector& b) {
    const TermVector& small = a.size() <= b.size() ? a : b;
    const TermVector& large = a.size() <= b.size() ? b : a;
    double sum = 0;
    for (const auto& [term, w] : small)
        if (auto found = large.find(term); found != large.end()) sum += w * found->second;
    return sum;
}

}  // namespace

double IdfCache::idf(const Xapian::Database& db, const std::string& term) {
    if (auto found = idf_.find(term); found != idf_.end()) return found->second;
    if (idf_.size() >= kMaxCachedStems) idf_.clear();
    const double value = std::log(double(db.get_doccount()) / std::max(1u, db.get_termfreq(term)));
    idf_.emplace(term, value);
    return value;
}

std::vector<RankedSection> rank_by_likeness(const Xapian::Database& db, const Xapian::MSet& mset, double share,
                                            IdfCache& idf) {
    std::vector<RankedSection> ranked;
    ranked.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it)
        ranked.push_back(RankedSection{*it, it.get_document(), it.get_weight(), 0});
    const std::size_t head = std::min(ranked.size(), kLikenessDepth);
    if (share <= 0 || head < 2) return ranked;

    // The first section is compared with itself too: its cosine of 1 is the largest, so it
    // stays first, and the bonus never overrules what the query's own words put at the top.
    const TermVector first = body_vector(db, ranked.front().did, idf);
    if (first.empty()) return ranked;
    const double scale = share * ranked.front().weight;
    for (std::size_t i = 0; i < head; ++i) {
        ranked[i].likeness = scale * (i == 0 ? 1.0 : dot(body_vector(db, ranked[i].did, idf), first));
        ranked[i].weight += ranked[i].likeness;
    }
    std::stable_sort(ranked.begin(), ranked.begin() + std::ptrdiff_t(head),
                     [](const RankedSection& a, const RankedSection& b) { return a.weight > b.weight; });
    return ranked;
}

}  // namespace medsearch
