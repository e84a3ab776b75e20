// HTML reader: articles exported from a CMS as web pages. gumbo parses them as a browser would
// (HTML5 rules: every page parses), and the article's part of the body is cut into sections at
// <h2> and <h3>, leaving out the page around it: navigation, banners, scripts, cookie notices.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gumbo.h>

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

// Exported pages carry markup, inline scripts and styles around the prose: a larger limit than
// for Markdown, still far above any article.
constexpr std::uintmax_t kMaxHtmlBytes = 16u << 20;
// gumbo's time grows faster than the square of the nesting depth (each start tag scans the
// stack of open elements): 20,000 nested elements parse in a second, 50,000 in half a minute.
// Counting start tags before parsing bounds the worst case to a few seconds; article pages
// have a few thousand.
constexpr std::size_t kMaxHtmlTags = 30'000;
// The tree walks below recurse; pages nested deeper are rejected before any walk.
constexpr std::size_t kMaxDepth = 400;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// ---- small string helpers ----

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char x, char y) { return ascii_lower(x) == ascii_lower(y); }) !=
           haystack.end();
}

// Whether a space-separated list ("alternate canonical") holds `token`, ignoring case.
bool has_token(std::string_view list, std::string_view token) {
    std::size_t pos = 0;
    while (pos < list.size()) {
        while (pos < list.size() && is_html_space(list[pos])) ++pos;
        std::size_t end = pos;
        while (end < list.size() && !is_html_space(list[end])) ++end;
        if (end > pos && iequals(list.substr(pos, end - pos), token)) return true;
        pos = end;
    }
    return false;
}

// Whitespace runs, no-break spaces (&nbsp;) included, become one space; the ends are trimmed.
std::string collapse_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_html_space(text[i])) {
            space = !out.empty();
        } else if (text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
            space = !out.empty();
            ++i;
        } else {
            if (space) out += ' ';
            space = false;
            out += text[i];
        }
    }
    return out;
}


// Comma-separated values ("back pain, nerves"), trimmed, empty ones left out.
std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        std::string item = collapse_spaces(text.substr(pos, end - pos));
        if (!item.empty()) out.push_back(std::move(item));
        pos = end + 1;
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The last path segment of a URL, percent-decoded and without a page extension:
// "https://x.org/library/sciatica-guide.html?ref=nav#top" → "sciatica-guide"; "" for
// "https://x.org/".
std::string last_path_segment(std::string_view url) {
    url = url.substr(0, std::min(url.find('?'), url.find('#')));
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        const auto path = url.find('/', scheme + 3);
        url = path == std::string_view::npos ? std::string_view() : url.substr(path);
    }
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    const std::string_view raw = url.substr(url.rfind('/') + 1);  // npos + 1 == 0
    std::string segment;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 &&
            hex_value(raw[i + 2]) >= 0) {
            segment += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
            i += 2;
        } else {
            segment += raw[i];
        }
    }
    if (const auto dot = segment.rfind('.'); dot != std::string::npos) {
        static constexpr std::string_view kPageExtensions[] = {"html", "htm",  "shtml", "php",
                                                               "asp",  "aspx", "jsp"};
        const std::string ext = ascii_lower(std::string_view(segment).substr(dot + 1));
        if (std::find(std::begin(kPageExtensions), std::end(kPageExtensions), ext) !=
            std::end(kPageExtensions)) {
            segment.resize(dot);
        }
    }
    return segment;
}

// Line (1-based, "\r\n" and a lone "\r" ending a line as gumbo counts them) and byte column of
// an offset.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        const bool crlf = text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
        if ((text[i] == '\n' || text[i] == '\r') && !crlf) {
            ++line;
            line_start = i + 1;
        }
    }
    return {line, offset - line_start + 1};
}

