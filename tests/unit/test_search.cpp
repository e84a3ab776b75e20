// Index a small corpus into a temporary directory and search it through the public API.
#include <catch2/catch.hpp>

#include <xapian.h>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using medsearch::testing::TempDir;

namespace {

Section section(std::string anchor, std::string heading, SectionKind kind, std::string text) {
    return Section{anchor, heading, heading, kind, std::move(text)};
}

std::vector<Article> corpus() {
    Article pain;
    pain.id = "neuropathic-pain";
    pain.title = "Neuropathic Pain";
    pain.also_called = {"nerve pain", "painful neuropathy"};
    pain.sections = {
        section("overview", "Overview", SectionKind::definition,
                "Neuropathic pain comes from damaged nerves. Some people feel pins and needles "
                "just from pulling on their socks."),
        section("symptoms", "Symptoms", SectionKind::symptoms,
                "Burning, stabbing or electric pain. Even a bed sheet can hurt (allodynia)."),
        section("treatment", "Treatment", SectionKind::treatment,
                "Antiseizure medicines and antidepressants often help neuralgia and other nerve pain."),
    };
    Article gbs;
    gbs.id = "guillain-barre-syndrome";
    gbs.title = "Guillain–Barré Syndrome";
    gbs.also_called = {"GBS"};
    gbs.sections = {section("overview", "Overview", SectionKind::definition,
                            "In Guillain–Barré syndrome the immune system attacks the nerves and weakness rises from the legs."),
                    section("treatment", "Treatment", SectionKind::treatment,
                            "Plasma exchange or immune globulin speeds recovery.")};
    Article ctsl;
    ctsl.id = "carpal-tunnel-syndrome";
    ctsl.title = "Carpal Tunnel Syndrome";
    ctsl.sections = {section("symptoms", "Symptoms", SectionKind::symptoms,
                             "Numb fingers at night and a weak grip; pain can run up the arm.")};
    Article es;
    es.id = "neuropathic-pain-es";
    es.title = "Dolor neuropático";
    es.language = "es";
    es.sections = {section("resumen", "Resumen", SectionKind::definition,
                           "El dolor de nervios viene de nervios dañados.")};
    return {pain, gbs, ctsl, es};
}

struct Index {
    TempDir dir;
    Index() {
        Analyzer analyzer;
        SynonymMap synonyms;
        std::vector<Diagnostic> problems;
        REQUIRE(synonyms.add_solr("neuropathy, nerve pain, neuralgia, neuropathic pain\n"
                                  "pins and needles => paresthesia, tingling\n",
                                  "test.txt", analyzer, problems));
        auto builder = IndexBuilder::begin(dir.path());
        REQUIRE(builder.ok());
        for (const auto& a : corpus()) REQUIRE(builder.value().add(a).ok());
        REQUIRE(builder.value().publish(synonyms).ok());
    }
    Searcher open() {
        auto s = Searcher::open(dir.path());
        REQUIRE(s.ok());
        return std::move(s).value();
    }
};

SearchResponse search(Searcher& s, std::string q, Grouping group = Grouping::article) {
    SearchRequest r;
    r.query = std::move(q);
    r.group = group;
    auto result = s.search(r);
    REQUIRE(result.ok());
    return std::move(result).value();
}

std::vector<std::string> ids(const SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.article.id + "#" + h.sections.front().anchor);
    return out;
}

}  // namespace

TEST_CASE("nerve pain finds the neuropathic pain article with marks and deep links", "[search]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "nerve pain");
    REQUIRE_FALSE(r.hits.empty());
    const auto& top = r.hits.front();
    CHECK(top.article.id == "neuropathic-pain");
    CHECK(top.article.url == "/articles/neuropathic-pain");
    REQUIRE_FALSE(top.sections.empty());
    CHECK(top.sections.front().url == "/articles/neuropathic-pain#" + top.sections.front().anchor);
    bool marked = false;
    for (const auto& s : top.sections) marked = marked || s.snippet_html.find("<mark>") != std::string::npos;
    CHECK(marked);
}

TEST_CASE("a synonym finds the article and is highlighted and explained", "[search]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "neuropathy", Grouping::section);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits.front().article.id == "neuropathic-pain");
    bool synonym_marked = false;
    for (const auto& hit : r.hits) {
        const auto& s = hit.sections.front();
        for (const auto& m : s.matched) {
            if (m.via == "synonym" && m.query == "neuropathy" &&
                s.snippet_html.find("<mark>" + std::string(m.term == "nerve pain" ? "nerve pain" : "")) != std::string::npos)
                synonym_marked = true;
        }
    }
    CHECK(synonym_marked);
}

TEST_CASE("pins and needles socks puts the overview first", "[search]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "pins and needles socks");
    REQUIRE_FALSE(r.hits.empty());
    CHECK(ids(r).front() == "neuropathic-pain#overview");
    CHECK(r.hits.front().sections.front().snippet_html.find("<mark>pins and needles</mark>") != std::string::npos);
}

