// The server follows batch reindexes by medsearch-index (the binary, INDEXER_PATH) without a
// restart and without failing a request: the background reloader of SearcherPool, and
// POST /api/admin/reload with its bearer token.
//
// The fixture corpus (tests/data/corpus) gets three small articles whose made-up words make
// each revision's answers tell apart:
//   revision "old": alpha, beta           q=quokkaplasty → {alpha, beta}   q=numbatoscopy → {beta}
//   revision "new": alpha', gamma         q=quokkaplasty → {alpha, gamma}  q=numbatoscopy → {alpha}
// (alpha' is alpha with changed text; beta is deleted; gamma is added.)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>
#include <xapian.h>

#include <catch2/catch.hpp>

#include "api.hpp"
#include "config.hpp"
#include "e2e_support.hpp"
#include "medsearch/word_list.hpp"
#include "searcher_pool.hpp"

using medsearch::ApiOptions;
using medsearch::ReloadOptions;
using medsearch::SearcherPool;
using medsearch::test::CommandResult;
using medsearch::test::HttpClient;
using medsearch::test::HttpReply;
using medsearch::test::TempDir;
using medsearch::test::TestServer;
using medsearch::test::http_get;
namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

using IdSet = std::set<std::string>;

constexpr const char* kQueryBoth = "/api/search?q=quokkaplasty";
constexpr const char* kQueryChanged = "/api/search?q=numbatoscopy";
const IdSet kOldBoth{"reload-alpha", "reload-beta"};
const IdSet kNewBoth{"reload-alpha", "reload-gamma"};
const IdSet kOldChanged{"reload-beta"};
const IdSet kNewChanged{"reload-alpha"};

std::string article_text(const std::string& id, const std::string& title, const std::string& body) {
    return "---\nid: " + id + "\ntitle: " + title +
           "\ntopics: [testing]\naudience: patients\nupdated: 2026-04-01\nlanguage: en\n"
           "source: medsearch-fixture\n---\n\n## Overview {#overview}\n\n" + body + "\n";
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file) throw std::runtime_error("cannot write " + path.string());
}

// A corpus directory and an index directory under one TempDir, driven through the indexer binary.
class ReindexFixture {
public:
    ReindexFixture() {
        fs::create_directories(corpus());
        for (const auto& entry : fs::directory_iterator(fs::path(TEST_DATA_DIR) / "corpus"))
            fs::copy_file(entry.path(), corpus() / entry.path().filename());
        write_file(corpus() / "reload-alpha.md",
                   article_text("reload-alpha", "Alpha Reload Probe",
                                "The quokkaplasty procedure is described here for testing reloads."));
        write_file(corpus() / "reload-beta.md",
                   article_text("reload-beta", "Beta Reload Probe",
                                "Both quokkaplasty and numbatoscopy appear in this article."));
    }

    fs::path corpus() const { return dir_.path() / "corpus"; }
    fs::path db() const { return dir_.path() / "db"; }

    CommandResult index(const std::vector<std::string>& extra_flags = {}) const {
        std::vector<std::string> argv{INDEXER_PATH, "--quiet", "--db", db().string(), "--synonyms",
                                      (fs::path(TEST_DATA_DIR) / "synonyms" / "fixture.txt").string()};
        argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
        argv.push_back(corpus().string());
        return medsearch::test::run_command(argv, 120s);
    }

    // The batch from the old revision to the new one: change alpha, delete beta, add gamma.
    void edit_corpus() const {
        write_file(corpus() / "reload-alpha.md",
                   article_text("reload-alpha", "Alpha Reload Probe",
                                "The quokkaplasty procedure now mentions numbatoscopy as well."));
        fs::remove(corpus() / "reload-beta.md");
        write_file(corpus() / "reload-gamma.md",
                   article_text("reload-gamma", "Gamma Reload Probe", "A new article about quokkaplasty."));
    }

private:
    TempDir dir_;
};

IdSet hit_ids(const HttpReply& reply) {
    if (reply.status() != 200)
        throw std::runtime_error("status " + std::to_string(reply.status()) + ": " + reply.body().substr(0, 300));
    IdSet ids;
    const auto body = reply.json();  // kept alive: the loop must not range over a temporary's member
    for (const auto& hit : body.at("hits")) ids.insert(hit.at("article").at("id").get<std::string>());
    return ids;
}

