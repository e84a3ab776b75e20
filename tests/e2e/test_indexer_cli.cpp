// The real medsearch-index binary (INDEXER_PATH) on fixture directories: exit codes, path:line
// problems on stderr, progress (plain lines, or a bar on a terminal), the plan of --dry-run,
// --report JSON, the lock, --rollback and canaries.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/temp_dir.hpp"

using medsearch::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status = -1;  // exit status, or -1 when the process did not exit normally
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// In a forked child: becomes the indexer with `args`; exits 127 if it cannot.
[[noreturn]] void exec_indexer(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    std::string program = INDEXER_PATH;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
}

// Runs the indexer with `args`, stdout and stderr to files (never a terminal: plain progress).
Run indexer(const TempDir& tmp, const std::vector<std::string>& args) {
    static int counter = 0;
    fs::path out = tmp.path() / ("out-" + std::to_string(++counter));
    fs::path err = tmp.path() / ("err-" + std::to_string(counter));
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0) ::_exit(127);
        ::dup2(o, STDOUT_FILENO);
        ::dup2(e, STDERR_FILENO);
        exec_indexer(args);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Run r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

// Runs the indexer with stderr on a pseudo-terminal (stdout to a file); `err` is what the
// terminal showed. Gives up after 60 s.
Run indexer_on_terminal(const TempDir& tmp, const std::vector<std::string>& args) {
    fs::path out = tmp.path() / "out-terminal";
    int master = -1, slave = -1;
    winsize size{};
    size.ws_col = 120;
    size.ws_row = 24;
    REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &size) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(master);
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0) ::_exit(127);
        ::dup2(o, STDOUT_FILENO);
        ::dup2(slave, STDERR_FILENO);
        exec_indexer(args);
    }
    ::close(slave);
    Run r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    char buffer[4096];
    for (;;) {  // read until the child is gone and the terminal drained (EIO once no writer is left)
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n > 0) {
                r.err.append(buffer, std::size_t(n));
                continue;
            }
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            break;
        }
    }
    ::close(master);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

std::string line(const std::string& id, const std::string& text) {
    return json{{"id", id},
                {"title", id},
                {"sections", json::array({{{"heading", "Overview"}, {"anchor", "overview"}, {"text", text}}})}}
               .dump() +
           "\n";
}

const fs::path kCorpus = fs::path(TEST_DATA_DIR) / "corpus";
const fs::path kSynonyms = fs::path(TEST_DATA_DIR) / "synonyms" / "fixture.txt";

}  // namespace

TEST_CASE("indexer: --help documents the flags and exit codes", "[e2e][indexer]") {
    TempDir tmp;
    auto r = indexer(tmp, {"--help"});
    CHECK(r.status == 0);
    for (const char* flag : {"--db", "--synonyms", "--no-synonyms", "--full", "--dry-run", "--rollback", "--keep-missing",
                             "--skip-invalid", "--canaries", "--report", "--quiet"})
        CHECK(contains(r.out, flag));
    CHECK(contains(r.out, "exit status"));
    CHECK(contains(r.out, "3  index locked"));
}

TEST_CASE("indexer: usage errors exit 2", "[e2e][indexer]") {
    auto which = GENERATE(range(0, 9));
    TempDir tmp;
    auto db = (tmp.path() / "db").string();
    const std::vector<std::vector<std::string>> cases = {
        {kCorpus.string()},                                          // no --db
        {"--db", db},                                                // no INPUT
        {"--db", db, "--full", "--keep-missing", kCorpus.string()},  // contradictory
        {"--db", db, "--rollback", kCorpus.string()},                // rollback takes no INPUT
        {"--db", db, "--no-such-flag", kCorpus.string()},
        {"--db", db, "--report", (tmp.path() / "missing" / "r.json").string(), kCorpus.string()},
        {"--db", db, "--no-synonyms", "--synonyms", kSynonyms.string(), kCorpus.string()},  // contradictory
        // A report that cannot be written: the index was published (or rolled back), then exit 4.
        {"--db", db, "--report", tmp.path().string(), kCorpus.string()},
        {"--db", db, "--rollback", "--report", tmp.path().string()},
    };
    CAPTURE(which);
    auto r = indexer(tmp, cases.at(std::size_t(which)));
    CHECK(r.status == 2);
    CHECK(contains(r.err, "usage:"));
    CHECK_FALSE(fs::exists(tmp.path() / "db" / "XAPIANDB"));
}

