#include "api.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <exception>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "medsearch/json_codec.hpp"
#include "medsearch/log.hpp"

namespace medsearch {
namespace {

constexpr std::string_view kSearchPath = "/api/search";
constexpr std::string_view kArticlesPrefix = "/api/articles/";
constexpr std::string_view kHealthPath = "/healthz";
constexpr std::string_view kAdminReloadPath = "/api/admin/reload";
constexpr std::size_t kMaxEchoedBytes = 40;  // of a bad parameter value quoted in a message

// A parameter value quoted for an error message, cut short so a huge value stays out of it.
std::string quote_value(std::string_view value) {
    std::string out = "\"";
    out.append(value.substr(0, kMaxEchoedBytes));
    if (value.size() > kMaxEchoedBytes) out += "...";
    out += '"';
    return out;
}

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        char32_t min = 0;
        char32_t cp = 0;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; min = 0x80; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; min = 0x800; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; min = 0x10000; cp = c & 0x07; }
        else return false;
        if (i + extra >= s.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

// Query-string parameters, decoded. A parameter given twice is an error, since silently
// picking one of two `size` values hides a client bug.
struct QueryParams {
    std::vector<std::pair<std::string, std::string>> items;

    const std::string* find(std::string_view key) const {
        for (const auto& [k, v] : items)
            if (k == key) return &v;
        return nullptr;
    }
};

Result<QueryParams> parse_query_string(std::string_view qs) {
    QueryParams params;
    while (!qs.empty()) {
        std::size_t amp = qs.find('&');
        std::string_view item = qs.substr(0, amp);
        qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
        if (item.empty()) continue;
        std::size_t eq = item.find('=');
        auto key = percent_decode(item.substr(0, eq), PlusDecoding::as_space);
        if (!key)
            return Error{Errc::invalid_input,
                         "query string: malformed percent-escape in parameter name " +
                             quote_value(item.substr(0, eq)) + "; expected %XX with two hex digits"};
        std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
        auto value = percent_decode(raw_value, PlusDecoding::as_space);
        if (!value)
            return Error{Errc::invalid_input,
                         *key + ": malformed percent-escape; expected %XX with two hex digits"};
        if (params.find(*key) != nullptr)
            return Error{Errc::invalid_input, *key + ": given more than once"};
        params.items.emplace_back(std::move(*key), std::move(*value));
    }
    return params;
}

// A whole number in plain decimal digits that fits std::size_t, or an error naming `name`.
// Its range is the Searcher's to check, so the limits live in one place.
Result<std::size_t> parse_count(const std::string& name, const std::string& value) {
    std::size_t n = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, n);
    bool digits_only = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
    // Too many digits for size_t is still a number: past any limit, which the Searcher names.
    if (digits_only && ec == std::errc::result_out_of_range) return std::numeric_limits<std::size_t>::max();
    if (!digits_only || ec != std::errc{} || ptr != end)
        return Error{Errc::invalid_input, name + ": expected a positive integer, got " + quote_value(value)};
    return n;
}

bool is_language_code(std::string_view s) {
    if (s.size() < 2 || s.size() > 8) return false;
    for (char c : s)
        if (c < 'a' || c > 'z') return false;
    return true;
}

Result<SearchRequest> parse_search_request(const QueryParams& params) {
    SearchRequest request;
    const std::string* q = params.find("q");
    if (q == nullptr)
        return Error{Errc::invalid_input, "q: missing; expected the words to search for, e.g. q=nerve+pain"};
    // Emptiness, length, page and size limits are checked by Searcher::search.
    if (!is_valid_utf8(*q)) return Error{Errc::invalid_input, "q: not valid UTF-8 after percent-decoding"};
    request.query = *q;

    if (const std::string* page = params.find("page")) {
        auto n = parse_count("page", *page);
        if (!n) return n.error();
        request.page = n.value();
    }
    if (const std::string* size = params.find("size")) {
        auto n = parse_count("size", *size);
        if (!n) return n.error();
        request.size = n.value();
    }
    if (const std::string* group = params.find("group")) {
        if (*group == "article") request.group = Grouping::article;
        else if (*group == "section") request.group = Grouping::section;
        else return Error{Errc::invalid_input, "group: expected \"article\" or \"section\", got " + quote_value(*group)};
    }
    if (const std::string* lang = params.find("lang"); lang != nullptr && !lang->empty()) {
        if (!is_language_code(*lang))
            return Error{Errc::invalid_input,
                         "lang: expected a lowercase language code such as en or es, got " + quote_value(*lang)};
        request.language = *lang;
    }
    return request;
}

ApiResponse json_response(nlohmann::json body) {
    ApiResponse response;
    response.body = std::move(body);
    return response;
}

// A failed domain call as a reply. Server-side failures keep their details in the log.
ApiResponse domain_error_response(const Error& error, const std::string& request_id) {
    http::status status = http_status(error.code);
    if (http::to_status_class(status) != http::status_class::server_error)
        return error_response(status, to_string(error.code), error.message);
    log(LogLevel::error, "request_failed",
        {{"request_id", request_id}, {"code", to_string(error.code)}, {"message", error.message}});
    return error_response(status, to_string(error.code), "the server failed to answer; request id " + request_id);
}

// `allowed`: the Allow header's list. GET routes take HEAD too (RFC 9110 9.1: every
// general-purpose server must), answered by the HTTP layer without the body.
ApiResponse method_not_allowed(http::verb method, std::string_view allowed = "GET, HEAD") {
    auto response = error_response(http::status::method_not_allowed, "method_not_allowed",
                                   std::string(http::to_string(method)) + " is not allowed here; use " +
                                       std::string(allowed));
    response.allow = std::string(allowed);
    return response;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
        if (x != y) return false;
    }
    return true;
}

// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750);
// empty when the header is absent or another scheme.
std::string_view bearer_token(std::string_view header) {
    std::size_t space = header.find(' ');
    if (space == std::string_view::npos || !iequals(header.substr(0, space), "bearer")) return {};
    std::string_view token = header.substr(space);
    std::size_t first = token.find_first_not_of(' ');
    if (first == std::string_view::npos) return {};
    token = token.substr(first);
    std::size_t last = token.find_last_not_of(" \t");
    return token.substr(0, last + 1);
}

// Takes the same time for every `given` of a given length, so timing reveals no prefix of the token.
bool token_matches(std::string_view given, std::string_view expected) {
    if (given.size() != expected.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

}  // namespace

http::status http_status(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_input: return http::status::bad_request;
        case Errc::not_found: return http::status::not_found;
        case Errc::locked: return http::status::service_unavailable;
        case Errc::io:
        case Errc::index_corrupt:
        case Errc::internal: return http::status::internal_server_error;
    }
    return http::status::internal_server_error;
}

ApiResponse error_response(http::status status, std::string_view code, std::string_view message) {
    ApiResponse response;
    response.status = status;
    response.body = {{"error", {{"code", code}, {"message", message}}}};
    return response;
}

std::optional<std::string> percent_decode(std::string_view text, PlusDecoding plus) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex(text[i + 1]);
            int lo = hex(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus == PlusDecoding::as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string new_request_id() {
    // A random prefix per process keeps ids from two runs apart in one log file.
    static const unsigned prefix = std::random_device{}();
    static std::atomic<unsigned long long> counter{0};
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-%llu", prefix, ++counter);
    return buffer;
}

Api::Api(SearcherPool& searchers, ApiOptions options) : searchers_(searchers), options_(std::move(options)) {}

ApiResponse Api::handle(const ApiRequest& request) noexcept {
    const std::string request_id = request.request_id.empty() ? new_request_id() : request.request_id;
    try {
        return route(request, request_id);
    } catch (const std::exception& e) {
        log(LogLevel::error, "request_exception", {{"request_id", request_id}, {"what", e.what()}});
    } catch (...) {
        log(LogLevel::error, "request_exception", {{"request_id", request_id}, {"what", "unknown exception"}});
    }
    return error_response(http::status::internal_server_error, to_string(Errc::internal),
                          "the server failed to answer; request id " + request_id);
}

bool Api::is_slow(const ApiRequest& request) noexcept {
    std::string_view target = request.target;
    return request.method == http::verb::post && target.substr(0, target.find('?')) == kAdminReloadPath;
}

ApiResponse Api::route(const ApiRequest& request, const std::string& request_id) {
    std::string_view target = request.target;
    // The absolute form ("http://host/path"), which a server must accept (RFC 9112 3.2.2): its path.
    for (std::string_view scheme : {"http://", "https://"})
        if (target.size() > scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
            const std::size_t slash = target.find_first_of("/?", scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
            if (target.front() == '?') return error_response(http::status::bad_request, to_string(Errc::invalid_input),
                                                             "request target: expected a path after the host");
            break;
        }
    if (target.empty() || target.front() != '/')
        return error_response(http::status::bad_request, to_string(Errc::invalid_input),
                              "request target: expected a path starting with '/'");
    // Method names are case-sensitive: "get" is no GET, and no method this server knows.
    if (request.method == http::verb::unknown)
        return error_response(http::status::not_implemented, "not_implemented",
                              "unknown method (method names are case-sensitive); this server answers GET, HEAD and POST");
    std::size_t question = target.find('?');
    std::string_view path = target.substr(0, question);
    std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

    const bool is_get = request.method == http::verb::get || request.method == http::verb::head;
    if (path == kSearchPath) return is_get ? search(query, request_id) : method_not_allowed(request.method);
    if (path == kHealthPath) return is_get ? health() : method_not_allowed(request.method);
    if (path == kAdminReloadPath)
        return request.method == http::verb::post ? admin_reload(request, request_id)
                                                  : method_not_allowed(request.method, "POST");
    if (path.starts_with(kArticlesPrefix)) {
        std::string_view id = path.substr(kArticlesPrefix.size());
        if (!id.empty() && id.find('/') == std::string_view::npos)
            return is_get ? article(id, request_id) : method_not_allowed(request.method);
    }
    if (path == "/" && options_.home_page) {
        if (!is_get) return method_not_allowed(request.method);
        ApiResponse response;
        response.content_type = "text/html; charset=utf-8";
        response.text = *options_.home_page;
        return response;
    }
    return error_response(http::status::not_found, to_string(Errc::not_found),
                          "no such path: " + quote_value(path) + "; see /api/search, /api/articles/{id}, /healthz");
}

ApiResponse Api::search(std::string_view query_string, const std::string& request_id) {
    auto params = parse_query_string(query_string);
    if (!params) return domain_error_response(params.error(), request_id);
    auto request = parse_search_request(params.value());
    if (!request) return domain_error_response(request.error(), request_id);

    auto searcher = searchers_.lease();
    auto response = searcher->search(request.value());
    if (!response) return domain_error_response(response.error(), request_id);
    return json_response(response.value());
}

ApiResponse Api::article(std::string_view encoded_id, const std::string& request_id) {
    auto id = percent_decode(encoded_id, PlusDecoding::keep);
    if (!id)
        return error_response(http::status::bad_request, to_string(Errc::invalid_input),
                              "article id: malformed percent-escape; expected %XX with two hex digits");
    auto searcher = searchers_.lease();
    auto found = searcher->article(*id);
    if (!found) return domain_error_response(found.error(), request_id);
    return json_response(found.value());
}

ApiResponse Api::health() {
    auto searcher = searchers_.lease();
    nlohmann::json body = searcher->info();
    body["status"] = "ok";
    return json_response(std::move(body));
}

ApiResponse Api::admin_reload(const ApiRequest& request, const std::string& request_id) {
    if (options_.admin_token.empty())
        return error_response(http::status::forbidden, "forbidden",
                              "admin endpoints are disabled; start the server with --admin-token-file FILE "
                              "or MEDSEARCH_ADMIN_TOKEN to enable them");
    if (!token_matches(bearer_token(request.authorization), options_.admin_token)) {
        log(LogLevel::warn, "admin_unauthorized", {{"request_id", request_id}, {"path", std::string(kAdminReloadPath)}});
        auto response = error_response(http::status::unauthorized, "unauthorized",
                                       request.authorization.empty()
                                           ? "missing credentials; expected the header Authorization: Bearer <token>"
                                           : "invalid credentials; expected the header Authorization: Bearer <token>");
        response.www_authenticate = R"(Bearer realm="medsearch-admin")";
        return response;
    }
    auto outcome = searchers_.reload();
    if (!outcome) return domain_error_response(outcome.error(), request_id);
    nlohmann::json body = outcome.value().info;
    body["status"] = "ok";
    body["reloaded"] = outcome.value().changed;
    return json_response(std::move(body));
}

}  // namespace medsearch