std::string describe(const IdSet& ids) {
    std::string out = "{";
    for (const auto& id : ids) out += (out.size() > 1 ? ", " : "") + id;
    return out + "}";
}

struct Snapshot {
    IdSet both;
    IdSet changed;
    std::string build;
    std::uint64_t revision = 0;
};

Snapshot snapshot(std::uint16_t port) {
    HttpClient client(port);
    Snapshot s;
    s.both = hit_ids(client.get(kQueryBoth));
    s.changed = hit_ids(client.get(kQueryChanged));
    auto health = client.get("/healthz").json();
    s.build = health.at("build").get<std::string>();
    s.revision = health.at("revision").get<std::uint64_t>();
    return s;
}

// Polls until `done(snapshot)` holds or `within` passes; true if it held.
template <typename Pred>
bool eventually(std::uint16_t port, std::chrono::milliseconds within, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        if (done(snapshot(port))) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

http::request<http::string_body> reload_request(const std::string& authorization) {
    http::request<http::string_body> request{http::verb::post, "/api/admin/reload", 11};
    request.set(http::field::host, "127.0.0.1");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    return request;
}

// Queries the server in a loop from its own thread (one keep-alive connection, reconnecting
// after a transport error) until stopped, for at most 20 s or 20,000 requests, and checks
// every answer against the two revisions. Catch2 is not thread-safe: findings are kept here
// and asserted by the test's thread.
class LoadLoop {
public:
    explicit LoadLoop(std::uint16_t port) : thread_([this, port] { run(port); }) {}
    ~LoadLoop() { stop(); }

    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

    int requests = 0;
    int transport_errors = 0;
    int server_errors = 0;   // 5xx and any other non-200
    int foreign_answers = 0; // hit sets that belong to neither revision
    int went_back = 0;       // an old answer after a new one on the same query
    int saw_new = 0;
    std::vector<std::string> problems;  // the first few, for the failure message

private:
    void note(std::string problem) {
        if (problems.size() < 10) problems.push_back(std::move(problem));
    }

    void check(const HttpReply& reply, const IdSet& old_set, const IdSet& new_set, bool& seen_new) {
        if (reply.status() != 200) {
            ++server_errors;
            note("status " + std::to_string(reply.status()) + ": " + reply.body().substr(0, 200));
            return;
        }
        IdSet ids = hit_ids(reply);
        if (ids == new_set) {
            seen_new = true;
            ++saw_new;
        } else if (ids == old_set) {
            if (seen_new) {
                ++went_back;
                note("old answer after a new one: " + describe(ids));
            }
        } else {
            ++foreign_answers;
            note("neither revision: " + describe(ids));
        }
    }

    void run(std::uint16_t port) {
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        std::unique_ptr<HttpClient> client;
        bool both_new = false;
        bool changed_new = false;
        for (int i = 0; i < 20000 && !stop_ && std::chrono::steady_clock::now() < deadline; ++i) {
            ++requests;
            try {
                if (!client) client = std::make_unique<HttpClient>(port);
                switch (i % 3) {
                    case 0: check(client->get(kQueryBoth), kOldBoth, kNewBoth, both_new); break;
                    case 1: check(client->get(kQueryChanged), kOldChanged, kNewChanged, changed_new); break;
                    default: {
                        HttpReply health = client->get("/healthz");
                        if (health.status() != 200 || health.json().at("documents").get<std::uint64_t>() == 0) {
                            ++server_errors;
                            note("healthz: " + std::to_string(health.status()) + " " + health.body().substr(0, 200));
                        }
                    }
                }
            } catch (const std::exception& e) {
                ++transport_errors;
                note(std::string("transport: ") + e.what());
                client.reset();
            }
        }
    }

    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace

TEST_CASE("the server follows an incremental batch and a full rebuild without failing a request", "[e2e][reload]") {
    ReindexFixture fixture;
    auto built = fixture.index();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    auto pool = SearcherPool::open(fixture.db(), 2, ReloadOptions{.interval = 200ms});
    REQUIRE(pool.ok());
    TestServer server(pool.value(), ApiOptions{});
    const Snapshot before = snapshot(server.port());
    REQUIRE(before.both == kOldBoth);
    REQUIRE(before.changed == kOldChanged);

    LoadLoop load(server.port());
    std::this_thread::sleep_for(300ms);  // some answers from the old revision first

    fixture.edit_corpus();
    auto incremental = fixture.index();
    INFO(incremental.output);
    REQUIRE(incremental.exit_code == 0);
    const auto published = std::chrono::steady_clock::now();
    CHECK(eventually(server.port(), 5s, [](const Snapshot& s) { return s.both == kNewBoth && s.changed == kNewChanged; }));
    const auto visible_after = std::chrono::steady_clock::now() - published;
    CHECK(visible_after < 5s);
    const Snapshot after_incremental = snapshot(server.port());

    auto full = fixture.index({"--full"});
    INFO(full.output);
    REQUIRE(full.exit_code == 0);
    CHECK(eventually(server.port(), 5s, [&](const Snapshot& s) { return s.build != after_incremental.build; }));
    const Snapshot after_full = snapshot(server.port());
    CHECK(after_full.both == kNewBoth);
    CHECK(after_full.changed == kNewChanged);
    std::this_thread::sleep_for(300ms);  // some answers from the rebuilt index too

    load.stop();
    INFO(joined(load.problems));
    CHECK(load.requests > 30);
    CHECK(load.saw_new > 0);
    CHECK(load.transport_errors == 0);
    CHECK(load.server_errors == 0);
    CHECK(load.foreign_answers == 0);
    CHECK(load.went_back == 0);
}

TEST_CASE("a batch with a broken file publishes nothing and the server keeps its answers", "[e2e][reload]") {
    ReindexFixture fixture;
    auto built = fixture.index();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    auto pool = SearcherPool::open(fixture.db(), 2, ReloadOptions{.interval = 100ms});
    REQUIRE(pool.ok());
    TestServer server(pool.value(), ApiOptions{});
    const Snapshot before = snapshot(server.port());

    fixture.edit_corpus();
    write_file(fixture.corpus() / "broken.md", "---\nid: [unclosed\ntitle:\n---\n\nno sections\n");
    auto batch = fixture.index();
    INFO(batch.output);
    CHECK(batch.exit_code != 0);

    std::this_thread::sleep_for(600ms);  // several reloader periods
    const Snapshot after = snapshot(server.port());
    CHECK(after.both == before.both);
    CHECK(after.changed == before.changed);
    CHECK(after.build == before.build);
    CHECK(after.revision == before.revision);
    auto check = pool.value().reload();
    REQUIRE(check.ok());
    CHECK_FALSE(check.value().changed);
}

namespace {

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Files of `build` this process holds open.
int open_files_of(const std::string& build) {
    int n = 0;
    for (const auto& fd : fs::directory_iterator("/proc/self/fd")) {
        char target[4096];
        ssize_t size = ::readlink(fd.path().c_str(), target, sizeof target - 1);
        if (size > 0 && std::string(target, std::size_t(size)).find("/" + build + "/") != std::string::npos) ++n;
    }
    return n;
}

}  // namespace

// Closing a Searcher takes time that grows with its vocabulary (~40-100 ms with MedQuAD's): a
// request that returns its lease after a reload must not pay for closing the index it used.
TEST_CASE("a request returning its lease after a reload does not close the old index itself", "[e2e][reload]") {
    ReindexFixture fixture;
    // A vocabulary that makes closing a Searcher measurable: 40 sets of 80 made-up words.
    std::string vocabulary;
    for (int set = 0; set < 40; ++set) {
        for (int word = 0; word < 80; ++word)
            vocabulary += (word ? ", zqset" : "zqset") + std::to_string(set) + "word" + std::to_string(word);
        vocabulary += "\n";
    }
    const fs::path big = fixture.db().parent_path() / "big-vocabulary.txt";
    write_file(big, vocabulary);
    auto built = fixture.index({"--synonyms", big.string()});
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    double close_ms = 1e9;  // what closing one costs here: the best of three
    for (int i = 0; i < 3; ++i) {
        auto opened = medsearch::Searcher::open(fixture.db());
        REQUIRE(opened.ok());
        std::optional<medsearch::Searcher> searcher(std::move(opened).value());
        const auto start = std::chrono::steady_clock::now();
        searcher.reset();
        close_ms = std::min(close_ms, milliseconds_since(start));
    }
    CAPTURE(close_ms);
    REQUIRE(close_ms > 2);  // else the comparison below proves nothing

    auto pool = SearcherPool::open(fixture.db(), 2);  // no periodic checks: reload() below
    REQUIRE(pool.ok());
    const std::string old_build = pool.value().lease()->info().build;
    std::optional<SearcherPool::Lease> request(pool.value().lease());  // a request under way

    fixture.edit_corpus();
    auto batch = fixture.index({"--synonyms", big.string()});
    INFO(batch.output);
    REQUIRE(batch.exit_code == 0);
    auto reloaded = pool.value().reload();
    REQUIRE(reloaded.ok());
    REQUIRE(reloaded.value().changed);
    REQUIRE(reloaded.value().info.build != old_build);

    const auto start = std::chrono::steady_clock::now();
    request.reset();  // the request ends: its slot takes the fresh Searcher
    const double release_ms = milliseconds_since(start);
    CAPTURE(release_ms);
    CHECK(release_ms < close_ms / 4);
    CHECK(pool.value().lease()->info().build == reloaded.value().info.build);

    // The pool's own thread closes the old Searchers soon: no file of the old build stays open.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (open_files_of(old_build) > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    CHECK(open_files_of(old_build) == 0);
}

TEST_CASE("a published index that does not open leaves the pool serving the one it had", "[e2e][reload]") {
    ReindexFixture fixture;
    auto built = fixture.index();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    auto pool = SearcherPool::open(fixture.db(), 2);
    REQUIRE(pool.ok());
    TestServer server(pool.value(), ApiOptions{});
    const Snapshot before = snapshot(server.port());

    // A stub switched to a build that is not a database (a damaged or half-copied directory).
    fs::create_directories(fixture.db() / "build-broken");
    write_file(fixture.db() / "build-broken" / "iamglass", "not a glass database");
    auto switch_stub = [&](const std::string& build) {
        write_file(fixture.db() / "XAPIANDB.new", "auto " + build + "\n");
        fs::rename(fixture.db() / "XAPIANDB.new", fixture.db() / "XAPIANDB");
    };
    switch_stub("build-broken");
    auto failed = pool.value().reload();
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == medsearch::Errc::index_corrupt);
    const Snapshot during = snapshot(server.port());
    CHECK(during.both == before.both);
    CHECK(during.changed == before.changed);
    CHECK(during.build == before.build);

    switch_stub(before.build);
    auto back = pool.value().reload();
    REQUIRE(back.ok());
    CHECK_FALSE(back.value().changed);
    CHECK(snapshot(server.port()).build == before.build);
}

TEST_CASE("a pool on a plain database follows its new revisions", "[e2e][reload]") {
    ReindexFixture fixture;
    auto built = fixture.index();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    // A build directory opened directly: no stub, so only its revision can change.
    auto first = medsearch::Searcher::open(fixture.db());
    REQUIRE(first.ok());
    const fs::path plain = fixture.db() / first.value().info().build;
    auto pool = SearcherPool::open(plain, 2);
    REQUIRE(pool.ok());
    const auto revision = pool.value().lease()->info().revision;

    auto same = pool.value().reload();
    REQUIRE(same.ok());
    CHECK_FALSE(same.value().changed);
    {
        Xapian::WritableDatabase db(plain.string(), Xapian::DB_OPEN);
        db.set_metadata("medsearch-test", "a new revision");
        db.commit();
    }
    auto next = pool.value().reload();
    REQUIRE(next.ok());
    CHECK(next.value().changed);
    CHECK(next.value().info.revision == revision + 1);
    CHECK(pool.value().lease()->info().revision == revision + 1);
}

TEST_CASE("POST /api/admin/reload needs the configured bearer token", "[e2e][reload][admin]") {
    ReindexFixture fixture;
    auto built = fixture.index();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);
    // No background reloader: only the endpoint changes what the pool serves.
    auto pool = SearcherPool::open(fixture.db(), 2);
    REQUIRE(pool.ok());

    SECTION("disabled without a token: 403") {
        TestServer server(pool.value(), ApiOptions{});
        HttpClient client(server.port());
        auto reply = client.send(reload_request("Bearer anything"));
        CHECK(reply.status() == 403);
        CHECK(reply.json().at("error").at("code") == "forbidden");
        CHECK(reply.json().at("error").at("message").get<std::string>().find("disabled") != std::string::npos);
    }

    ApiOptions options;
    options.admin_token = "s3cret-Token_42";
    TestServer server(pool.value(), options);
    HttpClient client(server.port());

    SECTION("a missing, malformed or wrong token: 401 with WWW-Authenticate: Bearer") {
        auto authorization = GENERATE(as<std::string>{}, "", "Bearer", "Bearer wrong", "Basic czNjcmV0LVRva2VuXzQy",
                                      "Bearer s3cret-Token_4", "Bearer s3cret-Token_421", "s3cret-Token_42");
        CAPTURE(authorization);
        auto reply = client.send(reload_request(authorization));
        CHECK(reply.status() == 401);
        CHECK(reply.header("WWW-Authenticate").rfind("Bearer", 0) == 0);
        CHECK(reply.json().at("error").at("code") == "unauthorized");
    }

    SECTION("GET is not allowed") {
        auto reply = client.get("/api/admin/reload");
        CHECK(reply.status() == 405);
        CHECK(reply.header("Allow") == "POST");
    }

    SECTION("the right token reloads, and the new revision answers at once") {
        const Snapshot before = snapshot(server.port());
        REQUIRE(before.both == kOldBoth);

        auto same = client.send(reload_request("Bearer s3cret-Token_42"));
        REQUIRE(same.status() == 200);
        CHECK(same.json().at("reloaded") == false);

        fixture.edit_corpus();
        auto batch = fixture.index();
        INFO(batch.output);
        REQUIRE(batch.exit_code == 0);
        CHECK(snapshot(server.port()).both == kOldBoth);  // nothing reloads by itself here

        auto reply = client.send(reload_request("bearer   s3cret-Token_42"));  // scheme is case-insensitive
        REQUIRE(reply.status() == 200);
        auto body = reply.json();
        CHECK(body.at("status") == "ok");
        CHECK(body.at("reloaded") == true);
        CHECK_FALSE(body.at("published").get<std::string>().empty());

        const Snapshot after = snapshot(server.port());
        CHECK(after.both == kNewBoth);
        CHECK(after.changed == kNewChanged);
        CHECK(after.build == body.at("build").get<std::string>());
        CHECK(after.revision == body.at("revision").get<std::uint64_t>());
    }
}

