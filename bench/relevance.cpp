// medsearch-bench-relevance: indexes each corpus once into a temporary directory, runs judged
// query sets through Searcher::search exactly as /api/search?group=section&size=10 does, and
// prints nDCG@10, Recall@10, MRR@10, Success@1, errors and per-query latency for the full
// engine, a plain-BM25 baseline and one ablation per ranking feature (bench/README.md).
// Prints figures; never asserts them.
//
// Exit status: 0 at least one set measured; 1 nothing measured, or an index could not be
// built; 2 usage; 130 interrupted (SIGINT/SIGTERM; the temporary indexes are still removed).
#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/ingest.hpp"
#include "medsearch/json_codec.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/word_list.hpp"
#include "bench_support.hpp"
#include "relevance_eval.hpp"

#ifndef PROJECT_ROOT_DIR
#error "PROJECT_ROOT_DIR must name the repository root (bench/CMakeLists.txt defines it)"
#endif

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace medsearch;
using namespace medsearch::bench;

namespace {

enum Exit { kOk = 0, kFailed = 1, kUsage = 2, kInterrupted = 130 };

constexpr const char* kProgram = "medsearch-bench-relevance";
// The query sets --sets can name.
constexpr std::string_view kSetNames[] = {"corpus", "heldout", "blind-dev", "blind-check", "medquad", "liveqa"};
// The budget: every query answers within it, in-process, on the MedQuAD corpus.
constexpr double kLatencyBudgetMs = 50;
// A query over the budget is timed this many times more, and counts as over only if the median
// of all its runs is: on a shared machine one run can stall for reasons that are not the query's.
constexpr int kRetimings = 4;
constexpr std::size_t kErrorsShown = 3;   // error messages printed per configuration
constexpr std::size_t kTopShown = 3;      // results printed under each of the worst queries
constexpr std::size_t kJudgedShown = 4;   // judged sections printed under each of them
// How deep the first configuration is searched once more, untimed, for its re-ranking ceiling:
// the head of the list that the likeness re-ranking reorders (src/likeness.hpp).
constexpr std::size_t kCeilingDepth = 40;

// The ranking features the ablations switch off, one line each; the baseline switches off all.
struct Feature {
    const char* name;
    bool SearchFeatures::*flag;
};
constexpr Feature kFeatures[] = {
    {"synonyms", &SearchFeatures::synonyms},
    {"field-boosts", &SearchFeatures::field_boosts},
    {"intent", &SearchFeatures::intent},
    {"spelling", &SearchFeatures::spelling},
    {"article-context", &SearchFeatures::article_context},
    {"likeness", &SearchFeatures::likeness},
    {"variety", &SearchFeatures::variety},
    {"searches", &SearchFeatures::searches},
    {"query-language", &SearchFeatures::query_language},
};
static_assert(sizeof(SearchFeatures) == std::size(kFeatures) * sizeof(bool),
              "a SearchFeatures flag is missing from kFeatures: add one line for it");

struct Configuration {
    std::string name;
    SearchFeatures features;
    bool plain_bm25 = false;  // Xapian's default BM25 parameters, whatever --param says
};

// Ranking weights for every configuration but the baseline: the defaults, or --param overrides.
RankingParams g_ranking;
bool g_full_only = false;

// full (the defaults /api/search uses), baseline (every feature off: plain BM25 over section
// text), then no-<feature> for each feature in turn.
std::vector<Configuration> configurations() {
    std::vector<Configuration> out;
    out.push_back({"full", SearchFeatures{}});
    SearchFeatures plain;
    for (const auto& f : kFeatures) plain.*(f.flag) = false;
    out.push_back({"baseline", plain, true});
    if (g_full_only) return out;
    for (const auto& f : kFeatures) {
        SearchFeatures without;
        without.*(f.flag) = false;
        out.push_back({std::string("no-") + f.name, without});
    }
    return out;
}

enum class SplitChoice { dev, test, all };

struct Options {
    fs::path corpus;
    fs::path synonyms;
    fs::path judged;
    fs::path heldout;
    fs::path blind_dev;
    fs::path blind_check;
    fs::path medquad;
    std::vector<std::string> sets;
    std::size_t medquad_queries = 2000;
    std::string liveqa_field = "query";
    SplitChoice split = SplitChoice::all;
    bool markdown = false;
    std::size_t worst = 0;
    fs::path per_query;  // JSON Lines of every query's scores and ranking, per configuration
    std::vector<fs::path> word_lists;  // as medsearch-server --words; default: system_word_lists()
};

std::string format_seconds(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
}

// ---- running queries ----

struct Outcome {
    QueryScores scores;
    double ms = 0;          // the first run
    double settled_ms = 0;  // ms, or the median of 1 + kRetimings runs when ms was over the budget
    bool failed = false;
    std::vector<std::string> ranked;  // section keys of the first page
    double ceiling = 0;  // recall_ceiling of the first kCeilingDepth results (first configuration only)
};

struct TopHit {
    std::string key;    // section_key
    std::string label;  // "Title › Heading"
};

struct ConfigRun {
    const Configuration* config = nullptr;
    std::vector<Outcome> outcomes;          // parallel to the set's queries
    std::vector<std::vector<TopHit>> top;   // the first results per query, when asked for
    std::size_t error_count = 0;
    std::vector<std::string> errors;        // the first kErrorsShown: "qid: code: message"
    double seconds = 0;
};

// The request /api/search?q=<text>&group=section&size=10 makes, with `features` added.
SearchRequest section_request(const JudgedQuery& query, const SearchFeatures& features, bool plain_bm25) {
    SearchRequest request;
    request.ranking = plain_bm25 ? RankingParams{} : g_ranking;
    if (plain_bm25) {
        request.ranking.bm25_k1 = 1.2;
        request.ranking.bm25_b = 0.75;
    }
    request.query = query.text;
    request.page = 1;
    request.size = kCutoff;
    request.group = Grouping::section;
    request.language = query.language;
    request.features = features;
    return request;
}

// Section keys of a section list, best first.
std::vector<std::string> section_keys(const SearchResponse& response) {
    std::vector<std::string> keys;
    for (const auto& hit : response.hits)
        if (!hit.sections.empty()) keys.push_back(section_key(hit.article.id, hit.sections.front().anchor));
    return keys;
}

// Latency covers the search and the JSON encoding of its reply, the in-process work of
// /api/search. With `keep_top` (the first configuration), also the first results of each query
// and its re-ranking ceiling, from one more search kCeilingDepth deep that is not timed.
// Nullopt when interrupted.
std::optional<ConfigRun> run_configuration(Searcher& searcher, const Configuration& config,
                                           const std::vector<JudgedQuery>& queries, bool keep_top) {
    const auto started = std::chrono::steady_clock::now();
    ConfigRun run;
    run.config = &config;
    run.outcomes.reserve(queries.size());
    std::size_t reply_bytes = 0;
    // One search and the encoding of its reply; `ms` is what they took.
    auto timed_search = [&](const SearchRequest& request, double& ms) {
        const auto t0 = std::chrono::steady_clock::now();
        auto response = searcher.search(request);
        if (response) reply_bytes += dump_json(nlohmann::json(response.value())).size();
        ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return response;
    };
    for (const auto& query : queries) {
        if (interrupted()) return std::nullopt;
        const SearchRequest request = section_request(query, config.features, config.plain_bm25);
        Outcome outcome;
        auto response = timed_search(request, outcome.ms);
        outcome.settled_ms = outcome.ms;
        if (outcome.ms > kLatencyBudgetMs) {
            std::vector<double> runs{outcome.ms};
            // The same request again: only its time is wanted, its hits are the first run's.
            for (int i = 0; i < kRetimings; ++i) (void)timed_search(request, runs.emplace_back());
            outcome.settled_ms = percentile(runs, 50);
        }
        std::vector<std::string> ranked;
        std::vector<TopHit> top;
        if (!response) {
            outcome.failed = true;
            if (run.error_count++ < kErrorsShown)
                run.errors.push_back(query.qid + ": " + to_string(response.error().code) + ": " +
                                     response.error().message);
        } else {
            ranked = section_keys(response.value());
            for (const auto& hit : response.value().hits) {
                if (!keep_top || top.size() == kTopShown) break;
                if (hit.sections.empty()) continue;
                const auto& section = hit.sections.front();
                top.push_back(TopHit{section_key(hit.article.id, section.anchor),
                                     hit.article.title + " \u203a " + section.heading});
            }
        }
        if (keep_top && response && query.has_relevant()) {
            SearchRequest deeper = request;
            deeper.size = kCeilingDepth;
            if (auto more = searcher.search(deeper)) outcome.ceiling = recall_ceiling(section_keys(more.value()), query);
        }
        outcome.scores = score_ranking(ranked, query);
        outcome.ranked = std::move(ranked);
        run.outcomes.push_back(outcome);
        if (keep_top) run.top.push_back(std::move(top));
    }
    run.seconds = seconds_since(started);
    (void)reply_bytes;  // encoded only so that its cost is measured
    return run;
}

// ---- summaries and output ----

struct Row {
    std::string config;
    std::size_t queries = 0;   // run (errors and latency are over these)
    std::size_t judged = 0;    // with a relevant section (the measures average over these)
    std::size_t errors = 0;
    std::size_t over_budget = 0;    // by settled_ms
    std::size_t stalled_once = 0;   // over the budget on the first run only
    double ndcg = 0, recall = 0, mrr = 0, success = 0;
    double ceiling = 0;  // mean Outcome::ceiling (first configuration only)
    std::size_t with_top = 0;  // judged queries with a kTopGrade section
    double top_recall = 0;     // mean QueryScores::top_recall over them
    double median_ms = 0, p95_ms = 0, max_ms = 0;
};

Row summarize(const ConfigRun& run, const std::vector<JudgedQuery>& queries, Split split) {
    Row row;
    row.config = run.config->name;
    std::vector<double> ms;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (queries[i].split != split) continue;
        const Outcome& o = run.outcomes[i];
        ++row.queries;
        ms.push_back(o.ms);
        if (o.failed) ++row.errors;
        if (o.settled_ms > kLatencyBudgetMs) ++row.over_budget;
        else if (o.ms > kLatencyBudgetMs) ++row.stalled_once;
        if (!queries[i].has_relevant()) continue;
        ++row.judged;
        row.ndcg += o.scores.ndcg;
        row.recall += o.scores.recall;
        row.mrr += o.scores.rr;
        row.success += o.scores.success;
        row.ceiling += o.ceiling;
        if (queries[i].top_grade_count() > 0) {
            ++row.with_top;
            row.top_recall += o.scores.top_recall;
        }
    }
    if (row.with_top > 0) row.top_recall /= double(row.with_top);
    if (row.judged > 0) {
        const double n = double(row.judged);
        row.ndcg /= n;
        row.recall /= n;
        row.mrr /= n;
        row.success /= n;
        row.ceiling /= n;
    }
    row.median_ms = percentile(ms, 50);
    row.p95_ms = percentile(ms, 95);
    row.max_ms = ms.empty() ? 0 : ms.back();  // percentile() sorted them
    return row;
}

