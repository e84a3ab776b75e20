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
    bool searches = true;      // with field_boosts: each section's searches are one more text field
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
    // Quoted: what one-way rules point the term at, set aside (see parse_in_index).
    std::vector<SynonymMap::Expansion> set_aside;
    // Per word: a cue word of the intent, read in the whole query ("how many people are
    // affected": "people", "affected"); none in quoted parts.
    std::vector<bool> cues;
    // Words of this part that are the index's corrections of what was typed ("gabapentin" for
    // "gabapentn"): their matches are explained as `spelling`.
    std::vector<std::string> spelled;
};

struct ParsedQuery {
    std::string text;  // the query as typed
    std::vector<QueryPart> parts;
    std::vector<std::string> words;  // every folded word typed, function words included, in order
    std::optional<SectionKind> intent;  // from cue words, when options.intent
    bool intent_asked = false;          // it came from cue words ("what is X"), not from a bare name
    // When the intent comes from the query being an article's name (XN terms): only that
    // article's sections of the kind are favoured, not every overview in the index.
    std::vector<std::string> intent_names;
    bool empty() const noexcept { return parts.empty(); }
};

// A word typed in capitals that the vocabulary expands as an abbreviation ("TENS", "CTS"): it is
// matched as written, never by its stem. A query all in capitals marks every word `abbreviation`;
// those the vocabulary does not expand are words.
bool expands_as_abbreviation(const QueryPart& part);

// Longest synonym entries win, left to right; quoted text stays one phrase; stopwords are dropped
// unless they are all there is. `synonyms` may be null.
ParsedQuery parse_query(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                        const QueryOptions& options);

// What /api/search and medsearch-explain search: parse_query, then the steps that read the index
// (drop_unfinished_letter, add_name_intent). A quoted term takes what one-way rules point it at
// only when no section has it: `"monofilament"` is searched as written, `"sugar nerve damage"`,
// a lay description in no text, still finds diabetic neuropathy.
ParsedQuery parse_in_index(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                           const QueryOptions& options, const Xapian::Database& db);

// The languages whose stemmers a query's words go through: the one asked for, else every
// language we index (a query may be in either).
std::vector<std::string> query_languages(const QueryOptions& options);

// `query` kept to the sections written in `language` ("en", "es").
Xapian::Query in_language(const Xapian::Query& query, const std::string& language);

// Whether some section of `db` in `language` has `word` (folded, as written).
bool has_word_in_language(const Xapian::Database& db, const std::string& word, const std::string& language);

// The language the query's words are written in, judged by `db`: a word found in the sections
// of one language only votes for it ("nerve" en, "nervios" es; "neuralgia" is in both and
// abstains); a word no section has as typed, by its stem in each language (`analyzer`). Empty when the index holds one language, no word votes, or votes differ. Searches
// without a language asked for use it as a guess: every language when it finds nothing.
std::string guess_language(const Xapian::Database& db, const ParsedQuery& parsed, Analyzer& analyzer);

// The weighting scheme every search uses, from the tunable parameters.
Xapian::BM25Weight bm25_weight(const RankingParams& ranking);

// Weight from the kContextArticles best articles for `query` (one run of it, grouped by
// article), each article's best section weight shared out to its other sections, to be added
// with OP_AND_MAYBE:
// - `article`: a section list ranks each section on its own, yet a section of an article whose
//   best section answers the query well is more likely to help than an equal one elsewhere:
//   article_weight × that weight to every matching section of the article;
// - `kind`: the section kind the query asks for, intent_context × that weight to the article's
//   sections of that kind. Relative to how well the article matches, the boost means as much in
//   a corpus where every article has an overview as in one where few have a prognosis; the
//   XK term's own weight (intent_weight) shrinks with the kind's frequency.
// Articles that separate parts of the query name ("do I need an EMG for sciatica") each get at
// least named_share of the best one's weight among them, so the stronger name does not fill the
// list alone.
// With the articles the query names (ParsedQuery::intent_names, which add_name_intent sets only
// when those articles have a section of `kind`, and ranking.name_intent_scope) and a kind asked
// for: those articles' sections that cannot answer it (another kind, not a close one, not the
// overview) keep only named_offkind_context of their article context. A bare name asks about the
// whole article; "what is X" asks for its overview, causes and symptoms.
// Either is empty when switched off (weight 0, `article` false, no kind) or nothing matches.
struct ContextBoost {
    Xapian::Query article;
    Xapian::Query kind;
    std::string best_article;        // id of the article whose best section matches best
    Xapian::Query combined() const;  // the two ORed; empty if both are
    // `query` with the boost added to its matches (OP_AND_MAYBE); with `whole_best_article`, the
    // best article's sections that do not match `query` too, weighted by the boost alone.
    Xapian::Query applied_to(const Xapian::Query& query, bool whole_best_article) const;
};

