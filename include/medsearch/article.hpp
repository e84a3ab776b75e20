// The document model: an article and its ordered sections, as every reader produces them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

enum class SectionKind {
    definition, causes, risk_factors, symptoms, diagnosis, treatment, prevention,
    outlook, inheritance, genetic_changes, complications, research, frequency, how_it_works,
    what_to_expect, stages, side_effects, who_it_helps, when_to_call, other
};

// "risk-factors" etc., as they appear in JSON and filter terms.
std::string_view to_string(SectionKind kind) noexcept;
// Inverse of to_string; false when `name` is not a kind.
bool parse_section_kind(std::string_view name, SectionKind& kind) noexcept;
// The kind a heading implies ("Who Is at Risk" → risk_factors, "Pronóstico" → outlook);
// English and Spanish; `other` when nothing matches. Same mapping for every input format.
SectionKind kind_from_heading(std::string_view heading);

// "Risk Factors" → "risk-factors": lowercase ASCII letters and digits joined by '-',
// diacritics dropped. Used for anchors when none is given.
std::string slugify(std::string_view text);

struct Section {
    std::string anchor;        // unique within the article; the URL fragment
    std::string heading;       // as written ("Medicines")
    std::string heading_path;  // "Treatment › Medicines" for sub-sections, else == heading
    SectionKind kind = SectionKind::other;
    std::string text;          // plain text, paragraphs separated by "\n\n"
    // What people type when this section is their answer ("my feet burn at night"), written by
    // the content's authors: searched as a field of its own, never shown.
    std::vector<std::string> searches;
};

struct Article {
    std::string id;  // slug, unique in an index
    std::string title;
    std::vector<std::string> also_called;
    std::vector<std::string> topics;
    std::string audience;
    std::string source;
    std::string url;      // original page, may be empty
    std::string updated;  // ISO date, may be empty
    std::string language = "en";
    std::vector<Section> sections;
};

// The site path of an article and of one of its sections: "/articles/neuropathic-pain#treatment".
std::string article_path(std::string_view article_id);
std::string section_path(std::string_view article_id, std::string_view anchor);

}  // namespace medsearch
