// JSON Lines reader: one article a line, streamed so that corpora of any size read in the
// memory of their longest line.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest_internal.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/json_codec.hpp"

namespace medsearch {
namespace {

using nlohmann::json;

// A line this long is not an article: reject it instead of handing it to the parser.
constexpr std::size_t kMaxLineBytes = 16u << 20;

// Runs only for lines that failed to parse, to say why: json::parse without exceptions
// reports nothing but "discarded". Accepts every event and keeps the first error.
class ErrorCapture : public nlohmann::json_sax<json> {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        position_ = position;
        message_ = e.what();
        return false;
    }

    // "syntax error while parsing object - unexpected end of input; expected '}'",
    // without nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9: ".
    std::string description() const {
        std::string m = message_;
        const auto colon = m.find(": ");
        if (m.rfind("[json.exception", 0) == 0 && colon != std::string::npos) m.erase(0, colon + 2);
        return m;
    }
    std::size_t position() const { return position_; }

private:
    std::size_t position_ = 0;
    std::string message_;
};

std::string describe_parse_error(const std::string& line) {
    ErrorCapture capture;
    json::sax_parse(line, &capture);
    std::string message = "invalid JSON";
    if (capture.position() > 0) message += " at column " + std::to_string(capture.position());
    const std::string detail = capture.description();
    if (!detail.empty()) message += ": " + detail;
    return message;
}

bool is_blank(const std::string& line) { return detail::trim(line).empty(); }

}  // namespace

bool read_jsonl(const std::filesystem::path& path, const ArticleSink& sink,
                std::vector<Diagnostic>& problems) {
    const std::string where = path.string();
    const std::size_t problems_before = problems.size();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problems.push_back({where, 0, std::string("cannot open file: ") + std::strerror(errno)});
        return false;
    }

    std::string line;
    std::vector<std::string> messages;
    for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // BOM
        if (is_blank(line)) continue;
        if (line.size() > kMaxLineBytes) {
            problems.push_back({where, line_no,
                                "line too long (" + std::to_string(line.size()) +
                                    " bytes; the limit is " + std::to_string(kMaxLineBytes) + ")"});
            continue;
        }
        const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) {
            problems.push_back({where, line_no, describe_parse_error(line)});
            continue;
        }
        Article article;
        messages.clear();
        if (!article_from_json(j, article, messages)) {
            for (std::string& m : messages) problems.push_back({where, line_no, std::move(m)});
            continue;
        }
        if (!sink(std::move(article), where, line_no)) break;
    }
    if (in.bad()) {
        problems.push_back({where, 0, std::string("read error: ") + std::strerror(errno)});
    }
    return problems.size() == problems_before;
}

}  // namespace medsearch