TEST_CASE("dash and accent spellings give the same hits", "[search]") {
    Index index;
    auto searcher = index.open();
    auto a = search(searcher, "guillain barré");
    auto b = search(searcher, "Guillain–Barre");
    auto c = search(searcher, "GUILLAIN-BARRE");
    REQUIRE_FALSE(a.hits.empty());
    CHECK(a.hits.front().article.id == "guillain-barre-syndrome");
    CHECK(ids(a) == ids(b));
    CHECK(ids(a) == ids(c));
    CHECK(a.hits.front().sections.front().snippet_html.find("<mark>Guillain</mark>–<mark>Barré</mark>") != std::string::npos);
}

TEST_CASE("grouping: one hit per article by default, one section per hit with group=section", "[search]") {
    Index index;
    auto searcher = index.open();
    auto grouped = search(searcher, "nerve pain neuralgia burning");
    std::set<std::string> seen;
    for (const auto& h : grouped.hits) CHECK(seen.insert(h.article.id).second);
    auto flat = search(searcher, "nerve pain neuralgia burning", Grouping::section);
    for (const auto& h : flat.hits) CHECK(h.sections.size() == 1);
    CHECK(flat.hits.size() > grouped.hits.size());
}

TEST_CASE("language filter and Spanish stemming", "[search]") {
    Index index;
    auto searcher = index.open();
    SearchRequest r;
    r.query = "dolor de nervio";
    r.language = "es";
    auto result = searcher.search(r);
    REQUIRE(result.ok());
    REQUIRE(result.value().hits.size() == 1);
    CHECK(result.value().hits.front().article.id == "neuropathic-pain-es");
    CHECK(result.value().hits.front().sections.front().snippet_html.find("<mark>nervios</mark>") != std::string::npos);
}

TEST_CASE("bad requests are refused with messages naming the field", "[search]") {
    Index index;
    auto searcher = index.open();
    auto refused = [&](SearchRequest r, std::string field) {
        auto result = searcher.search(r);
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().code == Errc::invalid_input);
        CHECK(result.error().message.rfind(field + ":", 0) == 0);
    };
    SearchRequest r;
    r.query = "   ";
    refused(r, "q");
    r.query = std::string(kMaxQueryBytes + 1, 'a');
    refused(r, "q");
    r.query = "pain";
    r.size = kMaxPageSize + 1;
    refused(r, "size");
    r.size = 0;
    refused(r, "size");
    r.size = 10;
    r.page = 0;
    refused(r, "page");
}

TEST_CASE("articles come back whole, in order", "[search]") {
    Index index;
    auto searcher = index.open();
    auto a = searcher.article("neuropathic-pain");
    REQUIRE(a.ok());
    REQUIRE(a.value().sections.size() == 3);
    CHECK(a.value().sections[0].anchor == "overview");
    CHECK(a.value().sections[2].anchor == "treatment");
    CHECK(a.value().also_called == std::vector<std::string>{"nerve pain", "painful neuropathy"});
    auto missing = searcher.article("no-such-article");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE("every word the highlighter sees is a term the index stored", "[search][analyzer]") {
    Index index;
    Xapian::Database db(index.dir.path().string());
    Analyzer analyzer;
    for (const auto& article : corpus()) {
        for (const auto& s : article.sections) {
            for (const auto& token : analyzer.tokenize(s.text)) {
                CAPTURE(article.id, s.anchor, token.word);
                CHECK(db.term_exists(token.word));
                CHECK(db.term_exists(std::string("Z").append(analyzer.stem(token.word, article.language))));
            }
        }
    }
}

TEST_CASE("an unpublished build leaves the live index as it was", "[index]") {
    Index index;
    auto before = index.open().info();
    {
        auto builder = IndexBuilder::begin(index.dir.path());
        REQUIRE(builder.ok());
        Article a;
        a.id = "half-written";
        a.title = "Half written";
        a.sections = {section("overview", "Overview", SectionKind::definition, "never published")};
        REQUIRE(builder.value().add(a).ok());
    }  // destroyed without publish
    auto searcher = index.open();
    CHECK(searcher.info().build == before.build);
    CHECK(searcher.info().documents == before.documents);
    CHECK_FALSE(searcher.article("half-written").ok());
    int builds = 0;
    for (const auto& e : std::filesystem::directory_iterator(index.dir.path()))
        builds += e.path().filename().string().rfind("build-", 0) == 0;
    CHECK(builds == 1);
}

TEST_CASE("a second writer fails fast while the first holds the lock", "[index]") {
    TempDir dir;
    auto first = IndexBuilder::begin(dir.path());
    REQUIRE(first.ok());
    auto second = IndexBuilder::begin(dir.path());
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == Errc::locked);
}

TEST_CASE("a duplicate article id is refused", "[index]") {
    TempDir dir;
    auto builder = IndexBuilder::begin(dir.path());
    REQUIRE(builder.ok());
    auto articles = corpus();
    REQUIRE(builder.value().add(articles[0]).ok());
    auto again = builder.value().add(articles[0]);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == Errc::invalid_input);
}