void print_table(const std::vector<Row>& rows, bool markdown) {
    if (markdown) {
        std::printf("| configuration | queries | nDCG@10 | Recall@10 | MRR@10 | Success@1 | errors "
                    "| median ms | p95 ms | max ms |\n");
        std::printf("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (const auto& r : rows)
            std::printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f | %zu | %.2f | %.2f | %.2f |\n", r.config.c_str(),
                        r.queries, r.ndcg, r.recall, r.mrr, r.success, r.errors, r.median_ms, r.p95_ms, r.max_ms);
        std::printf("\n");
        return;
    }
    std::printf("%-18s %7s %8s %9s %7s %9s %6s %9s %7s %7s\n", "configuration", "queries", "nDCG@10", "Recall@10",
                "MRR@10", "Success@1", "errors", "median ms", "p95 ms", "max ms");
    for (const auto& r : rows)
        std::printf("%-18s %7zu %8.3f %9.3f %7.3f %9.3f %6zu %9.2f %7.2f %7.2f\n", r.config.c_str(), r.queries,
                    r.ndcg, r.recall, r.mrr, r.success, r.errors, r.median_ms, r.p95_ms, r.max_ms);
}

// How much of the first configuration's missing Recall@10 is ordering, and how much is sections
// it does not retrieve at all in its first kCeilingDepth results.
void print_ceiling(const Row& row, bool markdown) {
    if (row.judged == 0) return;
    std::printf("%sRe-ranking ceiling of %s: Recall@10 %.3f if its first %zu results were perfectly ordered "
                "(it has %.3f); the rest of the gap is relevant sections below them.\n%s",
                markdown ? "" : "  ", row.config.c_str(), row.ceiling, kCeilingDepth, row.recall, markdown ? "\n" : "");
}