namespace {

medsearch::Result<medsearch::ServerConfig> parse_flags(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"medsearch-server", "--db", "/nonexistent"});
    std::vector<char*> argv;
    for (auto& f : flags) argv.push_back(f.data());
    return medsearch::load_server_config(static_cast<int>(argv.size()), argv.data());
}

// Sets MEDSEARCH_ADMIN_TOKEN for one scope.
class TokenEnv {
public:
    explicit TokenEnv(const char* value) { ::setenv("MEDSEARCH_ADMIN_TOKEN", value, 1); }
    ~TokenEnv() { ::unsetenv("MEDSEARCH_ADMIN_TOKEN"); }
};

}  // namespace

TEST_CASE("reload interval and admin token options are configured", "[e2e][reload][config]") {
    ::unsetenv("MEDSEARCH_ADMIN_TOKEN");
    TempDir dir;
    const fs::path token_file = dir.path() / "token";

    SECTION("defaults: a check every 2 s, no token") {
        auto config = parse_flags({});
        REQUIRE(config.ok());
        CHECK(config.value().reload_interval == 2s);
        CHECK(config.value().admin_token.empty());
    }
    SECTION("--reload-interval 0 turns the checks off; negative is refused") {
        auto off = parse_flags({"--reload-interval", "0"});
        REQUIRE(off.ok());
        CHECK(off.value().reload_interval == 0s);
        auto bad = parse_flags({"--reload-interval", "-1"});
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().message.find("--reload-interval") != std::string::npos);
    }
    SECTION("the token file's first line, trimmed; it wins over the environment") {
        write_file(token_file, "  file-token \nsecond line\n");
        TokenEnv env("env-token");
        auto config = parse_flags({"--admin-token-file", token_file.string()});
        REQUIRE(config.ok());
        CHECK(config.value().admin_token == "file-token");
    }
    SECTION("the environment when no file is given") {
        TokenEnv env("env-token");
        auto config = parse_flags({});
        REQUIRE(config.ok());
        CHECK(config.value().admin_token == "env-token");
    }
    SECTION("an empty or missing token file is an error naming the option") {
        write_file(token_file, "\n");
        for (const fs::path& path : {token_file, dir.path() / "missing"}) {
            auto config = parse_flags({"--admin-token-file", path.string()});
            REQUIRE_FALSE(config.ok());
            CHECK(config.error().message.find("--admin-token-file") != std::string::npos);
        }
    }
}

