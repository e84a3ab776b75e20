// medsearch-bench-index: indexing throughput on the shared MedQuAD corpus, against a raw-Xapian
// floor measured in the same run, and the cost of an incremental reindex against a full one.
// Prints figures; never asserts them (../shared/DESIGN.md).
//
//  - floor: read the JSON Lines, parse each line (nlohmann), and index every section's title and
//    text with a plain Xapian::TermGenerator (English stemmer, positions), its text as the
//    document data and a Q<id>#<anchor> term, into a new glass database; commit.
//  - medsearch full: medsearch::reindex(ReindexMode::full) — exactly what `medsearch-index
//    --full` does: validate the batch, write, spelling, metadata, sync, checks, publish.
//  - medsearch incremental: the corpus with --changed-percent of the articles edited (one
//    sentence appended to their first section, or with --edit title their title changed so that
//    every section changes; articles spread evenly), reindexed incrementally over the full build.
// Both full builds use the same flush threshold (medsearch's default) and the same sync policy (one fsync of
// every file at the end, no fsync per automatic commit), so they differ only in what they index.
// Runs alternate floor / medsearch --runs times; the best wall time of each is compared, and CPU
// time (user + sys of this process) is shown too because the machine may be shared. The
// incremental run is repeated --runs times too (editing, then restoring, the same articles), and
// compared with the full rebuild best-to-best and median-to-median.
//
// Exit status: 0 measured; 1 the corpus is absent or a build failed; 2 usage.
#include <boost/program_options.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/index_writer.hpp"
#include "bench_support.hpp"

#ifndef PROJECT_ROOT_DIR
#error "PROJECT_ROOT_DIR must name the repository root (bench/CMakeLists.txt defines it)"
#endif

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace medsearch;
using namespace medsearch::bench;

namespace {

enum Exit { kOk = 0, kFailed = 1, kUsage = 2 };
constexpr const char* kProgram = "medsearch-bench-index";

struct Timing {
    double wall = 0;  // seconds
    double cpu = 0;   // user + sys seconds of this process
    std::size_t sections = 0;
};

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

class Stopwatch {
public:
    Stopwatch() : wall_(std::chrono::steady_clock::now()), cpu_(cpu_seconds()) {}
    Timing stop(std::size_t sections) const {
        return Timing{std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(),
                      cpu_seconds() - cpu_, sections};
    }

private:
    std::chrono::steady_clock::time_point wall_;
    double cpu_;
};

void sync_dir_files(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir)) {
        int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
    }
}

// The floor: the least a search engine must do to index this corpus with Xapian.
Timing raw_xapian_floor(const fs::path& corpus, const fs::path& db_path) {
    Stopwatch watch;
    Xapian::WritableDatabase db(db_path.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("english"));
    std::ifstream in(corpus, std::ios::binary);
    std::string line;
    std::size_t sections = 0;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;
        const std::string id = j.value("id", "");
        const std::string title = j.value("title", "");
        for (const auto& s : j.value("sections", nlohmann::json::array())) {
            const std::string text = s.value("text", "");
            Xapian::Document doc;
            generator.set_document(doc);
            generator.index_text(title);
            generator.increase_termpos();
            generator.index_text(text);
            doc.set_data(text);
            doc.add_boolean_term("Q" + id + "#" + s.value("anchor", std::to_string(sections)));
            db.add_document(doc);
            ++sections;
        }
    }
    db.commit();
    db.close();
    sync_dir_files(db_path);
    return watch.stop(sections);
}

Timing medsearch_run(const fs::path& corpus, const std::vector<fs::path>& synonyms, const fs::path& index,
                     ReindexMode mode, ReindexReport* out) {
    ReindexOptions options;
    options.mode = mode;
    Stopwatch watch;
    ReindexReport report = reindex(index, ReindexInputs{{corpus}, synonyms}, options);
    Timing t = watch.stop(report.sections_written);
    if (report.outcome != ReindexOutcome::published && report.outcome != ReindexOutcome::up_to_date) {
        std::string message = "medsearch reindex: " + std::string(to_string(report.outcome)) + ": " + report.message;
        for (std::size_t i = 0; i < report.problems.size() && i < 5; ++i)
            message += "\n  " + format_diagnostic(report.problems[i]);
        throw std::runtime_error(message);
    }
    if (out) *out = std::move(report);
    return t;
}

