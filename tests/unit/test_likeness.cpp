// The re-rankings of section lists (src/likeness.hpp): sections that read like the first one
// rise above equally weak matches that do not, the first stays first, and pages agree; an
// article's sections past its first few make room for another article's.
#include <catch2/catch.hpp>

#include <algorithm>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"
#include "likeness.hpp"
#include "../support/hit_ids.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using medsearch::testing::hit_ids;
using medsearch::testing::TempDir;

namespace {

Article one_section(std::string id, std::string title, SectionKind kind, std::string text) {
    Article a;
    a.id = std::move(id);
    a.title = std::move(title);
    a.sections = {Section{"main", "Main", "Main", kind, std::move(text), {}}};
    return a;
}

// "tingling" is said three times by the cream article, once by each of the others. The shingles
// section shares the cream article's other words; the wrist section, shorter, shares none, so
// the query alone ranks it above the shingles section. Articles without the word give the
// words their weight (document frequency).
struct LikenessIndex {
    TempDir dir;
    LikenessIndex() {
        auto builder = IndexBuilder::begin(dir.path());
        REQUIRE(builder.ok());
        const Article articles[] = {
            one_section("capsaicin-cream", "Capsaicin Cream", SectionKind::treatment,
                        "Tingling hands and tingling feet: capsaicin cream, made from chili peppers, is rubbed "
                        "on the skin and calms the tingling nerves under it after a week or two."),
            one_section("shingles-pain", "Shingles Pain", SectionKind::treatment,
                        "After shingles a patch of skin may keep tingling; capsaicin cream from chili peppers, "
                        "rubbed on the skin each day, calms the nerves for many people over a week or two."),
            one_section("wrist-pain", "Wrist Pain", SectionKind::symptoms,
                        "Tingling can come with a weak grip and clumsy buttons at night."),
            one_section("sleep", "Sleep", SectionKind::other, "A dark, cool room and a fixed bedtime help sleep."),
            one_section("walking", "Walking", SectionKind::other, "A short daily walk keeps joints moving."),
            one_section("diet", "Diet", SectionKind::other, "Vegetables, beans and whole grains feed the body well."),
            one_section("water", "Water", SectionKind::other, "Drinking water through the day prevents headaches."),
        };
        for (const auto& a : articles) REQUIRE(builder.value().add(a).ok());
        REQUIRE(builder.value().publish(SynonymMap{}).ok());
    }
};

// The section list for "tingling" with `features`, page `page` of `size`.
SearchResponse tingling(Searcher& searcher, const SearchFeatures& features, std::size_t page, std::size_t size) {
    SearchRequest request;
    request.query = "tingling";
    request.group = Grouping::section;
    request.features = features;
    request.page = page;
    request.size = size;
    auto r = searcher.search(request);
    REQUIRE(r.ok());
    return std::move(r).value();
}

SearchResponse sections(Searcher& searcher, bool likeness, std::size_t page = 1, std::size_t size = 10) {
    SearchFeatures features;
    features.likeness = likeness;
    return tingling(searcher, features, page, size);
}

}  // namespace

TEST_CASE("likeness lifts a weak match that reads like the first section above one that does not", "[search][likeness]") {
    LikenessIndex index;
    auto searcher = Searcher::open(index.dir.path());
    REQUIRE(searcher.ok());
    const auto without = hit_ids(sections(searcher.value(), false));
    const auto with = hit_ids(sections(searcher.value(), true));
    CHECK(without == std::vector<std::string>{"capsaicin-cream#main", "wrist-pain#main", "shingles-pain#main"});
    CHECK(with == std::vector<std::string>{"capsaicin-cream#main", "shingles-pain#main", "wrist-pain#main"});
}

