// The server over real sockets on 127.0.0.1: the JSON contract, deep links, highlighting,
// grouping, every error reply, keep-alive, limits, timeouts and graceful stop.
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "e2e_support.hpp"

using medsearch::test::HttpClient;
using medsearch::test::HttpReply;
using medsearch::test::TestServer;
using medsearch::test::http_get;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Every field of the search contract, with its type; returns the hits.
json check_search_contract(const HttpReply& reply) {
    REQUIRE(reply.status() == 200);
    CHECK(contains(reply.header("Content-Type"), "application/json"));
    json body = reply.json();
    REQUIRE(body.is_object());
    CHECK(body.at("query").is_string());
    CHECK(body.at("total").is_number_unsigned());
    CHECK(body.at("page").is_number_unsigned());
    CHECK(body.at("size").is_number_unsigned());
    CHECK(body.at("took_ms").is_number());
    REQUIRE(body.at("hits").is_array());
    for (const json& hit : body.at("hits")) {
        REQUIRE(hit.at("article").is_object());
        const json& article = hit.at("article");
        REQUIRE(article.at("id").is_string());
        const std::string id = article.at("id");
        CHECK(article.at("title").is_string());
        CHECK(article.at("url") == "/articles/" + id);
        CHECK(hit.at("score").is_number());
        REQUIRE(hit.at("sections").is_array());
        CHECK_FALSE(hit.at("sections").empty());
        for (const json& section : hit.at("sections")) {
            REQUIRE(section.at("anchor").is_string());
            CHECK_FALSE(section.at("anchor").get<std::string>().empty());
            CHECK(section.at("heading").is_string());
            CHECK(section.at("kind").is_string());
            CHECK(section.at("url") == "/articles/" + id + "#" + section.at("anchor").get<std::string>());
            CHECK(section.at("snippet_html").is_string());
            REQUIRE(section.at("matched").is_array());
            for (const json& m : section.at("matched")) {
                CHECK(m.at("query").is_string());
                CHECK(m.at("term").is_string());
                CHECK(m.at("via").is_string());
            }
        }
    }
    return body.at("hits");
}

std::string first_snippet(const json& hits) { return hits.at(0).at("sections").at(0).at("snippet_html"); }

}  // namespace

TEST_CASE("healthz reports ok and the index", "[e2e]") {
    TestServer server;
    auto reply = http_get(server.port(), "/healthz");
    REQUIRE(reply.status() == 200);
    CHECK_FALSE(reply.header("X-Request-Id").empty());
    json body = reply.json();
    CHECK(body.at("status") == "ok");
    CHECK(body.at("revision").is_number_unsigned());
    CHECK(body.at("documents") == 14);  // sections in tests/data/corpus
    CHECK(body.at("build").is_string());
    CHECK(body.at("published").is_string());
}

TEST_CASE("search finds the lay phrase, highlights it and deep-links the section", "[e2e][search]") {
    TestServer server;
    json hits = check_search_contract(http_get(server.port(), "/api/search?q=pins+and+needles"));
    REQUIRE_FALSE(hits.empty());
    CHECK(hits[0]["article"]["id"] == "neuropathic-pain");
    CHECK(hits[0]["sections"][0]["anchor"] == "overview");
    CHECK(hits[0]["sections"][0]["url"] == "/articles/neuropathic-pain#overview");
    CHECK(contains(first_snippet(hits), "<mark>"));
}

TEST_CASE("search expands synonyms and highlights what they matched", "[e2e][search]") {
    TestServer server;
    json hits = check_search_contract(http_get(server.port(), "/api/search?q=neuralgia"));
    REQUIRE_FALSE(hits.empty());
    CHECK(hits[0]["article"]["id"] == "neuropathic-pain");
    CHECK(contains(first_snippet(hits), "<mark>"));
    bool via_synonym = false;
    for (const json& m : hits[0]["sections"][0]["matched"]) via_synonym = via_synonym || m["via"] == "synonym";
    CHECK(via_synonym);

    json nerve_pain = check_search_contract(http_get(server.port(), "/api/search?q=nerve+pain"));
    REQUIRE_FALSE(nerve_pain.empty());
    CHECK(nerve_pain[0]["article"]["id"] == "neuropathic-pain");
    CHECK(contains(first_snippet(nerve_pain), "<mark>"));
}