TEST_CASE("indexer: publishes, reports JSON, then finds nothing to do", "[e2e][indexer]") {
    TempDir tmp;
    auto db = (tmp.path() / "db").string();
    auto report = tmp.path() / "report.json";
    auto r = indexer(tmp, {"--db", db, "--synonyms", kSynonyms.string(), "--report", report.string(), kCorpus.string()});
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "published build-"));
    CHECK(contains(r.err, "medsearch-index: validating"));  // plain progress lines: not a terminal
    CHECK(contains(r.err, "medsearch-index: writing 100% 4/4 articles"));
    CHECK_FALSE(contains(r.err, "\r"));
    CHECK_FALSE(contains(r.err, "\x1b["));
    json j = json::parse(slurp(report));
    CHECK(j.at("outcome") == "published");
    CHECK(j.at("exit_code") == 0);
    CHECK(j.at("mode") == "full");
    CHECK(j.at("counts").at("added") == 4);
    CHECK(j.at("articles") == 4);
    CHECK(j.at("plan").at("added").size() == 4);
    CHECK(j.at("problems").empty());
    CHECK(j.at("build").get<std::string>().rfind("build-", 0) == 0);
    CHECK(j.at("seconds").at("total").is_number());

    auto again = indexer(tmp, {"--db", db, "--synonyms", kSynonyms.string(), "-q", "--report", report.string(),
                               kCorpus.string()});
    CHECK(again.status == 0);
    CHECK(contains(again.out, "up to date"));
    CHECK(again.err.empty());
    CHECK(json::parse(slurp(report)).at("outcome") == "up_to_date");
}

TEST_CASE("indexer: a run without --synonyms keeps the stored vocabulary; --no-synonyms clears it", "[e2e][indexer]") {
    TempDir tmp;
    auto db = (tmp.path() / "db").string();
    auto report = tmp.path() / "report.json";
    REQUIRE(indexer(tmp, {"--db", db, "-q", "--synonyms", kSynonyms.string(), kCorpus.string()}).status == 0);
    auto rules = [&] { return json::parse(slurp(report)).at("synonym_rules").get<std::size_t>(); };

    auto kept = indexer(tmp, {"--db", db, "-q", "--full", "--report", report.string(), kCorpus.string()});
    REQUIRE(kept.status == 0);
    CHECK(contains(kept.out, "synonyms unchanged"));
    const std::size_t stored = rules();
    CHECK(stored > 0);

    auto cleared = indexer(tmp, {"--db", db, "-q", "--no-synonyms", "--report", report.string(), kCorpus.string()});
    REQUIRE(cleared.status == 0);
    CHECK(contains(cleared.out, "synonyms changed"));
    CHECK(rules() == 0);
}

// A --synonyms directory with no synonym files in it (the corpus, by mistake) published a build
// with 0 rules, wiping the vocabulary.
TEST_CASE("indexer: a --synonyms directory without synonym files exits 1 and publishes nothing", "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "db";
    REQUIRE(indexer(tmp, {"--db", db.string(), "-q", "--synonyms", kSynonyms.string(), kCorpus.string()}).status == 0);
    const auto stub = slurp(db / "XAPIANDB");

    fs::create_directories(tmp.path() / "empty");
    for (const fs::path& dir : {kCorpus, tmp.path() / "empty"}) {
        CAPTURE(dir);
        auto r = indexer(tmp, {"--db", db.string(), "-q", "--full", "--synonyms", dir.string(), kCorpus.string()});
        CHECK(r.status == 1);
        CHECK(contains(r.err, dir.string() + ": no .txt or .tsv synonym files in the directory\n"));
        CHECK(contains(r.err, "nothing published"));
        CHECK(slurp(db / "XAPIANDB") == stub);
    }
}

