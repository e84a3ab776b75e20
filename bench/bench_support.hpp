// What the benchmark programs (medsearch-bench-relevance, -index, -typos) share around their
// measurements: a self-removing temporary directory, the facts of a run's header, progress
// lines, paths shown relative to the repository, the SIGINT/SIGTERM flag, and building a
// throwaway index from a corpus as medsearch-index does. Not thread-safe: one thread per program.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "medsearch/ingest.hpp"
#include "medsearch/result.hpp"
#include "medsearch/synonyms.hpp"

namespace medsearch::bench {

// A fresh directory `<base>/<prefix>-XXXXXX`, removed with everything in it on destruction.
class TempDir {
public:
    // Nullopt when the directory cannot be made.
    static std::optional<TempDir> create(const std::filesystem::path& base, std::string_view prefix);
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
    std::filesystem::path path_;
};

// ---- a run's header ----

std::string cpu_model();  // /proc/cpuinfo's first "model name", or "unknown CPU"
std::string utc_now();    // "2026-12-07 01:33 UTC"
std::string command_line(int argc, char** argv);  // the arguments joined by single spaces
// `path` relative to the repository root when that is shorter ("tests/relevance/judged.jsonl",
// "../shared/data/medquad/queries.jsonl"), so that printed figures do not name one checkout.
std::string display_path(const std::filesystem::path& path);

// The word lists a run searches with, for its header: "<files, as display_path> (N words)", or
// that there are none. `word_count`: the loaded WordList's size().
std::string describe_word_lists(const std::vector<std::filesystem::path>& files, std::size_t word_count);

// ---- progress and problems, on stderr ----

// "<program>: <message>", after what stdout holds so far so that `2>&1` keeps the order.
void progress(std::string_view program, const std::string& message);
// "<program>: <what>: N problem(s):" and the first ten of them.
void report_problems(std::string_view program, std::string_view what, const std::vector<Diagnostic>& problems);

double seconds_since(std::chrono::steady_clock::time_point start);

// The items of a comma-separated option ("corpus,heldout"), empty items left out.
std::vector<std::string> split_list(std::string_view text);

// ---- interruption ----

// From now on SIGINT and SIGTERM only set the flag interrupted() reads: the loops stop and the
// temporary directories are removed on the way out.
void stop_on_signals();
bool interrupted() noexcept;

// ---- a throwaway index ----

struct BuiltIndex {
    std::string name;
    std::filesystem::path dir;
    std::size_t articles = 0;
    std::size_t sections = 0;
    std::size_t synonym_rules = 0;
    double seconds = 0;  // reading, analysing, writing and publishing
    std::unordered_set<std::string> keys;  // section_key of every indexed section
};

// What a program may read while build_index runs, beside the index itself.
struct IndexHooks {
    std::function<void(const Article&)> on_article;        // each article indexed, in corpus order
    std::function<void(const SynonymMap&)> on_vocabulary;  // the vocabulary published with it
};

// Builds and publishes an index in `dir` from `inputs` (files or directories of articles) with
// the rules of `vocabularies`, as medsearch-index does, except that invalid articles are
// reported (as `program`'s, under "index <name>") and left out instead of stopping the build.
// Errors: invalid_input when no article is left; internal "interrupted" after stop_on_signals'
// signal; the index writer's errors.
Result<BuiltIndex> build_index(std::string_view program, const std::string& name, const std::filesystem::path& dir,
                               const std::vector<std::filesystem::path>& inputs,
                               const std::vector<std::filesystem::path>& vocabularies, const IndexHooks& hooks = {});

}  // namespace medsearch::bench
