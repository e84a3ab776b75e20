// Markdown reader: YAML front matter (yaml-cpp) and a body split into sections at `##` and
// `###` headings (md4c, GitHub dialect), rendered to plain text.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <md4c.h>
#include <yaml-cpp/yaml.h>

#include "ingest_internal.hpp"
#include "medsearch/ingest.hpp"

namespace medsearch {
namespace {

namespace fs = std::filesystem;
using detail::in_quotes;
using detail::rtrim;
using detail::RawSection;
using detail::Reporter;
using detail::tidy_text;

// Articles are pages of prose; anything larger is a mistake, not an article.
constexpr std::uintmax_t kMaxMarkdownBytes = 8u << 20;
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// 1-based line numbers of byte offsets in a document.
class Lines {
public:
    explicit Lines(std::string_view text) : text_(text) {
        starts_.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') starts_.push_back(i + 1);
        }
    }
    std::size_t line_of(std::size_t offset) const {
        return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) -
                                        starts_.begin());
    }
    // Number of lines; a final '\n' ends the last line rather than starting a new one.
    std::size_t count() const {
        return starts_.back() == text_.size() ? starts_.size() - 1 : starts_.size();
    }
    std::size_t start(std::size_t line) const {
        return line <= starts_.size() ? starts_[line - 1] : text_.size();
    }
    // The line without its '\n'.
    std::string_view line(std::size_t line) const {
        const std::size_t begin = start(line);
        const std::size_t end = line < starts_.size() ? starts_[line] - 1 : text_.size();
        return text_.substr(begin, end - begin);
    }

private:
    std::string_view text_;
    std::vector<std::size_t> starts_;
};


void append_utf8(std::string& out, char32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        out += kReplacementChar;
    } else if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// The named entities prose uses; any other is kept as written.
struct NamedEntity {
    std::string_view name;
    char32_t code_point;
};
constexpr NamedEntity kNamedEntities[] = {
    {"amp", U'&'},         {"lt", U'<'},          {"gt", U'>'},          {"quot", U'"'},
    {"apos", U'\''},       {"nbsp", U'\u00A0'},   {"ndash", U'\u2013'},  {"mdash", U'\u2014'},
    {"hellip", U'\u2026'}, {"lsquo", U'\u2018'},  {"rsquo", U'\u2019'},  {"ldquo", U'\u201C'},
    {"rdquo", U'\u201D'},  {"laquo", U'\u00AB'},  {"raquo", U'\u00BB'},  {"middot", U'\u00B7'},
    {"bull", U'\u2022'},   {"deg", U'\u00B0'},    {"plusmn", U'\u00B1'}, {"times", U'\u00D7'},
    {"divide", U'\u00F7'}, {"micro", U'\u00B5'},  {"le", U'\u2264'},     {"ge", U'\u2265'},
    {"ne", U'\u2260'},     {"asymp", U'\u2248'},  {"copy", U'\u00A9'},   {"reg", U'\u00AE'},
    {"trade", U'\u2122'},  {"sect", U'\u00A7'},   {"para", U'\u00B6'},   {"frac12", U'\u00BD'},
    {"frac14", U'\u00BC'}, {"frac34", U'\u00BE'}, {"sup2", U'\u00B2'},   {"sup3", U'\u00B3'},
    {"alpha", U'\u03B1'},  {"beta", U'\u03B2'},   {"gamma", U'\u03B3'},  {"delta", U'\u03B4'},
    {"mu", U'\u03BC'},     {"iexcl", U'\u00A1'},  {"iquest", U'\u00BF'}, {"shy", U'\u00AD'},
    {"aacute", U'\u00E1'}, {"eacute", U'\u00E9'}, {"iacute", U'\u00ED'}, {"oacute", U'\u00F3'},
    {"uacute", U'\u00FA'}, {"ntilde", U'\u00F1'}, {"uuml", U'\u00FC'},   {"Aacute", U'\u00C1'},
    {"Eacute", U'\u00C9'}, {"Iacute", U'\u00CD'}, {"Oacute", U'\u00D3'}, {"Uacute", U'\u00DA'},
    {"Ntilde", U'\u00D1'},
};

