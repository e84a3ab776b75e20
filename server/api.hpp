// The HTTP API as a plain function from request to response: routing, parameter parsing and
// validation, and the mapping of domain errors to HTTP statuses. No sockets here, so it is
// tested directly (tests/e2e/test_api.cpp); http_server.cpp only moves bytes.
//
// Routes (all answers JSON unless noted; errors are {"error":{"code","message"}}):
//   GET /api/search?q=&page=&size=&group=article|section&lang=   → SearchResponse
//   GET /api/articles/{id}                                        → Article
//   GET /healthz                                                  → {"status":"ok", IndexInfo fields}
//   POST /api/admin/reload  (Authorization: Bearer <token>)       → {"status":"ok","reloaded":bool,
//                                                                   IndexInfo fields}; 403 when no
//                                                                   token is configured, 401 when
//                                                                   the token is missing or wrong
//   GET /                                                         → the search page (text/html),
//                                                                   when ApiOptions::home_page is set
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "medsearch/result.hpp"
#include "searcher_pool.hpp"

namespace medsearch {

namespace http = boost::beast::http;

struct ApiRequest {
    http::verb method = http::verb::get;
    std::string target;         // origin-form as received: "/api/search?q=nerve+pain"
    std::string body;
    std::string authorization;  // the Authorization header, empty when absent
    std::string request_id;     // for error replies and logs; Api makes one when empty
};

struct ApiResponse {
    http::status status = http::status::ok;
    nlohmann::json body;  // the reply when content_type is application/json
    std::string content_type = "application/json";
    std::string text;     // the reply for any other content type (HTML, Prometheus text)
    std::string allow;    // the Allow header of a 405 reply, e.g. "GET"
    std::string www_authenticate;  // the WWW-Authenticate header of a 401 reply
};

struct ApiOptions {
    std::optional<std::string> home_page;  // HTML served at GET /; 404 when absent
    std::string admin_token;  // bearer token of POST /api/admin/reload; empty: the endpoint is disabled
};

// Thread-safe: handle() may be called from any number of threads at once (each call leases
// its own Searcher). The pool must outlive the Api.
class Api {
public:
    explicit Api(SearcherPool& searchers, ApiOptions options = {});

    // Never throws: an exception inside a handler becomes a 500 whose message carries the
    // request id; the details go to the log only.
    ApiResponse handle(const ApiRequest& request) noexcept;

    // Requests whose handling may take long (an admin reload reopens every Searcher: ~1.3 s on
    // MedQuAD). The HTTP server runs them off its I/O threads, so searches never queue behind.
    static bool is_slow(const ApiRequest& request) noexcept;

private:
    ApiResponse route(const ApiRequest& request, const std::string& request_id);
    ApiResponse search(std::string_view query_string, const std::string& request_id);
    ApiResponse article(std::string_view encoded_id, const std::string& request_id);
    ApiResponse health();
    ApiResponse admin_reload(const ApiRequest& request, const std::string& request_id);

    SearcherPool& searchers_;
    ApiOptions options_;
};

// The one place a domain error code becomes an HTTP status.
http::status http_status(Errc code) noexcept;

// The JSON error reply {"error":{"code":code,"message":message}}.
ApiResponse error_response(http::status status, std::string_view code, std::string_view message);

// Decodes %XX escapes (any bytes, so UTF-8 passes through) and, when `plus_as_space` (query
// strings), '+' as a space. Nullopt on a malformed escape ("%4", "%zz").
enum class PlusDecoding { keep, as_space };
std::optional<std::string> percent_decode(std::string_view text, PlusDecoding plus);

// A short id unique within this process ("1f3a9c02-17"), for logs and 500 replies. Thread-safe.
std::string new_request_id();

}  // namespace medsearch