// Recall@10 counts grade-1 sections (related, or answering in part) as fully as grade-2 ones;
// the share of grade-2 sections found says how much of the gap is the outright answers.
void print_top_recall(const Row& row, bool markdown) {
    if (row.with_top == 0) return;
    std::printf("%sGrade-%d sections alone: Recall@10 %.3f of %s, over the %zu queries that have one.\n%s",
                markdown ? "" : "  ", kTopGrade, row.top_recall, row.config.c_str(), row.with_top, markdown ? "\n" : "");
}

// One line on the criterion: no error and nothing over the budget, or what was.
void print_budget(const std::vector<Row>& rows, bool markdown) {
    std::string failures;
    for (const auto& r : rows) {
        if (r.errors == 0 && r.over_budget == 0) continue;
        if (!failures.empty()) failures += "; ";
        failures += r.config + ": " + std::to_string(r.errors) + " error(s), " + std::to_string(r.over_budget) +
                    " quer" + (r.over_budget == 1 ? "y" : "ies") + " over " + std::to_string(int(kLatencyBudgetMs)) +
                    " ms";
    }
    std::size_t stalled = 0;
    for (const auto& r : rows) stalled += r.stalled_once;
    // Said, not hidden: how many first runs were over the budget while the query itself was not.
    std::string retimed;
    if (stalled > 0)
        retimed = " (" + std::to_string(stalled) + " first run" + (stalled == 1 ? "" : "s") + " over " +
                  std::to_string(int(kLatencyBudgetMs)) + " ms, within it as the median of " +
                  std::to_string(1 + kRetimings) + " runs)";
    if (failures.empty())
        std::printf("%sEvery query of every configuration answered without error within %d ms%s.\n\n",
                    markdown ? "" : "  ", int(kLatencyBudgetMs), retimed.c_str());
    else
        std::printf("%sOver the budget (errors, or a median of %d runs > %d ms): %s%s.\n\n", markdown ? "" : "  ",
                    1 + kRetimings, int(kLatencyBudgetMs), failures.c_str(), retimed.c_str());
}