// A --synonyms file with no rule in it (empty, or comments only) published a build with 0 rules,
// wiping the vocabulary, as a directory without synonym files did.
TEST_CASE("indexer: a --synonyms file without rules exits 1 and publishes nothing, unless others have rules",
          "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "db";
    REQUIRE(indexer(tmp, {"--db", db.string(), "-q", "--synonyms", kSynonyms.string(), kCorpus.string()}).status == 0);
    const auto stub = slurp(db / "XAPIANDB");

    const auto empty = tmp.path() / "empty.txt";
    const auto comments = tmp.path() / "comments.txt";
    write(empty, "");
    write(comments, "# the vocabulary, one rule a line\n\n");
    for (const fs::path& file : {empty, comments}) {
        CAPTURE(file);
        auto r = indexer(tmp, {"--db", db.string(), "-q", "--full", "--synonyms", file.string(), kCorpus.string()});
        CHECK(r.status == 1);
        CHECK(contains(r.err, file.string() + ": no synonym rules in the file (only blank lines and comments); "
                                              "--no-synonyms clears the vocabulary\n"));
        CHECK(contains(r.err, "nothing published"));
        CHECK(slurp(db / "XAPIANDB") == stub);
    }

    auto report = tmp.path() / "report.json";
    auto beside = indexer(tmp, {"--db", db.string(), "-q", "--full", "--synonyms", empty.string(), "--synonyms",
                                kSynonyms.string(), "--report", report.string(), kCorpus.string()});
    CHECK(beside.status == 0);
    CHECK(json::parse(slurp(report)).at("synonym_rules").get<std::size_t>() > 0);
}

TEST_CASE("indexer: --dry-run prints the plan by id and changes nothing", "[e2e][indexer]") {
    TempDir tmp;
    auto db = (tmp.path() / "db").string();
    auto corpus = tmp.path() / "corpus";
    write(corpus / "a.jsonl", line("alpha", "First text.") + line("beta", "Second text."));
    REQUIRE(indexer(tmp, {"--db", db, "-q", corpus.string()}).status == 0);
    auto stub = slurp(fs::path(db) / "XAPIANDB");

    write(corpus / "a.jsonl", line("alpha", "First text.") + line("beta", "Changed.") + line("gamma", "New."));
    auto r = indexer(tmp, {"--db", db, "--dry-run", "-q", corpus.string()});
    CHECK(r.status == 0);
    CHECK(contains(r.out, "added     gamma\n"));
    CHECK(contains(r.out, "changed   beta\n"));
    CHECK(contains(r.out, "unchanged alpha\n"));
    CHECK(contains(r.out, "1 added, 1 changed, 0 removed, 1 unchanged"));
    CHECK(contains(r.out, "nothing written"));
    CHECK(slurp(fs::path(db) / "XAPIANDB") == stub);

    auto applied = indexer(tmp, {"--db", db, "-q", corpus.string()});
    CHECK(applied.status == 0);
    CHECK(contains(applied.out, "incremental: 1 added, 1 changed, 0 removed, 1 unchanged"));
}

TEST_CASE("indexer: an invalid batch exits 1 with path:line problems and publishes nothing", "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "db";
    auto corpus = tmp.path() / "corpus";
    write(corpus / "a.jsonl", line("alpha", "Fine.") + "{\"id\": \"broken\",\n" + line("gamma", "Fine."));
    write(corpus / "b.md", "---\ntitle: No id\n---\n\n## Overview\n\nText.\n");
    auto report = tmp.path() / "report.json";
    auto r = indexer(tmp, {"--db", db.string(), "-q", "--report", report.string(), corpus.string()});
    CHECK(r.status == 1);
    CHECK(contains(r.err, (corpus / "a.jsonl").string() + ":2: "));
    CHECK(contains(r.err, (corpus / "b.md").string()));
    CHECK(contains(r.err, "nothing published"));
    CHECK_FALSE(fs::exists(db / "XAPIANDB"));
    json j = json::parse(slurp(report));
    CHECK(j.at("outcome") == "invalid_input");
    CHECK(j.at("exit_code") == 1);
    CHECK(j.at("problems").size() >= 2);
    CHECK(j.at("problems")[0].at("line").is_number());

    // --skip-invalid publishes the valid part and says what it left out.
    auto skip = indexer(tmp, {"--db", db.string(), "-q", "--skip-invalid", corpus.string()});
    CHECK(skip.status == 0);
    CHECK(contains(skip.err, (corpus / "a.jsonl").string() + ":2: "));
    CHECK(contains(skip.err, "--skip-invalid: published without"));
    CHECK(contains(skip.out, "2 added"));
    CHECK(fs::exists(db / "XAPIANDB"));
}