// "<" followed by a letter, counted up to `limit` + 1: an upper bound on the start tags.
std::size_t count_start_tags(std::string_view html, std::size_t limit) {
    std::size_t tags = 0;
    for (std::size_t pos = html.find('<'); pos != std::string_view::npos && tags <= limit;
         pos = html.find('<', pos + 1)) {
        const char next = pos + 1 < html.size() ? ascii_lower(html[pos + 1]) : '\0';
        if (next >= 'a' && next <= 'z') ++tags;
    }
    return tags;
}

// ---- gumbo tree ----

// Owns gumbo's output.
class ParsedPage {
public:
    explicit ParsedPage(std::string_view html) : options_(kGumboDefaultOptions) {
        // Records no parse errors: messy CMS markup is expected, and each error would copy the
        // stack of open elements (memory quadratic in the nesting depth).
        options_.max_errors = 0;
        output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
    }
    ~ParsedPage() {
        if (output_ != nullptr) gumbo_destroy_output(&options_, output_);
    }
    ParsedPage(const ParsedPage&) = delete;
    ParsedPage& operator=(const ParsedPage&) = delete;

    // Null if gumbo failed.
    const GumboNode* document() const { return output_ != nullptr ? output_->document : nullptr; }
    const GumboNode* root() const { return output_ != nullptr ? output_->root : nullptr; }

private:
    GumboOptions options_;
    GumboOutput* output_ = nullptr;
};

const GumboVector* children_of(const GumboNode& node) {
    switch (node.type) {
        case GUMBO_NODE_DOCUMENT: return &node.v.document.children;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: return &node.v.element.children;
        default: return nullptr;
    }
}

template <typename F>
void for_each_child(const GumboNode& node, F&& f) {
    if (const GumboVector* children = children_of(node)) {
        for (unsigned i = 0; i < children->length; ++i)
            f(*static_cast<const GumboNode*>(children->data[i]));
    }
}

const GumboElement* as_element(const GumboNode& node) {
    return node.type == GUMBO_NODE_ELEMENT || node.type == GUMBO_NODE_TEMPLATE ? &node.v.element
                                                                               : nullptr;
}

bool is(const GumboElement& e, GumboTag tag) {
    return e.tag == tag && e.tag_namespace == GUMBO_NAMESPACE_HTML;
}

// The attribute's value, or null when it is absent.
const char* attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a != nullptr ? a->value : nullptr;
}

std::string_view attribute_or_empty(const GumboElement& e, const char* name) {
    const char* value = attribute(e, name);
    return value != nullptr ? std::string_view(value) : std::string_view();
}

std::size_t line_of(const GumboElement& e) { return e.start_pos.line; }

// Line of the first element nested deeper than kMaxDepth, or 0. Iterative: it runs before
// anything recursive may.
std::size_t too_deep(const GumboNode& root) {
    std::vector<std::pair<const GumboNode*, std::size_t>> stack{{&root, 0}};
    while (!stack.empty()) {
        const auto [node, depth] = stack.back();
        stack.pop_back();
        const GumboElement* e = as_element(*node);
        if (e != nullptr && depth > kMaxDepth) return std::max<std::size_t>(line_of(*e), 1);
        for_each_child(*node,
                       [&](const GumboNode& child) { stack.emplace_back(&child, depth + 1); });
    }
    return 0;
}

// <main> and <article> hold the article; what they contain is "in the article".
bool is_article_root(const GumboElement& e) {
    return is(e, GUMBO_TAG_MAIN) || is(e, GUMBO_TAG_ARTICLE) ||
           iequals(attribute_or_empty(e, "role"), "main");
}

// What the furniture test serves: the article's text (and title), or its date.
enum class Purpose { text, date };