std::string judged_summary(const JudgedQuery& query) {
    std::vector<std::pair<int, std::string>> items;
    for (const auto& [key, grade] : query.grades) items.emplace_back(grade, key);
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < kJudgedShown; ++i) {
        if (i) out += ", ";
        out += items[i].second + " (" + std::to_string(items[i].first) + ")";
    }
    if (items.size() > kJudgedShown) out += ", +" + std::to_string(items.size() - kJudgedShown) + " more";
    return out;
}

// The `count` queries with the lowest nDCG@10 under `run` (the full configuration), with the
// judged sections and the first results, each with its grade.
void print_worst(const std::string& set, const ConfigRun& run, const std::vector<JudgedQuery>& queries,
                 std::size_t count, bool markdown) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < queries.size(); ++i)
        if (queries[i].has_relevant()) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& sa = run.outcomes[a].scores;
        const auto& sb = run.outcomes[b].scores;
        if (sa.ndcg != sb.ndcg) return sa.ndcg < sb.ndcg;
        if (sa.rr != sb.rr) return sa.rr < sb.rr;
        return queries[a].qid < queries[b].qid;
    });
    if (order.size() > count) order.resize(count);

    if (markdown) std::printf("#### %s: the %zu worst queries of \"%s\"\n\n```text\n", set.c_str(), order.size(),
                              run.config->name.c_str());
    else std::printf("%s: the %zu worst queries of \"%s\" (lowest nDCG@10; [grade] before each result)\n",
                     set.c_str(), order.size(), run.config->name.c_str());
    for (std::size_t n = 0; n < order.size(); ++n) {
        const std::size_t i = order[n];
        const auto& q = queries[i];
        const auto& s = run.outcomes[i].scores;
        std::printf("%2zu. %s [%s] nDCG %.3f RR %.3f  \"%s\"\n", n + 1, q.qid.c_str(), to_string(q.split), s.ndcg, s.rr,
                    q.text.c_str());
        std::printf("    judged: %s\n", judged_summary(q).c_str());
        if (run.outcomes[i].failed) std::printf("    (the search failed)\n");
        else if (run.top[i].empty()) std::printf("    (no results)\n");
        for (std::size_t r = 0; r < run.top[i].size(); ++r) {
            const auto& hit = run.top[i][r];
            auto found = q.grades.find(hit.key);
            std::printf("    %zu) [%d] %s  %s\n", r + 1, found == q.grades.end() ? 0 : found->second,
                        hit.key.c_str(), hit.label.c_str());
        }
    }
    std::printf(markdown ? "```\n\n" : "\n");
}

// ---- sets ----

struct QuerySet {
    std::string name;         // corpus, medquad, liveqa
    std::string description;  // where the queries come from
    std::string index;        // the BuiltIndex name it runs on
    std::vector<JudgedQuery> queries;
};

