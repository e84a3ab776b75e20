#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/json_codec.hpp"

namespace {

using medsearch::Article;
using medsearch::SectionKind;
using nlohmann::json;

Article sample_article() {
    Article a;
    a.id = "neuropathic-pain";
    a.title = "Neuropathic Pain";
    a.also_called = {"nerve pain", "neuralgia"};
    a.topics = {"pain"};
    a.audience = "patients";
    a.source = "medsearch";
    a.url = "https://example.org/nerve-pain";
    a.updated = "2026-11-03";
    a.language = "en";
    a.sections = {
        {"overview", "Overview", "Overview", SectionKind::definition, "Nerve pain is...", {}},
        {"medicines", "Medicines", "Treatment \u203A Medicines", SectionKind::treatment,
         "Several medicines...", {}},
    };
    return a;
}

std::vector<std::string> from_json_problems(const json& j) {
    Article a;
    std::vector<std::string> problems;
    CHECK_FALSE(medsearch::article_from_json(j, a, problems));
    return problems;
}

json minimal_article() {
    return json::parse(R"({"id": "a", "title": "A",
                           "sections": [{"heading": "Overview", "text": "Text."}]})");
}

}  // namespace

TEST_CASE("a search response has the API's JSON shape", "[json]") {
    medsearch::SearchResponse r;
    r.query = "nerve pain";
    r.total = 42;
    r.page = 2;
    r.size = 10;
    r.took_ms = 1.5;
    medsearch::SearchHit hit;
    hit.article = {"neuropathic-pain", "Neuropathic Pain", "/articles/neuropathic-pain"};
    hit.score = 12.25;
    medsearch::SectionHit section;
    section.anchor = "treatment";
    section.heading = "Treatment \u203A Medicines";
    section.kind = "treatment";
    section.url = "/articles/neuropathic-pain#treatment";
    section.snippet_html = "ease <mark>nerve pain</mark> &amp; more";
    section.matched = {{"nerve pain", "neuralgia", "synonym"}};
    hit.sections = {section};
    r.hits = {hit};

    const json expected = json::parse(R"({
      "query": "nerve pain", "total": 42, "page": 2, "size": 10, "took_ms": 1.5,
      "hits": [{
        "article": {"id": "neuropathic-pain", "title": "Neuropathic Pain",
                    "url": "/articles/neuropathic-pain"},
        "score": 12.25,
        "sections": [{
          "anchor": "treatment", "heading": "Treatment \u203A Medicines", "kind": "treatment",
          "url": "/articles/neuropathic-pain#treatment",
          "snippet_html": "ease <mark>nerve pain</mark> &amp; more",
          "matched": [{"query": "nerve pain", "term": "neuralgia", "via": "synonym"}]
        }]
      }]
    })");
    CHECK(json(r) == expected);

    SECTION("the language the query was read in, and the correction, only when there is one") {
        r.language = "en";
        r.corrected = "nerve pain";
        r.corrected_applied = true;
        json with = expected;
        with["language"] = "en";
        with["corrected"] = "nerve pain";
        with["corrected_applied"] = true;
        CHECK(json(r) == with);
    }
    SECTION("total_estimated only when the total is Xapian's estimate") {
        r.total_estimated = true;
        json with = expected;
        with["total_estimated"] = true;
        CHECK(json(r) == with);
    }
    SECTION("empty results still carry every key") {
        const json empty = medsearch::SearchResponse{};
        CHECK(empty == json::parse(R"({"query": "", "total": 0, "page": 1, "size": 10,
                                       "took_ms": 0.0, "hits": []})"));
    }
}

TEST_CASE("an article carries its fields, its site url and every section's url", "[json]") {
    const json j = sample_article();
    const json expected = json::parse(R"({
      "id": "neuropathic-pain", "title": "Neuropathic Pain",
      "also_called": ["nerve pain", "neuralgia"], "topics": ["pain"],
      "audience": "patients", "source": "medsearch",
      "source_url": "https://example.org/nerve-pain",
      "updated": "2026-11-03", "language": "en",
      "url": "/articles/neuropathic-pain",
      "sections": [
        {"anchor": "overview", "heading": "Overview", "heading_path": "Overview",
         "kind": "definition", "text": "Nerve pain is...",
         "url": "/articles/neuropathic-pain#overview"},
        {"anchor": "medicines", "heading": "Medicines", "heading_path": "Treatment \u203A Medicines",
         "kind": "treatment", "text": "Several medicines...",
         "url": "/articles/neuropathic-pain#medicines"}
      ]
    })");
    CHECK(j == expected);
}