// Whether an inline style hides the element: "display: none" or "visibility: hidden", in any
// case or spacing, "!important" or not; of two declarations of a property the later one counts.
// A child could make itself visible again ("visibility: visible"); exported articles do not, and
// the element goes whole, as one with the hidden attribute does.
bool hidden_by_style(std::string_view style) {
    bool display_none = false;
    bool visibility_hidden = false;
    std::size_t pos = 0;
    while (pos < style.size()) {
        const std::size_t end = std::min(style.find(';', pos), style.size());
        const std::string_view declaration = style.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t colon = declaration.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view property = detail::trim(declaration.substr(0, colon));
        std::string_view value = declaration.substr(colon + 1);
        value = detail::trim(value.substr(0, value.find('!')));  // npos: the whole value
        if (iequals(property, "display")) display_none = iequals(value, "none");
        if (iequals(property, "visibility")) visibility_hidden = iequals(value, "hidden");
    }
    return display_none || visibility_hidden;
}

// The page around the article: never its text. A <header> or <footer> inside <main> or
// <article> belongs to the article: its header (the <h1>, a standfirst) is kept; its footer
// (byline, "last reviewed", share buttons) only for the date.
bool is_furniture(const GumboElement& e, bool in_article, Purpose purpose) {
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return true;  // <svg> and <math> content
    switch (e.tag) {
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_BUTTON:
        case GUMBO_TAG_IFRAME: return true;
        case GUMBO_TAG_HEADER: return !in_article;
        case GUMBO_TAG_FOOTER: return !in_article || purpose == Purpose::text;
        default: break;
    }
    if (iequals(attribute_or_empty(e, "role"), "navigation")) return true;
    if (iequals(attribute_or_empty(e, "aria-hidden"), "true")) return true;
    if (attribute(e, "hidden") != nullptr) return true;
    if (hidden_by_style(attribute_or_empty(e, "style"))) return true;
    const std::string_view classes = attribute_or_empty(e, "class");
    return contains_ignoring_case(classes, "breadcrumb") ||
           contains_ignoring_case(classes, "cookie");
}

// Elements with no prose of their own: head elements, media, form controls.
bool carries_no_text(const GumboElement& e) {
    switch (e.tag) {
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_TITLE:
        case GUMBO_TAG_META:
        case GUMBO_TAG_LINK:
        case GUMBO_TAG_BASE:
        case GUMBO_TAG_IMG:
        case GUMBO_TAG_VIDEO:
        case GUMBO_TAG_AUDIO:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_EMBED:
        case GUMBO_TAG_CANVAS:
        case GUMBO_TAG_MAP:
        case GUMBO_TAG_INPUT:
        case GUMBO_TAG_SELECT:
        case GUMBO_TAG_TEXTAREA:
        case GUMBO_TAG_DATALIST: return true;
        default: return false;
    }
}

// Elements that start a new line of text; everything else flows inline.
bool is_block(const GumboElement& e) {
    switch (e.tag) {
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_BODY:
        case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_CENTER:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DETAILS:
        case GUMBO_TAG_DIR:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_FIELDSET:
        case GUMBO_TAG_FIGCAPTION:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_HGROUP:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_LEGEND:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_LISTING:
        case GUMBO_TAG_MAIN:
        case GUMBO_TAG_MENU:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_P:
        case GUMBO_TAG_PLAINTEXT:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_SUMMARY:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_TH:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_XMP: return true;
        default: return false;
    }
}

enum class Spacing { collapse, keep };

// The text under `node` without furniture. Spacing::collapse puts a space at block edges and
// <br>s (the caller collapses); Spacing::keep writes text as it is, a <br> as "\n".
void gather_text(const GumboNode& node, bool in_article, Spacing spacing, std::string& out) {
    if (node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE ||
        node.type == GUMBO_NODE_CDATA) {
        out += node.v.text.text;
        return;
    }
    const GumboElement* e = as_element(node);
    if (e == nullptr || is_furniture(*e, in_article, Purpose::text) || carries_no_text(*e)) return;
    if (is(*e, GUMBO_TAG_BR)) {
        out += spacing == Spacing::keep ? '\n' : ' ';
        return;
    }
    const bool edge = spacing == Spacing::collapse && is_block(*e);
    if (edge) out += ' ';
    const bool inner = in_article || is_article_root(*e);
    for_each_child(node, [&](const GumboNode& child) { gather_text(child, inner, spacing, out); });
    if (edge) out += ' ';
}