TEST_CASE("word list options: files given, none, or Debian's lists by default", "[e2e][config][words]") {
    auto defaults = parse_flags({});
    REQUIRE(defaults.ok());
    CHECK(defaults.value().word_lists == medsearch::system_word_lists());
    auto given = parse_flags({"--words", "/a/list", "--words", "/b/list"});
    REQUIRE(given.ok());
    CHECK(given.value().word_lists == std::vector<fs::path>{"/a/list", "/b/list"});
    auto none = parse_flags({"--no-words"});
    REQUIRE(none.ok());
    CHECK(none.value().word_lists.empty());
    auto both = parse_flags({"--no-words", "--words", "/a/list"});
    REQUIRE_FALSE(both.ok());
    CHECK(both.error().message.find("--no-words") != std::string::npos);
}

namespace {

// A pool on the fixture index whose first reload waits until release() (30 s at most), and an
// admin reload sent from a thread of its own: lets a test see what happens while one is under way.
class HeldReload {
public:
    HeldReload() {
        ReloadOptions reload;
        reload.on_check = [this] {
            if (!first_.exchange(false)) return;
            entered_.set_value();
            released_.wait_for(std::chrono::seconds(30));
        };
        auto pool = SearcherPool::open(medsearch::test::fixture_index(), 1, reload);
        if (!pool) throw std::runtime_error(pool.error().message);
        pool_.emplace(std::move(pool).value());
        api_options_.admin_token = "tok";
    }
    ~HeldReload() {
        release();
        if (admin_.joinable()) admin_.join();
    }

