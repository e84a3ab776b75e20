// Answers search requests from a published index: ranked section hits, grouped by article,
// with highlighted snippets and an explanation of what matched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medsearch/article.hpp"
#include "medsearch/result.hpp"
#include "medsearch/word_list.hpp"

namespace medsearch {

inline constexpr std::size_t kMaxQueryBytes = 1024;
inline constexpr std::size_t kMaxPageSize = 50;
// Matches counted one by one, so that a pager's `total` is the same on every page; beyond this
// many, Xapian's pruning is worth more than an exact count (+3-6% median on MedQuAD at 1000).
inline constexpr std::size_t kExactTotal = 1000;

// Each ranking feature can be switched off, for the relevance benchmark's ablations.
struct SearchFeatures {
    bool synonyms = true;      // query-time expansion from the stored vocabulary
    bool field_boosts = true;  // title and heading fields weighted above body text
    bool intent = true;        // "how is X treated" favours treatment sections (a boost, not a filter)
    bool spelling = true;      // unknown words searched as the index's correction ("did you mean")
    bool article_context = true;  // section lists: sections of the best-matching articles lifted
    bool likeness = true;  // section lists: sections reading like the first one lifted (likeness.hpp)
    bool variety = true;   // section lists: an article's sections past its first few discounted (likeness.hpp)
    bool searches = true;  // each section's searches (Section::searches) searched with its text
    // No lang asked for: when the query's words are found in one language's sections only, search
    // those ("nerve pain" skips the Spanish article named "neuralgia"); all if that finds nothing.
    bool query_language = true;
};

// Ranking weights, exposed for tuning by bench/relevance; the defaults were chosen on its
// development split (bench/RESULTS.md). Weights are relative to body text (1.0).
struct RankingParams {
    double bm25_k1 = 1.2;
    double bm25_b = 0.4;          // length normalisation: 0 none, 1 full; 0.75 over-rewarded short sections
    // Each query part is one BM25 term over the body, heading and title of a section (their wdf
    // added up, the IDF of their union), so the text decides and a rare heading cannot outweigh
    // it. These add the heading or title match once more, as a separate term.
    double title_weight = 0.25;   // title and also-called names
    double heading_weight = 0;
    double name_weight = 1.0;     // the query (or a run of it) is exactly an article's name
    double intent_weight = 1.5;   // section kind the query asks for (its XK term) ...
    double intent_context = 0.15; // ... and that kind's sections of the best articles, by their match
    double loose_weight = 0.5;    // the separate words of a multi-word synonym entry
    double lay_word_weight = 1.0; // ... of one found only through `a => b` rules: a lay description
                                  // ("blood test for numb feet") is seldom in any text, so its words
                                  // carry it and count as typed ones; at loose_weight, matching the
                                  // entry ranked worse than typing a variant that is no entry
    double exact_bonus = 0.25;    // the typed form over its synonyms
    double one_way_weight = 0.5;  // expansions of `a => b` rules: a lay description points at a term,
                                  // which finds the article; the user's own words pick the section
    double coord_weight = 0.5;    // extra weight for sections matching every part of the query
    double named_share = 1.0;     // articles named by separate parts of the query ("EMG", "sciatica"):
                                  // each gets this share of the best one's article context, at least
    double article_weight = 0.7;  // article_context: share of the article's best section weight added
    double named_offkind_context = 0;  // share of the article context kept by the sections of an article the
                                       // query names that are neither of the kind it asks for, nor of a close
                                       // kind, nor its overview ("how is X treated": X's risk factors)
    double name_only_context = 0.6;  // a query with no intent, of 4 parts at most: share of the article
                                     // context kept by a section that has no part of the query but those
                                     // its article's names have, while it lacks others, unless it is its
                                     // article's best section ("epidural steroid shot for sciatica":
                                     // Sciatica's outlook)
    double likeness_share = 0.5;  // likeness: share of the first section's weight, times the cosine
    double repeat_decay = 0.93;   // variety: weight factor per section of an article past its kFreeRepeats
    bool name_intent_scope = true;  // a query naming an article ("nerve pain", "what causes nerve pain") favours
                                    // that article's section of the kind, not every one
    bool best_article_whole = true;  // section lists: the best article's sections that do not repeat the
                                     // query's words follow with its article context alone (not for quoted text)
    bool title_synonyms = false;  // expanding synonyms in titles too let umbrella articles win everything
};

enum class Grouping { article, section };

struct SearchRequest {
    std::string query;
    std::size_t page = 1;  // 1-based
    std::size_t size = 10; // 1..kMaxPageSize
    Grouping group = Grouping::article;
    std::string language;  // "en", "es"; empty: every language
    SearchFeatures features;
    RankingParams ranking;
};

struct MatchInfo {
    std::string query;  // the query word or phrase as typed
    std::string term;   // the word or phrase found in the section, folded
    std::string via;    // "text", "stem", "synonym", "abbreviation" (an expansion of a word typed
                        // in capitals, "MS"), "spelling" (found through the spelling correction),
                        // or "searches" (in none of the section's text, only in its searches)
};

struct SectionHit {
    std::string anchor;
    std::string heading;  // heading path: "Treatment › Medicines"
    std::string kind;
    std::string url;      // "/articles/<id>#<anchor>"
    std::string snippet_html;  // HTML-escaped text with <mark> around every match
    std::vector<MatchInfo> matched;
};

struct ArticleRef {
    std::string id;
    std::string title;
    std::string url;  // "/articles/<id>"
};

struct SearchHit {
    ArticleRef article;
    double score = 0;
    std::vector<SectionHit> sections;  // best first; exactly one with Grouping::section
};

struct SearchResponse {
    std::string query;
    std::size_t total = 0;  // matching articles (grouped) or sections: exact up to kExactTotal
    bool total_estimated = false;  // more than kExactTotal match: `total` is Xapian's estimate
    std::size_t page = 1;
    std::size_t size = 10;
    double took_ms = 0;
    std::vector<SearchHit> hits;
    std::string corrected;           // the query with its unknown words corrected; empty if none
    bool corrected_applied = false;  // the hits are those of `corrected` (its matches via "spelling")
    std::string language;            // the language the query was read in (no lang asked for); empty: all
};

struct IndexInfo {
    std::uint64_t revision = 0;
    std::uint64_t documents = 0;  // sections
    std::string build;            // published build directory
    std::string published;        // ISO time the build was published
};

// Not thread-safe (wraps one Xapian::Database): one Searcher per thread.
class Searcher {
public:
    // `words`: correctly spelled words, searched as typed even when no section has them
    // (word_list.hpp); null: every word the index lacks is open to spelling correction.
    // Errors: not_found when there is no index at `index_dir`, index_corrupt when unreadable.
    static Result<Searcher> open(const std::filesystem::path& index_dir, std::shared_ptr<const WordList> words = {});

    // Errors: invalid_input (empty or over-long query, bad page or size), internal.
    Result<SearchResponse> search(const SearchRequest& request);
    // The article with all its sections. Errors: not_found.
    Result<Article> article(std::string_view id);
    IndexInfo info();

    // Picks up a newly published index: a switched stub file (a new build) or a new revision of
    // the same build. True when what this Searcher serves changed. On an error the index it had
    // stays in service, so a request never sees an empty or partial index.
    Result<bool> refresh();

    Searcher(Searcher&&) noexcept;
    Searcher& operator=(Searcher&&) noexcept;
    ~Searcher();

private:
    struct Impl;
    explicit Searcher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace medsearch