TEST_CASE("search folds accents and dashes; the title keeps them", "[e2e][search]") {
    TestServer server;
    auto target = GENERATE(as<std::string>{}, "/api/search?q=guillain+barre", "/api/search?q=Guillain%E2%80%93Barr%C3%A9");
    CAPTURE(target);
    json hits = check_search_contract(http_get(server.port(), target));
    REQUIRE_FALSE(hits.empty());
    CHECK(hits[0]["article"]["id"] == "guillain-barre-syndrome");
    CHECK(hits[0]["article"]["title"] == "Guillain\xE2\x80\x93" "Barr\xC3\xA9 Syndrome");
}

TEST_CASE("group=article lists each article once; group=section gives one section per hit", "[e2e][search]") {
    TestServer server;
    json grouped = check_search_contract(http_get(server.port(), "/api/search?q=nerves&size=50"));
    REQUIRE_FALSE(grouped.empty());
    std::set<std::string> ids;
    for (const json& hit : grouped) ids.insert(hit["article"]["id"].get<std::string>());
    CHECK(ids.size() == grouped.size());

    json sections = check_search_contract(http_get(server.port(), "/api/search?q=nerves&group=section&size=50"));
    REQUIRE_FALSE(sections.empty());
    for (const json& hit : sections) CHECK(hit["sections"].size() == 1);
    CHECK(sections.size() >= grouped.size());
}

TEST_CASE("lang restricts the language", "[e2e][search]") {
    TestServer server;
    json es = check_search_contract(http_get(server.port(), "/api/search?q=capsaicina&lang=es"));
    REQUIRE_FALSE(es.empty());
    for (const json& hit : es) CHECK(hit["article"]["id"] == "neuropathic-pain-es");

    json en = check_search_contract(http_get(server.port(), "/api/search?q=capsaicin&lang=en"));
    REQUIRE_FALSE(en.empty());
    for (const json& hit : en) CHECK(hit["article"]["id"] != "neuropathic-pain-es");
}

TEST_CASE("size and page select a window of the results", "[e2e][search]") {
    TestServer server;
    json first = http_get(server.port(), "/api/search?q=nerves&size=1&page=1").json();
    json second = http_get(server.port(), "/api/search?q=nerves&size=1&page=2").json();
    CHECK(first.at("size") == 1);
    CHECK(second.at("page") == 2);
    REQUIRE(first.at("hits").size() == 1);
    REQUIRE(second.at("hits").size() == 1);
    CHECK(first["hits"][0]["article"]["id"] != second["hits"][0]["article"]["id"]);
}

TEST_CASE("an article is returned whole with section links", "[e2e]") {
    TestServer server;
    auto reply = http_get(server.port(), "/api/articles/neuropathic-pain");
    REQUIRE(reply.status() == 200);
    json article = reply.json();
    CHECK(article.at("id") == "neuropathic-pain");
    CHECK(article.at("title") == "Neuropathic Pain");
    CHECK(article.at("url") == "/articles/neuropathic-pain");
    std::vector<std::string> anchors;
    for (const json& s : article.at("sections")) {
        anchors.push_back(s.at("anchor"));
        CHECK(s.at("url") == "/articles/neuropathic-pain#" + s.at("anchor").get<std::string>());
        CHECK(s.at("text").is_string());
    }
    CHECK(anchors == std::vector<std::string>{"overview", "causes", "symptoms", "treatment", "medicines"});
}

TEST_CASE("error replies over HTTP carry status, code and request id", "[e2e][errors]") {
    TestServer server;
    auto [target, status, code] = GENERATE(table<std::string, unsigned, std::string>({
        {"/api/search", 400, "invalid_input"},
        {"/api/search?q=", 400, "invalid_input"},
        {"/api/search?q=" + std::string(1025, 'a'), 400, "invalid_input"},
        {"/api/search?q=pain&size=51", 400, "invalid_input"},
        {"/api/search?q=pain&size=0", 400, "invalid_input"},
        {"/api/search?q=pain&size=x", 400, "invalid_input"},
        {"/api/search?q=pain&page=0", 400, "invalid_input"},
        {"/api/search?q=pain&page=x", 400, "invalid_input"},
        {"/api/search?q=pain&group=x", 400, "invalid_input"},
        {"/api/search?q=%zz", 400, "invalid_input"},
        {"/api/articles/no-such-article", 404, "not_found"},
        {"/no/such/path", 404, "not_found"},
    }));
    CAPTURE(target);
    auto reply = http_get(server.port(), target);
    CHECK(reply.status() == status);
    CHECK(contains(reply.header("Content-Type"), "application/json"));
    CHECK_FALSE(reply.header("X-Request-Id").empty());
    json body = reply.json();
    CHECK(body.at("error").at("code") == code);
    CHECK(body.at("error").at("message").is_string());
}