std::vector<Split> reported_splits(SplitChoice choice) {
    switch (choice) {
        case SplitChoice::dev: return {Split::dev};
        case SplitChoice::test: return {Split::test};
        case SplitChoice::all: break;
    }
    return {Split::dev, Split::test};
}

// Says plainly that a set does not run, and why.
void print_skip(const std::string& name, const std::string& reason, bool markdown) {
    std::printf("%s%s: skipped: %s\n", markdown ? "- Set " : "", name.c_str(), reason.c_str());
}

// Loads a query file, keeps the chosen split and samples; nullopt (after saying why on
// stdout) when the set cannot run.
std::optional<QuerySet> load_set(const std::string& name, const fs::path& file, std::string_view field,
                                 const Options& options, std::size_t limit, const std::string& why_absent) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        print_skip(name, why_absent + " (" + display_path(file) + " not found)", options.markdown);
        return std::nullopt;
    }
    std::vector<Diagnostic> problems;
    std::vector<JudgedQuery> all;
    load_queries(file, field, all, problems);
    report_problems(kProgram, file.string() + " (these lines are left out)", problems);
    std::vector<JudgedQuery> chosen;
    for (auto& q : all)
        if (options.split == SplitChoice::all || (options.split == SplitChoice::dev) == (q.split == Split::dev))
            chosen.push_back(std::move(q));
    if (chosen.empty()) {
        print_skip(name, "no usable queries in " + display_path(file) + " for this split", options.markdown);
        return std::nullopt;
    }
    QuerySet set;
    set.name = name;
    set.description = display_path(file) + " (\"" + std::string(field) + "\"";
    if (limit != 0 && limit < chosen.size())
        set.description += ", a deterministic sample of " + std::to_string(limit) + " of " +
                           std::to_string(chosen.size());
    set.description += ")";
    set.queries = sample_queries(std::move(chosen), limit);
    return set;
}

// Says how many judged sections the index does not have: a stale judgement file makes every
// figure lower than it should be.
void check_judgements(const QuerySet& set, const BuiltIndex& index, bool markdown) {
    std::size_t missing = 0;
    std::string example;
    for (const auto& q : set.queries)
        for (const auto& [key, grade] : q.grades)
            if (grade > 0 && !index.keys.contains(key)) {
                if (missing++ == 0) example = q.qid + ": " + key;
            }
    if (missing > 0)
        std::printf("%sNote: %zu judged section(s) are not in the index (first: %s); they count as relevant "
                    "but cannot be found.\n\n", markdown ? "" : "  ", missing, example.c_str());
}

// Appends one line per query and configuration, to compare configurations query by query.
void write_per_query(const fs::path& path, const QuerySet& set, const std::vector<ConfigRun>& runs) {
    std::ofstream out(path, std::ios::app);
    for (const auto& run : runs) {
        for (std::size_t i = 0; i < set.queries.size(); ++i) {
            const auto& q = set.queries[i];
            const auto& o = run.outcomes[i];
            nlohmann::json line = {{"set", set.name}, {"config", run.config->name}, {"qid", q.qid},
                                   {"split", to_string(q.split)}, {"query", q.text}, {"ndcg", o.scores.ndcg},
                                   {"recall", o.scores.recall}, {"rr", o.scores.rr}, {"ms", o.ms},
                                   {"failed", o.failed}, {"ranked", o.ranked}};
            if (&run == &runs.front()) line["ceiling"] = o.ceiling;
            if (q.top_grade_count() > 0) line["top_recall"] = o.scores.top_recall;
            out << dump_json(line) << '\n';
        }
    }
    if (!out) progress(kProgram, "--per-query: cannot write " + path.string());
}

