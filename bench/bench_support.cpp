#include "bench_support.hpp"

#include <stdlib.h>  // mkdtemp

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <utility>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "relevance_eval.hpp"

#ifndef PROJECT_ROOT_DIR
#error "PROJECT_ROOT_DIR must name the repository root (bench/CMakeLists.txt defines it)"
#endif

namespace fs = std::filesystem;

namespace medsearch::bench {
namespace {

constexpr std::size_t kProblemsShown = 10;

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_signal(int) { g_interrupted = 1; }

}  // namespace

std::optional<TempDir> TempDir::create(const fs::path& base, std::string_view prefix) {
    std::string pattern = (base / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) return std::nullopt;
    return TempDir(pattern);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        auto colon = line.find(':');
        if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
    return "unknown CPU";
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string command_line(int argc, char** argv) {
    std::string out;
    for (int i = 0; i < argc; ++i) out.append(i ? " " : "").append(argv[i]);
    return out;
}

std::string display_path(const fs::path& path) {
    const fs::path relative = path.lexically_normal().lexically_relative(fs::path(PROJECT_ROOT_DIR).lexically_normal());
    if (relative.empty() || relative.string().size() >= path.string().size()) return path.string();
    return relative.string();
}

std::string describe_word_lists(const std::vector<fs::path>& files, std::size_t word_count) {
    if (files.empty()) return "none (every word the index lacks may be spell-corrected)";
    std::string out;
    for (const auto& file : files) out += (out.empty() ? "" : ", ") + display_path(file);
    return out + " (" + std::to_string(word_count) + " words)";
}

void progress(std::string_view program, const std::string& message) {
    std::fflush(stdout);
    std::cerr << program << ": " << message << '\n';
}

void report_problems(std::string_view program, std::string_view what, const std::vector<Diagnostic>& problems) {
    if (problems.empty()) return;
    std::cerr << program << ": " << what << ": " << problems.size() << " problem(s):\n";
    for (std::size_t i = 0; i < problems.size() && i < kProblemsShown; ++i)
        std::cerr << "  " << format_diagnostic(problems[i]) << '\n';
    if (problems.size() > kProblemsShown) std::cerr << "  ...\n";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        if (comma > start) out.emplace_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

void stop_on_signals() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

bool interrupted() noexcept { return g_interrupted != 0; }

Result<BuiltIndex> build_index(std::string_view program, const std::string& name, const fs::path& dir,
                               const std::vector<fs::path>& inputs, const std::vector<fs::path>& vocabularies,
                               const IndexHooks& hooks) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<Diagnostic> problems;
    Analyzer analyzer;
    SynonymMap synonyms;
    for (const auto& path : vocabularies) synonyms.add_path(path, analyzer, problems);
    auto files = collect_inputs(inputs, problems);

    auto builder = IndexBuilder::begin(dir);
    if (!builder) return builder.error();
    BuiltIndex index;
    index.name = name;
    index.dir = dir;
    Status failure = Ok{};
    read_corpus(files, [&](Article&& article, const std::string& path, std::size_t line) {
        if (interrupted()) return false;
        auto added = builder.value().add(article);
        if (!added) {
            if (added.error().code != Errc::invalid_input) {
                failure = added.error();
                return false;
            }
            problems.push_back(Diagnostic{path, line, added.error().message});
            return true;
        }
        ++index.articles;
        for (const auto& section : article.sections) index.keys.insert(section_key(article.id, section.anchor));
        if (hooks.on_article) hooks.on_article(article);
        return true;
    }, problems);
    if (interrupted()) return Error{Errc::internal, "interrupted"};
    if (!failure) return failure.error();
    report_problems(program, "index " + name + " (these are left out)", problems);
    if (index.articles == 0) return Error{Errc::invalid_input, "index " + name + ": no articles in the inputs"};

    auto summary = builder.value().publish(synonyms);
    if (!summary) return summary.error();
    index.sections = summary.value().sections;
    index.synonym_rules = synonyms.rule_count();
    index.seconds = seconds_since(started);
    if (hooks.on_vocabulary) hooks.on_vocabulary(synonyms);
    return index;
}

}  // namespace medsearch::bench