// An element's text on one line: headings, titles, table cells.
std::string inline_text(const GumboNode& node, bool in_article) {
    std::string raw;
    for_each_child(node, [&](const GumboNode& child) {
        gather_text(child, in_article, Spacing::collapse, raw);
    });
    return collapse_spaces(raw);
}

enum class Walk { descend, skip_children, stop };

// Depth-first, in document order; `visit(element_node, element, in_article)` says how to go on.
// Returns false once a visit said stop.
template <typename Visit>
bool walk(const GumboNode& node, bool in_article, Visit& visit) {
    const GumboElement* e = as_element(node);
    if (e == nullptr) {
        if (node.type != GUMBO_NODE_DOCUMENT) return true;
    } else {
        switch (visit(node, *e, in_article)) {
            case Walk::stop: return false;
            case Walk::skip_children: return true;
            case Walk::descend: break;
        }
        in_article = in_article || is_article_root(*e);
    }
    bool go_on = true;
    for_each_child(node, [&](const GumboNode& child) {
        if (go_on) go_on = walk(child, in_article, visit);
    });
    return go_on;
}

// The first element under `from` (itself included), outside furniture, that `match` accepts.
template <typename Match>
const GumboNode* find_first(const GumboNode& from, bool in_article, Purpose purpose, Match match) {
    const GumboNode* found = nullptr;
    auto visit = [&](const GumboNode& node, const GumboElement& e, bool in_article) {
        if (is_furniture(e, in_article, purpose)) return Walk::skip_children;
        if (match(node, e, in_article)) {
            found = &node;
            return Walk::stop;
        }
        return Walk::descend;
    };
    walk(from, in_article, visit);
    return found;
}

const GumboNode* find_child(const GumboNode& node, GumboTag tag) {
    const GumboNode* found = nullptr;
    for_each_child(node, [&](const GumboNode& child) {
        const GumboElement* e = as_element(child);
        if (found == nullptr && e != nullptr && is(*e, tag)) found = &child;
    });
    return found;
}

// ---- metadata ----

struct Field {
    bool found = false;
    std::string value;
    std::size_t line = 0;
};

// <meta>, <link rel="canonical"> and <title>: the first of each, wherever they are.
struct HeadFields {
    Field id;           // <meta name="medsearch:id">
    Field updated;      // <meta name="medsearch:updated">
    Field also_called;  // <meta name="medsearch:also-called">
    Field keywords;     // <meta name="keywords">
    Field canonical;    // <link rel="canonical" href>
    Field title;        // <title>
};

void set_once(Field& field, std::string_view value, std::size_t line) {
    if (field.found) return;
    field = {true, std::string(value), line};
}

HeadFields read_head_fields(const GumboNode& document) {
    HeadFields f;
    auto visit = [&f](const GumboNode& node, const GumboElement& e, bool) {
        if (e.tag_namespace != GUMBO_NAMESPACE_HTML || is(e, GUMBO_TAG_SCRIPT) ||
            is(e, GUMBO_TAG_STYLE) || is(e, GUMBO_TAG_TEMPLATE) || is(e, GUMBO_TAG_NOSCRIPT)) {
            return Walk::skip_children;
        }
        if (is(e, GUMBO_TAG_META)) {
            const std::string name = ascii_lower(detail::trim(attribute_or_empty(e, "name")));
            const std::string_view content = attribute_or_empty(e, "content");
            if (name == "medsearch:id")
                set_once(f.id, content, line_of(e));
            else if (name == "medsearch:updated")
                set_once(f.updated, content, line_of(e));
            else if (name == "medsearch:also-called")
                set_once(f.also_called, content, line_of(e));
            else if (name == "keywords")
                set_once(f.keywords, content, line_of(e));
        } else if (is(e, GUMBO_TAG_LINK)) {
            const char* href = attribute(e, "href");
            if (href != nullptr && has_token(attribute_or_empty(e, "rel"), "canonical"))
                set_once(f.canonical, detail::trim(href), line_of(e));
        } else if (is(e, GUMBO_TAG_TITLE)) {
            set_once(f.title, inline_text(node, false), line_of(e));
            return Walk::skip_children;
        }
        return Walk::descend;
    };
    walk(document, false, visit);
    return f;
}