    SearcherPool& pool() { return *pool_; }
    const ApiOptions& api_options() const { return api_options_; }

    // Sends POST /api/admin/reload to `port`; true once the reload is waiting (10 s at most).
    bool start(std::uint16_t port) {
        admin_ = std::thread([this, port] {
            try {
                reply_ = HttpClient(port, std::chrono::seconds(40)).send(reload_request("Bearer tok"));
            } catch (const std::exception& e) {
                error_ = e.what();
            }
            answered_ = true;
        });
        return entered_.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    }
    bool answered() const { return answered_; }
    void release() {
        if (!released_set_.exchange(true)) release_.set_value();
    }
    // The reload's answer, after release(); joins the sending thread.
    const std::optional<HttpReply>& reply() {
        release();
        if (admin_.joinable()) admin_.join();
        return reply_;
    }
    const std::string& error() const { return error_; }  // only after reply()

private:
    std::promise<void> entered_, release_;
    std::shared_future<void> released_ = release_.get_future().share();
    std::atomic<bool> first_{true}, released_set_{false}, answered_{false};
    std::optional<SearcherPool> pool_;
    ApiOptions api_options_;
    std::thread admin_;
    std::optional<HttpReply> reply_;
    std::string error_;
};

}  // namespace

TEST_CASE("a search is answered while an admin reload is under way, even on one I/O thread", "[e2e][reload][admin]") {
    // What is checked is the order of the answers, not a speed.
    HeldReload held;
    auto options = TestServer::default_options();
    options.threads = 1;
    TestServer server(held.pool(), held.api_options(), options);
    REQUIRE(held.start(server.port()));
    std::optional<HttpReply> search;
    std::string search_error;
    try {
        search = HttpClient(server.port(), std::chrono::seconds(5)).get("/api/search?q=nerve+pain");
    } catch (const std::exception& e) {
        search_error = e.what();  // the one I/O thread was busy with the reload
    }
    const bool reload_still_waiting = !held.answered();
    const auto& reload_reply = held.reply();

    INFO(search_error);
    REQUIRE(search.has_value());
    CHECK(search->status() == 200);
    CHECK(reload_still_waiting);
    INFO(held.error());
    REQUIRE(reload_reply.has_value());
    CHECK(reload_reply->status() == 200);
    CHECK(reload_reply->json().at("reloaded") == false);
}

TEST_CASE("a graceful stop lets an admin reload under way finish and answer", "[e2e][reload][admin]") {
    HeldReload held;
    auto options = TestServer::default_options();
    options.shutdown_grace = std::chrono::seconds(20);
    TestServer server(held.pool(), held.api_options(), options);
    REQUIRE(held.start(server.port()));
    std::thread stopper([&] { server.stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the stop begin; order only
    const auto& reload_reply = held.reply();
    stopper.join();

    INFO(held.error());
    REQUIRE(reload_reply.has_value());
    CHECK(reload_reply->status() == 200);
    CHECK(reload_reply->header("Connection") == "close");
}