// "&amp;", "&#233;", "&#xE9;" → the character; unknown names stay as written.
void append_entity(std::string& out, std::string_view entity) {
    if (entity.size() < 3 || entity.front() != '&' || entity.back() != ';') {
        out += entity;
        return;
    }
    const std::string_view body = entity.substr(1, entity.size() - 2);
    if (body.front() == '#') {
        const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
        const std::string_view digits = body.substr(hex ? 2 : 1);
        std::uint32_t cp = 0;
        for (const char c : digits) {
            unsigned d = 0;
            if (c >= '0' && c <= '9')
                d = static_cast<unsigned>(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = static_cast<unsigned>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = static_cast<unsigned>(c - 'A' + 10);
            else
                return void(out += entity);
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10FFFF) cp = 0x110000;  // stays out of range without overflowing
        }
        append_utf8(out, digits.empty() ? 0 : cp);
        return;
    }
    for (const auto& e : kNamedEntities) {
        if (e.name == body) return append_utf8(out, e.code_point);
    }
    out += entity;
}

// "<br>", "<BR/>", "<br />".
bool is_br_tag(std::string_view html) {
    if (html.size() < 4 || html[0] != '<' || (html[1] != 'b' && html[1] != 'B') ||
        (html[2] != 'r' && html[2] != 'R')) {
        return false;
    }
    const std::string_view rest = html.substr(3);
    return rest.find_first_not_of(" \t/") == rest.size() - 1 && rest.back() == '>';
}

// Collapses whitespace runs to one space and trims.
std::string collapse_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
        } else {
            if (space) out += ' ';
            space = false;
            out += c;
        }
    }
    return out;
}

// Splits "Overview {#overview}" into the heading and its anchor.
void split_anchor(RawSection& s) {
    std::string_view text = detail::trim(s.heading);
    if (text.empty() || text.back() != '}') return;
    const auto open = text.rfind("{#");
    if (open == std::string_view::npos) return;
    const std::string_view inner = text.substr(open + 2, text.size() - open - 3);
    if (inner.find_first_of("{} \t") != std::string_view::npos) return;
    s.has_anchor = true;
    s.anchor = std::string(inner);
    s.heading = std::string(detail::trim(text.substr(0, open)));
}

// Walks md4c's events, cutting the body into RawSections of plain text. md4c reports no
// positions, but the text it passes points into the document, which gives heading lines.
class BodyRenderer {
public:
    BodyRenderer(std::string_view doc, const Lines& lines, std::size_t body_offset)
        : doc_(doc), lines_(lines), body_offset_(body_offset) {
        sections_.emplace_back();
        sections_.back().line = lines_.line_of(body_offset);
        scan_from_line_ = sections_.back().line;
    }

    // False if md4c failed; rethrows what a callback threw.
    bool run() {
        MD_PARSER parser{};
        parser.abi_version = 0;
        parser.flags = MD_DIALECT_GITHUB;
        parser.enter_block = &BodyRenderer::on_enter_block;
        parser.leave_block = &BodyRenderer::on_leave_block;
        parser.enter_span = &BodyRenderer::on_enter_span;
        parser.leave_span = &BodyRenderer::on_leave_span;
        parser.text = &BodyRenderer::on_text;
        const std::string_view body = doc_.substr(body_offset_);
        const int rc = md_parse(body.data(), static_cast<MD_SIZE>(body.size()), &parser, this);
        if (error_) std::rethrow_exception(error_);
        return rc == 0;
    }

    std::vector<RawSection>& sections() { return sections_; }

private:
    enum class Mode { body, heading, skip };
    struct List {
        bool ordered = false;
        unsigned next_number = 1;
        unsigned id = 0;
    };

