#include "medsearch/json_codec.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "ingest_internal.hpp"

namespace medsearch {

using nlohmann::json;

void to_json(json& j, const Section& s) {
    j = json{{"anchor", s.anchor},
             {"heading", s.heading},
             {"heading_path", s.heading_path},
             {"kind", to_string(s.kind)},
             {"text", s.text}};
    if (!s.searches.empty()) j["searches"] = s.searches;
}

void to_json(json& j, const Article& a) {
    json sections = json::array();
    for (const Section& s : a.sections) {
        json section = s;
        section["url"] = section_path(a.id, s.anchor);
        sections.push_back(std::move(section));
    }
    j = json{{"id", a.id},
             {"title", a.title},
             {"also_called", a.also_called},
             {"topics", a.topics},
             {"audience", a.audience},
             {"source", a.source},
             {"source_url", a.url},
             {"updated", a.updated},
             {"language", a.language},
             {"url", article_path(a.id)},
             {"sections", std::move(sections)}};
}

void to_json(json& j, const MatchInfo& m) {
    j = json{{"query", m.query}, {"term", m.term}, {"via", m.via}};
}

void to_json(json& j, const SectionHit& s) {
    j = json{{"anchor", s.anchor},
             {"heading", s.heading},
             {"kind", s.kind},
             {"url", s.url},
             {"snippet_html", s.snippet_html},
             {"matched", s.matched}};
}

void to_json(json& j, const ArticleRef& a) {
    j = json{{"id", a.id}, {"title", a.title}, {"url", a.url}};
}

void to_json(json& j, const SearchHit& h) {
    j = json{{"article", h.article}, {"score", h.score}, {"sections", h.sections}};
}

void to_json(json& j, const SearchResponse& r) {
    j = json{{"query", r.query},
             {"total", r.total},
             {"page", r.page},
             {"size", r.size},
             {"took_ms", r.took_ms},
             {"hits", r.hits}};
    // "Did you mean": present only when the query was corrected.
    if (!r.corrected.empty()) {
        j["corrected"] = r.corrected;
        j["corrected_applied"] = r.corrected_applied;
    }
    // Present only when more sections matched than are counted exactly (kExactTotal).
    if (r.total_estimated) j["total_estimated"] = true;
    // Present only when the hits were limited to the language the query is written in.
    if (!r.language.empty()) j["language"] = r.language;
}

void to_json(json& j, const IndexInfo& i) {
    j = json{{"revision", i.revision},
             {"documents", i.documents},
             {"build", i.build},
             {"published", i.published}};
}

std::string dump_json(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// Reads the fields of one JSON object, prefixing every problem with `where` ("sections[2]: ").
class FieldReader {
public:
    FieldReader(const json& object, std::string where, std::vector<std::string>& problems)
        : object_(object), where_(std::move(where)), problems_(problems) {}

    // A string that must be present and, after trimming, not empty.
    bool required_string(const char* key, std::string& out) {
        const json* value = find(key);
        if (value == nullptr) {
            report(std::string("missing string \"") + key + '"');
            return false;
        }
        if (!value->is_string()) {
            report(wrong_type(key, "a string", *value));
            return false;
        }
        out = value->get<std::string>();
        if (detail::trim(out).empty()) {
            report(std::string("empty \"") + key + '"');
            return false;
        }
        return true;
    }

    // Absent or null leaves `out` unchanged; true unless the value has the wrong type.
    bool optional_string(const char* key, std::string& out) {
        const json* value = find(key);
        if (value == nullptr) return true;
        if (!value->is_string()) {
            report(wrong_type(key, "a string", *value));
            return false;
        }
        out = value->get<std::string>();
        return true;
    }

    // A list of non-empty strings; absent or null is an empty list.
    bool optional_string_list(const char* key, std::vector<std::string>& out) {
        const json* value = find(key);
        if (value == nullptr) return true;
        if (!value->is_array()) {
            report(wrong_type(key, "a list of strings", *value));
            return false;
        }
        bool ok = true;
        std::vector<std::string> items;
        items.reserve(value->size());
        for (std::size_t i = 0; i < value->size(); ++i) {
            const json& item = (*value)[i];
            const std::string where = std::string(key) + '[' + std::to_string(i) + "]: ";
            if (!item.is_string()) {
                report(where + "expected a string, not " + item.type_name());
                ok = false;
            } else if (detail::trim(item.get_ref<const std::string&>()).empty()) {
                report(where + "empty string");
                ok = false;
            } else {
                items.emplace_back(detail::trim(item.get_ref<const std::string&>()));
            }
        }
        if (ok) out = std::move(items);
        return ok;
    }

    const json* find(const char* key) const {
        const auto it = object_.find(key);
        if (it == object_.end() || it->is_null()) return nullptr;
        return &*it;
    }

    void report(const std::string& message) { problems_.push_back(where_ + message); }

    static std::string wrong_type(const char* key, const char* expected, const json& value) {
        return std::string("\"") + key + "\" must be " + expected + ", not " + value.type_name();
    }

private:
    const json& object_;
    std::string where_;
    std::vector<std::string>& problems_;
};

bool read_section(const json& j, std::size_t index, Section& out, std::string& given_anchor,
                  std::vector<std::string>& problems) {
    const std::string where = "sections[" + std::to_string(index) + "]: ";
    if (!j.is_object()) {
        problems.push_back(where + "expected an object, not " + j.type_name());
        return false;
    }
    FieldReader f(j, where, problems);
    bool ok = f.required_string("heading", out.heading);
    ok = f.required_string("text", out.text) && ok;
    ok = f.optional_string("anchor", given_anchor) && ok;
    if (!given_anchor.empty()) {
        if (auto message = detail::check_anchor(given_anchor)) {
            f.report(*message);
            ok = false;
        }
    }
    std::string kind;
    if (f.optional_string("kind", kind) && !kind.empty()) {
        if (!parse_section_kind(kind, out.kind)) {
            f.report("unknown kind \"" + kind + '"');
            ok = false;
        }
    } else {
        out.kind = kind_from_heading(out.heading);
    }
    ok = f.optional_string("heading_path", out.heading_path) && ok;
    if (out.heading_path.empty()) out.heading_path = out.heading;
    ok = f.optional_string_list("searches", out.searches) && ok;
    return ok;
}

}  // namespace

bool article_from_json(const json& j, Article& out, std::vector<std::string>& problems) {
    const std::size_t problems_before = problems.size();
    if (!j.is_object()) {
        problems.push_back(std::string("expected a JSON object, not ") + j.type_name());
        return false;
    }
    Article a;
    FieldReader f(j, "", problems);
    if (f.required_string("id", a.id)) {
        if (auto message = detail::check_article_id(a.id)) f.report(*message);
    }
    f.required_string("title", a.title);
    f.optional_string_list("also_called", a.also_called);
    f.optional_string_list("topics", a.topics);
    f.optional_string("source", a.source);
    // Our own Article JSON names the original page "source_url" ("url" is the site path);
    // JSON Lines corpora (MedQuAD) call it "url".
    f.optional_string(f.find("source_url") != nullptr ? "source_url" : "url", a.url);
    if (f.optional_string("audience", a.audience) && !a.audience.empty()) {
        if (auto message = detail::check_audience(a.audience)) f.report(*message);
    }
    if (f.optional_string("updated", a.updated) && !a.updated.empty()) {
        if (auto message = detail::check_updated(a.updated)) f.report(*message);
    }
    if (f.optional_string("language", a.language)) {
        if (auto message = detail::check_language(a.language)) f.report(*message);
    }

    const json* sections = f.find("sections");
    if (sections == nullptr) {
        f.report("missing list \"sections\"");
    } else if (!sections->is_array()) {
        f.report(FieldReader::wrong_type("sections", "a list of objects", *sections));
    } else if (sections->empty()) {
        f.report("\"sections\" is empty");
    } else {
        // Given anchors first, so that generated ones ("-2", "-3"...) never take their place.
        std::vector<std::string> given(sections->size());
        std::unordered_map<std::string, std::size_t> first_use;
        a.sections.resize(sections->size());
        for (std::size_t i = 0; i < sections->size(); ++i) {
            if (!read_section((*sections)[i], i, a.sections[i], given[i], problems)) continue;
            if (given[i].empty()) continue;
            const auto [it, inserted] = first_use.emplace(given[i], i);
            if (!inserted) {
                problems.push_back("sections[" + std::to_string(i) + "]: duplicate anchor \"" +
                                   given[i] + "\" (first in sections[" +
                                   std::to_string(it->second) + "])");
            }
        }
        std::unordered_set<std::string> taken;
        for (const auto& [anchor, index] : first_use) taken.insert(anchor);
        for (std::size_t i = 0; i < a.sections.size(); ++i) {
            a.sections[i].anchor =
                given[i].empty() ? detail::unique_anchor(a.sections[i].heading, taken) : given[i];
        }
    }

    if (problems.size() != problems_before) return false;
    out = std::move(a);
    return true;
}

}  // namespace medsearch