// The corpus with every `step`-th article edited: one sentence appended to its first section
// (a typical edit), or with `whole_article` its title changed, which changes every section.
std::size_t write_changed_corpus(const fs::path& from, const fs::path& to, std::size_t step, bool whole_article) {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    std::string line;
    std::size_t n = 0, changed = 0;
    while (std::getline(in, line)) {
        if (n++ % step == step / 2) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.contains("sections") && !j["sections"].empty()) {
                if (whole_article) {
                    j["title"] = j.value("title", "") + " (revised)";
                } else {
                    auto& text = j["sections"][0]["text"];
                    text = text.get<std::string>() + " Revised: ask your doctor about new treatment options.";
                }
                line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                ++changed;
            }
        }
        out << line << '\n';
    }
    return changed;
}

double rate(const Timing& t, bool cpu) {
    double s = cpu ? t.cpu : t.wall;
    return s > 0 ? double(t.sections) / s : 0;
}

const Timing& best(const std::vector<Timing>& runs) {
    return *std::min_element(runs.begin(), runs.end(), [](const Timing& a, const Timing& b) { return a.wall < b.wall; });
}

double median(std::vector<Timing> runs) {
    std::sort(runs.begin(), runs.end(), [](const Timing& a, const Timing& b) { return a.wall < b.wall; });
    std::size_t n = runs.size();
    return n % 2 ? runs[n / 2].wall : (runs[n / 2 - 1].wall + runs[n / 2].wall) / 2;
}

}  // namespace