    template <typename F>
    static int guarded(void* self, F&& f) noexcept {
        auto* r = static_cast<BodyRenderer*>(self);
        try {
            f(*r);
            return 0;
        } catch (...) {
            r->error_ = std::current_exception();
            return -1;  // stops md4c; run() rethrows
        }
    }
    static int on_enter_block(MD_BLOCKTYPE type, void* detail, void* self) {
        return guarded(self, [&](BodyRenderer& r) { r.enter_block(type, detail); });
    }
    static int on_leave_block(MD_BLOCKTYPE type, void* detail, void* self) {
        return guarded(self, [&](BodyRenderer& r) { r.leave_block(type, detail); });
    }
    static int on_enter_span(MD_SPANTYPE, void*, void*) { return 0; }
    static int on_leave_span(MD_SPANTYPE, void*, void*) { return 0; }
    static int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
        return guarded(self, [&](BodyRenderer& r) { r.text(type, std::string_view(text, size)); });
    }

    void enter_block(MD_BLOCKTYPE type, void* detail) {
        block_started_ = false;
        switch (type) {
            case MD_BLOCK_QUOTE: ++containers_; break;
            case MD_BLOCK_UL:
            case MD_BLOCK_OL: {
                List list;
                list.ordered = type == MD_BLOCK_OL;
                if (list.ordered)
                    list.next_number = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
                list.id = ++list_ids_;
                lists_.push_back(list);
                break;
            }
            case MD_BLOCK_LI: {
                ++containers_;
                List& list = lists_.back();
                item_prefix_.assign(2 * (lists_.size() - 1), ' ');
                item_prefix_ += list.ordered ? std::to_string(list.next_number++) + ". " : "- ";
                break;
            }
            case MD_BLOCK_H: {
                const unsigned level = static_cast<MD_BLOCK_H_DETAIL*>(detail)->level;
                // `#` is the page title, repeated from the front matter; headings inside
                // quotes or lists, and `####` and below, are text of the current section.
                if (level == 1 && containers_ == 0) {
                    mode_ = Mode::skip;
                } else if ((level == 2 || level == 3) && containers_ == 0) {
                    mode_ = Mode::heading;
                    heading_ = RawSection{};
                    heading_.level = level;
                }
                break;
            }
            case MD_BLOCK_HTML: in_html_block_ = true; break;
            case MD_BLOCK_TABLE:
                in_table_ = true;
                table_.clear();
                break;
            case MD_BLOCK_TR: table_.emplace_back(); break;
            case MD_BLOCK_TH:
            case MD_BLOCK_TD:
                if (!table_.empty()) table_.back().emplace_back();
                break;
            default: break;
        }
    }

    void leave_block(MD_BLOCKTYPE type, void*) {
        block_started_ = false;
        switch (type) {
            case MD_BLOCK_QUOTE: --containers_; break;
            case MD_BLOCK_UL:
            case MD_BLOCK_OL: lists_.pop_back(); break;
            case MD_BLOCK_LI:
                --containers_;
                item_prefix_.clear();  // an item without text
                break;
            case MD_BLOCK_H:
                if (mode_ == Mode::heading) finish_heading();
                mode_ = Mode::body;
                break;
            case MD_BLOCK_HTML: in_html_block_ = false; break;
            case MD_BLOCK_TABLE: finish_table(); break;
            default: break;
        }
    }

    void text(MD_TEXTTYPE type, std::string_view text) {
        note_position(text);
        switch (type) {
            case MD_TEXT_NORMAL:
            case MD_TEXT_CODE:
            case MD_TEXT_LATEXMATH: append(text); break;
            case MD_TEXT_NULLCHAR: append(kReplacementChar); break;
            case MD_TEXT_SOFTBR: append(" "); break;
            case MD_TEXT_BR: hard_break(); break;
            case MD_TEXT_ENTITY: {
                std::string decoded;
                append_entity(decoded, text);
                append(decoded);
                break;
            }
            case MD_TEXT_HTML:
                // Markup, not prose; but an inline <br> still breaks the line.
                if (!in_html_block_ && is_br_tag(text)) hard_break();
                break;
        }
    }

    // A line break inside a paragraph; in a heading or a table cell, a space.
    void hard_break() {
        if (mode_ == Mode::body && !in_table_ && block_started_) {
            current().text += '\n';
            current().text.append(2 * lists_.size(), ' ');
        } else {
            append(" ");
        }
    }

    void note_position(std::string_view text) {
        const auto p = reinterpret_cast<std::uintptr_t>(text.data());
        const auto begin = reinterpret_cast<std::uintptr_t>(doc_.data());
        if (p < begin || p >= begin + doc_.size()) return;  // md4c's own "\n" and the like
        const std::size_t line = lines_.line_of(static_cast<std::size_t>(p - begin));
        if (mode_ == Mode::heading && heading_.line == 0) heading_.line = line;
        scan_from_line_ = std::max(scan_from_line_, line + 1);
    }

    RawSection& current() { return sections_.back(); }

    void append(std::string_view text) {
        if (text.empty()) return;
        switch (mode_) {
            case Mode::skip: return;
            case Mode::heading: heading_.heading += text; return;
            case Mode::body: break;
        }
        if (in_table_) {
            if (!table_.empty() && !table_.back().empty()) table_.back().back() += text;
            return;
        }
        if (!block_started_) start_block();
        current().text += text;
    }

    // Separates a new paragraph, item or other block from what the section already holds:
    // "\n" between the items of one list, "\n\n" otherwise.
    void start_block() {
        std::string& out = current().text;
        const unsigned list_id = lists_.empty() ? 0 : lists_.front().id;
        out.resize(rtrim(out).size());
        while (!out.empty() && out.back() == '\n') out.pop_back();
        if (!out.empty()) out += (list_id != 0 && list_id == last_list_id_) ? "\n" : "\n\n";
        if (!item_prefix_.empty()) {
            out += item_prefix_;
            item_prefix_.clear();
        } else {
            out.append(2 * lists_.size(), ' ');  // a later paragraph of the same item
        }
        last_list_id_ = list_id;
        block_started_ = true;
    }

    void finish_table() {
        in_table_ = false;
        std::string rendered;
        for (const auto& row : table_) {
            std::string line;
            for (const auto& cell : row) {
                const std::string c = collapse_spaces(cell);
                if (c.empty()) continue;
                if (!line.empty()) line += " | ";
                line += c;
            }
            if (line.empty()) continue;
            if (!rendered.empty()) rendered += '\n';
            rendered += line;
        }
        table_.clear();
        if (rendered.empty()) return;
        start_block();
        current().text += rendered;
        block_started_ = false;
    }

    void finish_heading() {
        heading_.heading = collapse_spaces(heading_.heading);
        split_anchor(heading_);
        if (heading_.line == 0) heading_.line = find_empty_heading(heading_.level);
        sections_.push_back(std::move(heading_));
        heading_ = RawSection{};
        last_list_id_ = 0;
    }

    // An ATX heading with no text at all ("## ") passes no text to find it by; it is the
    // first such line after the last text md4c reported.
    std::size_t find_empty_heading(unsigned level) {
        for (std::size_t n = scan_from_line_; n <= lines_.count(); ++n) {
            std::string_view l = lines_.line(n);
            std::size_t indent = 0;
            while (indent < 3 && indent < l.size() && l[indent] == ' ') ++indent;
            l.remove_prefix(indent);
            std::size_t hashes = 0;
            while (hashes < l.size() && l[hashes] == '#') ++hashes;
            if (hashes == level &&
                rtrim(l.substr(hashes)).find_first_not_of(" \t#") == std::string_view::npos) {
                scan_from_line_ = n + 1;
                return n;
            }
        }
        return lines_.line_of(std::min(doc_.size(), body_offset_));
    }

    std::string_view doc_;
    const Lines& lines_;
    std::size_t body_offset_;
    std::vector<RawSection> sections_;
    std::exception_ptr error_;

    Mode mode_ = Mode::body;
    RawSection heading_;
    std::size_t scan_from_line_ = 1;
    int containers_ = 0;  // open quotes and list items
    std::vector<List> lists_;
    unsigned list_ids_ = 0;
    unsigned last_list_id_ = 0;  // outermost list of the last block written, 0 for none
    std::string item_prefix_;    // "- " or "2. ", written with the item's first text
    bool block_started_ = false;
    bool in_html_block_ = false;
    bool in_table_ = false;
    std::vector<std::vector<std::string>> table_;
};