TEST_CASE("indexer: a locked index exits 3 at once, and an unwritable one too", "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "db";
    fs::create_directories(db);
    int fd = ::open((db / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    auto r = indexer(tmp, {"--db", db.string(), "-q", kCorpus.string()});
    CHECK(r.status == 3);
    CHECK(contains(r.err, "another medsearch-index is writing this index"));
    CHECK(indexer(tmp, {"--db", db.string(), "--rollback"}).status == 3);
    ::close(fd);
    CHECK(indexer(tmp, {"--db", db.string(), "-q", kCorpus.string()}).status == 0);

    write(tmp.path() / "file", "not a directory");
    auto bad = indexer(tmp, {"--db", (tmp.path() / "file" / "db").string(), "-q", kCorpus.string()});
    CHECK(bad.status == 3);
}

TEST_CASE("indexer: failing canaries exit 5 and publish nothing, and --rollback restores the previous build",
          "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "db";
    auto corpus = tmp.path() / "corpus";
    auto canaries = tmp.path() / "canaries.txt";
    write(canaries, "# the index must answer these\nzebra => alpha\n");
    write(corpus / "a.jsonl", line("alpha", "A zebra crossing.") + line("beta", "Second."));
    auto first = indexer(tmp, {"--db", db.string(), "-q", "--canaries", canaries.string(), corpus.string()});
    REQUIRE(first.status == 0);
    auto first_stub = slurp(db / "XAPIANDB");

    write(corpus / "a.jsonl", line("beta", "Second."));
    auto failing = indexer(tmp, {"--db", db.string(), "-q", "--canaries", canaries.string(), corpus.string()});
    CHECK(failing.status == 5);
    CHECK(contains(failing.err, canaries.string() + ":2: canary \"zebra\" failed"));
    CHECK(slurp(db / "XAPIANDB") == first_stub);

    auto second = indexer(tmp, {"--db", db.string(), "-q", corpus.string()});
    REQUIRE(second.status == 0);
    CHECK(slurp(db / "XAPIANDB") != first_stub);
    auto report = tmp.path() / "rollback.json";
    auto back = indexer(tmp, {"--db", db.string(), "--rollback", "--report", report.string()});
    CHECK(back.status == 0);
    CHECK(contains(back.out, "rolled back"));
    CHECK(slurp(db / "XAPIANDB") == first_stub);
    CHECK(json::parse(slurp(report)).at("outcome") == "rolled_back");
    auto none = indexer(tmp, {"--db", db.string(), "--rollback"});
    CHECK(none.status == 5);
    CHECK(contains(none.err, "no earlier build"));
}

// `--db MISSING --rollback` created MISSING (and its lock file) before finding nothing to roll back.
TEST_CASE("indexer: --rollback on a directory that does not exist exits 5 and creates nothing", "[e2e][indexer]") {
    TempDir tmp;
    auto db = tmp.path() / "no-such-index";
    auto r = indexer(tmp, {"--db", db.string(), "--rollback"});
    CHECK(r.status == 5);
    CHECK(contains(r.err, db.string() + ": no such index directory; no earlier build to roll back to\n"));
    CHECK_FALSE(fs::exists(db));
}

TEST_CASE("indexer: on a terminal, progress is a bar redrawn in place with rate and ETA", "[e2e][indexer]") {
    TempDir tmp;
    auto db = (tmp.path() / "db").string();
    auto r = indexer_on_terminal(tmp, {"--db", db, "--synonyms", kSynonyms.string(), kCorpus.string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "published build-"));
    // "\rwriting [####…] 100% 4/4 articles, N sections/s, ETA 0:00" then "erase to end of line".
    CHECK(contains(r.err, "\rwriting [############################] 100% 4/4 articles, "));
    CHECK(contains(r.err, " sections/s, ETA 0:00\x1b[K"));
    CHECK_FALSE(contains(r.err, "medsearch-index: validating"));  // no plain lines on a terminal

    auto quiet = indexer_on_terminal(tmp, {"--db", db, "--synonyms", kSynonyms.string(), "-q", kCorpus.string()});
    CHECK(quiet.status == 0);
    CHECK(quiet.err.empty());
}