// Whether the best article's sections that do not repeat the query's words should follow it
// (ContextBoost::applied_to): yes, unless switched off or part of the query is quoted, which
// asks for the sections that have it.
bool whole_best_article(const ParsedQuery& parsed, const RankingParams& ranking);
// `beyond_names` (QueryPlan::beyond_names), for a query with no intent: the sections that keep
// their whole article context, with each article's best section; the article's other sections
// keep name_only_context of it. Empty: every section keeps it.
ContextBoost context_boost(const Xapian::Database& db, const Xapian::Query& query, const RankingParams& ranking,
                           bool article, const ParsedQuery& parsed, const Xapian::Query& beyond_names = {});
inline constexpr Xapian::doccount kContextArticles = 10;

// For each part: whether it is one unquoted cue word of the intent ("causes", "treated"; the
// words of "clinical trials" each), which the rest of the query is asked about.
std::vector<bool> cue_parts(const ParsedQuery& parsed);

// The XN terms of the articles the query is about: its words but for cue words ("what causes
// nerve pain"), or one part's equivalents, as an article's title or also-called name; a name
// with "pain" beside it counts ("sciatica pain"). Empty when the query names none.
std::vector<std::string> subject_names(const ParsedQuery& parsed, const Xapian::Database& db);

// A query that is exactly an article's name (an XN term of `db`) asks what that thing is:
// sets the definition intent when the cue words gave none. When they gave one and the other
// words name an article ("what causes nerve pain"), the intent is scoped to that article.
void add_name_intent(ParsedQuery& parsed, const Xapian::Database& db, const QueryOptions& options);

// A single letter ending a query of other words is mostly a word not typed yet ("trigeminal n",
// "guillain b"), and a rare term that would outweigh the rest ("n" of "n-hexane"): its part is
// dropped, unless the vocabulary expands it or the index has it after the word before it
// ("hepatitis c", "vitamin d").
void drop_unfinished_letter(ParsedQuery& parsed, const Xapian::Database& db);

// One scored piece of the query: a part in one field, or a whole-query bonus. Each adds its
// own weight where it matches (OP_OR sums them), which is what lets a score be explained.
struct QueryComponent {
    static constexpr std::size_t kWholeQuery = std::size_t(-1);
    std::string label;  // "body: nerve pain", "title: nerve pain", "coordination", "names"
    std::size_t part;   // index into ParsedQuery::parts, or kWholeQuery
    Xapian::Query query;
    // Only the intent's cue words ("test" of "monofilament test", "recovery"): a section that
    // matches nothing else does not earn the intent boost.
    bool cue = false;
};

struct QueryPlan {
    std::vector<QueryComponent> components;
    std::string boost_label;  // "intent: treatment"
    Xapian::Query boost;      // adds weight only where the non-cue components match; may be empty
    // Sections that have a part of the query that their article's title and also-called names
    // lack, or every part: the others match only through the name (context_boost). Empty
    // without field boosts, and with an intent.
    Xapian::Query beyond_names;
    Xapian::Query combined() const;
    // The boost where it applies: sections matching a non-cue component (for explanations).
    Xapian::Query earned_boost() const;
};

QueryPlan plan_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options);

// The Xapian query for `parsed` (plan_query(...).combined()): per part, per field, OP_SYNONYM over the typed form and its
// expansions (phrases as OP_PHRASE of unstemmed terms, words as stemmed terms), plus a small
// bonus for the typed form so a synonym hit never outranks an exact one.
Xapian::Query build_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options);

// A name as one term: folded words without stopwords (of any language), joined by ' '.
// Used for XN terms at index and query time alike.
std::string name_key(const std::vector<std::string>& words);
// The XN term of a name (kNamePrefix + name_key); empty when the name has no key, or one too
// long to be a term, so index and query time skip the same names.
std::string name_term(const std::vector<std::string>& words);

// Runs of query parts tried as whole names; bounds the terms a long query adds.
inline constexpr std::size_t kMaxNameParts = 6;
// Synonyms used per query part: bounds query size and latency ("What is (are) Charcot-Marie-Tooth
// disease ?" took 78 ms with all 183 of its expansions, the slowest MedQuAD query 23 ms with the cap).
inline constexpr std::size_t kMaxExpansions = 24;

}  // namespace medsearch