// The keys FrontMatterReader reads (docs/content-format.md). Any other is a mistake: a
// misspelt key would drop its field, `searches` or names, without a word.
constexpr std::string_view kFrontMatterKeys[] = {"id",       "title",    "also_called",
                                                 "topics",   "audience", "updated",
                                                 "language", "source",   "searches"};

// Edits (a letter deleted, inserted or changed, or two neighbours swapped) between a and b.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t changed = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, changed});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

// The allowed key `key` was most likely meant to be, if one stands out: case, '-' or ' ' for
// '_' ("also-called"), or a slip of one or two edits ("serches"), one only for short keys,
// where two edits turn any key into another ("id" into "to").
std::optional<std::string_view> meant_key(std::string_view key) {
    std::string folded;
    for (const char c : key) {
        if (c == '-' || c == ' ')
            folded += '_';
        else
            folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;
    bool tied = false;
    for (const std::string_view allowed : kFrontMatterKeys) {
        const std::size_t distance = edit_distance(folded, allowed);
        if (distance > (allowed.size() <= 4 ? 1u : 2u) || distance > best_distance) continue;
        tied = distance == best_distance;
        best = allowed;
        best_distance = distance;
    }
    return tied ? std::nullopt : best;
}

std::string unknown_key_message(std::string_view key) {
    std::string message = "unknown key " + in_quotes(key);
    if (const auto meant = meant_key(key)) message += ": did you mean " + in_quotes(*meant) + "?";
    message += " (the keys are";
    for (const std::string_view allowed : kFrontMatterKeys) {
        message += allowed == kFrontMatterKeys[0] ? " " : ", ";
        message += allowed;
    }
    return message + ")";
}

// Fields of the front matter. Lines: yaml-cpp counts from 0 within the YAML text, which
// starts on line 2 of the file.
class FrontMatterReader {
public:
    FrontMatterReader(Reporter& report, std::size_t first_line)
        : report_(report), first_(first_line) {}

    void read(const YAML::Node& root, Article& a, std::size_t& id_line) {
        if (root.IsDefined() && !root.IsNull()) {
            if (!root.IsMap()) {
                report_(line_of(root, first_),
                        "front matter must be a YAML mapping (key: value lines)");
                return;
            }
            for (const auto& kv : root) {
                const std::size_t key_line = line_of(kv.first, first_);
                if (!kv.first.IsScalar()) {
                    report_(key_line, "front matter keys must be plain names");
                    continue;
                }
                const auto [it, inserted] =
                    fields_.emplace(kv.first.Scalar(), Field{kv.second, key_line});
                if (!inserted) {
                    report_(key_line, "duplicate key " + in_quotes(kv.first.Scalar()) +
                                          " (first at line " + std::to_string(it->second.line) +
                                          ")");
                } else if (std::find(std::begin(kFrontMatterKeys), std::end(kFrontMatterKeys),
                                     kv.first.Scalar()) == std::end(kFrontMatterKeys)) {
                    report_(key_line, unknown_key_message(kv.first.Scalar()));
                }
            }
        }

        if (string_field("id", Required::yes, a.id)) {
            id_line = fields_.at("id").line;
            if (!detail::is_slug(a.id)) {
                report_(id_line, "id " + in_quotes(a.id) +
                                     " is not a slug (expected lowercase a-z, 0-9 and '-')");
            } else if (auto message = detail::check_article_id(a.id)) {
                report_(id_line, *message);
            }
        }
        string_field("title", Required::yes, a.title);
        list_field("also_called", a.also_called);
        list_field("topics", a.topics);
        string_field("source", Required::no, a.source);
        checked_field("audience", a.audience, detail::check_audience);
        checked_field("updated", a.updated, detail::check_updated);
        checked_field("language", a.language, detail::check_language);
        searches_field();
    }

    // Each anchor's searches onto its section; an anchor no section has is an error.
    void attach_searches(Article& a) {
        for (auto& s : searches_) {
            auto section = std::find_if(a.sections.begin(), a.sections.end(),
                                        [&](const Section& x) { return x.anchor == s.anchor; });
            if (section == a.sections.end()) {
                report_(s.line, "searches: no section has the anchor " + in_quotes(s.anchor));
                continue;
            }
            section->searches = std::move(s.list);
        }
    }

private:
    struct Searches {
        std::string anchor;
        std::size_t line;
        std::vector<std::string> list;
    };

    // `searches:`, a mapping of section anchors to lists of strings; checked against the
    // sections by attach_searches, once they are read.
    void searches_field() {
        const auto it = fields_.find("searches");
        if (it == fields_.end() || it->second.value.IsNull()) return;
        const Field& f = it->second;
        if (!f.value.IsMap()) {
            report_(f.line, "\"searches\" must map section anchors to lists, such as {treatment: [what helps]}");
            return;
        }
        for (const auto& kv : f.value) {
            const std::size_t line = line_of(kv.first, f.line);
            if (!kv.first.IsScalar()) {
                report_(line, "searches: keys must be section anchors");
                continue;
            }
            std::vector<std::string> list;
            list_of(kv.second, "searches." + kv.first.Scalar(), line, list);
            searches_.push_back({kv.first.Scalar(), line, std::move(list)});
        }
    }

    enum class Required { no, yes };
    struct Field {
        YAML::Node value;
        std::size_t line;
    };

    std::size_t line_of(const YAML::Node& node, std::size_t fallback) const {
        const YAML::Mark m = node.Mark();
        return m.is_null() || m.line < 0 ? fallback : first_ + static_cast<std::size_t>(m.line);
    }

    // True when the field holds a non-empty string, now in `out`.
    bool string_field(const char* name, Required required, std::string& out) {
        const auto it = fields_.find(name);
        if (it == fields_.end()) {
            if (required == Required::yes)
                report_(first_ - 1, "missing " + in_quotes(name) + " in the front matter");
            return false;
        }
        const Field& f = it->second;
        if (f.value.IsNull()) {
            if (required == Required::yes) report_(f.line, "empty " + in_quotes(name));
            return false;
        }
        if (!f.value.IsScalar()) {
            report_(f.line, in_quotes(name) + " must be a string");
            return false;
        }
        const std::string_view value = detail::trim(f.value.Scalar());
        if (value.empty()) {
            if (required == Required::yes) report_(f.line, "empty " + in_quotes(name));
            return false;
        }
        out = std::string(value);
        return true;
    }

    template <typename Check>
    void checked_field(const char* name, std::string& out, Check check) {
        std::string value;
        if (!string_field(name, Required::no, value)) return;
        if (auto message = check(value)) {
            report_(fields_.at(name).line, *message);
            return;
        }
        out = std::move(value);
    }

    void list_field(const char* name, std::vector<std::string>& out) {
        const auto it = fields_.find(name);
        if (it == fields_.end() || it->second.value.IsNull()) return;
        list_of(it->second.value, name, it->second.line, out);
    }

    void list_of(const YAML::Node& value, const std::string& name, std::size_t at, std::vector<std::string>& out) {
        if (!value.IsSequence()) {
            report_(at, in_quotes(name) + " must be a list of strings, such as [pain, nerves]");
            return;
        }
        std::size_t index = 0;
        for (const auto& item : value) {
            const std::string where = name + '[' + std::to_string(index++) + "]: ";
            const std::size_t line = line_of(item, at);
            if (!item.IsScalar()) {
                report_(line, where + "expected a string");
                continue;
            }
            const std::string_view value = detail::trim(item.Scalar());
            if (value.empty()) {
                report_(line, where + "empty string");
                continue;
            }
            out.emplace_back(value);
        }
    }

    Reporter& report_;
    std::size_t first_;
    std::map<std::string, Field> fields_;
    std::vector<Searches> searches_;
};

// "\r\n" and lone "\r" become "\n", so that lines count as editors count them.
std::string normalize_newlines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool opens_front_matter(std::string_view line) { return rtrim(line) == "---"; }
bool closes_front_matter(std::string_view line) {
    line = rtrim(line);
    return line == "---" || line == "...";
}

// yaml-cpp 0.7 accepts a quoted scalar still open at the end of its input, so that
// `title: 'Single quote` swallows every line after it. A document end marker after the YAML makes
// it throw instead: the YAML spec forbids one inside a quoted scalar. The front matter cannot
// hold one of its own, since its first "---" or "..." line closes it.
YAML::Node load_front_matter(const std::string& yaml) { return YAML::Load(yaml + "...\n"); }

struct ScalarAt {
    YAML::Mark mark;
    bool quoted;        // a quoted scalar has the non-specific tag "!", a plain one "?"
    std::string where;  // "title", "topics[1]"; empty for a document of one scalar
};

// The last scalar, in document order, of `node` and what lies under it.
void last_scalar(const YAML::Node& node, const std::string& where, std::optional<ScalarAt>& last) {
    if (node.IsScalar()) {
        const YAML::Mark m = node.Mark();
        if (!last || std::pair(m.line, m.column) > std::pair(last->mark.line, last->mark.column))
            last = ScalarAt{m, node.Tag() == "!", where};
    } else if (node.IsSequence()) {
        std::size_t index = 0;
        for (const auto& item : node) last_scalar(item, where + '[' + std::to_string(index++) + ']', last);
    } else if (node.IsMap()) {
        for (const auto& kv : node) {
            last_scalar(kv.first, where, last);
            const std::string& key = kv.first.Scalar();
            last_scalar(kv.second, where.empty() ? key : where + '.' + key, last);
        }
    }
}

// After load_front_matter failed on its end marker: the quoted scalar left open. yaml-cpp reads
// the same text without the marker, and that scalar, having run to the end, is the last one.
std::optional<ScalarAt> find_open_quote(const std::string& yaml) {
    std::optional<ScalarAt> last;
    try {
        last_scalar(YAML::Load(yaml), "", last);
    } catch (const YAML::Exception&) {
        return std::nullopt;  // open inside a [list] or {map}: yaml-cpp reports that itself
    }
    return last && last->quoted && !last->mark.is_null() ? last : std::nullopt;
}

const detail::HeadingSyntax kSyntax{
    "the text before the first \"##\" heading",
    "(###) comes before any \"##\" section",
    "no sections (expected text or \"##\" headings after the front matter)",
    detail::AnchorClash::duplicate};

}  // namespace