// Runs every configuration over the set and prints one table per split. False when interrupted.
bool run_set(const QuerySet& set, const BuiltIndex& index, const std::vector<Configuration>& configs,
             const Options& options, const std::shared_ptr<const WordList>& words) {
    std::vector<ConfigRun> runs;
    for (const auto& config : configs) {
        auto searcher = Searcher::open(index.dir, words);
        if (!searcher) {
            std::printf("%s: cannot open the index: %s\n", set.name.c_str(), searcher.error().message.c_str());
            return true;
        }
        const bool keep_top = &config == &configs.front();
        auto run = run_configuration(searcher.value(), config, set.queries, keep_top);
        if (!run) return false;
        progress(kProgram, set.name + ": " + config.name + ": " + std::to_string(set.queries.size()) + " queries in " +
                 format_seconds(run->seconds));
        runs.push_back(std::move(*run));
    }

    const bool md = options.markdown;
    if (md) std::printf("### %s\n\nQueries: %s, on index %s.\n\n", set.name.c_str(), set.description.c_str(),
                        index.name.c_str());
    else std::printf("== %s: %s, on index %s\n", set.name.c_str(), set.description.c_str(), index.name.c_str());
    check_judgements(set, index, md);

    for (Split split : reported_splits(options.split)) {
        std::vector<Row> rows;
        for (const auto& run : runs) rows.push_back(summarize(run, set.queries, split));
        if (md) std::printf("%s split: %zu queries, %zu with a relevant section.\n\n", to_string(split),
                            rows.front().queries, rows.front().judged);
        else std::printf("-- %s split: %zu queries, %zu with a relevant section\n", to_string(split),
                         rows.front().queries, rows.front().judged);
        if (rows.front().queries == 0) continue;
        print_table(rows, md);
        print_ceiling(rows.front(), md);
        print_top_recall(rows.front(), md);
        print_budget(rows, md);
    }
    for (const auto& run : runs) {
        if (run.errors.empty()) continue;
        std::printf("%s errors (%zu):\n", run.config->name.c_str(), run.error_count);
        for (const auto& e : run.errors) std::printf("  %s\n", e.c_str());
    }
    if (options.worst > 0) print_worst(set.name, runs.front(), set.queries, options.worst, md);
    if (!options.per_query.empty()) write_per_query(options.per_query, set, runs);
    return true;
}

// ---- the run ----

void print_header(const std::string& command, bool markdown) {
    const unsigned cpus = std::thread::hardware_concurrency();
    if (markdown) {
        std::printf("## Relevance, %s\n\n- Command: `%s`\n- Machine: %u CPUs (nproc), %s; one search thread\n",
                    utc_now().c_str(), command.c_str(), cpus, cpu_model().c_str());
    } else {
        std::printf("%s, %s, %u CPUs, %s\ncommand: %s\n", kProgram, utc_now().c_str(), cpus, cpu_model().c_str(),
                    command.c_str());
    }
}

void print_index(const BuiltIndex& index, bool markdown) {
    std::printf("%sIndex %s: %zu articles, %zu sections, %zu synonym rules; built in %.1f s (%.0f sections/s)\n",
                markdown ? "- " : "", index.name.c_str(), index.articles, index.sections, index.synonym_rules,
                index.seconds, index.seconds > 0 ? double(index.sections) / index.seconds : 0.0);
}