TEST_CASE("likeness: the first section keeps its place and every page is cut from one list", "[search][likeness]") {
    LikenessIndex index;
    auto searcher = Searcher::open(index.dir.path());
    REQUIRE(searcher.ok());
    const auto whole = sections(searcher.value(), true);
    const auto first_alone = sections(searcher.value(), false);
    REQUIRE(whole.hits.size() == 3);
    CHECK(whole.hits.front().article.id == first_alone.hits.front().article.id);
    // Scores stay in rank order, the bonus included.
    CHECK(std::is_sorted(whole.hits.begin(), whole.hits.end(),
                         [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; }));
    std::vector<std::string> paged;
    for (std::size_t page = 1; page <= 3; ++page) {
        const auto one = hit_ids(sections(searcher.value(), true, page, 1));
        REQUIRE(one.size() == 1);
        paged.push_back(one.front());
    }
    CHECK(paged == hit_ids(whole));
    CHECK(sections(searcher.value(), true, 4, 1).hits.empty());
}

TEST_CASE("likeness changes nothing in article lists", "[search][likeness]") {
    LikenessIndex index;
    auto searcher = Searcher::open(index.dir.path());
    REQUIRE(searcher.ok());
    SearchRequest request;
    request.query = "tingling";
    auto with = searcher.value().search(request);
    request.features.likeness = false;
    auto without = searcher.value().search(request);
    REQUIRE(with.ok());
    REQUIRE(without.ok());
    CHECK(hit_ids(with.value()) == hit_ids(without.value()));
}

namespace {

// Seven sections of the cream article say "tingling" once, as does the one section of the wrist
// article, in more words: by the query alone the cream article holds the first seven places.
struct RepeatsIndex {
    TempDir dir;
    RepeatsIndex() {
        auto builder = IndexBuilder::begin(dir.path());
        REQUIRE(builder.ok());
        Article cream;
        cream.id = "capsaicin-cream";
        cream.title = "Capsaicin Cream";
        const char* anchors[] = {"overview", "how-it-works", "who-it-helps", "how-to-use", "side-effects", "risks",
                                 "what-to-expect"};
        for (const char* anchor : anchors)
            cream.sections.push_back(Section{anchor, anchor, anchor, SectionKind::other,
                                             std::string("The cream calms tingling skin; see ") + anchor + ".", {}});
        REQUIRE(builder.value().add(cream).ok());
        REQUIRE(builder.value().add(one_section("wrist-pain", "Wrist Pain", SectionKind::symptoms,
                                                "Tingling fingers often come with a weak grip and clumsy buttons.")).ok());
        REQUIRE(builder.value().add(one_section("sleep", "Sleep", SectionKind::other, "A dark room helps sleep.")).ok());
        REQUIRE(builder.value().publish(SynonymMap{}).ok());
    }
};

// Without the likeness and the article context, which would lift the cream article's sections.
SearchResponse repeats(Searcher& searcher, bool variety, std::size_t page = 1, std::size_t size = 10) {
    SearchFeatures features;
    features.likeness = false;
    features.article_context = false;
    features.variety = variety;
    return tingling(searcher, features, page, size);
}

}  // namespace

TEST_CASE("variety: an article's sections past its first five make room for another article's", "[search][likeness]") {
    RepeatsIndex index;
    auto searcher = Searcher::open(index.dir.path());
    REQUIRE(searcher.ok());
    const auto place_of_wrist = [](const SearchResponse& r) {
        const auto ids = hit_ids(r);
        return std::find(ids.begin(), ids.end(), "wrist-pain#main") - ids.begin();
    };
    const auto without = repeats(searcher.value(), false);
    const auto with = repeats(searcher.value(), true);
    REQUIRE(without.hits.size() == 8);
    REQUIRE(with.hits.size() == 8);
    CHECK(place_of_wrist(without) == 7);
    CHECK(place_of_wrist(with) == kFreeRepeats);
    // The same sections, the first five as the query ranks them, scores in rank order.
    CHECK(std::equal(without.hits.begin(), without.hits.begin() + kFreeRepeats, with.hits.begin(),
                     [](const SearchHit& a, const SearchHit& b) { return a.sections[0].anchor == b.sections[0].anchor; }));
    CHECK(std::is_sorted(with.hits.begin(), with.hits.end(),
                         [](const SearchHit& a, const SearchHit& b) { return a.score > b.score; }));
    std::vector<std::string> paged;
    for (std::size_t page = 1; page <= 4; ++page)
        for (const auto& id : hit_ids(repeats(searcher.value(), true, page, 2))) paged.push_back(id);
    CHECK(paged == hit_ids(with));
}