namespace detail {

bool parse_markdown_at(std::string_view text, const std::string& path_for_messages, Article& out,
                       std::vector<Diagnostic>& problems, std::size_t& id_line) {
    Reporter report(path_for_messages, problems);
    id_line = 1;

    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);  // BOM
    std::string normalized;
    if (text.find('\r') != std::string_view::npos) {
        normalized = normalize_newlines(text);
        text = normalized;
    }
    const Lines lines(text);
    if (const std::size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
        const std::size_t line = lines.line_of(bad);
        report(line, detail::invalid_utf8_message(static_cast<unsigned char>(text[bad]),
                                                  bad - lines.start(line) + 1));
        return false;
    }
    if (trim(text).empty()) {
        report(0, "empty file (expected front matter starting with a \"---\" line)");
        return false;
    }
    if (!opens_front_matter(lines.line(1))) {
        report(1, "missing front matter (the file must start with a \"---\" line)");
        return false;
    }
    std::size_t close = 0;
    for (std::size_t n = 2; n <= lines.count() && close == 0; ++n) {
        if (closes_front_matter(lines.line(n))) close = n;
    }
    if (close == 0) {
        report(1, "unterminated front matter (no closing \"---\" line)");
        return false;
    }

    Article a;
    const std::size_t yaml_begin = lines.start(2);
    const std::string yaml(text.substr(yaml_begin, lines.start(close) - yaml_begin));
    FrontMatterReader front(report, 2);
    try {
        const YAML::Node root = load_front_matter(yaml);
        front.read(root, a, id_line);
    } catch (const YAML::Exception& e) {
        const auto open = e.msg == YAML::ErrorMsg::DOC_IN_SCALAR ? find_open_quote(yaml) : std::nullopt;
        if (open) {
            report(2 + static_cast<std::size_t>(open->mark.line),
                   "unterminated quoted value" +
                       (open->where.empty() ? "" : " in " + in_quotes(open->where)) +
                       " (no closing quote before the end of the front matter)");
        } else {
            // An error found at the end of the YAML (an unclosed bracket) is at the closing "---".
            const std::size_t line = e.mark.is_null() || e.mark.line < 0
                                         ? 1
                                         : std::min(close, 2 + static_cast<std::size_t>(e.mark.line));
            report(line, "YAML syntax error: " + e.msg);
        }
    }