// ---- body ----

// Renders the article's part of the body to plain text, cut into RawSections at <h2> and <h3>:
// paragraphs separated by "\n\n", list items as "- item" (or "1. item") lines, table rows as
// "cell | cell" lines, whitespace collapsed. Same conventions as the Markdown reader.
class BodyRenderer {
public:
    BodyRenderer() { sections_.emplace_back(); }

    // Renders what `root` (the <main>, <article> or <body>) contains.
    void render(const GumboNode& root) {
        const GumboElement* e = as_element(root);
        const bool in_article = e != nullptr && is_article_root(*e);
        for_each_child(root, [&](const GumboNode& child) { node(child, in_article); });
    }

    std::vector<RawSection>& sections() { return sections_; }

private:
    struct List {
        bool ordered = false;
        long next_number = 1;
        unsigned id = 0;
    };

    void node(const GumboNode& n, bool in_article) {
        if (n.type == GUMBO_NODE_TEXT || n.type == GUMBO_NODE_WHITESPACE) {
            append(n.v.text.text);
            return;
        }
        const GumboElement* e = as_element(n);
        if (e == nullptr || is_furniture(*e, in_article, Purpose::text) || carries_no_text(*e))
            return;
        const bool inner = in_article || is_article_root(*e);
        switch (e->tag) {
            case GUMBO_TAG_H1: return;  // the title
            case GUMBO_TAG_H2:
            case GUMBO_TAG_H3:
                // Inside a list item, quote or the article's header, a heading is text.
                if (containers_ == 0) return start_heading(n, *e, inner);
                break;
            case GUMBO_TAG_BR: return line_break();
            case GUMBO_TAG_PRE:
            case GUMBO_TAG_LISTING:
            case GUMBO_TAG_XMP:
            case GUMBO_TAG_PLAINTEXT: return preformatted(n, inner);
            case GUMBO_TAG_TABLE:
                // A table laid out around headings is page layout, not data: read through it.
                if (!has_heading(n, inner)) return table(n, inner);
                break;
            case GUMBO_TAG_UL:
            case GUMBO_TAG_OL:
            case GUMBO_TAG_MENU:
            case GUMBO_TAG_DIR: return list(n, *e, inner);
            case GUMBO_TAG_LI: return list_item(n, inner);
            default: break;
        }
        const bool container = is(*e, GUMBO_TAG_BLOCKQUOTE) || is(*e, GUMBO_TAG_DD) ||
                               is(*e, GUMBO_TAG_FIGURE) || is(*e, GUMBO_TAG_HEADER) ||
                               is(*e, GUMBO_TAG_HGROUP);
        const bool block = is_block(*e);
        if (block) block_started_ = false;
        if (container) ++containers_;
        for_each_child(n, [&](const GumboNode& child) { node(child, inner); });
        if (container) --containers_;
        if (block) block_started_ = false;
    }

    void start_heading(const GumboNode& n, const GumboElement& e, bool in_article) {
        RawSection s;
        s.level = is(e, GUMBO_TAG_H2) ? 2 : 3;
        s.heading = inline_text(n, in_article);
        s.line = line_of(e);
        const std::string_view id = detail::trim(attribute_or_empty(e, "id"));
        if (!id.empty()) {
            s.has_anchor = true;
            s.anchor = std::string(id);
        }
        sections_.push_back(std::move(s));
        block_started_ = false;
        last_list_id_ = 0;
        item_prefix_.clear();
    }

