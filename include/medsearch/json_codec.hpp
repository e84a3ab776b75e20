// JSON forms of the public DTOs (the HTTP API's contract), via nlohmann-json's ADL hooks.
#pragma once

#include <nlohmann/json.hpp>

#include "medsearch/article.hpp"
#include "medsearch/searcher.hpp"

namespace medsearch {

void to_json(nlohmann::json& j, const Section& s);
// Article: every field, with "url" the site path (article_path) and the original page,
// Article::url, as "source_url"; each section also carries its "url" (section_path).
void to_json(nlohmann::json& j, const Article& a);
void to_json(nlohmann::json& j, const MatchInfo& m);
void to_json(nlohmann::json& j, const SectionHit& s);
void to_json(nlohmann::json& j, const ArticleRef& a);
void to_json(nlohmann::json& j, const SearchHit& h);
void to_json(nlohmann::json& j, const SearchResponse& r);
void to_json(nlohmann::json& j, const IndexInfo& i);

// Article from a JSON object (JSON Lines input, or the to_json form above). Problems name
// the field: `sections[2]: missing string "heading"`. Returns false if any, leaving `out`
// untouched. Required: id, title, sections[{heading, text}]. A missing anchor becomes
// slugify(heading) ("-2", "-3"... for repeats); a missing kind comes from the heading; the
// original page is "source_url" when present, else "url" (the JSON Lines field).
bool article_from_json(const nlohmann::json& j, Article& out, std::vector<std::string>& problems);

// dump() that never throws: invalid UTF-8 is replaced.
std::string dump_json(const nlohmann::json& j);

}  // namespace medsearch
