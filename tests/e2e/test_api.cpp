// Api::handle without sockets: routing, query-string decoding, validation and error replies.
// Needs the fixture index (a Searcher cannot exist without one), hence e2e.
#include <set>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "api.hpp"
#include "e2e_support.hpp"

using medsearch::Api;
using medsearch::ApiOptions;
using medsearch::ApiRequest;
using medsearch::ApiResponse;
using medsearch::Errc;
using medsearch::PlusDecoding;
namespace http = boost::beast::http;

namespace {

ApiResponse call(Api& api, http::verb method, const std::string& target) {
    ApiRequest request;
    request.method = method;
    request.target = target;
    return api.handle(request);
}

ApiResponse get(Api& api, const std::string& target) { return call(api, http::verb::get, target); }

std::string error_code(const ApiResponse& r) { return r.body.at("error").at("code").get<std::string>(); }
std::string error_message(const ApiResponse& r) { return r.body.at("error").at("message").get<std::string>(); }

}  // namespace

TEST_CASE("percent_decode handles +, escapes, UTF-8 and malformed escapes", "[api][decode]") {
    using Row = std::tuple<std::string, PlusDecoding, std::optional<std::string>>;
    auto [input, plus, expected] = GENERATE(table<std::string, PlusDecoding, std::optional<std::string>>({
        Row{"nerve+pain", PlusDecoding::as_space, "nerve pain"},
        Row{"nerve+pain", PlusDecoding::keep, "nerve+pain"},
        Row{"nerve%20pain", PlusDecoding::as_space, "nerve pain"},
        Row{"a%2Bb", PlusDecoding::as_space, "a+b"},
        Row{"Barr%C3%A9", PlusDecoding::as_space, "Barr\xC3\xA9"},
        Row{"Guillain%E2%80%93Barr%c3%a9", PlusDecoding::as_space, "Guillain\xE2\x80\x93" "Barr\xC3\xA9"},
        Row{"%25", PlusDecoding::as_space, "%"},
        Row{"", PlusDecoding::as_space, ""},
        Row{"100%", PlusDecoding::as_space, std::nullopt},
        Row{"%4", PlusDecoding::as_space, std::nullopt},
        Row{"%zz", PlusDecoding::as_space, std::nullopt},
        Row{"%g0", PlusDecoding::as_space, std::nullopt},
    }));
    CAPTURE(input);
    CHECK(medsearch::percent_decode(input, plus) == expected);
}

TEST_CASE("domain error codes map to HTTP statuses", "[api]") {
    auto [code, status] = GENERATE(table<Errc, http::status>({
        {Errc::invalid_input, http::status::bad_request},
        {Errc::not_found, http::status::not_found},
        {Errc::locked, http::status::service_unavailable},
        {Errc::io, http::status::internal_server_error},
        {Errc::index_corrupt, http::status::internal_server_error},
        {Errc::internal, http::status::internal_server_error},
    }));
    CHECK(medsearch::http_status(code) == status);
}

TEST_CASE("request ids are unique", "[api]") {
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(medsearch::new_request_id());
    CHECK(ids.size() == 1000);
}

