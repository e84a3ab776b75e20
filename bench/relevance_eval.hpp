// Judged queries and the relevance measures of the benchmark (bench/README.md): loading a
// queries.jsonl file, the deterministic dev/test split and sample, and per-query scores.
// Pure functions with no index or search in them, so the figures can be checked by hand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "medsearch/ingest.hpp"
#include "medsearch/searcher.hpp"

namespace medsearch::bench {

// The cut-off of every measure: the first page of the search box.
inline constexpr std::size_t kCutoff = 10;
// Grade from which a section counts as relevant for Recall, MRR and Success@1.
inline constexpr int kRelevantGrade = 1;
// Grade of a section that answers the query outright; grade 1 is related or partly answers it.
inline constexpr int kTopGrade = 2;

enum class Split { dev, test };
const char* to_string(Split split) noexcept;

// 64-bit FNV-1a: stable across runs, compilers and machines (std::hash is none of these).
std::uint64_t fnv1a(std::string_view text) noexcept;
// dev for ~30% of qids, test for the rest, decided by fnv1a(qid) alone.
Split split_of(std::string_view qid) noexcept;

// The relevance key of a section: "<article id>#<anchor>", as in its URL fragment.
std::string section_key(std::string_view article_id, std::string_view anchor);

struct JudgedQuery {
    std::string qid;
    std::string text;      // what is typed into the search box
    std::string language;  // optional "lang" field; empty: every language, as /api/search
    std::unordered_map<std::string, int> grades;  // section_key → grade (0..2); unlisted: 0
    Split split = Split::test;

    std::size_t count_at_least(int grade) const;  // sections judged `grade` or higher
    // Sections with grade ≥ kRelevantGrade; only queries with some enter the averages.
    std::size_t relevant_count() const { return count_at_least(kRelevantGrade); }
    bool has_relevant() const { return relevant_count() > 0; }
    std::size_t top_grade_count() const { return count_at_least(kTopGrade); }
};

// Reads the queries.jsonl format of ../shared/data/medquad: one object a line,
// {"qid", <text_field>, "relevant": [{"id", "anchor", "grade"}], "lang"?}. Bad lines and repeated
// qids are reported as `path:line: message` and skipped; a section listed twice keeps its
// higher grade. Returns false if the file could not be read or any line was bad.
bool load_queries(const std::filesystem::path& path, std::string_view text_field,
                  std::vector<JudgedQuery>& out, std::vector<Diagnostic>& problems);

// The `limit` queries with the smallest fnv1a("sample:" + qid), kept in their input order;
// every query when limit is 0 or not below the count. Independent of file order and of the
// split, so a larger sample contains a smaller one.
std::vector<JudgedQuery> sample_queries(std::vector<JudgedQuery> queries, std::size_t limit);

struct QueryScores {
    double ndcg = 0;     // DCG@10 / ideal DCG@10, gain = grade, discount log2(rank + 1)
    double recall = 0;   // relevant sections in the top 10 / all relevant sections of the query
    double rr = 0;       // 1 / rank of the first relevant section in the top 10, else 0
    double success = 0;  // 1 when the first result is relevant, else 0
    double top_recall = 0;  // as recall, of the kTopGrade sections only; 0 when there are none
};

// Scores one ranking (section keys, best first; only the first kCutoff are read; a key seen
// twice counts once). The ideal ranking is every judged section of the query, best grade
// first. All zero when the query has no relevant section.
QueryScores score_ranking(const std::vector<std::string>& ranked, const JudgedQuery& query);

// The Recall@10 a perfect re-ordering of `ranked` would reach: min(kCutoff, relevant sections
// anywhere in it) / all relevant sections of the query (a key seen twice counts once). What is
// missing from it is lost before ranking: sections the search does not retrieve that deep.
double recall_ceiling(const std::vector<std::string>& ranked, const JudgedQuery& query);

// Nearest-rank percentile (0 < p ≤ 100) of `values`, which it sorts; 0 when empty.
double percentile(std::vector<double>& values, double p);

// Applies "NAME=VALUE" (a RankingParams field of the knob and flag tables in relevance_eval.cpp,
// named as in searcher.hpp: bm25_k1, article_weight, best_article_whole ...) to `ranking`, for
// tuning from the command line. False for an unknown name or a bad value.
bool set_ranking_param(RankingParams& ranking, std::string_view assignment);

}  // namespace medsearch::bench