int main(int argc, char** argv) try {
    const fs::path data = fs::path(PROJECT_ROOT_DIR) / ".." / "shared" / "data" / "medquad";
    fs::path corpus = data / "corpus.jsonl";
    std::vector<fs::path> synonyms{data / "synonyms.tsv"};
    fs::path work = fs::temp_directory_path();
    int runs = 2;
    std::size_t flush_threshold = IndexOptions{}.flush_threshold;
    double changed_percent = 1.0;
    std::string edit = "section";
    po::options_description visible("options");
    visible.add_options()
        ("help,h", "show this help")
        ("corpus", po::value<fs::path>(&corpus)->value_name("FILE"),
         "JSON Lines corpus (default: ../shared/data/medquad/corpus.jsonl)")
        ("synonyms", po::value<std::vector<fs::path>>(&synonyms)->value_name("FILE"),
         "vocabulary for the medsearch builds (default: ../shared/data/medquad/synonyms.tsv)")
        ("runs", po::value<int>(&runs), "full builds of each kind, alternating (default: 2)")
        ("flush-threshold", po::value<std::size_t>(&flush_threshold),
         "XAPIAN_FLUSH_THRESHOLD for both full builds (default: medsearch's, IndexOptions::flush_threshold)")
        ("changed-percent", po::value<double>(&changed_percent), "articles edited for the incremental run (default: 1)")
        ("edit", po::value<std::string>(&edit)->value_name("section|title"),
         "how each is edited: a sentence appended to its first section, or its title changed so that "
         "every section changes (default: section)")
        ("work", po::value<fs::path>(&work)->value_name("DIR"), "where the temporary indexes go (default: the temp dir)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, visible), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << kProgram << ": " << e.what() << '\n' << visible;
        return kUsage;
    }
    if (vm.count("help")) {
        std::cout << "usage: " << kProgram << " [options]\n" << visible;
        return kOk;
    }
    if (runs < 1 || changed_percent <= 0 || changed_percent > 100 || (edit != "section" && edit != "title")) {
        std::cerr << kProgram << ": --runs must be ≥ 1, --changed-percent in (0, 100], --edit section or title\n";
        return kUsage;
    }
    std::error_code ec;
    if (!fs::is_regular_file(corpus, ec)) {
        std::printf("%s: the corpus is absent (%s): nothing measured\n", kProgram, corpus.string().c_str());
        return kFailed;
    }
    for (const auto& s : synonyms)
        if (!fs::exists(s, ec)) {
            std::printf("%s: the vocabulary is absent (%s): nothing measured\n", kProgram, s.string().c_str());
            return kFailed;
        }
    // The same flush threshold for both, set before either opens a database.
    ::setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(flush_threshold).c_str(), 1);

    auto temp = TempDir::create(work, "medsearch-bench-index");
    if (!temp) throw std::runtime_error("cannot create a directory under " + work.string());
    // The builds read a private copy, edited in place later as a librarian would edit the corpus.
    const fs::path original = corpus;
    corpus = temp->path() / "corpus.jsonl";
    fs::copy_file(original, corpus);
    std::printf("corpus: %s (%.1f MB); flush threshold %zu\n", fs::canonical(original).string().c_str(),
                double(fs::file_size(corpus)) / 1e6, flush_threshold);
    std::vector<Timing> floor_runs, full_runs;
    ReindexReport full_report;
    for (int i = 0; i < runs; ++i) {
        fs::path floor_db = temp->path() / ("floor-" + std::to_string(i));
        floor_runs.push_back(raw_xapian_floor(corpus, floor_db));
        fs::remove_all(floor_db);
        const Timing& f = floor_runs.back();
        std::printf("run %d  floor      %6.2f s wall %6.2f s cpu  %6zu sections  %5.0f sections/s\n", i + 1, f.wall,
                    f.cpu, f.sections, rate(f, false));
        std::fflush(stdout);

        fs::path index = temp->path() / "index";
        // Every run but the last starts from nothing; the last one's build is reindexed below.
        fs::remove_all(index);
        full_runs.push_back(medsearch_run(corpus, synonyms, index, ReindexMode::full, &full_report));
        const Timing& m = full_runs.back();
        std::printf("run %d  medsearch  %6.2f s wall %6.2f s cpu  %6zu sections  %5.0f sections/s"
                    "  (validate %.2f s, write %.2f s, check %.2f s)\n",
                    i + 1, m.wall, m.cpu, m.sections, rate(m, false), full_report.validate_seconds,
                    full_report.write_seconds, full_report.check_seconds);
        std::fflush(stdout);
    }
    const Timing& f = best(floor_runs);
    const Timing& m = best(full_runs);
    std::printf("\nfull build, best of %d (wall): floor %.0f sections/s, medsearch %.0f sections/s: ratio %.2f "
                "(cpu: %.0f vs %.0f sections/s, ratio %.2f)\n",
                runs, rate(f, false), rate(m, false), rate(m, false) / rate(f, false), rate(f, true), rate(m, true),
                rate(m, true) / rate(f, true));

    // Incremental: edit changed_percent of the articles and reindex over the last full build;
    // then put them back, and so on: every run changes the same share of articles.
    fs::path index = temp->path() / "index";
    fs::path edited = temp->path() / "corpus-edited.jsonl";
    fs::path pristine = temp->path() / "corpus-pristine.jsonl";
    auto step = std::size_t(std::max(1.0, 100.0 / changed_percent));
    std::size_t changed = write_changed_corpus(corpus, edited, step, edit == "title");
    fs::copy_file(corpus, pristine);
    ReindexReport inc;
    Timing none = medsearch_run(corpus, synonyms, index, ReindexMode::incremental, &inc);
    std::printf("incremental, nothing changed: %.2f s wall (%s; validate %.2f s)\n", none.wall, to_string(inc.outcome),
                inc.validate_seconds);
    std::vector<Timing> inc_runs;
    for (int i = 0; i < runs; ++i) {
        fs::copy_file(i % 2 == 0 ? edited : pristine, corpus, fs::copy_options::overwrite_existing);
        inc_runs.push_back(medsearch_run(corpus, synonyms, index, ReindexMode::incremental, &inc));
        const Timing& t = inc_runs.back();
        std::printf("run %d  incremental, %zu articles (%.1f%%, %s edit) %s: %.2f s wall, %.2f s cpu; "
                    "plan %zu added, %zu changed, %zu removed, %zu unchanged; %zu sections written "
                    "(validate %.2f s, write incl. copy and sync %.2f s, check %.2f s)\n",
                    i + 1, changed, 100.0 * double(changed) / double(full_report.articles), edit.c_str(),
                    i % 2 == 0 ? "edited" : "restored", t.wall, t.cpu, inc.plan.added.size(), inc.plan.changed.size(),
                    inc.plan.removed.size(), inc.plan.unchanged.size(), inc.sections_written, inc.validate_seconds,
                    inc.write_seconds, inc.check_seconds);
        std::fflush(stdout);
    }
    std::printf("incremental / full rebuild (wall): best %.2f s / best %.2f s = %.1f%%; median %.2f s / median %.2f s "
                "= %.1f%%\n",
                best(inc_runs).wall, m.wall, 100.0 * best(inc_runs).wall / m.wall, median(inc_runs), median(full_runs),
                100.0 * median(inc_runs) / median(full_runs));
    return kOk;
} catch (const std::exception& e) {
    std::cerr << kProgram << ": " << e.what() << '\n';
    return kFailed;
}