    void list(const GumboNode& n, const GumboElement& e, bool in_article) {
        List l;
        l.ordered = is(e, GUMBO_TAG_OL);
        l.id = ++list_ids_;
        if (l.ordered) {
            const std::string_view start = detail::trim(attribute_or_empty(e, "start"));
            if (!start.empty() && start.size() < 10 &&
                std::all_of(start.begin(), start.end(),
                            [](char c) { return c >= '0' && c <= '9'; }))
                std::from_chars(start.data(), start.data() + start.size(), l.next_number);
        }
        lists_.push_back(l);
        block_started_ = false;
        for_each_child(n, [&](const GumboNode& child) { node(child, in_article); });
        lists_.pop_back();
        block_started_ = false;
    }

    void list_item(const GumboNode& n, bool in_article) {
        ++containers_;
        block_started_ = false;
        item_prefix_.assign(lists_.empty() ? 0 : 2 * (lists_.size() - 1), ' ');
        if (!lists_.empty() && lists_.back().ordered) {
            item_prefix_ += std::to_string(lists_.back().next_number++) + ". ";
        } else {
            item_prefix_ += "- ";
        }
        for_each_child(n, [&](const GumboNode& child) { node(child, in_article); });
        item_prefix_.clear();  // an item without text
        block_started_ = false;
        --containers_;
    }

    void table(const GumboNode& n, bool in_article) {
        std::string caption;
        std::vector<std::string> rows;
        const auto add_row = [&](const GumboNode& tr) {
            std::string line;
            for_each_child(tr, [&](const GumboNode& cell) {
                const GumboElement* c = as_element(cell);
                if (c == nullptr || !(is(*c, GUMBO_TAG_TD) || is(*c, GUMBO_TAG_TH)) ||
                    is_furniture(*c, in_article, Purpose::text))
                    return;
                const std::string text = inline_text(cell, in_article);
                if (text.empty()) return;
                if (!line.empty()) line += " | ";
                line += text;
            });
            if (!line.empty()) rows.push_back(std::move(line));
        };
        for_each_child(n, [&](const GumboNode& child) {
            const GumboElement* c = as_element(child);
            if (c == nullptr || is_furniture(*c, in_article, Purpose::text)) return;
            if (is(*c, GUMBO_TAG_CAPTION)) {
                caption = inline_text(child, in_article);
            } else if (is(*c, GUMBO_TAG_TR)) {
                add_row(child);
            } else if (is(*c, GUMBO_TAG_THEAD) || is(*c, GUMBO_TAG_TBODY) ||
                       is(*c, GUMBO_TAG_TFOOT)) {
                for_each_child(child, [&](const GumboNode& tr) {
                    const GumboElement* r = as_element(tr);
                    if (r != nullptr && is(*r, GUMBO_TAG_TR) &&
                        !is_furniture(*r, in_article, Purpose::text))
                        add_row(tr);
                });
            }
        });
        if (!caption.empty()) write_block(caption);
        std::string rendered;
        for (const std::string& row : rows) {
            if (!rendered.empty()) rendered += '\n';
            rendered += row;
        }
        if (!rendered.empty()) write_block(rendered);
    }

    void preformatted(const GumboNode& n, bool in_article) {
        std::string raw;
        for_each_child(
            n, [&](const GumboNode& child) { gather_text(child, in_article, Spacing::keep, raw); });
        const std::size_t first = raw.find_first_not_of(" \t\n");
        if (first == std::string::npos) return;
        raw.erase(0, raw.rfind('\n', first) + 1);  // leading blank lines, not the indentation
        while (!raw.empty() && is_html_space(raw.back())) raw.pop_back();
        write_block(raw);
    }

    static bool has_heading(const GumboNode& n, bool in_article) {
        const auto heading = [](const GumboNode&, const GumboElement& e, bool) {
            return is(e, GUMBO_TAG_H1) || is(e, GUMBO_TAG_H2) || is(e, GUMBO_TAG_H3);
        };
        return find_first(n, in_article, Purpose::text, heading) != nullptr;
    }

    // A block of its own, written as given.
    void write_block(std::string_view text) {
        block_started_ = false;
        start_block();
        current().text += text;
        block_started_ = false;
    }