TEST_CASE("bad requests get 400/404 with a code and a message naming the parameter", "[api][errors]") {
    Api api(medsearch::test::fixture_pool());
    auto [target, status, code, message_start] = GENERATE(table<std::string, unsigned, std::string, std::string>({
        {"/api/search", 400, "invalid_input", "q:"},
        {"/api/search?q=", 400, "invalid_input", "q:"},
        {"/api/search?q=+++", 400, "invalid_input", "q:"},
        {"/api/search?q=" + std::string(1025, 'a'), 400, "invalid_input", "q:"},
        {"/api/search?q=%zz", 400, "invalid_input", "q:"},
        {"/api/search?q=pain%4", 400, "invalid_input", "q:"},
        {"/api/search?q=%FF%FE", 400, "invalid_input", "q:"},
        {"/api/search?q=pain&q=ache", 400, "invalid_input", "q:"},
        {"/api/search?q=pain&size=0", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&size=51", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&size=ten", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&size=-1", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&size=1.5", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&size=", 400, "invalid_input", "size:"},
        {"/api/search?q=pain&page=0", 400, "invalid_input", "page:"},
        {"/api/search?q=pain&page=-2", 400, "invalid_input", "page:"},
        {"/api/search?q=pain&page=abc", 400, "invalid_input", "page:"},
        {"/api/search?q=pain&page=%2B3", 400, "invalid_input", "page:"},
        {"/api/search?q=pain&page=99999999999999999999999", 400, "invalid_input", "page: past the last page"},
        {"/api/search?q=pain&size=99999999999999999999999", 400, "invalid_input", "size: must be between 1 and 50"},
        {"/api/search?q=pain&page=1000000000000", 400, "invalid_input", "page:"},
        {"/api/search?q=pain&group=topic", 400, "invalid_input", "group:"},
        {"/api/search?q=pain&lang=EN!", 400, "invalid_input", "lang:"},
        {"/api/search?q=pain&lang=fr", 400, "invalid_input", "lang: no section of this index is in \"fr\"; its languages: en, es"},
        {"/api/articles/no-such-article", 404, "not_found", ""},
        {"/api/articles/bad%zzescape", 400, "invalid_input", "article id:"},
        {"/api/articles/", 404, "not_found", "no such path"},
        {"/api/articles/neuropathic-pain/extra", 404, "not_found", "no such path"},
        {"/api/search/", 404, "not_found", "no such path"},
        {"/nope", 404, "not_found", "no such path"},
        {"/", 404, "not_found", "no such path"},
        {"api/search?q=pain", 400, "invalid_input", "request target"},
    }));
    CAPTURE(target);
    auto reply = get(api, target);
    CHECK(static_cast<unsigned>(reply.status) == status);
    CHECK(reply.content_type == "application/json");
    REQUIRE(reply.body.contains("error"));
    CHECK(error_code(reply) == code);
    CHECK(error_message(reply).starts_with(message_start));
}

TEST_CASE("a known path with the wrong method is 405 with an Allow header", "[api][errors]") {
    Api api(medsearch::test::fixture_pool());
    auto [method, target] = GENERATE(table<http::verb, std::string>({
        {http::verb::post, "/api/search?q=pain"},
        {http::verb::delete_, "/healthz"},
        {http::verb::put, "/api/articles/neuropathic-pain"},
    }));
    CAPTURE(target);
    auto reply = call(api, method, target);
    CHECK(reply.status == http::status::method_not_allowed);
    CHECK(reply.allow == "GET, HEAD");
    CHECK(error_code(reply) == "method_not_allowed");
}

TEST_CASE("HEAD is routed as GET (the HTTP layer drops the body)", "[api]") {
    Api api(medsearch::test::fixture_pool());
    for (const char* target : {"/api/search?q=pain", "/healthz", "/api/articles/neuropathic-pain"}) {
        CAPTURE(target);
        CHECK(call(api, http::verb::head, target).status == http::status::ok);
    }
    CHECK(call(api, http::verb::head, "/api/search").status == http::status::bad_request);  // no q
}

TEST_CASE("a method the server does not know is 501", "[api][errors]") {
    Api api(medsearch::test::fixture_pool());
    auto reply = call(api, http::verb::unknown, "/healthz");
    CHECK(reply.status == http::status::not_implemented);
    CHECK(error_code(reply) == "not_implemented");
}

TEST_CASE("an unknown path is 404 whatever the method", "[api][errors]") {
    Api api(medsearch::test::fixture_pool());
    auto reply = call(api, http::verb::post, "/api/nothing");
    CHECK(reply.status == http::status::not_found);
    CHECK(reply.allow.empty());
}

TEST_CASE("search decodes the query string and echoes the parameters", "[api][search]") {
    Api api(medsearch::test::fixture_pool());
    auto reply = get(api, "/api/search?q=nerve+pain&page=1&size=3&group=article&lang=en&unknown=ignored");
    REQUIRE(reply.status == http::status::ok);
    CHECK(reply.body.at("query") == "nerve pain");
    CHECK(reply.body.at("page") == 1);
    CHECK(reply.body.at("size") == 3);
    CHECK(reply.body.at("hits").size() <= 3);

    auto encoded = get(api, "/api/search?q=nerve%20pain");
    REQUIRE(encoded.status == http::status::ok);
    CHECK(encoded.body.at("query") == "nerve pain");
}

TEST_CASE("a query of exactly 1,024 bytes is accepted", "[api][search]") {
    Api api(medsearch::test::fixture_pool());
    std::string q;
    while (q.size() + 5 <= 1024) q += "pain+";
    q += std::string(1024 - q.size(), 'x');
    REQUIRE(q.size() == 1024);
    auto reply = get(api, "/api/search?q=" + q);
    CHECK(reply.status == http::status::ok);
}

TEST_CASE("an empty lang means every language", "[api][search]") {
    Api api(medsearch::test::fixture_pool());
    auto reply = get(api, "/api/search?q=capsaicin&lang=");
    CHECK(reply.status == http::status::ok);
}

TEST_CASE("article and health routes answer JSON", "[api]") {
    Api api(medsearch::test::fixture_pool());
    auto article = get(api, "/api/articles/neuropathic-pain");
    REQUIRE(article.status == http::status::ok);
    CHECK(article.body.at("id") == "neuropathic-pain");

    auto health = get(api, "/healthz");
    REQUIRE(health.status == http::status::ok);
    CHECK(health.body.at("status") == "ok");
    CHECK(health.body.at("documents").is_number_unsigned());
}

TEST_CASE("GET / serves the home page when one is configured", "[api]") {
    ApiOptions options;
    options.home_page = "<!doctype html><title>medsearch</title>";
    Api api(medsearch::test::fixture_pool(), options);
    auto reply = get(api, "/");
    CHECK(reply.status == http::status::ok);
    CHECK(reply.content_type.starts_with("text/html"));
    CHECK(reply.text == *options.home_page);
    CHECK(call(api, http::verb::post, "/").status == http::status::method_not_allowed);
}