TEST_CASE("index info", "[json]") {
    medsearch::IndexInfo info;
    info.revision = 7;
    info.documents = 16384;
    info.build = "build-20261103T101500";
    info.published = "2026-11-03T10:15:00Z";
    CHECK(json(info) == json::parse(R"({"revision": 7, "documents": 16384,
                                        "build": "build-20261103T101500",
                                        "published": "2026-11-03T10:15:00Z"})"));
}

TEST_CASE("dump_json is compact and never throws on invalid UTF-8", "[json]") {
    CHECK(medsearch::dump_json(json{{"a", 1}}) == R"({"a":1})");
    const json bad = std::string("caf\xC3");  // truncated é
    std::string dumped;
    REQUIRE_NOTHROW(dumped = medsearch::dump_json(bad));
    CHECK(dumped == "\"caf\xEF\xBF\xBD\"");  // U+FFFD
}

TEST_CASE("article_from_json reads the JSON Lines form", "[json]") {
    const json j = json::parse(R"({
      "id": "GHR_0000804", "title": "Neuropathy", "url": "https://ghr.example/x",
      "source": "GHR", "topics": ["Neuropathy", " nerve damage "],
      "also_called": ["nerve disease"], "audience": null,
      "sections": [
        {"heading": "What Is Neuropathy?", "text": "About it."},
        {"heading": "Genetic Changes", "anchor": "genetic-changes", "text": "Genes.",
         "searches": ["is neuropathy in my genes", " which gene "]},
        {"heading": "Genetic Changes", "text": "More genes."}
      ]
    })");
    Article a;
    std::vector<std::string> problems;
    REQUIRE(medsearch::article_from_json(j, a, problems));
    CHECK(problems.empty());
    CHECK(a.id == "GHR_0000804");
    CHECK(a.url == "https://ghr.example/x");
    CHECK(a.topics == std::vector<std::string>{"Neuropathy", "nerve damage"});
    CHECK(a.audience.empty());
    CHECK(a.language == "en");
    REQUIRE(a.sections.size() == 3);
    CHECK(a.sections[0].anchor == "what-is-neuropathy");
    CHECK(a.sections[0].kind == SectionKind::definition);
    CHECK(a.sections[0].heading_path == "What Is Neuropathy?");
    CHECK(a.sections[1].anchor == "genetic-changes");
    CHECK(a.sections[1].kind == SectionKind::genetic_changes);
    CHECK(a.sections[1].searches == std::vector<std::string>{"is neuropathy in my genes", "which gene"});
    CHECK(a.sections[0].searches.empty());
    CHECK(a.sections[2].anchor == "genetic-changes-2");
}

TEST_CASE("an article survives a round trip through its JSON form", "[json]") {
    Article original = sample_article();
    original.sections[1].searches = {"pills for nerve pain"};
    Article back;
    std::vector<std::string> problems;
    REQUIRE(medsearch::article_from_json(json(original), back, problems));
    CHECK(back.id == original.id);
    CHECK(back.title == original.title);
    CHECK(back.also_called == original.also_called);
    CHECK(back.topics == original.topics);
    CHECK(back.audience == original.audience);
    CHECK(back.source == original.source);
    CHECK(back.url == original.url);  // from "source_url", not the site "url"
    CHECK(back.updated == original.updated);
    CHECK(back.language == original.language);
    REQUIRE(back.sections.size() == original.sections.size());
    for (std::size_t i = 0; i < back.sections.size(); ++i) {
        CHECK(back.sections[i].anchor == original.sections[i].anchor);
        CHECK(back.sections[i].heading == original.sections[i].heading);
        CHECK(back.sections[i].heading_path == original.sections[i].heading_path);
        CHECK(back.sections[i].kind == original.sections[i].kind);  // kept, not re-derived
        CHECK(back.sections[i].text == original.sections[i].text);
        CHECK(back.sections[i].searches == original.sections[i].searches);
    }
}