    // Inline text: whitespace runs (no-break spaces included) become one space, none at the
    // start of a block or line.
    void append(std::string_view text) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (is_html_space(text[i])) {
                pending_space_ = true;
                continue;
            }
            if (text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
                pending_space_ = true;
                ++i;
                continue;
            }
            if (!block_started_) {
                start_block();
            } else if (pending_space_ && !at_line_start_) {
                current().text += ' ';
            }
            pending_space_ = false;
            at_line_start_ = false;
            current().text += text[i];
        }
    }

    // <br>: a new line inside the block; before the block's first text it adds nothing.
    void line_break() {
        if (!block_started_) return;
        current().text += '\n';
        current().text.append(2 * lists_.size(), ' ');
        pending_space_ = false;
        at_line_start_ = true;
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
        pending_space_ = false;
        at_line_start_ = true;
    }

    RawSection& current() { return sections_.back(); }

    std::vector<RawSection> sections_;
    int containers_ = 0;  // open list items, quotes, figures, headers
    std::vector<List> lists_;
    unsigned list_ids_ = 0;
    unsigned last_list_id_ = 0;  // outermost list of the last block written, 0 for none
    std::string item_prefix_;    // "- " or "2. ", written with the item's first text
    bool block_started_ = false;
    bool pending_space_ = false;
    bool at_line_start_ = true;
};

// ---- assembling the article ----

// The article id: <meta name="medsearch:id">, else the canonical URL's last segment, else the
// file name, slugified.
void read_id(const HeadFields& head, const std::string& path, Article& a, Reporter& report) {
    std::string raw;
    std::size_t line = 0;
    if (head.id.found && !detail::trim(head.id.value).empty()) {
        raw = std::string(detail::trim(head.id.value));
        line = head.id.line;
    } else if (head.canonical.found && !last_path_segment(head.canonical.value).empty()) {
        raw = last_path_segment(head.canonical.value);
        line = head.canonical.line;
    } else {
        raw = fs::path(path).stem().string();
    }
    a.id = slugify(raw);
    if (a.id.empty()) {
        report(line, "cannot make an id from " + in_quotes(raw) +
                         " (expected letters or digits; set <meta name=\"medsearch:id\">)");
    } else if (auto message = detail::check_article_id(a.id)) {
        report(line, *message);
    }
}

// The first <h1> with text (outside the page's header), else the <title>.
void read_title(const GumboNode& document, const HeadFields& head, Article& a, Reporter& report) {
    find_first(document, false, Purpose::text,
               [&a](const GumboNode& node, const GumboElement& e, bool in_article) {
                   if (!is(e, GUMBO_TAG_H1)) return false;
                   a.title = inline_text(node, in_article);
                   return !a.title.empty();
               });
    if (a.title.empty() && head.title.found) a.title = head.title.value;
    if (a.title.empty()) report(0, "no title (expected an <h1> or a <title> with text)");
}

// <meta name="medsearch:updated">, else the first <time datetime> holding a date (others are
// times of day, years, durations).
void read_updated(const GumboNode& body, const HeadFields& head, Article& a, Reporter& report) {
    if (head.updated.found) {
        const std::string value(detail::trim(head.updated.value));
        if (auto message = detail::check_updated(value)) {
            report(head.updated.line, *message);
        } else {
            a.updated = value;
        }
        return;
    }
    find_first(body, false, Purpose::date, [&a](const GumboNode&, const GumboElement& e, bool) {
        if (!is(e, GUMBO_TAG_TIME)) return false;
        const std::string_view value = detail::trim(attribute_or_empty(e, "datetime"));
        if (value.empty() || detail::check_updated(value)) return false;
        a.updated = std::string(value);
        return true;
    });
}

// <html lang="en-US"> → "en"; no lang: the default.
void read_language(const GumboNode& root, Article& a, Reporter& report) {
    const GumboElement* html = as_element(root);
    if (html == nullptr) return;
    std::string_view lang = detail::trim(attribute_or_empty(*html, "lang"));
    lang = lang.substr(0, lang.find_first_of("-_"));
    if (lang.empty()) return;
    const std::string language = ascii_lower(lang);
    if (auto message = detail::check_language(language)) {
        report(line_of(*html), *message);
        return;
    }
    a.language = language;
}