int run(const Options& options, const std::string& command) {
    const bool md = options.markdown;
    auto wanted = [&](std::string_view set) {
        return std::find(options.sets.begin(), options.sets.end(), set) != options.sets.end();
    };
    print_header(command, md);

    // Query files first, so that a missing or broken one is known before a 40 s build.
    const fs::path medquad_corpus = options.medquad / "corpus.jsonl";
    const std::string shared_absent = "the shared MedQuAD data is absent";
    std::error_code ec;
    const bool have_medquad = fs::is_regular_file(medquad_corpus, ec);
    std::vector<QuerySet> sets;
    // Our own sets, all searched on our corpus.
    const struct { const char* name; const fs::path& file; const char* none; } own[] = {
        {"corpus", options.judged, "no judged queries yet"},
        {"heldout", options.heldout, "no held-out queries"},
        {"blind-dev", options.blind_dev, "no blind-dev queries"},
        {"blind-check", options.blind_check, "no blind-check queries"},
    };
    for (const auto& o : own) {
        if (!wanted(o.name)) continue;
        if (!fs::is_directory(options.corpus, ec))
            print_skip(o.name, "no corpus (" + display_path(options.corpus) + " not found)", md);
        else if (auto s = load_set(o.name, o.file, "query", options, 0, o.none))
            sets.push_back(std::move(*s));
    }
    for (const std::string name : {"medquad", "liveqa"}) {
        if (!wanted(name)) continue;
        if (!have_medquad) {
            print_skip(name, shared_absent + " (" + display_path(medquad_corpus) + " not found)", md);
            continue;
        }
        auto s = name == "medquad"
                     ? load_set(name, options.medquad / "queries.jsonl", "query", options, options.medquad_queries,
                                shared_absent)
                     : load_set(name, options.medquad / "liveqa" / "queries.jsonl", options.liveqa_field, options, 0,
                                shared_absent);
        if (s) sets.push_back(std::move(*s));
    }
    for (auto& s : sets) s.index = (s.name == "medquad" || s.name == "liveqa") ? "medquad" : "corpus";
    if (sets.empty()) {
        std::printf("Nothing to measure: every set was skipped.\n");
        return kFailed;
    }

    auto temp = TempDir::create(fs::temp_directory_path(), "medsearch-bench");
    if (!temp) {
        std::cerr << kProgram << ": cannot create a temporary directory under " << fs::temp_directory_path() << '\n';
        return kFailed;
    }
    auto words = WordList::load(options.word_lists);
    if (!words) {
        std::cerr << kProgram << ": --words: " << words.error().message << '\n';
        return kFailed;
    }
    std::printf("%sWord lists: %s\n", md ? "- " : "",
                describe_word_lists(options.word_lists, words.value().size()).c_str());
    const auto shared_words = std::make_shared<const WordList>(std::move(words).value());
    std::vector<fs::path> our_vocabulary;
    if (fs::exists(options.synonyms, ec)) our_vocabulary.push_back(options.synonyms);
    else std::printf("%sNo synonyms at %s: indexing without our vocabulary.\n", md ? "- " : "",
                     display_path(options.synonyms).c_str());

    std::vector<BuiltIndex> indexes;
    for (const std::string name : {"corpus", "medquad"}) {
        if (std::none_of(sets.begin(), sets.end(), [&](const QuerySet& s) { return s.index == name; })) continue;
        progress(kProgram, "indexing " + name + "...");
        std::vector<fs::path> inputs{name == "corpus" ? options.corpus : medquad_corpus};
        std::vector<fs::path> vocabularies;
        if (name == "medquad") vocabularies.push_back(options.medquad / "synonyms.tsv");
        vocabularies.insert(vocabularies.end(), our_vocabulary.begin(), our_vocabulary.end());
        auto built = build_index(kProgram, name, temp->path() / name, inputs, vocabularies);
        if (interrupted()) return kInterrupted;
        if (!built) {
            std::cerr << kProgram << ": index " << name << ": " << built.error().message << '\n';
            return kFailed;
        }
        print_index(built.value(), md);
        indexes.push_back(std::move(built).value());
    }
    std::printf("\n");

    const auto configs = configurations();
    for (const auto& set : sets) {
        auto index = std::find_if(indexes.begin(), indexes.end(), [&](const BuiltIndex& i) { return i.name == set.index; });
        if (!run_set(set, *index, configs, options, shared_words)) return kInterrupted;
        std::fflush(stdout);
    }
    return kOk;
}

int usage_error(const std::string& message, const po::options_description& visible) {
    std::cerr << kProgram << ": " << message << "\n\nusage: " << kProgram << " [options]\n" << visible;
    return kUsage;
}