TEST_CASE("article_from_json names the field of every problem", "[json]") {
    // Each row patches the minimal valid article at one JSON pointer.
    auto [pointer, value, message] = GENERATE(table<std::string, std::string, std::string>({
        {"/id", "null", "missing string \"id\""},
        {"/id", "42", "\"id\" must be a string, not number"},
        {"/id", "\"\"", "empty \"id\""},
        {"/id", "\"a/b\"", "id \"a/b\" is not valid (expected letters, digits, '_' and '-')"},
        {"/title", "[]", "\"title\" must be a string, not array"},
        {"/title", "\" \"", "empty \"title\""},
        {"/url", "{}", "\"url\" must be a string, not object"},
        {"/source", "true", "\"source\" must be a string, not boolean"},
        {"/topics", "\"pain\"", "\"topics\" must be a list of strings, not string"},
        {"/topics", "[\"pain\", null]", "topics[1]: expected a string, not null"},
        {"/also_called", "[\"\"]", "also_called[0]: empty string"},
        {"/language", "\"EN\"",
         "language \"EN\" is not valid (expected a two-letter lowercase code such as \"en\" or "
         "\"es\")"},
        {"/audience", "\"everyone\"",
         "audience \"everyone\" is not valid (expected patients, caregivers or clinicians)"},
        {"/updated", "\"2026-02-30x\"",
         "updated \"2026-02-30x\" is not valid (expected an ISO date, YYYY-MM-DD, such as "
         "2026-11-01)"},
        {"/sections", "null", "missing list \"sections\""},
        {"/sections", "{}", "\"sections\" must be a list of objects, not object"},
        {"/sections", "[]", "\"sections\" is empty"},
        {"/sections/0", "\"text\"", "sections[0]: expected an object, not string"},
        {"/sections/0/heading", "null", "sections[0]: missing string \"heading\""},
        {"/sections/0/heading", "1", "sections[0]: \"heading\" must be a string, not number"},
        {"/sections/0/text", "\"\\n \"", "sections[0]: empty \"text\""},
        {"/sections/0/anchor", "\"a b\"",
         "sections[0]: anchor \"a b\" is not valid (expected letters, digits, '_' and '-')"},
        {"/sections/0/kind", "\"treatments\"", "sections[0]: unknown kind \"treatments\""},
        {"/sections/0/searches", "\"what helps\"", "sections[0]: \"searches\" must be a list of strings, not string"},
        {"/sections/-", R"({"heading": "Two", "text": 3})",
         "sections[1]: \"text\" must be a string, not number"},
    }));
    INFO(pointer << " = " << value);
    json j = minimal_article();
    j[json::json_pointer(pointer)] = json::parse(value);
    CHECK(from_json_problems(j) == std::vector<std::string>{message});
}

TEST_CASE("article_from_json reports every problem and leaves the output untouched", "[json]") {
    const json j = json::parse(R"({
      "title": 5,
      "sections": [
        {"heading": "A", "anchor": "x", "text": "1"},
        {"heading": "B", "text": "2"},
        {"heading": "C", "anchor": "x", "text": "3"},
        {"anchor": "y"}
      ]
    })");
    Article a;
    a.id = "untouched";
    std::vector<std::string> problems;
    CHECK_FALSE(medsearch::article_from_json(j, a, problems));
    CHECK(a.id == "untouched");
    CHECK(problems == std::vector<std::string>{
                          "missing string \"id\"",
                          "\"title\" must be a string, not number",
                          "sections[2]: duplicate anchor \"x\" (first in sections[0])",
                          "sections[3]: missing string \"heading\"",
                          "sections[3]: missing string \"text\"",
                      });

    SECTION("not an object at all") {
        problems.clear();
        CHECK_FALSE(medsearch::article_from_json(json::array(), a, problems));
        CHECK(problems == std::vector<std::string>{"expected a JSON object, not array"});
    }
}
