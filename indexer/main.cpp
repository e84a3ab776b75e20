// medsearch-index: the batch reindex. Reads a corpus (Markdown, JSON Lines) and a vocabulary,
// checks the whole batch first, then brings the index up to date — incrementally by content
// hash, or with --full from scratch — and publishes the new build atomically; --rollback puts
// the previous build back. All the work is medsearch::reindex(); this file is flags, progress
// and reporting.
//
// Exit status (also in --help and README.md):
//   0  done: published, already up to date, planned (--dry-run) or rolled back
//   1  invalid input: every problem printed as path:line: message; nothing published
//   2  usage: bad flags
//   3  index locked by another medsearch-index, or not readable/writable
//   4  internal error
//   5  check failed: the new build failed its document count or canary queries (not
//      published), or --rollback found no earlier build to restore
#include <boost/program_options.hpp>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/index_writer.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/json_codec.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace medsearch;

namespace {

enum Exit { kOk = 0, kInvalidInput = 1, kUsage = 2, kIndexUnavailable = 3, kInternal = 4, kCheckFailed = 5 };

constexpr const char* kUsageLine =
    "usage: medsearch-index --db DIR [--synonyms FILE_OR_DIR]... [--no-synonyms] [--full] [--dry-run]\n"
    "                       [--keep-missing] [--skip-invalid] [--canaries FILE] [--report FILE] [--quiet]\n"
    "                       INPUT...\n"
    "       medsearch-index --db DIR --rollback [--report FILE]\n";

constexpr const char* kExitHelp =
    "exit status:\n"
    "  0  done: published, already up to date, planned (--dry-run) or rolled back\n"
    "  1  invalid input: every problem printed as path:line: message; nothing published\n"
    "  2  usage: bad flags\n"
    "  3  index locked by another medsearch-index, or not readable/writable\n"
    "  4  internal error\n"
    "  5  check failed: the new build failed its document count or canary queries (not\n"
    "     published), or --rollback found no earlier build to restore\n";

struct Options {
    fs::path db;
    std::vector<fs::path> synonyms;
    std::vector<fs::path> inputs;
    fs::path canaries;
    fs::path report;
    bool full = false;
    bool dry_run = false;
    bool rollback = false;
    bool keep_missing = false;
    bool skip_invalid = false;
    bool no_synonyms = false;
    bool quiet = false;
};

int exit_code(ReindexOutcome outcome) {
    switch (outcome) {
        case ReindexOutcome::published:
        case ReindexOutcome::up_to_date:
        case ReindexOutcome::planned: return kOk;
        case ReindexOutcome::invalid_input: return kInvalidInput;
        case ReindexOutcome::check_failed: return kCheckFailed;
        case ReindexOutcome::locked:
        case ReindexOutcome::unwritable: return kIndexUnavailable;
        case ReindexOutcome::internal: return kInternal;
    }
    return kInternal;
}

std::string with_commas(std::size_t n) {
    const std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

std::string duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    auto s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

// A bar with rate and ETA redrawn in place when stderr is a terminal; otherwise a plain line
// when a phase starts and every few seconds, so logs stay readable.
class ProgressPrinter {
public:
    explicit ProgressPrinter(bool terminal) : terminal_(terminal) {}

    void update(const ReindexProgress& p) {
        using Clock = std::chrono::steady_clock;
        auto now = Clock::now();
        bool new_phase = !started_ || p.phase != phase_;
        if (new_phase) {
            end_line();
            started_ = true;
            phase_ = p.phase;
            phase_start_ = now;
            last_ = now;
            if (!terminal_) std::cerr << "medsearch-index: " << phase_name(p.phase) << "…\n";
            return;
        }
        auto since_last = std::chrono::duration<double>(now - last_).count();
        bool done = p.total != 0 && p.done == p.total;
        if (since_last < (terminal_ ? 0.1 : 5.0) && !done) return;
        last_ = now;
        double elapsed = std::chrono::duration<double>(now - phase_start_).count();
        double rate = elapsed > 0 ? double(p.done) / elapsed : 0;
        double section_rate = elapsed > 0 ? double(p.sections) / elapsed : 0;
        std::string line = std::string(phase_name(p.phase)) + " ";
        if (p.total != 0) {
            double fraction = double(p.done) / double(p.total);
            if (terminal_) {
                constexpr int kWidth = 28;
                int filled = int(fraction * kWidth);
                line.append("[").append(std::size_t(filled), '#').append(std::size_t(kWidth - filled), '.').append("] ");
            }
            char pct[16];
            std::snprintf(pct, sizeof pct, "%3.0f%% ", fraction * 100);
            line += pct + with_commas(p.done) + "/" + with_commas(p.total) + " articles, " +
                    with_commas(std::size_t(section_rate)) + " sections/s, ETA " +
                    duration(rate > 0 ? double(p.total - p.done) / rate : NAN);
        } else {
            line += with_commas(p.done) + " articles, " + with_commas(p.sections) + " sections, " +
                    with_commas(std::size_t(rate)) + " articles/s";
        }
        if (terminal_) {
            std::cerr << "\r" << line << "\x1b[K" << std::flush;
            drawn_ = true;
        } else {
            std::cerr << "medsearch-index: " << line << '\n';
        }
    }

    void finish() {
        end_line();
        started_ = false;
    }

private:
    static const char* phase_name(ReindexProgress::Phase phase) {
        switch (phase) {
            case ReindexProgress::Phase::validating: return "validating";
            case ReindexProgress::Phase::writing: return "writing";
            case ReindexProgress::Phase::checking: return "checking";
        }
        return "";
    }

    // Leaves the bar drawn so far on its own line.
    void end_line() {
        if (drawn_) std::cerr << '\n';
        drawn_ = false;
    }

    bool terminal_;
    bool started_ = false;
    bool drawn_ = false;  // the terminal's current line holds a bar
    ReindexProgress::Phase phase_ = ReindexProgress::Phase::validating;
    std::chrono::steady_clock::time_point phase_start_, last_;
};

nlohmann::json report_json(const ReindexReport& r, const Options& options, int code) {
    using nlohmann::json;
    const ReindexPlan& p = r.plan;
    json problems = json::array();
    for (const auto& d : r.problems)
        problems.push_back({{"path", d.path}, {"line", d.line}, {"message", d.message}, {"text", format_diagnostic(d)}});
    json canaries = json::array();
    for (const auto& c : r.canaries)
        canaries.push_back({{"where", c.where}, {"query", c.query}, {"expected", c.expected},
                            {"passed", c.passed}, {"detail", c.detail}});
    return {
        {"outcome", to_string(r.outcome)},
        {"exit_code", code},
        {"message", r.message},
        {"index", options.db.string()},
        {"dry_run", options.dry_run},
        {"mode", p.full ? "full" : "incremental"},
        {"full_reason", p.full_reason},
        {"live_build_before", r.live_build},
        {"build", r.build},
        {"counts", {{"added", p.added.size()}, {"changed", p.changed.size()}, {"removed", p.removed.size()},
                    {"moved", p.moved.size()}, {"kept", p.kept.size()}, {"unchanged", p.unchanged.size()}}},
        {"plan", {{"added", p.added}, {"changed", p.changed}, {"removed", p.removed}, {"moved", p.moved},
                  {"kept", p.kept}, {"unchanged", p.unchanged}, {"synonyms_changed", p.synonyms_changed}}},
        {"articles", r.articles},
        {"sections", r.sections},
        {"articles_read", r.articles_read},
        {"sections_written", r.sections_written},
        {"synonym_rules", r.synonym_rules},
        {"skip_invalid", options.skip_invalid},
        {"problems", problems},
        {"canaries", canaries},
        {"seconds", {{"total", r.seconds}, {"validate", r.validate_seconds}, {"write", r.write_seconds},
                     {"check", r.check_seconds}}},
        {"sections_per_second", r.write_seconds > 0 ? double(r.sections_written) / r.write_seconds : 0.0},
    };
}

// `out`: the --report file, opened by main before the run; `path` names it in the message.
bool write_report(std::ofstream& out, const fs::path& path, const nlohmann::json& j) {
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    if (!out) {
        std::cerr << "medsearch-index: " << path.string() << ": cannot write the report\n";
        return false;
    }
    return true;
}

void print_plan(const ReindexPlan& p) {
    auto list = [](const char* what, const std::vector<std::string>& ids) {
        for (const auto& id : ids) std::printf("%-9s %s\n", what, id.c_str());
    };
    list("added", p.added);
    list("changed", p.changed);
    list("removed", p.removed);
    list("moved", p.moved);
    list("kept", p.kept);
    list("unchanged", p.unchanged);
}

// `has_live`: whether there was an index to compare the vocabulary with.
std::string plan_counts(const ReindexPlan& p, bool has_live) {
    std::string s = with_commas(p.added.size()) + " added, " + with_commas(p.changed.size()) + " changed, " +
                    with_commas(p.removed.size()) + " removed, " + with_commas(p.unchanged.size()) + " unchanged";
    if (!p.moved.empty()) s += ", " + with_commas(p.moved.size()) + " moved";
    if (!p.kept.empty()) s += ", " + with_commas(p.kept.size()) + " kept though missing";
    if (has_live) s += p.synonyms_changed ? "; synonyms changed" : "; synonyms unchanged";
    return s;
}

int run_rollback(const Options& options, std::ofstream& report) {
    auto rolled = rollback(options.db);
    int code = kOk;
    nlohmann::json j;
    if (rolled.ok()) {
        std::printf("medsearch-index: rolled back %s from %s to %s\n", options.db.string().c_str(),
                    rolled.value().from.c_str(), rolled.value().to.c_str());
        j = {{"outcome", "rolled_back"}, {"from", rolled.value().from}, {"to", rolled.value().to}};
    } else {
        const Error& e = rolled.error();
        std::cerr << "medsearch-index: " << e.message << '\n';
        code = e.code == Errc::locked || e.code == Errc::io ? kIndexUnavailable
               : e.code == Errc::not_found || e.code == Errc::index_corrupt ? kCheckFailed
                                                                           : kInternal;
        j = {{"outcome", to_string(e.code)}, {"message", e.message}};
    }
    j["exit_code"] = code;
    j["index"] = options.db.string();
    if (report.is_open() && !write_report(report, options.report, j)) return code == kOk ? kInternal : code;
    return code;
}

int run(const Options& options, std::ofstream& report) {
    ReindexOptions reindex_options;
    reindex_options.mode = options.full ? ReindexMode::full : ReindexMode::incremental;
    reindex_options.missing = options.keep_missing ? MissingArticles::keep : MissingArticles::remove;
    reindex_options.invalid = options.skip_invalid ? InvalidInput::skip : InvalidInput::refuse;
    reindex_options.dry_run = options.dry_run;
    reindex_options.keep_synonyms = options.synonyms.empty() && !options.no_synonyms;
    reindex_options.canaries = options.canaries;
    ProgressPrinter printer(::isatty(STDERR_FILENO) == 1);
    if (!options.quiet) reindex_options.progress = [&](const ReindexProgress& p) { printer.update(p); };

    ReindexReport r = reindex(options.db, ReindexInputs{options.inputs, options.synonyms}, reindex_options);
    printer.finish();
    int code = exit_code(r.outcome);

    for (const auto& p : r.problems) std::cerr << format_diagnostic(p) << '\n';
    for (const auto& c : r.canaries)
        if (!c.passed) std::cerr << c.where << ": canary \"" << c.query << "\" failed: " << c.detail << '\n';

    const ReindexPlan& plan = r.plan;
    std::string mode = plan.full ? "full rebuild (" + plan.full_reason + ")" : "incremental";
    std::string counts = plan_counts(plan, !r.live_build.empty());
    switch (r.outcome) {
        case ReindexOutcome::planned:
            print_plan(plan);
            std::printf("medsearch-index: dry run, %s: %s; nothing written\n", mode.c_str(), counts.c_str());
            break;
        case ReindexOutcome::up_to_date:
            std::printf("medsearch-index: up to date: %s articles, %s sections unchanged; nothing written (live: %s)\n",
                        with_commas(r.articles).c_str(), with_commas(r.sections).c_str(), r.live_build.c_str());
            break;
        case ReindexOutcome::published:
            if (!r.problems.empty())
                std::cerr << "medsearch-index: --skip-invalid: published without the " << r.problems.size()
                          << " problem input(s) listed above\n";
            std::printf("medsearch-index: published %s, %s: %s; %s articles, %s sections, %zu synonym rules; "
                        "%s sections written in %.2f s (validate %.2f s, write %.2f s, check %.2f s)\n",
                        r.build.c_str(), mode.c_str(), counts.c_str(), with_commas(r.articles).c_str(),
                        with_commas(r.sections).c_str(), r.synonym_rules, with_commas(r.sections_written).c_str(),
                        r.seconds, r.validate_seconds, r.write_seconds, r.check_seconds);
            break;
        default:
            std::cerr << "medsearch-index: " << r.message << '\n';
            break;
    }
    if (report.is_open() && !write_report(report, options.report, report_json(r, options, code)))
        return code == kOk ? kInternal : code;
    return code;
}

int usage_error(const std::string& message, const po::options_description& visible) {
    std::cerr << "medsearch-index: " << message << "\n\n" << kUsageLine << visible;
    return kUsage;
}

}  // namespace

int main(int argc, char** argv) try {
    Options options;
    po::options_description visible("options");
    visible.add_options()
        ("help,h", "show this help")
        ("db", po::value<fs::path>(&options.db)->value_name("DIR"), "index directory (created if missing, but not by --rollback); required")
        ("synonyms", po::value<std::vector<fs::path>>(&options.synonyms)->value_name("FILE_OR_DIR"),
         "synonym file (.txt Solr format, .tsv sets) or directory of them; repeatable. The vocabulary "
         "given replaces the stored one and must hold a rule (none given: the live index's vocabulary "
         "is kept); a change needs no document reindex")
        ("no-synonyms", po::bool_switch(&options.no_synonyms),
         "publish the build without any synonyms (clears the stored vocabulary); not with --synonyms")
        ("full", po::bool_switch(&options.full),
         "rebuild every article into a new build instead of applying only the changes (default: incremental)")
        ("dry-run", po::bool_switch(&options.dry_run),
         "print the plan (added, changed, removed, unchanged, by id) and change nothing")
        ("rollback", po::bool_switch(&options.rollback),
         "make the previous build live again, in one step; takes no INPUT")
        ("keep-missing", po::bool_switch(&options.keep_missing),
         "keep indexed articles absent from the batch (default: delete them); not with --full")
        ("skip-invalid", po::bool_switch(&options.skip_invalid),
         "publish the valid part of a batch with problems and list what was skipped (default: publish nothing)")
        ("canaries", po::value<fs::path>(&options.canaries)->value_name("FILE"),
         "queries the new build must answer before it is published: one a line, \"query => article-id\" "
         "to require that article in the top 10, '#' comments (default: none)")
        ("report", po::value<fs::path>(&options.report)->value_name("FILE"),
         "also write the summary as JSON to FILE (default: none)")
        ("quiet,q", po::bool_switch(&options.quiet), "no progress output");
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
        std::cout << kUsageLine
                  << "Brings the index in DIR up to date with the INPUT files and directories (.md, .jsonl, .html):\n"
                     "the whole batch is checked first, then only new and changed articles are written\n"
                     "(--full: all of them) into a new build beside the live one, which is checked and\n"
                     "published atomically; the previous build is kept for --rollback.\n\n"
                  << visible << '\n' << kExitHelp;
        return kOk;
    }
    if (options.db.empty()) return usage_error("--db DIR is required", visible);
    if (!options.report.empty()) {
        fs::path parent = options.report.parent_path();
        std::error_code ec;
        if (!parent.empty() && !fs::is_directory(parent, ec))
            return usage_error("--report " + options.report.string() + ": no such directory " + parent.string(), visible);
    }
    if (options.rollback) {
        if (!options.inputs.empty() || options.full || options.dry_run || options.keep_missing ||
            options.skip_invalid || !options.canaries.empty() || !options.synonyms.empty() ||
            options.no_synonyms)
            return usage_error("--rollback takes only --db, --report and --quiet", visible);
    } else {
        if (options.inputs.empty()) return usage_error("at least one INPUT file or directory is required", visible);
        if (options.no_synonyms && !options.synonyms.empty())
            return usage_error("--no-synonyms cannot be combined with --synonyms", visible);
        if (options.full && options.keep_missing)
            return usage_error(
                "--keep-missing cannot be combined with --full (a full rebuild holds exactly the batch)", visible);
    }
    // Opened now, once the flags are known to be good: a report that cannot be written (a
    // directory, a read-only file) must stop the run before it publishes or rolls back.
    std::ofstream report;
    if (!options.report.empty()) {
        report.open(options.report, std::ios::trunc);
        if (!report.is_open())
            return usage_error("--report " + options.report.string() + ": cannot write (" + std::strerror(errno) + ")",
                               visible);
    }
    return options.rollback ? run_rollback(options, report) : run(options, report);
} catch (const std::exception& e) {
    std::cerr << "medsearch-index: internal error: " << e.what() << '\n';
    return kInternal;
}