TEST_CASE("a wrong method on a known path is 405 with Allow", "[e2e][errors]") {
    TestServer server;
    HttpClient client(server.port());
    http::request<http::string_body> request{http::verb::post, "/api/search?q=pain", 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = "{}";
    auto reply = client.send(std::move(request));
    CHECK(reply.status() == 405);
    CHECK(reply.header("Allow") == "GET, HEAD");
    CHECK(reply.json().at("error").at("code") == "method_not_allowed");
}

TEST_CASE("HEAD answers with GET's headers and no body, and the connection goes on", "[e2e][http]") {
    TestServer server;
    HttpClient client(server.port());
    // Answers that do not change between two requests (a search's took_ms does).
    for (const char* target : {"/api/articles/neuropathic-pain", "/api/articles/nope"}) {
        CAPTURE(target);
        auto got = client.get(target);
        auto head = client.head(target);
        CHECK(head.status() == got.status());
        CHECK(head.header("Content-Type") == got.header("Content-Type"));
        CHECK(head.header("Content-Length") == std::to_string(got.body().size()));
        CHECK(head.body().empty());
    }
    auto search = client.head("/api/search?q=nerve+pain");
    CHECK(search.status() == 200);
    CHECK(std::stoul(search.header("Content-Length")) > 1000);
    CHECK(search.body().empty());
    // Nothing of a body was left on the wire: the next request on the connection is read whole.
    CHECK(client.get("/healthz").json().at("status") == "ok");
    // Where GET is not allowed, neither is HEAD.
    auto reload = client.head("/api/admin/reload");
    CHECK(reload.status() == 405);
    CHECK(reload.header("Allow") == "POST");
}

TEST_CASE("keep-alive: two requests on one connection, and Connection: close is honoured", "[e2e][http]") {
    TestServer server;
    HttpClient client(server.port());
    auto first = client.get("/healthz");
    CHECK(first.status() == 200);
    CHECK(first.message.keep_alive());
    auto second = client.get("/api/search?q=nerves");
    CHECK(second.status() == 200);
    CHECK(first.header("X-Request-Id") != second.header("X-Request-Id"));

    http::request<http::string_body> closing{http::verb::get, "/healthz", 11};
    closing.set(http::field::host, "127.0.0.1");
    closing.keep_alive(false);
    auto third = client.send(std::move(closing));
    CHECK(third.status() == 200);
    CHECK_FALSE(third.message.keep_alive());
    CHECK(client.closed_by_server(std::chrono::seconds(2)));
}

TEST_CASE("HTTP/1.0 without keep-alive gets one reply and a close", "[e2e][http]") {
    TestServer server;
    HttpClient client(server.port());
    auto reply = client.send_raw("GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(reply.status() == 200);
    CHECK(client.closed_by_server(std::chrono::seconds(2)));
}

TEST_CASE("a body over 16 KiB is refused with 413 and the connection closed", "[e2e][http][limits]") {
    TestServer server;
    HttpClient client(server.port());
    http::request<http::string_body> request{http::verb::post, "/api/search?q=pain", 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = std::string(20 * 1024, 'x');
    auto reply = client.send(std::move(request));
    CHECK(reply.status() == 413);
    CHECK(reply.json().at("error").at("code") == "invalid_input");
    CHECK(client.closed_by_server(std::chrono::seconds(3)));
}

TEST_CASE("a body just under the limit is read (and then refused by the route)", "[e2e][http][limits]") {
    TestServer server;
    HttpClient client(server.port());
    http::request<http::string_body> request{http::verb::post, "/api/search?q=pain", 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = std::string(16 * 1024, 'x');
    CHECK(client.send(std::move(request)).status() == 405);
}

TEST_CASE("headers over 8 KiB are refused with 431", "[e2e][http][limits]") {
    TestServer server;
    HttpClient client(server.port());
    http::request<http::string_body> request{http::verb::get, "/healthz", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set("X-Padding", std::string(9 * 1024, 'p'));
    auto reply = client.send(std::move(request));
    CHECK(reply.status() == 431);
    CHECK(client.closed_by_server(std::chrono::seconds(3)));
}

TEST_CASE("a malformed request gets 400", "[e2e][http]") {
    TestServer server;
    HttpClient client(server.port());
    auto reply = client.send_raw("THIS IS NOT HTTP\r\n\r\n");
    CHECK(reply.status() == 400);
    CHECK(reply.json().at("error").at("code") == "invalid_input");
}

TEST_CASE("HTTP/1.1 needs Host; an absolute-form target is read as its path; an unknown method is 501", "[e2e][http]") {
    TestServer server;
    {
        HttpClient client(server.port());
        auto reply = client.send_raw("GET /healthz HTTP/1.1\r\n\r\n");
        CHECK(reply.status() == 400);
        CHECK(reply.json().at("error").at("message") == "HTTP/1.1 request without a Host header");
        CHECK(client.closed_by_server(std::chrono::seconds(2)));
    }
    {
        HttpClient client(server.port());  // HTTP/1.0 needs none
        CHECK(client.send_raw("GET /healthz HTTP/1.0\r\n\r\n").status() == 200);
    }
    HttpClient client(server.port());
    auto absolute = client.send_raw("GET http://127.0.0.1/api/search?q=nerve+pain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(absolute.status() == 200);
    CHECK(absolute.json().at("query") == "nerve pain");
    CHECK(client.send_raw("GET HTTP://127.0.0.1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status() == 404);  // path "/"
    auto lower = client.send_raw("get /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(lower.status() == 501);
    CHECK(lower.json().at("error").at("code") == "not_implemented");
}

TEST_CASE("a silent connection is closed after the read timeout", "[e2e][http]") {
    auto options = TestServer::default_options();
    options.io_timeout = std::chrono::milliseconds(300);
    TestServer server(options);
    HttpClient client(server.port());
    auto begun = std::chrono::steady_clock::now();
    CHECK(client.closed_by_server(std::chrono::seconds(3)));
    CHECK(std::chrono::steady_clock::now() - begun < std::chrono::seconds(2));
}

TEST_CASE("stop() closes idle keep-alive connections at once and refuses new ones", "[e2e][http]") {
    TestServer server;
    const auto port = server.port();
    HttpClient client(port);
    CHECK(client.get("/healthz").status() == 200);  // now idle, kept alive

    auto begun = std::chrono::steady_clock::now();
    server.stop();
    CHECK(std::chrono::steady_clock::now() - begun < std::chrono::seconds(2));
    CHECK(client.closed_by_server(std::chrono::seconds(2)));
    CHECK_THROWS(HttpClient(port, std::chrono::seconds(1)));
}

TEST_CASE("stop() lets a request already under way finish, then closes its connection", "[e2e][http]") {
    TestServer server;
    HttpClient client(server.port());
    client.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // headers not finished yet
    std::this_thread::sleep_for(std::chrono::milliseconds(200));       // let the server read them

    auto begun = std::chrono::steady_clock::now();
    std::thread stopper([&] { server.stop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    client.write_raw("\r\n");
    auto reply = client.read_reply();
    stopper.join();
    CHECK(reply.status() == 200);
    CHECK_FALSE(reply.message.keep_alive());
    CHECK(std::chrono::steady_clock::now() - begun < std::chrono::seconds(3));  // well before the grace deadline
    CHECK(client.closed_by_server(std::chrono::seconds(2)));
}

TEST_CASE("requests in flight on several connections all get answers", "[e2e][http]") {
    TestServer server;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            try {
                HttpClient client(server.port());
                for (int i = 0; i < 10; ++i)
                    if (client.get("/api/search?q=nerve+pain").status() == 200) ++ok;
            } catch (const std::exception&) {
                // counted as missing answers below
            }
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 40);
}