std::string set_names() {
    std::string out;
    for (const auto name : kSetNames) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    const fs::path root = PROJECT_ROOT_DIR;
    Options options;
    options.corpus = root / "corpus";
    options.synonyms = root / "synonyms";
    options.judged = root / "tests" / "relevance" / "judged.jsonl";
    options.heldout = root / "tests" / "relevance" / "heldout.jsonl";
    options.blind_dev = root / "tests" / "relevance" / "blind-dev.jsonl";
    options.blind_check = root / "tests" / "relevance" / "blind-check.jsonl";
    options.medquad = (root / ".." / "shared" / "data" / "medquad").lexically_normal();
    std::string sets = "corpus,heldout,medquad,liveqa";
    std::vector<std::string> params;
    bool full_only = false;
    std::string split = "all";
    std::vector<fs::path> word_lists;
    bool no_words = false;

    po::options_description visible("options");
    visible.add_options()
        ("help,h", "show this help")
        ("sets", po::value<std::string>(&sets)->default_value(sets)->value_name("LIST"),
         ("query sets to run, comma-separated: " + set_names()).c_str())
        ("split", po::value<std::string>(&split)->default_value(split)->value_name("dev|test|all"),
         "queries to run: the development split (~30% of qids, by hash), the test split, or all "
         "(dev and test reported in separate tables)")
        ("medquad-queries", po::value<std::size_t>(&options.medquad_queries)->default_value(options.medquad_queries)
                                ->value_name("N"),
         "MedQuAD queries to run: a deterministic sample by qid hash; 0 = all 14,361")
        ("liveqa-field", po::value<std::string>(&options.liveqa_field)->default_value(options.liveqa_field)
                             ->value_name("query|paraphrase"),
         "LiveQA text to search: the NLM summary (query) or the NIST paraphrase")
        ("markdown", po::bool_switch(&options.markdown), "print Markdown, ready for bench/RESULTS.md")
        ("param", po::value<std::vector<std::string>>(&params)->value_name("NAME=VALUE"),
         "override a ranking weight (RankingParams in searcher.hpp) for every configuration but the "
         "baseline, e.g. --param bm25_b=0.5; repeatable; for tuning on --split dev")
        ("full-only", po::bool_switch(&full_only), "run only the full configuration and the baseline")
        ("worst", po::value<std::size_t>(&options.worst)->default_value(options.worst)->value_name("N"),
         "also print the N queries of each set with the lowest nDCG@10 under \"full\", with their top 3")
        ("per-query", po::value<fs::path>(&options.per_query)->value_name("FILE"),
         "append every query's scores and first page, per configuration, to FILE (JSON Lines)")
        ("corpus", po::value<fs::path>(&options.corpus)->default_value(options.corpus)->value_name("DIR"),
         "our articles (set corpus)")
        ("synonyms", po::value<fs::path>(&options.synonyms)->default_value(options.synonyms)->value_name("DIR"),
         "our vocabulary, added to both indexes")
        ("judged", po::value<fs::path>(&options.judged)->default_value(options.judged)->value_name("FILE"),
         "judged queries for our corpus, queries.jsonl format")
        ("heldout", po::value<fs::path>(&options.heldout)->default_value(options.heldout)->value_name("FILE"),
         "blind judged queries for our corpus, written without sight of the vocabulary; never tuned on")
        ("blind-dev", po::value<fs::path>(&options.blind_dev)->default_value(options.blind_dev)->value_name("FILE"),
         "blind judged queries for our corpus, for tuning (set blind-dev)")
        ("blind-check", po::value<fs::path>(&options.blind_check)->default_value(options.blind_check)->value_name("FILE"),
         "blind judged queries for our corpus, for out-of-sample checks only; never tuned on (set blind-check)")
        ("medquad", po::value<fs::path>(&options.medquad)->default_value(options.medquad)->value_name("DIR"),
         "the shared MedQuAD folder (corpus.jsonl, queries.jsonl, synonyms.tsv, liveqa/)")
        ("words", po::value<std::vector<fs::path>>(&word_lists)->value_name("FILE"),
         "word list of correctly spelled words, as medsearch-server --words; repeatable; default: Debian's "
         "/usr/share/dict/american-english and /usr/share/dict/spanish when installed")
        ("no-words", po::bool_switch(&no_words), "use no word list");

    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, visible), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(e.what(), visible);
    }
    if (vm.count("help")) {
        std::cout << "usage: " << kProgram << " [options]\n"
                     "Indexes our corpus and the shared MedQuAD corpus into a temporary directory, runs the\n"
                     "judged query sets as /api/search?group=section does, and prints nDCG@10, Recall@10,\n"
                     "MRR@10, Success@1, errors and latency for the full engine, the plain-BM25 baseline and\n"
                     "one ablation per feature. Details: bench/README.md.\n\n"
                  << visible;
        return kOk;
    }
    for (const auto& p : params)
        if (!set_ranking_param(g_ranking, p)) return usage_error("--param: unknown or malformed \"" + p + "\"", visible);
    g_full_only = full_only;
    auto chosen = chosen_word_lists(word_lists, no_words);
    if (!chosen) return usage_error(chosen.error().message, visible);
    options.word_lists = std::move(chosen).value();
    if (split == "dev") options.split = SplitChoice::dev;
    else if (split == "test") options.split = SplitChoice::test;
    else if (split != "all") return usage_error("--split: expected dev, test or all, got \"" + split + "\"", visible);
    if (options.liveqa_field != "query" && options.liveqa_field != "paraphrase")
        return usage_error("--liveqa-field: expected query or paraphrase, got \"" + options.liveqa_field + "\"",
                           visible);
    options.sets = split_list(sets);
    for (const auto& s : options.sets)
        if (std::find(std::begin(kSetNames), std::end(kSetNames), s) == std::end(kSetNames))
            return usage_error("--sets: expected some of " + set_names() + "; got \"" + s + "\"", visible);
    if (options.sets.empty()) return usage_error("--sets: name at least one set", visible);

    stop_on_signals();
    const int status = run(options, command_line(argc, argv));  // removes its temporary indexes
    if (status == kInterrupted) std::cerr << kProgram << ": interrupted; temporary indexes removed\n";
    return status;
} catch (const std::exception& e) {
    std::cerr << kProgram << ": internal error: " << e.what() << '\n';
    return kFailed;
}
