// Internal: turns a search-box query into parts (words, phrases, synonym expansions) and the
// Xapian query over the index fields of schema.hpp. The highlighter reuses the parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "medsearch/analyzer.hpp"
#include "medsearch/article.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"

namespace medsearch {

struct QueryOptions {
    bool synonyms = true;
    bool field_boosts = true;  // off: body text only, as plain BM25
    bool intent = true;        // boost sections of the kind the query asks for
    std::string language;      // "en", "es"; empty: stems of every language we index
    RankingParams ranking;
};

// One word, or a phrase (quoted, or matched as a synonym entry), as the user typed it.
struct QueryPart {
    std::string typed;               // "nerve pain"
    std::vector<std::string> words;  // folded: {"nerve", "pain"}
    bool quoted = false;
    bool abbreviation = false;       // one word typed in capitals ("MS"): never spell-corrected
    std::size_t begin = 0, end = 0;  // byte offsets of `typed` in the query text
    std::vector<SynonymMap::Expansion> synonyms;
};

struct ParsedQuery {
    std::vector<QueryPart> parts;
    std::optional<SectionKind> intent;  // from cue words, when options.intent
    bool empty() const noexcept { return parts.empty(); }
};

// Longest synonym entries win, left to right; quoted text stays one phrase; stopwords are dropped
// unless they are all there is. `synonyms` may be null.
ParsedQuery parse_query(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                        const QueryOptions& options);

// The Xapian query for `parsed`: per part, per field, OP_SYNONYM over the typed form and its
// expansions (phrases as OP_PHRASE of unstemmed terms, words as stemmed terms), plus a small
// bonus for the typed form so a synonym hit never outranks an exact one.
Xapian::Query build_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options);

// A name as one term: folded words without stopwords (of any language), joined by ' '.
// Used for XN terms at index and query time alike.
std::string name_key(const std::vector<std::string>& words);

// Runs of query parts tried as whole names; bounds the terms a long query adds.
inline constexpr std::size_t kMaxNameParts = 6;
// Synonyms used per query part: bounds query size and latency ("What is (are) Charcot-Marie-Tooth
// disease ?" took 78 ms with all 183 of its expansions, the slowest MedQuAD query 23 ms with the cap).
inline constexpr std::size_t kMaxExpansions = 24;

}  // namespace medsearch