    // The body is checked even when the front matter is broken, to report everything at once.
    const std::size_t body_offset = close < lines.count() ? lines.start(close + 1) : text.size();
    BodyRenderer body(text, lines, body_offset);
    if (!body.run()) {
        report(0, "the Markdown parser failed");
    } else {
        detail::build_sections(body.sections(), a, report, kSyntax);
        front.attach_searches(a);
    }

    report.sort();
    if (report.any()) return false;
    out = std::move(a);
    return true;
}

bool read_markdown_at(const fs::path& path, Article& out, std::vector<Diagnostic>& problems,
                      std::size_t& id_line) {
    const std::string where = path.string();
    id_line = 1;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        problems.push_back({where, 0, "cannot read file: " + ec.message()});
        return false;
    }
    if (size > kMaxMarkdownBytes) {
        problems.push_back({where, 0,
                            "file too large (" + std::to_string(size) + " bytes; the limit is " +
                                std::to_string(kMaxMarkdownBytes) + ")"});
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    std::string text;
    if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        problems.push_back({where, 0, std::string("cannot read file: ") + std::strerror(errno)});
        return false;
    }
    return parse_markdown_at(text, where, out, problems, id_line);
}

}  // namespace detail

bool parse_markdown(std::string_view text, const std::string& path_for_messages, Article& out,
                    std::vector<Diagnostic>& problems) {
    std::size_t id_line = 0;
    return detail::parse_markdown_at(text, path_for_messages, out, problems, id_line);
}

bool read_markdown(const std::filesystem::path& path, Article& out,
                   std::vector<Diagnostic>& problems) {
    std::size_t id_line = 0;
    return detail::read_markdown_at(path, out, problems, id_line);
}

}  // namespace medsearch
