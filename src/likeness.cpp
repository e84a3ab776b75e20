#include "likeness.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "medsearch/schema.hpp"

namespace medsearch {
namespace {

// A section's body stems with their weights, in the termlist's (byte) order.
using TermVector = std::vector<std::pair<std::string, double>>;

// Beyond this many stems (a big index's whole vocabulary) the cache starts again.
constexpr std::size_t kMaxCachedStems = 200000;

// Unit-length tf-idf vector of a section's body stems. Stems are Z<stem>, the heading's and
// title's ZH<stem> and ZS<stem> among them: upper case after the Z marks a field.
TermVector body_vector(const Xapian::Database& db, Xapian::docid did, IdfCache& idf) {
    TermVector v;
    double norm = 0;
    const char stem = schema::kStemPrefix[0];
    auto it = db.termlist_begin(did);
    for (it.skip_to(std::string(1, stem)); it != db.termlist_end(did); ++it) {
        std::string term = *it;
        if (term.empty() || term[0] != stem) break;
        if (term.size() < 2 || (term[1] >= 'A' && term[1] <= 'Z')) continue;
        double w = (1 + std::log(double(it.get_wdf()))) * idf.idf(db, term);
        if (w <= 0) continue;
        norm += w * w;
        v.emplace_back(std::move(term), w);
    }
    if (norm > 0)
        for (auto& [term, w] : v) w /= std::sqrt(norm);
    return v;
}

// Both vectors are sorted by term: one merge pass.
double dot(const TermVector& a, const TermVector& b) {
    double sum = 0;
    for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
        if (i->first < j->first) ++i;
        else if (j->first < i->first) ++j;
        else sum += (i++)->second * (j++)->second;
    }
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

void discount_repeats(std::vector<RankedSection>& ranked, double decay) {
    const std::size_t head = std::min(ranked.size(), kLikenessDepth);
    if (decay >= 1 || head < 2) return;
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < head; ++i) {
        const std::size_t before = seen[ranked[i].document.get_value(schema::kSlotArticle)]++;
        if (before < kFreeRepeats) continue;
        const double kept = ranked[i].weight * std::pow(decay, double(before + 1 - kFreeRepeats));
        ranked[i].repeat = kept - ranked[i].weight;
        ranked[i].weight = kept;
    }
    std::stable_sort(ranked.begin(), ranked.begin() + std::ptrdiff_t(head),
                     [](const RankedSection& a, const RankedSection& b) { return a.weight > b.weight; });
}

}  // namespace medsearch
