// Private helpers shared by the corpus readers (ingest_*.cpp) and the JSON codec, so that the
// Markdown and JSON Lines formats validate fields and assign anchors the same way.
// Implemented in article.cpp and ingest_markdown.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
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

// parse_markdown that also tells the line of the front matter's `id:` key (1 when absent),
// so batch-level problems (duplicate ids) can point at it.
bool parse_markdown_at(std::string_view text, const std::string& path_for_messages, Article& out,
                       std::vector<Diagnostic>& problems, std::size_t& id_line);
bool read_markdown_at(const std::filesystem::path& path, Article& out,
                      std::vector<Diagnostic>& problems, std::size_t& id_line);

}  // namespace medsearch::detail
