// medsearch-index: reads a corpus (Markdown, JSON Lines) and a vocabulary, builds a new index
// beside the live one and publishes it only if the whole batch is valid.
//
// Exit status: 0 published; 1 invalid input (nothing published); 2 usage; 3 index locked or
// unwritable; 4 internal error.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/synonyms.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace medsearch;

namespace {

enum Exit { kOk = 0, kInvalidInput = 1, kUsage = 2, kIndexUnavailable = 3, kInternal = 4 };

struct Options {
    fs::path db;
    std::vector<fs::path> synonyms;
    std::vector<fs::path> inputs;
    bool quiet = false;
};

int usage_error(const std::string& message, const po::options_description& visible) {
    std::cerr << "medsearch-index: " << message << "\n\n"
              << "usage: medsearch-index --db DIR [--synonyms FILE_OR_DIR]... INPUT...\n" << visible;
    return kUsage;
}

void report(const std::vector<Diagnostic>& problems) {
    for (const auto& p : problems) std::cerr << format_diagnostic(p) << '\n';
}

int run(const Options& options) {
    auto started = std::chrono::steady_clock::now();
    std::vector<Diagnostic> problems;

    Analyzer analyzer;
    SynonymMap synonyms;
    for (const auto& path : options.synonyms) synonyms.add_path(path, analyzer, problems);

    auto files = collect_inputs(options.inputs, problems);
    if (files.empty() && problems.empty()) problems.push_back(Diagnostic{"", 0, "no .md or .jsonl files in the inputs"});

    auto builder = IndexBuilder::begin(options.db);
    if (!builder.ok()) {
        std::cerr << "medsearch-index: " << builder.error().message << '\n';
        return builder.error().code == Errc::locked || builder.error().code == Errc::io ? kIndexUnavailable : kInternal;
    }

    std::size_t articles_seen = 0;
    Status add_failure = Ok{};
    read_corpus(files, [&](Article&& article, const std::string& path, std::size_t line) {
        auto added = builder.value().add(article);
        if (!added.ok()) {
            if (added.error().code != Errc::invalid_input) {
                add_failure = added.error();
                return false;
            }
            problems.push_back(Diagnostic{path, line, added.error().message});
        }
        if (++articles_seen % 1000 == 0 && !options.quiet)
            std::cerr << "medsearch-index: " << articles_seen << " articles read\n";
        return true;
    }, problems);

    if (!add_failure.ok()) {
        std::cerr << "medsearch-index: " << add_failure.error().message << '\n';
        return kIndexUnavailable;
    }
    if (!problems.empty()) {
        report(problems);
        std::cerr << "medsearch-index: " << problems.size() << " problem(s); nothing published, "
                  << options.db.string() << " is unchanged\n";
        return kInvalidInput;  // the builder's destructor removes the unfinished build
    }
    auto summary = builder.value().publish(synonyms);
    if (!summary.ok()) {
        std::cerr << "medsearch-index: " << summary.error().message << '\n';
        return kIndexUnavailable;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("medsearch-index: published %s: %zu articles, %zu sections, %zu synonym rules in %.2f s\n",
                summary.value().build.c_str(), summary.value().articles, summary.value().sections,
                synonyms.rule_count(), seconds);
    return kOk;
}

}  // namespace

int main(int argc, char** argv) try {
    Options options;
    po::options_description visible("options");
    visible.add_options()
        ("help,h", "show this help")
        ("db", po::value<fs::path>(&options.db)->value_name("DIR"), "index directory (created if missing)")
        ("synonyms", po::value<std::vector<fs::path>>(&options.synonyms)->value_name("FILE_OR_DIR"),
         "synonym file (.txt Solr format, .tsv sets) or directory of them; repeatable")
        ("quiet,q", po::bool_switch(&options.quiet), "no progress lines");
    po::options_description all;
    all.add(visible).add_options()("input", po::value<std::vector<fs::path>>(&options.inputs));
    po::positional_options_description positional;
    positional.add("input", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(e.what(), visible);
    }
    if (vm.count("help")) {
        std::cout << "usage: medsearch-index --db DIR [--synonyms FILE_OR_DIR]... INPUT...\n"
                     "Indexes INPUT files and directories (.md, .jsonl) into DIR and publishes the new\n"
                     "index only if every input is valid.\n\n"
                  << visible
                  << "\nexit status: 0 published, 1 invalid input (nothing published), 2 usage,\n"
                     "3 index locked or unwritable, 4 internal error\n";
        return kOk;
    }
    if (options.db.empty()) return usage_error("--db DIR is required", visible);
    if (options.inputs.empty()) return usage_error("at least one INPUT file or directory is required", visible);
    return run(options);
} catch (const std::exception& e) {
    std::cerr << "medsearch-index: internal error: " << e.what() << '\n';
    return kInternal;
}
