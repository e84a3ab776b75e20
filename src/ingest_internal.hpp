// Private helpers shared by the corpus readers (ingest_*.cpp) and the JSON codec, so that the
// Markdown, HTML and JSON Lines formats validate fields and assign anchors the same way.
// Implemented in article.cpp, ingest.cpp and ingest_markdown.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"

namespace medsearch::detail {

inline constexpr std::size_t kMaxIdBytes = 128;      // ids and anchors end up in Xapian terms
inline constexpr std::size_t kMaxAnchorBytes = 100;  // (limit 245 bytes for Q<id>#<anchor>)
inline constexpr std::size_t kMaxAutoAnchorBytes = 80;
inline constexpr std::string_view kHeadingPathSeparator = " \u203A ";  // "Treatment › Medicines"

// Offset of the first byte that is not part of well-formed UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are ill-formed), or std::string_view::npos.
std::size_t find_invalid_utf8(std::string_view text) noexcept;
// What every reader says of that byte: "invalid UTF-8 (byte 0xE1 at column 13)", the column
// 1-based, in bytes.
std::string invalid_utf8_message(unsigned char byte, std::size_t column);

// Leading and trailing ASCII whitespace removed.
std::string_view trim(std::string_view text) noexcept;

// [a-z0-9-]+: the id rule of Markdown articles.
bool is_slug(std::string_view text) noexcept;

// The checks below return the message for a bad value, or nothing when it is acceptable.
// Messages start with the field's name: `language "eng" is not valid (...)`.

// Article ids from any format: letters, digits, '_' and '-' (MedQuAD ids are "GHR_0000804"),
// at most kMaxIdBytes.
std::optional<std::string> check_article_id(std::string_view id);
// Anchors: letters, digits, '_' and '-', at most kMaxAnchorBytes.
std::optional<std::string> check_anchor(std::string_view anchor);
// Two lowercase letters ("en", "es").
std::optional<std::string> check_language(std::string_view language);
// patients | caregivers | clinicians.
std::optional<std::string> check_audience(std::string_view audience);
// YYYY-MM-DD, optionally followed by a time ("2026-11-01T10:00:00Z").
std::optional<std::string> check_updated(std::string_view updated);

// slugify(heading), shortened to kMaxAutoAnchorBytes at a '-' and made unique against `taken`
// with "-2", "-3"... ("section" when the heading has no letters or digits). Inserts the result.
std::string unique_anchor(std::string_view heading, std::unordered_set<std::string>& taken);

// "x" with the quotes, for messages.
std::string in_quotes(std::string_view s);

// Without the spaces and tabs at its end.
std::string_view rtrim(std::string_view s);

// Trailing spaces of every line removed, at most one blank line in a row, trimmed.
std::string tidy_text(std::string_view text);

// Collects one file's problems; sort() puts them in file order, whatever order they were found in.
class Reporter {
public:
    Reporter(const std::string& path, std::vector<Diagnostic>& problems)
        : path_(path), problems_(problems), before_(problems.size()) {}
    void operator()(std::size_t line, std::string message) {
        problems_.push_back({path_, line, std::move(message)});
    }
    bool any() const { return problems_.size() != before_; }
    void sort();

private:
    const std::string& path_;
    std::vector<Diagnostic>& problems_;
    std::size_t before_;
};

// A heading and the text under it, before anchors and kinds are settled (Markdown `##`/`###`,
// HTML <h2>/<h3>).
struct RawSection {
    unsigned level = 0;  // 0: the text before the first section heading; else 2 or 3
    std::string heading;
    bool has_anchor = false;  // written by the author ({#anchor}, an id attribute)
    std::string anchor;
    std::size_t line = 0;
    std::string text;
};

// What a written anchor means when another heading would get the same one from its words.
enum class AnchorClash {
    // HTML: the written anchor is an id the page already has, so the generated one moves
    // ("notes" written: the heading "Notes" gets "notes-2").
    generated_moves,
    // Markdown: both are the writer's, and `searches` name sections by anchor; a generated
    // anchor that moved would hand `searches: {overview: ...}` to the written one's section.
    // So it is a duplicate anchor, and generated anchors never depend on written ones.
    duplicate,
};

// How a format writes its headings, for the messages of build_sections, and its anchor rule.
struct HeadingSyntax {
    const char* intro_owner;       // "the text before the first <h2>"
    const char* out_of_order;      // "(<h3>) comes before any <h2> section"
    const char* no_sections;       // "no sections (expected ...)"
    AnchorClash anchor_clash;
};

// Settles anchors (written ones checked, then unique slugs, as syntax.anchor_clash says),
// kinds and heading paths, and appends the sections to `a`; raw.front() is the intro. The same
// rules for every heading-based format.
void build_sections(std::vector<RawSection>& raw, Article& a, Reporter& report, const HeadingSyntax& syntax);

// parse_markdown that also tells the line of the front matter's `id:` key (1 when absent),
// so batch-level problems (duplicate ids) can point at it.
bool parse_markdown_at(std::string_view text, const std::string& path_for_messages, Article& out,
                       std::vector<Diagnostic>& problems, std::size_t& id_line);
bool read_markdown_at(const std::filesystem::path& path, Article& out,
                      std::vector<Diagnostic>& problems, std::size_t& id_line);

}  // namespace medsearch::detail
