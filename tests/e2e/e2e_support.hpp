// Helpers for the end-to-end tests: the fixture index, a server on 127.0.0.1:0 and a small
// HTTP client whose every operation is bounded in time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "api.hpp"
#include "http_server.hpp"
#include "searcher_pool.hpp"
#include "../support/temp_dir.hpp"

namespace medsearch::test {

using TempDir = medsearch::testing::TempDir;

struct CommandResult {
    int exit_code = -1;   // 128 + signal when killed
    bool timed_out = false;
    std::string output;   // stdout and stderr, interleaved
};

// Runs argv[0] (a path, no PATH lookup) with argv, waits at most `timeout` (then SIGKILL).
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// The index built from tests/data/corpus and tests/data/synonyms/fixture.txt, once per test
// run, in a temporary directory removed at exit. Throws with every diagnostic if building fails.
const std::filesystem::path& fixture_index();

// A pool of two Searchers on the fixture index, shared by the tests of one run.
SearcherPool& fixture_pool();

// Runs an HttpServer on 127.0.0.1 with a free port; the destructor stops it and joins its threads.
class TestServer {
public:
    explicit TestServer(HttpServerOptions options = default_options());
    // A server over `pool` (which must outlive it) with the given Api options.
    TestServer(SearcherPool& pool, ApiOptions api_options, HttpServerOptions options = default_options());
    ~TestServer();

    std::uint16_t port() const { return server_.port(); }
    void stop() { server_.stop(); }

    static HttpServerOptions default_options();

private:
    Api api_;
    HttpServer server_;
};

struct HttpReply {
    boost::beast::http::response<boost::beast::http::string_body> message;

    unsigned status() const { return message.result_int(); }
    const std::string& body() const { return message.body(); }
    std::string header(const std::string& name) const;
    nlohmann::json json() const;  // throws when the body is not JSON
};

// One connection. Every operation gives up after `timeout` and throws std::runtime_error.
class HttpClient {
public:
    explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~HttpClient();

    HttpReply get(const std::string& target);
    HttpReply send(boost::beast::http::request<boost::beast::http::string_body> request);
    // A reply to HEAD: its Content-Length says how long GET's body is, and no body follows.
    HttpReply head(const std::string& target);
    // Writes bytes as they are and reads one reply.
    HttpReply send_raw(const std::string& bytes);
    // The two halves of send_raw, for requests sent in pieces.
    void write_raw(const std::string& bytes);
    HttpReply read_reply();
    // Waits up to `within` for the server to close the connection; true if it did.
    bool closed_by_server(std::chrono::milliseconds within);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// GET on a fresh connection.
HttpReply http_get(std::uint16_t port, const std::string& target);

}  // namespace medsearch::test