const detail::HeadingSyntax kSyntax{
    "the text before the first <h2>",
    "(<h3>) comes before any <h2> section",
    "no sections (expected text or <h2> headings in the page's body)",
    detail::AnchorClash::generated_moves};

// <main>, else <article>, else <body>: where the article's text is.
const GumboNode* content_root(const GumboNode& body) {
    const auto main = [](const GumboNode&, const GumboElement& e, bool) {
        return is(e, GUMBO_TAG_MAIN) || iequals(attribute_or_empty(e, "role"), "main");
    };
    const auto article = [](const GumboNode&, const GumboElement& e, bool) {
        return is(e, GUMBO_TAG_ARTICLE);
    };
    if (const GumboNode* found = find_first(body, false, Purpose::text, main)) return found;
    if (const GumboNode* found = find_first(body, false, Purpose::text, article)) return found;
    return &body;
}

}  // namespace

bool parse_html(std::string_view html, const std::string& path_for_messages, Article& out,
                std::vector<Diagnostic>& problems) {
    Reporter report(path_for_messages, problems);
    if (html.substr(0, kBom.size()) == kBom) html.remove_prefix(kBom.size());

    if (const std::size_t bad = detail::find_invalid_utf8(html); bad != std::string_view::npos) {
        const auto [line, column] = line_and_column(html, bad);
        report(line, detail::invalid_utf8_message(static_cast<unsigned char>(html[bad]), column));
        return false;
    }
    if (detail::trim(html).empty()) {
        report(0, "empty file (expected an HTML page)");
        return false;
    }
    if (count_start_tags(html, kMaxHtmlTags) > kMaxHtmlTags) {
        report(0, "too many tags (more than " + std::to_string(kMaxHtmlTags) +
                      "; an exported article has a few thousand)");
        return false;
    }
    const ParsedPage page(html);
    if (page.document() == nullptr || page.root() == nullptr) {
        report(0, "the HTML parser failed");
        return false;
    }
    if (const std::size_t line = too_deep(*page.document()); line != 0) {
        report(line, "elements nested more than " + std::to_string(kMaxDepth) + " deep");
        return false;
    }

    Article a;
    const HeadFields head = read_head_fields(*page.document());
    const GumboNode* body = find_child(*page.root(), GUMBO_TAG_BODY);
    read_id(head, path_for_messages, a, report);
    read_title(body != nullptr ? *body : *page.root(), head, a, report);
    read_language(*page.root(), a, report);
    if (body != nullptr) read_updated(*body, head, a, report);
    if (head.keywords.found) a.topics = split_list(head.keywords.value);
    if (head.also_called.found) a.also_called = split_list(head.also_called.value);
    if (head.canonical.found) {
        const std::string_view url = head.canonical.value;
        if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) a.url = std::string(url);
    }

    BodyRenderer renderer;
    if (body != nullptr) renderer.render(*content_root(*body));
    detail::build_sections(renderer.sections(), a, report, kSyntax);

    report.sort();
    if (report.any()) return false;
    out = std::move(a);
    return true;
}

bool read_html(const fs::path& path, Article& out, std::vector<Diagnostic>& problems) {
    const std::string where = path.string();
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        problems.push_back({where, 0, "cannot read file: " + ec.message()});
        return false;
    }
    if (size > kMaxHtmlBytes) {
        problems.push_back({where, 0,
                            "file too large (" + std::to_string(size) + " bytes; the limit is " +
                                std::to_string(kMaxHtmlBytes) + ")"});
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    std::string text;
    if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        problems.push_back({where, 0, std::string("cannot read file: ") + std::strerror(errno)});
        return false;
    }
    return parse_html(text, where, out, problems);
}

}  // namespace medsearch
