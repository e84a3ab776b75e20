// Index a small corpus into a temporary directory and search it through the public API.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <xapian.h>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"
#include "medsearch/word_list.hpp"
#include "../support/hit_ids.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using medsearch::testing::hit_ids;
using medsearch::testing::TempDir;

namespace {

Section section(std::string anchor, std::string heading, SectionKind kind, std::string text) {
    return Section{anchor, heading, heading, kind, std::move(text), {}};
}

Article article(std::string id, std::string title, std::vector<Section> sections) {
    Article a;
    a.id = std::move(id);
    a.title = std::move(title);
    a.sections = std::move(sections);
    return a;
}

// A searcher on the index published in `dir`; fails the test if it cannot open.
Searcher open_searcher(const std::filesystem::path& dir) {
    auto s = Searcher::open(dir);
    REQUIRE(s.ok());
    return std::move(s).value();
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
                             "Numb fingers at night and a weak grip; pain can run up the arm."),
                     section("treatment", "Treatment", SectionKind::treatment,
                             "A wrist splint at night, and for some surgery, eases the nerve pain.")};
    Article es;
    es.id = "neuropathic-pain-es";
    es.title = "Dolor neuropático";
    es.language = "es";
    es.sections = {section("resumen", "Resumen", SectionKind::definition,
                           "El dolor de nervios viene de nervios dañados. La neuropatía es frecuente.")};
    Article sjogren;
    sjogren.id = "sjogren-syndrome";
    sjogren.title = "Sjögren Syndrome";
    sjogren.sections = {section("overview", "Overview", SectionKind::definition,
                                "Sjögren syndrome dries the eyes and mouth. A nerve in the face may ache, "
                                "and pain in the joints is common. Some notice œdema of the ankles; naïve "
                                "advice to drink more water rarely helps.")};
    Article ms;
    ms.id = "multiple-sclerosis-pain";
    ms.title = "Multiple Sclerosis Pain";
    ms.sections = {section("overview", "Overview", SectionKind::definition,
                           "Multiple sclerosis can bring burning feelings in the legs and a tight band around the chest.")};
    return {pain, gbs, ctsl, es, sjogren, ms};
}

// An article of one overview section, for indexes built to show one behaviour.
struct Note {
    std::string id, title, text;
    std::string language = "en";
};

// A vocabulary of Solr synonym lines; fails the test if one is rejected.
SynonymMap vocabulary_of(const std::string& solr) {
    Analyzer analyzer;
    SynonymMap synonyms;
    std::vector<Diagnostic> problems;
    REQUIRE(synonyms.add_solr(solr, "test.txt", analyzer, problems));
    return synonyms;
}

// Indexes `articles` into `dir` with `synonyms` (none by default).
void index_articles(const TempDir& dir, const std::vector<Article>& articles, const SynonymMap& synonyms = {}) {
    auto builder = IndexBuilder::begin(dir.path());
    REQUIRE(builder.ok());
    for (const auto& a : articles) REQUIRE(builder.value().add(a).ok());
    REQUIRE(builder.value().publish(synonyms).ok());
}

// Indexes `notes` into `dir` without a vocabulary, each an article of one overview.
void index_notes(const TempDir& dir, const std::vector<Note>& notes) {
    std::vector<Article> articles;
    for (const auto& note : notes) {
        Article a = article(note.id, note.title, {section("overview", "Overview", SectionKind::definition, note.text)});
        a.language = note.language;
        articles.push_back(std::move(a));
    }
    index_articles(dir, articles);
}

struct Index {
    TempDir dir;
    Index() {
        index_articles(dir, corpus(),
                       vocabulary_of("neuropathy, nerve pain, neuralgia, neuropathic pain\n"
                                     "pins and needles => paresthesia, tingling\n"
                                     "MS => multiple sclerosis\n"));
    }
    Searcher open() { return open_searcher(dir.path()); }
};

// The response to `request`; fails the test on an error.
SearchResponse searched(Searcher& s, const SearchRequest& request) {
    auto result = s.search(request);
    REQUIRE(result.ok());
    return std::move(result).value();
}

SearchResponse search(Searcher& s, std::string q, Grouping group = Grouping::article) {
    SearchRequest r;
    r.query = std::move(q);
    r.group = group;
    return searched(s, r);
}


// The score of the hit whose first section is `id` ("article#anchor"); fails the test if none.
double score_of(const SearchResponse& r, const std::string& id) {
    for (const auto& h : r.hits)
        if (h.article.id + "#" + h.sections.front().anchor == id) return h.score;
    FAIL("no hit " << id);
    return 0.0;
}

// A section list for `query` with the intent scoped to the articles it names, and without.
std::pair<SearchResponse, SearchResponse> with_and_without_scope(Searcher& searcher, std::string query) {
    SearchRequest request;
    request.query = std::move(query);
    request.group = Grouping::section;
    auto scoped = searcher.search(request);
    request.ranking.name_intent_scope = false;
    auto unscoped = searcher.search(request);
    REQUIRE(scoped.ok());
    REQUIRE(unscoped.ok());
    return {std::move(scoped).value(), std::move(unscoped).value()};
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
    CHECK(hit_ids(r).front() == "neuropathic-pain#overview");
    CHECK(r.hits.front().sections.front().snippet_html.find("<mark>pins and needles</mark>") != std::string::npos);
}

TEST_CASE("a query naming an article favours that article's section of the kind, not every one", "[search][intent]") {
    // A bare name asks for the overview; cue words ask for their kind. Either way the named
    // article keeps its boost, and sections elsewhere that merely mention the name lose it.
    auto [query, named, others] = GENERATE(table<std::string, std::string, std::vector<std::string>>({
        {"nerve pain", "neuropathic-pain#overview", {"sjogren-syndrome#overview", "guillain-barre-syndrome#overview"}},
        {"how is nerve pain treated", "neuropathic-pain#treatment", {"carpal-tunnel-syndrome#treatment"}},
    }));
    CAPTURE(query);
    Index index;
    auto searcher = index.open();
    auto [scoped, unscoped] = with_and_without_scope(searcher, query);
    CHECK(hit_ids(scoped).front() == named);
    CHECK(score_of(scoped, named) == Approx(score_of(unscoped, named)));
    for (const auto& other : others) {
        CAPTURE(other);
        CHECK(score_of(scoped, other) < 0.8 * score_of(unscoped, other));
    }
}

TEST_CASE("filler words are not read as part of the name asked about", "[search][intent]") {
    Index index;
    auto searcher = index.open();
    // "being done" says nothing: what is left after the cue names the article.
    auto [scoped, unscoped] = with_and_without_scope(searcher, "what treatment is being done for nerve pain");
    CHECK(score_of(scoped, "neuropathic-pain#treatment") == Approx(score_of(unscoped, "neuropathic-pain#treatment")));
    CHECK(score_of(scoped, "carpal-tunnel-syndrome#treatment") < score_of(unscoped, "carpal-tunnel-syndrome#treatment"));
}

TEST_CASE("a named article without a section of the asked kind leaves every article's sections of it their boost",
          "[search][intent]") {
    Index index;
    auto searcher = index.open();
    // Guillain-Barré Syndrome (also called GBS) has no symptoms section: the others' may answer.
    auto [scoped, unscoped] = with_and_without_scope(searcher, "GBS symptoms");
    CHECK(score_of(scoped, "carpal-tunnel-syndrome#symptoms") ==
          Approx(score_of(unscoped, "carpal-tunnel-syndrome#symptoms")));
    CHECK(hit_ids(scoped) == hit_ids(unscoped));
    // Neuropathic Pain has one: there the scope holds, and Carpal Tunnel Syndrome's symptoms
    // ("pain can run up the arm") lose the boost they had for the word "pain".
    auto [np_scoped, np_unscoped] = with_and_without_scope(searcher, "nerve pain symptoms");
    CHECK(score_of(np_scoped, "carpal-tunnel-syndrome#symptoms") < score_of(np_unscoped, "carpal-tunnel-syndrome#symptoms"));
}

TEST_CASE("whether a named thing is inherited is its risk factors' question when it has no inheritance section",
          "[search][intent]") {
    TempDir dir;
    index_articles(dir, {article("trigeminal-neuralgia", "Trigeminal Neuralgia",
                                 {section("treatment", "Treatment", SectionKind::treatment,
                                          "Trigeminal neuralgia is treated with carbamazepine; surgery can help."),
                                  section("risk-factors", "Risk Factors", SectionKind::risk_factors,
                                          "It is more common in women and after 50. Rarely, it runs in families.")})});
    auto searcher = open_searcher(dir.path());
    auto r = search(searcher, "is trigeminal neuralgia inherited", Grouping::section);
    REQUIRE(r.hits.size() == 2);
    CHECK(r.hits[0].sections[0].anchor == "risk-factors");
}

TEST_CASE("the intent context gives the asked-for kind a share of its article's match", "[search][intent]") {
    Index index;
    auto searcher = index.open();
    SearchRequest request;
    request.query = "how is nerve pain treated";
    request.ranking.intent_weight = 0;  // the XK term's own weight aside
    request.ranking.intent_context = 0;
    request.features.likeness = false;  // it would add its own share of the first section's weight
    auto run = [&](Grouping group, double share) {
        request.group = group;
        request.ranking.intent_context = share;
        return searched(searcher, request);
    };
    const auto grouped = run(Grouping::article, 0);
    REQUIRE(grouped.hits.front().article.id == "neuropathic-pain");
    const double article_match = grouped.hits.front().score;  // its best section, as the context sees it
    const auto without = run(Grouping::section, 0);
    const auto with = run(Grouping::section, 0.25);
    CHECK(score_of(with, "neuropathic-pain#treatment") - score_of(without, "neuropathic-pain#treatment") ==
          Approx(0.25 * article_match));
    CHECK(score_of(with, "neuropathic-pain#overview") == Approx(score_of(without, "neuropathic-pain#overview")));
}

TEST_CASE("the first words of one article's name, alone, open on its overview like the name", "[search][intent]") {
    TempDir dir;
    auto two_sections = [](std::string id, std::string title, std::string more) {
        return article(std::move(id), std::move(title),
                       {section("overview", "Overview", SectionKind::definition, "What this is, in short."),
                        section("outlook", "Outlook", SectionKind::outlook, std::move(more))});
    };
    Article phantom = two_sections("phantom-limb-pain", "Phantom Limb Pain",
                                   "Phantom limb pain, phantom limb itch and phantom sensations fade.");
    Article injury = two_sections("spinal-cord-injury-pain", "Spinal Cord Injury Pain",
                                  "Spinal pain after a spinal injury to the spinal cord eases.");
    Article stimulation = two_sections("spinal-cord-stimulation", "Spinal Cord Stimulation", "A device.");
    index_articles(dir, {phantom, injury, stimulation});
    auto searcher = open_searcher(dir.path());
    auto first = [&](const std::string& q) {
        auto r = search(searcher, q, Grouping::section);
        REQUIRE_FALSE(r.hits.empty());
        return r.hits.front().article.id + "#" + r.hits.front().sections.front().anchor;
    };
    CHECK(first("phantom") == "phantom-limb-pain#overview");
    CHECK(first("phantom limb") == "phantom-limb-pain#overview");
    // Quoted too: a librarian's exact phrase that starts one article's names.
    CHECK(first("\"phantom limb\"") == "phantom-limb-pain#overview");
    // "spinal" starts two articles' names: no bare name, the text decides.
    CHECK(first("spinal") == "spinal-cord-injury-pain#outlook");
}

TEST_CASE("a query in one language about an article only another language has searches every language",
          "[search][language]") {
    TempDir dir;
    const SynonymMap synonyms = vocabulary_of("piernas inquietas, restless legs syndrome\nciática, sciatica\n");
    Article rls = article("restless-legs", "Restless Legs Syndrome",
                          {section("overview", "Overview", SectionKind::definition, "An urge to move the legs at night.")});
    Article sciatica = article("sciatica", "Sciatica",
                               {section("overview", "Overview", SectionKind::definition, "Pain down the leg.")});
    Article ciatica = article("sciatica-es", "Ciática",
                              {section("resumen", "Resumen", SectionKind::definition,
                                       "La ciática es un dolor que baja por las piernas, peor de noche.")});
    ciatica.language = "es";
    index_articles(dir, {rls, sciatica, ciatica}, synonyms);
    auto searcher = open_searcher(dir.path());
    // "piernas inquietas" are Spanish words, and only the English article has the name.
    auto legs = search(searcher, "piernas inquietas", Grouping::section);
    CHECK(legs.language.empty());
    REQUIRE_FALSE(legs.hits.empty());
    CHECK(legs.hits.front().article.id == "restless-legs");
    // Also when other words say Spanish: one part names the English article only, so it is
    // searched too (the order is the words' to decide).
    auto at_night = search(searcher, "piernas inquietas de noche", Grouping::section);
    CHECK(at_night.language.empty());
    CHECK(std::any_of(at_night.hits.begin(), at_night.hits.end(),
                      [](const SearchHit& h) { return h.article.id == "restless-legs"; }));
    // A name a Spanish article has keeps the query in Spanish.
    auto ciatica_hits = search(searcher, "ciática", Grouping::section);
    CHECK(ciatica_hits.language == "es");
    REQUIRE(ciatica_hits.hits.size() == 1);
    CHECK(ciatica_hits.hits.front().article.id == "sciatica-es");
}

TEST_CASE("a section that matches only the cue words earns no intent boost", "[search][intent]") {
    TempDir dir;
    const SynonymMap synonyms = vocabulary_of("monofilament test, monofilament examination\n");
    index_articles(dir,
                   {article("restless-legs", "restless-legs",
                            {section("diagnosis", "Diagnosis", SectionKind::diagnosis,
                                     "A blood test checks your iron. Sleep studies are seldom needed.")}),
                    article("diabetic-feet", "diabetic-feet",
                            {section("diagnosis", "Diagnosis", SectionKind::diagnosis,
                                     "A monofilament pressed on the sole checks feeling in your feet.")}),
                    article("neuro-exam", "neuro-exam",
                            {section("what-happens", "What Happens", SectionKind::other,
                                     "A nylon thread (monofilament) is pressed on your feet to test feeling.")}),
                    article("shingles", "shingles",
                            {section("outlook", "Outlook", SectionKind::outlook,
                                     "Most people make a full recovery within a month.")}),
                    article("wrist-surgery", "wrist-surgery",
                            {section("what-to-expect", "What to Expect", SectionKind::what_to_expect,
                                     "After carpal tunnel surgery the hand is sore for a few weeks.")})},
                   synonyms);
    auto searcher = open_searcher(dir.path());
    SearchRequest request;
    request.group = Grouping::section;
    request.features.article_context = false;  // each article has one section: only the boost differs
    request.features.likeness = false;
    request.ranking.intent_context = 0;  // a share of the article's match, not the section's own boost
    auto run = [&](const std::string& query, bool intent) {
        request.query = query;
        request.features.intent = intent;
        return searched(searcher, request);
    };
    // "test" inside the phrase "monofilament test", and "recovery" as a word of its own: a
    // diagnosis or outlook section saying only that is no answer, one on the subject still is.
    auto [query, cue_only, on_subject] = GENERATE(table<std::string, std::string, std::string>({
        {"monofilament test", "restless-legs#diagnosis", "diabetic-feet#diagnosis"},
        {"carpal tunnel surgery recovery", "shingles#outlook", "wrist-surgery#what-to-expect"},
    }));
    CAPTURE(query);
    const auto with = run(query, true), without = run(query, false);
    CHECK(score_of(with, cue_only) == Approx(score_of(without, cue_only)));
    if (!on_subject.empty()) CHECK(score_of(with, on_subject) > score_of(without, on_subject));
    if (query == "monofilament test")
        CHECK(hit_ids(with) ==
              std::vector<std::string>{"diabetic-feet#diagnosis", "neuro-exam#what-happens", "restless-legs#diagnosis"});
    // A query of cue words alone keeps the boost: nothing else says what it asks about.
    CHECK(score_of(run("recovery", true), "shingles#outlook") > score_of(run("recovery", false), "shingles#outlook"));
}

TEST_CASE("how long a condition lasts is its outlook, how long a treatment takes its What to Expect", "[search][intent]") {
    TempDir dir;
    // Each overview repeats the subject, and says "last(s)" too.
    index_articles(dir, {
        article("nerve-blocks", "Nerve Blocks",
                {section("overview", "Overview", SectionKind::definition,
                         "A nerve block is an injection near a nerve. How long a nerve block lasts varies."),
                 section("what-to-expect", "What to Expect", SectionKind::what_to_expect,
                         "Relief from the block may last from a few hours to several months.")}),
        article("sciatica", "Sciatica",
                {section("overview", "Overview", SectionKind::definition,
                         "Sciatica is pain along the sciatic nerve. Sciatica pain may last and spread down the leg."),
                 section("outlook", "Outlook", SectionKind::outlook, "Most sciatica gets better within six weeks.")})});
    auto searcher = open_searcher(dir.path());
    SearchRequest request;
    request.group = Grouping::section;
    auto [query, first] = GENERATE(table<std::string, std::string>({
        {"how long does a nerve block last", "nerve-blocks#what-to-expect"},
        {"how long does sciatica last", "sciatica#outlook"},
    }));
    CAPTURE(query);
    request.query = query;
    CHECK(hit_ids(searched(searcher, request)).front() == first);
    // Without the intent the overviews, which repeat the subject, come first.
    request.features.intent = false;
    CHECK(hit_ids(searched(searcher, request)).front() != first);
}

TEST_CASE("articles that separate parts of a query name share the best one's article context", "[search]") {
    TempDir dir;
    // The Electromyography article, whose one section is its name's only one, matches its
    // name better than Sciatica's two sections match theirs: its context is the larger.
    index_articles(dir, {
        article("sciatica", "Sciatica",
                {section("overview", "Overview", SectionKind::definition,
                         "Sciatica is pain along the sciatic nerve. Sciatica often spreads down the leg."),
                 section("diagnosis", "Diagnosis", SectionKind::diagnosis, "Sciatica is found by an exam.")}),
        article("electromyography", "Electromyography",
                {section("overview", "Overview", SectionKind::definition,
                         "Electromyography records the electrical activity of muscles through a thin needle.")}),
        article("back-pain", "Back Pain",
                {section("overview", "Overview", SectionKind::definition, "Back pain rarely needs electromyography.")}),
        article("muscle-disease", "Muscle Disease",
                {section("overview", "Overview", SectionKind::definition,
                         "Muscle diseases are found by electromyography and blood tests.")})});
    auto searcher = open_searcher(dir.path());
    SearchRequest request;
    request.group = Grouping::section;
    request.features.likeness = false;  // it would add a share of the first section's weight
    auto run = [&](const std::string& query, double share) {
        request.query = query;
        request.ranking.named_share = share;
        return searched(searcher, request);
    };
    const auto shared = run("electromyography for sciatica", 1.0), apart = run("electromyography for sciatica", 0);
    REQUIRE(hit_ids(apart).front() == "electromyography#overview");
    CHECK(score_of(shared, "sciatica#overview") > score_of(apart, "sciatica#overview"));
    CHECK(score_of(shared, "sciatica#diagnosis") > score_of(apart, "sciatica#diagnosis"));
    CHECK(score_of(shared, "electromyography#overview") == Approx(score_of(apart, "electromyography#overview")));
    CHECK(score_of(shared, "back-pain#overview") == Approx(score_of(apart, "back-pain#overview")));  // named by no part
    // One part naming an article asks about that article alone.
    const auto one = run("electromyography sciatic nerve", 1.0), none = run("electromyography sciatic nerve", 0);
    CHECK(score_of(one, "sciatica#overview") == Approx(score_of(none, "sciatica#overview")));
}

TEST_CASE("a section that has only its article's name of the query keeps a share of the article context", "[search]") {
    Index index;
    auto searcher = index.open();
    SearchRequest request;
    request.group = Grouping::section;
    request.size = 10;
    request.ranking.intent_context = 0;
    request.features.likeness = false;  // it would add its own share of the first section's weight
    request.features.variety = false;
    auto run = [&](const std::string& query, double share) {
        request.query = query;
        request.ranking.name_only_context = share;
        return searched(searcher, request);
    };
    // "nerve pain surgery": Neuropathic Pain is named ("nerve pain" is an also-called name), but
    // none of its sections has "surgery"; the carpal tunnel treatment has both.
    const auto full = run("nerve pain surgery", 1);
    const auto cut = run("nerve pain surgery", 0);
    request.features.article_context = false;
    const auto plain = run("nerve pain surgery", 1);
    request.features.article_context = true;
    // The article's best section earned its context and keeps it ...
    std::string best;
    for (const auto& h : plain.hits)
        if (h.article.id == "neuropathic-pain" && best.empty()) best = h.article.id + "#" + h.sections.front().anchor;
    REQUIRE(!best.empty());
    CHECK(score_of(cut, best) == Approx(score_of(full, best)));
    // ... its other sections found by the name alone lose it (their share is 0 here) ...
    const double context = request.ranking.article_weight * score_of(plain, best);
    std::size_t others = 0;
    for (const auto& h : full.hits) {
        const std::string id = h.article.id + "#" + h.sections.front().anchor;
        if (h.article.id != "neuropathic-pain" || id == best) continue;
        CAPTURE(id);
        CHECK(score_of(full, id) - score_of(cut, id) == Approx(context));
        ++others;
    }
    CHECK(others == 2);
    // ... and a section with the rest of the query keeps all of its own.
    CHECK(score_of(cut, "carpal-tunnel-syndrome#treatment") == Approx(score_of(full, "carpal-tunnel-syndrome#treatment")));

    // A bare name asks what the thing is (an intent), and every section has all of it: no change.
    CHECK(hit_ids(run("nerve pain", 0)) == hit_ids(run("nerve pain", 1)));
    CHECK(score_of(run("nerve pain", 0), "neuropathic-pain#symptoms") ==
          Approx(score_of(run("nerve pain", 1), "neuropathic-pain#symptoms")));
}

TEST_CASE("the article a query names lends its context only to the sections that could answer", "[search][intent]") {
    Index index;
    auto searcher = index.open();
    SearchRequest request;
    request.group = Grouping::section;
    request.ranking.intent_context = 0;  // the asked-for kind's own context aside
    request.features.likeness = false;   // it would add its own share of the first section's weight
    auto run = [&](const std::string& query, double share) {
        request.query = query;
        request.ranking.named_offkind_context = share;
        return searched(searcher, request);
    };
    // The context is article_weight x the article's best section weight (the treatment section's,
    // before any context).
    const auto full = run("how is nerve pain treated", 1);
    const auto cut = run("how is nerve pain treated", 0);
    request.features.article_context = false;
    const double best = score_of(run("how is nerve pain treated", 1), "neuropathic-pain#treatment");
    request.features.article_context = true;
    const double context = request.ranking.article_weight * best;
    REQUIRE(context > 0);
    CHECK(score_of(cut, "neuropathic-pain#treatment") == Approx(score_of(full, "neuropathic-pain#treatment")));
    CHECK(score_of(cut, "neuropathic-pain#overview") == Approx(score_of(full, "neuropathic-pain#overview")));
    // Not an answer to "how is it treated": it loses the whole of its article's context ...
    const double symptoms = score_of(full, "neuropathic-pain#symptoms");
    CHECK(symptoms - score_of(cut, "neuropathic-pain#symptoms") == Approx(context));
    // ... while another article's treatment section that mentions the name keeps its own.
    CHECK(score_of(cut, "carpal-tunnel-syndrome#treatment") == Approx(score_of(full, "carpal-tunnel-syndrome#treatment")));

    // "What is X" asks for its overview, and its causes and symptoms say what it is too; how it
    // is treated does not.
    CHECK(score_of(run("what is nerve pain", 0), "neuropathic-pain#treatment") <
          score_of(run("what is nerve pain", 1), "neuropathic-pain#treatment"));
    CHECK(score_of(run("what is nerve pain", 0), "neuropathic-pain#symptoms") ==
          Approx(score_of(run("what is nerve pain", 1), "neuropathic-pain#symptoms")));

    // A bare name asks about the whole article; an asked-for kind the article has no section of
    // is answered under another heading: either way nothing changes.
    for (const std::string query : {"nerve pain", "can nerve pain be prevented"}) {
        CAPTURE(query);
        CHECK(hit_ids(run(query, 0)) == hit_ids(run(query, 1)));
        CHECK(score_of(run(query, 0), "neuropathic-pain#symptoms") ==
              Approx(score_of(run(query, 1), "neuropathic-pain#symptoms")));
    }
}

TEST_CASE("dash and accent spellings give the same hits", "[search]") {
    Index index;
    auto searcher = index.open();
    auto a = search(searcher, "guillain barré");
    auto b = search(searcher, "Guillain–Barre");
    auto c = search(searcher, "GUILLAIN-BARRE");
    REQUIRE_FALSE(a.hits.empty());
    CHECK(a.hits.front().article.id == "guillain-barre-syndrome");
    CHECK(hit_ids(a) == hit_ids(b));
    CHECK(hit_ids(a) == hit_ids(c));
    CHECK(a.hits.front().sections.front().snippet_html.find("<mark>Guillain</mark>–<mark>Barré</mark>") != std::string::npos);
}

TEST_CASE("characters that show as nothing do not split a word", "[search]") {
    Index index;
    auto searcher = index.open();
    const auto plain = search(searcher, "neuropathy", Grouping::section);
    REQUIRE_FALSE(plain.hits.empty());
    // Zero-width space, soft hyphen, zero-width joiner, word joiner, byte order mark.
    for (const char* q : {"neuro\u200Bpathy", "neuro\u00ADpathy", "neuro\u200Dpathy", "neuro\u2060pathy", "\uFEFFneuropathy"}) {
        CAPTURE(q);
        const auto r = search(searcher, q, Grouping::section);
        CHECK(r.corrected.empty());
        CHECK(hit_ids(r) == hit_ids(plain));
    }
    // Nothing but them is an empty query.
    SearchRequest blank;
    blank.query = "\u200B\u200B";
    CHECK_FALSE(searcher.search(blank).ok());
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

TEST_CASE("without a lang, a query in one language's words searches that language's sections", "[search][language]") {
    Index index;
    auto searcher = index.open();
    auto spanish_hits = [](const SearchResponse& r) {
        std::size_t n = 0;
        for (const auto& h : r.hits) n += h.article.id.ends_with("-es");
        return n;
    };
    SearchRequest request;
    request.group = Grouping::section;
    // "neuropaty" is in no section and does not vote; its stem is Spanish "neuropatía"'s, so
    // without the guess the Spanish overview comes back for a query in English.
    request.query = "neuropaty nerves";
    request.features.query_language = false;
    auto all = searcher.search(request);
    REQUIRE(all.ok());
    CHECK(all.value().language.empty());
    CHECK(spanish_hits(all.value()) == 1);
    request.features.query_language = true;
    auto english = searcher.search(request);
    REQUIRE(english.ok());
    CHECK(english.value().language == "en");
    CHECK_FALSE(english.value().hits.empty());
    CHECK(spanish_hits(english.value()) == 0);

    request.query = "nervios dañados";
    auto spanish = searcher.search(request);
    REQUIRE(spanish.ok());
    CHECK(spanish.value().language == "es");
    REQUIRE_FALSE(spanish.value().hits.empty());
    CHECK(spanish_hits(spanish.value()) == spanish.value().hits.size());

    // Words of both languages: no guess, every language.
    request.query = "nervios nerves";
    auto mixed = searcher.search(request);
    REQUIRE(mixed.ok());
    CHECK(mixed.value().language.empty());
    CHECK(spanish_hits(mixed.value()) == 1);
    CHECK(mixed.value().hits.size() > 1);

    // An explicit lang wins over the guess.
    request.query = "nerves nervios";
    request.language = "es";
    auto asked = searcher.search(request);
    REQUIRE(asked.ok());
    CHECK(asked.value().language.empty());
    REQUIRE_FALSE(asked.value().hits.empty());
    CHECK(spanish_hits(asked.value()) == asked.value().hits.size());
}

TEST_CASE("a word no section has as typed places the query by its stem", "[search][language]") {
    TempDir dir;
    index_notes(dir, {{"sfn", "Small Fiber Neuropathy", "Sjögren's syndrome can damage small nerve fibers."},
                      {"cts-es", "Síndrome del túnel carpiano", "El síndrome del túnel carpiano duerme la mano.", "es"}});
    auto searcher = open_searcher(dir.path());
    // "síndrome" is Spanish; "Sjögren" is in no section as typed, but its stem is in English
    // ones only: the query is in no one language, and is not "corrected" into "Sjögren's".
    const auto r = search(searcher, "síndrome de Sjögren", Grouping::section);
    CHECK(r.corrected.empty());
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits[0].article.id == "sfn");
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

// ---- regressions for failures users report in other engines, and explanations ----

namespace {
bool has_match(const SectionHit& s, const std::string& query, const std::string& term, const std::string& via) {
    return std::any_of(s.matched.begin(), s.matched.end(),
                       [&](const MatchInfo& m) { return m.query == query && m.term == term && m.via == via; });
}
const SectionHit* find_section(const SearchResponse& r, const std::string& key) {
    for (const auto& h : r.hits)
        for (const auto& s : h.sections)
            if (h.article.id + "#" + s.anchor == key) return &s;
    return nullptr;
}
}  // namespace

TEST_CASE("regression: a multi-word synonym inside a quoted phrase is expanded and highlighted", "[search][synonyms]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "\"nerve pain\"", Grouping::section);
    const SectionHit* treatment = find_section(r, "neuropathic-pain#treatment");
    REQUIRE(treatment != nullptr);
    CHECK(treatment->snippet_html.find("<mark>neuralgia</mark>") != std::string::npos);
    CHECK(treatment->snippet_html.find("<mark>nerve pain</mark>") != std::string::npos);
    CHECK(has_match(*treatment, "nerve pain", "neuralgia", "synonym"));
}

TEST_CASE("a quoted lay description no section has still finds what it points at", "[search][synonyms]") {
    TempDir dir;
    auto builder = IndexBuilder::begin(dir.path());
    REQUIRE(builder.ok());
    REQUIRE(builder.value().add(article("diabetic-neuropathy", "Diabetic Neuropathy",
                                        {section("overview", "Overview", SectionKind::definition,
                                                 "High blood sugar slowly damages the nerves of the feet; "
                                                 "a neurological exam finds it.")}))
                .ok());
    REQUIRE(builder.value().add(article("neurological-exam", "Neurological Exam",
                                        {section("overview", "Overview", SectionKind::definition,
                                                 "A monofilament test checks feeling in the feet.")}))
                .ok());
    REQUIRE(builder.value()
                .publish(vocabulary_of("sugar nerve damage => diabetic neuropathy\nmonofilament => neurological exam\n"))
                .ok());
    auto searcher = open_searcher(dir.path());
    // The phrase is in no section: quoting it must not leave the user with nothing.
    auto lay = search(searcher, "\"sugar nerve damage\"", Grouping::section);
    REQUIRE_FALSE(lay.hits.empty());
    CHECK(lay.hits[0].article.id == "diabetic-neuropathy");
    // A quoted term some section has is searched as written: not by the name it points at,
    // which the other article's text has.
    CHECK(search(searcher, "monofilament", Grouping::section).hits.size() == 2);
    auto exact = search(searcher, "\"monofilament\"", Grouping::section);
    REQUIRE(exact.hits.size() == 1);
    CHECK(exact.hits[0].article.id == "neurological-exam");
}

TEST_CASE("a phrase does not join the end of one sentence to the start of the next", "[search]") {
    Index index;
    auto searcher = index.open();
    // The overview reads "... damaged nerves. Some people feel pins and needles ...".
    CHECK(hit_ids(search(searcher, "\"some people feel\"", Grouping::section)) ==
          std::vector<std::string>{"neuropathic-pain#overview"});
    CHECK(search(searcher, "\"damaged nerves some people\"", Grouping::section).hits.empty());
}

TEST_CASE("regression: the words of a multi-word synonym are not highlighted apart", "[search][synonyms]") {
    Index index;
    auto searcher = index.open();
    // "neuropathy" expands to the phrase "nerve pain"; the Sjögren text has "nerve" and "pain"
    // far apart, which is not the phrase and must not be marked.
    auto r = search(searcher, "neuropathy joints", Grouping::section);
    const SectionHit* sjogren = find_section(r, "sjogren-syndrome#overview");
    REQUIRE(sjogren != nullptr);
    CHECK(sjogren->snippet_html.find("<mark>joints</mark>") != std::string::npos);
    CHECK(sjogren->snippet_html.find("<mark>nerve</mark>") == std::string::npos);
    CHECK(sjogren->snippet_html.find("<mark>pain</mark>") == std::string::npos);
}

TEST_CASE("regression: a hit found through a synonym says what matched", "[search][synonyms]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "neuropathy", Grouping::section);
    REQUIRE_FALSE(r.hits.empty());
    bool via_synonym = false;
    for (const auto& hit : r.hits) {
        CAPTURE(hit.article.id, hit.sections.front().anchor);
        CHECK_FALSE(hit.sections.front().matched.empty());
        for (const auto& m : hit.sections.front().matched) via_synonym = via_synonym || m.via == "synonym";
    }
    CHECK(via_synonym);
}

TEST_CASE("regression: synonyms are expanded in long queries too", "[search][synonyms]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "my doctor says the burning in my feet at night could be neuropathy", Grouping::section);
    const SectionHit* treatment = find_section(r, "neuropathic-pain#treatment");
    REQUIRE(treatment != nullptr);
    CHECK(has_match(*treatment, "neuropathy", "neuralgia", "synonym"));
}

TEST_CASE("regression: a lay description of three words or more is found in another form", "[search][synonyms]") {
    TempDir dir;
    index_articles(dir,
                   {article("paresthesia", "Paresthesia",
                            {section("overview", "Overview", SectionKind::definition,
                                     "Paresthesia is tingling or prickling in the skin.")}),
                    article("sleep", "Sleep",
                            {section("overview", "Overview", SectionKind::definition,
                                     "Falling asleep at night is harder with pain.")})},
                   vocabulary_of("hands fall asleep at night => paresthesia\n"));
    auto searcher = open_searcher(dir.path());
    // The entry says "hands fall"; without it, only the sleep note's "asleep at night" matched.
    auto r = search(searcher, "my hand falls asleep at night", Grouping::section);
    const SectionHit* paresthesia = find_section(r, "paresthesia#overview");
    REQUIRE(paresthesia != nullptr);
    CHECK(has_match(*paresthesia, "hand falls asleep at night", "paresthesia", "synonym"));
}

TEST_CASE("abbreviations expand only when typed in capitals, and say so", "[search][abbreviations]") {
    Index index;
    auto searcher = index.open();
    auto upper = search(searcher, "MS", Grouping::section);
    const SectionHit* ms = find_section(upper, "multiple-sclerosis-pain#overview");
    REQUIRE(ms != nullptr);
    CHECK(has_match(*ms, "MS", "multiple sclerosis", "abbreviation"));
    CHECK(ms->snippet_html.find("<mark>Multiple sclerosis</mark>") != std::string::npos);
    // Lower case is the word "ms", not the abbreviation: nothing about multiple sclerosis.
    auto lower = search(searcher, "ms", Grouping::section);
    CHECK(find_section(lower, "multiple-sclerosis-pain#overview") == nullptr);
    CHECK(lower.corrected != "multiple sclerosis");
}

TEST_CASE("an abbreviation is matched as written, never by its stem", "[search][abbreviations]") {
    TempDir dir;
    const SynonymMap synonyms = vocabulary_of("TENS => transcutaneous electrical nerve stimulation\n");
    index_articles(dir,
                   {article("tens", "Nerve Stimulation",
                            {section("overview", "Overview", SectionKind::definition,
                                     "A TENS unit sends mild current through the skin.")}),
                    article("shingles", "Shingles",
                            {section("outlook", "Outlook", SectionKind::outlook,
                                     "The rash heals in about ten days; tense muscles relax.")})},
                   synonyms);
    auto searcher = open_searcher(dir.path());
    // Stemmed, "tens" is "ten", and "tense" shares it: the shingles note came back, marked.
    auto r = search(searcher, "TENS", Grouping::section);
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits.front().article.id == "tens");
    CHECK(r.hits.front().sections.front().snippet_html.find("<mark>TENS</mark>") != std::string::npos);
    // In lower case it is a word, stemmed as any other.
    CHECK(search(searcher, "tens", Grouping::section).hits.size() == 2);
}

TEST_CASE("an abbreviation's plural is the abbreviation, in capitals only", "[search][abbreviations]") {
    TempDir dir;
    const SynonymMap synonyms = vocabulary_of("EMG => electromyography\n");
    index_articles(dir,
                   {article("emg", "Electromyography",
                            {section("overview", "Overview", SectionKind::definition,
                                     "Electromyography records the electrical activity of muscles.")})},
                   synonyms);
    auto searcher = open_searcher(dir.path());
    for (const char* q : {"EMGs", "EMG's", "E.M.G."}) {
        CAPTURE(q);
        auto r = search(searcher, q, Grouping::section);
        REQUIRE(r.hits.size() == 1);
        CHECK(r.corrected.empty());
        CHECK(has_match(r.hits[0].sections[0], q == std::string("E.M.G.") ? "E.M.G" : q, "electromyography", "abbreviation"));
    }
    // In lower case it is no abbreviation.
    CHECK(search(searcher, "emgs", Grouping::section).hits.empty());
}

TEST_CASE("spelling: an abbreviation typed in lower case that is no word is corrected to its capitals", "[search][spelling][abbreviations]") {
    TempDir dir;
    const SynonymMap synonyms = vocabulary_of("PDPN => painful diabetic neuropathy\nACT => acceptance and commitment therapy\n");
    index_articles(dir,
                   {article("diabetic-neuropathy", "Diabetic Neuropathy",
                            {section("overview", "Overview", SectionKind::definition,
                                     "Painful diabetic neuropathy burns the feet at night.")}),
                    article("therapy", "Talking Therapy",
                            {section("overview", "Overview", SectionKind::definition,
                                     "Acceptance and commitment therapy helps people live with pain.")})},
                   synonyms);
    auto list = WordList::load({dir.write("words", "act\npain\n")});
    REQUIRE(list.ok());
    auto opened = Searcher::open(dir.path(), std::make_shared<const WordList>(std::move(list).value()));
    REQUIRE(opened.ok());
    auto& searcher = opened.value();
    // As a word, "pdpn" was one slip from "pain" and searched as it.
    for (auto [typed, corrected] : {std::pair{"pdpn", "PDPN"}, {"pdpn feet", "PDPN feet"}}) {
        CAPTURE(typed);
        auto r = search(searcher, typed, Grouping::section);
        CHECK(r.corrected == corrected);
        CHECK(r.corrected_applied);
        REQUIRE_FALSE(r.hits.empty());
        CHECK(r.hits.front().article.id == "diabetic-neuropathy");
        // Explained as typed, matched through the abbreviation.
        CHECK(has_match(r.hits.front().sections.front(), "pdpn", "painful diabetic neuropathy", "abbreviation"));
    }
    // A word of the word list stays the word, though its capitals are an abbreviation.
    auto act = search(searcher, "act", Grouping::section);
    CHECK(act.corrected.empty());
    CHECK(act.hits.empty());
}

TEST_CASE("spelling: a word only an article's names have is not corrected", "[search][spelling]") {
    TempDir dir;
    Article gbs = article("guillain-barre-syndrome", "Guillain–Barré Syndrome",
                          {section("overview", "Overview", SectionKind::definition,
                                   "The immune system attacks the nerves and weakness rises from the legs.")});
    gbs.also_called = {"AIDP"};
    index_articles(dir, {gbs, article("cidp", "CIDP",
                                      {section("overview", "Overview", SectionKind::definition,
                                               "In CIDP the weakness comes back or grows over months.")})});
    auto searcher = open_searcher(dir.path());
    auto r = search(searcher, "aidp", Grouping::section);
    CHECK(r.corrected.empty());
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits[0].article.id == "guillain-barre-syndrome");
}

TEST_CASE("spelling: an unknown word is corrected and explained, known words and abbreviations never", "[search][spelling]") {
    Index index;
    auto searcher = index.open();
    auto r = search(searcher, "sclerozis", Grouping::section);
    CHECK(r.corrected == "sclerosis");
    CHECK(r.corrected_applied);
    const SectionHit* ms = find_section(r, "multiple-sclerosis-pain#overview");
    REQUIRE(ms != nullptr);
    CHECK(has_match(*ms, "sclerozis", "sclerosis", "spelling"));
    // Beside words that find plenty on their own, the unknown word is still searched corrected.
    auto mixed = search(searcher, "burning sclerozis", Grouping::section);
    CHECK(mixed.corrected == "burning sclerosis");
    REQUIRE_FALSE(mixed.hits.empty());
    CHECK(mixed.hits.front().article.id == "multiple-sclerosis-pain");
    CHECK(has_match(mixed.hits.front().sections.front(), "sclerozis", "sclerosis", "spelling"));
    // Words of the index ("nerves" is one) and of the vocabulary are left alone, as are
    // abbreviations: Xapian alone would offer "nerves pain" for "nerve pain".
    for (const char* q : {"nerve pain", "paresthesia", "GBSX", "tingling socks", "GBSX pain"}) {
        CAPTURE(q);
        auto known = search(searcher, q);
        CHECK(known.corrected.empty());
        CHECK_FALSE(known.corrected_applied);
    }
    // A query all in capitals does not mark its abbreviations: a word the vocabulary does not
    // expand is corrected, and shown in capitals as typed.
    auto shouted = search(searcher, "BURNING SCLEROZIS", Grouping::section);
    CHECK(shouted.corrected == "BURNING SCLEROSIS");
    REQUIRE_FALSE(shouted.hits.empty());
    CHECK(shouted.hits.front().article.id == "multiple-sclerosis-pain");
    CHECK(search(searcher, "MS SCLEROZIS").corrected == "MS SCLEROSIS");
}

TEST_CASE("spelling: a corrected word searches as if typed right, synonyms and names included", "[search][spelling]") {
    Index index;
    auto searcher = index.open();
    for (auto group : {Grouping::article, Grouping::section}) {
        auto right = search(searcher, "neuropathy", group);
        auto typo = search(searcher, "neuropathyy", group);
        CHECK(typo.corrected == "neuropathy");
        REQUIRE_FALSE(right.hits.empty());
        CHECK(hit_ids(typo) == hit_ids(right));
        CHECK(typo.total == right.total);
    }
    // The correction's synonyms are searched too, and explained as synonyms of the typed word.
    auto r = search(searcher, "neuropathyy", Grouping::section);
    const SectionHit* treatment = find_section(r, "neuropathic-pain#treatment");
    REQUIRE(treatment != nullptr);
    CHECK(has_match(*treatment, "neuropathyy", "neuralgia", "synonym"));
    // A corrected word that completes a name ("multiple sclerosis") finds it as the name.
    auto name = search(searcher, "multiple sclerozis pain");
    CHECK(name.corrected == "multiple sclerosis pain");
    REQUIRE_FALSE(name.hits.empty());
    CHECK(name.hits.front().article.id == "multiple-sclerosis-pain");
    CHECK(hit_ids(name) == hit_ids(search(searcher, "multiple sclerosis pain")));
}

TEST_CASE("a section's searches find it like its text, explained as searches", "[search][searches]") {
    TempDir dir;
    Article legs = article("restless-legs", "Restless Legs Syndrome",
                           {section("overview", "Overview", SectionKind::definition,
                                    "An urge to move the legs, worse in the evening."),
                            section("treatment", "Treatment", SectionKind::treatment,
                                    "Iron, regular sleep and some medicines calm the urge.")});
    legs.sections[1].searches = {"cannot sit still at night", "creepy crawly legs remedy"};
    Article feet = article("burning-feet", "Burning Feet",
                           {section("overview", "Overview", SectionKind::definition, "Feet that burn at night.")});
    index_articles(dir, {legs, feet});
    auto searcher = open_searcher(dir.path());
    SearchRequest request;
    request.query = "creepy crawly";
    request.group = Grouping::section;
    auto r = searched(searcher, request);
    // Words in none of the index's text: found through the searches, and not "corrected".
    CHECK(r.corrected.empty());
    REQUIRE_FALSE(r.hits.empty());
    CHECK(hit_ids(r).front() == "restless-legs#treatment");
    CHECK(has_match(r.hits.front().sections.front(), "creepy", "creepy", "searches"));
    CHECK(r.hits.front().sections.front().snippet_html.find("<mark>") == std::string::npos);
    // Beside the text, searches count as more of it: "night" is in both sections' text or searches.
    request.query = "legs at night";
    r = searched(searcher, request);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(hit_ids(r).front() == "restless-legs#treatment");
    // Switched off, the searches are not searched.
    request.query = "creepy crawly";
    request.features.searches = false;
    CHECK(searched(searcher, request).hits.empty());
    // A typo of a word only the searches have is corrected into it.
    request.features.searches = true;
    request.query = "crawlly legs";
    CHECK(searched(searcher, request).corrected == "crawly legs");
}

TEST_CASE("spelling: a word typed in two is joined when the index has it whole", "[search][spelling]") {
    Index index;
    auto searcher = index.open();
    // Not "antidepressants depressants": the second half is part of the correction.
    auto split = search(searcher, "anti depressants", Grouping::section);
    CHECK(split.corrected == "antidepressants");
    CHECK(split.corrected_applied);
    CHECK(hit_ids(split) == hit_ids(search(searcher, "antidepressants", Grouping::section)));
    const SectionHit* treatment = find_section(split, "neuropathic-pain#treatment");
    REQUIRE(treatment != nullptr);
    CHECK(has_match(*treatment, "anti depressants", "antidepressants", "spelling"));
    // Among other words; a hyphen between the halves is the same split.
    CHECK(search(searcher, "anti depressants for burning").corrected == "antidepressants for burning");
    CHECK(search(searcher, "anti-depressants").corrected == "antidepressants");
    // All in capitals, where every word looks like an abbreviation: joined too, shown as typed.
    auto shouted = search(searcher, "ANTI DEPRESSANTS", Grouping::section);
    CHECK(shouted.corrected == "ANTIDEPRESSANTS");
    CHECK(hit_ids(shouted) == hit_ids(split));
    // Halves the index does not have whole are corrected one by one, as before.
    CHECK(search(searcher, "sclerozis pain").corrected == "sclerosis pain");
}

TEST_CASE("spelling: a split word is joined though the index has its first half", "[search][spelling]") {
    TempDir dir;
    Article otc = article("otc", "Pain Relievers",
                          {section("overview", "Overview", SectionKind::definition, "Ibuprofen eases mild pain.")});
    otc.also_called = {"painkillers"};
    index_articles(dir, {article("neuropathy", "Neuropathy",
                                 {section("overview", "Overview", SectionKind::definition,
                                          "Neuropathy is nerve damage; a neuro exam and a path of tests find it.")}),
                         otc});
    auto searcher = open_searcher(dir.path());
    // "neuro" and "path" are in the text: "pathy" was corrected into "path", the halves searched apart.
    CHECK(search(searcher, "neuro pathy").corrected == "neuropathy");
    // The whole may be only in an article's names.
    auto killers = search(searcher, "pain killers", Grouping::section);
    CHECK(killers.corrected == "painkillers");
    REQUIRE_FALSE(killers.hits.empty());
    CHECK(killers.hits[0].article.id == "otc");
    // Two words of the text that make no word of the index stay apart.
    CHECK(search(searcher, "nerve damage").corrected.empty());
}

TEST_CASE("spelling: a word another language's stemmer takes for a form of an indexed word is still completed",
          "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"snri", "Antidepressants", "Duloxetine (Cymbalta) eases nerve pain."},
                      {"es", "Dolor neuropático", "El dolor de nervios es frecuente.", "es"}});
    auto searcher = open_searcher(dir.path());
    // To the Spanish stemmer "cymbalt" is "cymbalta" less its ending; the English sections that
    // have Cymbalta are stemmed in English, so that stem finds nothing: it found nothing at all.
    const auto r = search(searcher, "cymbalt", Grouping::section);
    CHECK(r.corrected == "cymbalta");
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].article.id == "snri");
}

TEST_CASE("spelling: a short word is corrected one slip away or into a word that sounds the same, not two slips",
          "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"sciatica", "Sciatica", "In sciatica a narrow spinal canal can press on the nerve."},
                      {"phantom", "Phantom Limb Pain", "Phantom pain is chronic pain felt in a missing limb."}});
    auto searcher = open_searcher(dir.path());
    // "xanax" is two slips from "canal", its first letter one of them: an unknown medicine, not
    // a typo for it.
    const auto xanax = search(searcher, "xanax", Grouping::section);
    CHECK(xanax.corrected.empty());
    CHECK(xanax.hits.empty());
    // Written as it sounds, two slips are one mistake: "ph" as "f", "ch" as "k".
    CHECK(search(searcher, "fantom").corrected == "phantom");
    CHECK(search(searcher, "kronic").corrected == "chronic");
    // Longer words keep two slips.
    CHECK(search(searcher, "sciaitca").corrected == "sciatica");
}

TEST_CASE("spelling: a letter code and its number typed apart are joined when the index has them whole", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"b12", "Vitamin Deficiency", "Low vitamin B12 harms the nerves of the feet."},
                      {"liver", "Liver", "Hepatitis B may last 12 weeks or more."}});
    auto searcher = open_searcher(dir.path());
    for (auto [typed, joined] : {std::pair{"b-12", "b12"}, {"B-12", "B12"}, {"vitamin b 12", "vitamin b12"},
                                 {"low b-12 feet", "low b12 feet"}, {"low b 12 feet", "low b12 feet"}, {"B 12", "B12"}}) {
        CAPTURE(typed);
        auto r = search(searcher, typed, Grouping::section);
        CHECK(r.corrected == joined);
        REQUIRE_FALSE(r.hits.empty());
        CHECK(hit_ids(r).front() == "b12#overview");
    }
    // Apart by a space, a letter naming a kind and a number counting something are two words.
    CHECK(search(searcher, "hepatitis b 12 weeks").corrected.empty());
    CHECK(search(searcher, "hepatitis b 12").corrected.empty());
    CHECK(search(searcher, "liver b 12 weeks").corrected.empty());
}

TEST_CASE("spelling: cue words and corrections into stopwords are left as typed", "[search][spelling]") {
    TempDir dir;
    {
        Article a;
        a.id = "care";
        a.title = "Care";
        a.sections = {section("overview", "Overview", SectionKind::definition,
                              "Good care will help nerve pain. Pure water, a careful diet and thin socks help too.")};
        auto builder = IndexBuilder::begin(dir.path());
        REQUIRE(builder.ok());
        REQUIRE(builder.value().add(a).ok());
        // A vocabulary word no section has: in the spelling table, yet searching it finds nothing.
        REQUIRE(builder.value().publish(vocabulary_of("zebra, okapi\n")).ok());
    }
    auto searcher = open_searcher(dir.path());
    // "cure" is in no section, "care" is one letter away: the cue (treatment) must survive.
    CHECK(search(searcher, "nerve pain cure").corrected.empty());
    // "till" is one letter from "will", a stopword, which would search nothing worth finding.
    CHECK(search(searcher, "nerve pain till").corrected.empty());
    // A stopword typed alone is kept as the only words there are, and is a word, not a typo
    // ("then" is one letter from "thin").
    CHECK(search(searcher, "then").corrected.empty());
    // A correction that finds nothing is not offered.
    auto nothing = search(searcher, "zebraa");
    CHECK(nothing.hits.empty());
    CHECK(nothing.corrected.empty());
    CHECK_FALSE(nothing.corrected_applied);
    // Anything else one letter off is still corrected.
    CHECK(search(searcher, "nerve pain carefull").corrected == "nerve pain careful");
}

TEST_CASE("regression: a word the index has in another form is not corrected into another word", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"hands", "Hands", "Tingling hands at night."},
                      {"feet", "Feet", "Tingling feet; neuropathy in the feet."},
                      {"nerve", "Nerve", "A single nerve; neuropathy of one nerve."},
                      {"nervios", "Nervios", "La neuropatía daña los nervios.", "es"}});
    auto searcher = open_searcher(dir.path());
    // "tingle" is no typo: its stem is that of "tingling", in more sections than "single", one
    // letter away, which edit distance alone offered ("my feet still tingle" -> "still single").
    auto tingle = search(searcher, "tingle", Grouping::section);
    CHECK(tingle.corrected.empty());
    CHECK_FALSE(tingle.corrected_applied);
    auto found = hit_ids(tingle);
    std::sort(found.begin(), found.end());
    CHECK(found == std::vector<std::string>{"feet#overview", "hands#overview"});
    // "neuropaty" shares its Spanish stem with one Spanish section, but "neuropathy", in two, is
    // the likelier word: still corrected.
    CHECK(search(searcher, "neuropaty").corrected == "neuropathy");
}

TEST_CASE("spelling: a word only sections' searches have counts its sections there when weighed against another form", "[search][spelling][searches]") {
    TempDir dir;
    Article sleep = article("sleep", "Sleep", {section("overview", "Overview", SectionKind::definition, "Rest helps pain."),
                                               section("tips", "Tips", SectionKind::other, "Short rests help too.")});
    sleep.sections[0].searches = {"napping with nerve pain"};
    sleep.sections[1].searches = {"napping in the day"};
    Article maps = article("maps", "Body Maps", {section("overview", "Overview", SectionKind::definition,
                                                         "Pain maps show where it hurts.")});
    index_articles(dir, {sleep, maps});
    auto searcher = open_searcher(dir.path());
    // "mapping" is in no section, its stem (of "maps") in one; "napping", one letter away, is in
    // two sections' searches and in no text: the likelier word, as it would be in their text.
    CHECK(search(searcher, "mapping").corrected == "napping");
}

TEST_CASE("spelling: a real word of the word list is searched as typed unless nothing is found", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"cmt", "Charcot-Marie-Tooth Disease", "CMT is passed down in families."},
                      {"hiv", "HIV Neuropathy", "People with AIDS may have burning feet."},
                      {"drugs", "Drug Neuropathy", "Ciprofloxacin can harm nerves."}});
    auto list = WordList::load({dir.write("words", "kids\nfeat\ncipro\n")});
    REQUIRE(list.ok());
    auto words = std::make_shared<const WordList>(std::move(list).value());
    auto with_words = Searcher::open(dir.path(), words);
    REQUIRE(with_words.ok());
    auto& searcher = with_words.value();
    // "kids" is one letter from "aids": without the word list the query searches AIDS.
    auto kids = search(searcher, "will my kids get CMT", Grouping::section);
    CHECK(kids.corrected.empty());
    CHECK_FALSE(kids.corrected_applied);
    CHECK(hit_ids(kids) == std::vector<std::string>{"cmt#overview"});
    auto plain = Searcher::open(dir.path());
    REQUIRE(plain.ok());
    CHECK(search(plain.value(), "will my kids get CMT").corrected == "will my aids get CMT");
    // A real word that finds nothing as typed is still retried corrected ("feat" for "feet").
    auto feat = search(searcher, "burning feat", Grouping::section);
    CHECK(feat.corrected.empty());  // "burning" finds something: searched as typed
    auto alone = search(searcher, "feat", Grouping::section);
    CHECK(alone.corrected == "feet");
    CHECK(alone.corrected_applied);
    CHECK(hit_ids(alone) == std::vector<std::string>{"hiv#overview"});
    // The start of an indexed word is completed even when it is a word of its own.
    auto cipro = search(searcher, "cipro nerves", Grouping::section);
    CHECK(cipro.corrected == "ciprofloxacin nerves");
    REQUIRE_FALSE(cipro.hits.empty());
    CHECK(cipro.hits.front().article.id == "drugs");
}

TEST_CASE("spelling: another form of a listed word is real in the query's language", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"shingles", "Shingles", "Shingles is a painful rash in adults."},
                      {"cards", "Cards", "A pair of nines beats a pair of eights."},
                      {"culebrilla", "Culebrilla", "La culebrilla aparece después de los 50 años, no por los vinos.", "es"}});
    // Debian's Spanish list holds lemmas: "niño", not "niños", which is one edit from "vinos".
    auto open_with = [&](const char* list_name) {
        auto list = WordList::load({dir.write(list_name, "niño\nculebrilla\n")});
        REQUIRE(list.ok());
        auto searcher = Searcher::open(dir.path(), std::make_shared<const WordList>(std::move(list).value()));
        REQUIRE(searcher.ok());
        return std::move(searcher).value();
    };
    auto spanish = open_with("spanish");
    auto kids = search(spanish, "culebrilla en niños", Grouping::section);
    CHECK(kids.corrected.empty());
    CHECK(hit_ids(kids) == std::vector<std::string>{"culebrilla#overview"});
    // The list's name gives its language; a list of no known language matches words as written.
    auto unnamed = open_with("words");
    CHECK(search(unnamed, "culebrilla en niños").corrected == "culebrilla en vinos");
    // Only in the language the query is in: an English query's "ninos" is not a Spanish plural,
    // and its correction is an English word.
    CHECK(search(spanish, "shingles ninos").corrected == "shingles nines");
}

TEST_CASE("spelling: the query's last word is completed when it starts a far commoner word", "[search][spelling]") {
    TempDir dir;
    std::vector<Note> notes{{"exam", "Exam", "A neuro exam checks reflexes."}};
    for (int i = 0; i < 10; ++i)
        notes.push_back({"dn" + std::to_string(i), "Note " + std::to_string(i), "Diabetic neuropathy hurts the feet."});
    notes.push_back({"hear", "Hearing", "Some cannot hear well."});
    for (int i = 0; i < 10; ++i)
        notes.push_back({"heart" + std::to_string(i), "Heart " + std::to_string(i), "The heart beats."});
    index_notes(dir, notes);
    auto list = WordList::load({dir.write("english", "hear\n")});
    REQUIRE(list.ok());
    auto opened = Searcher::open(dir.path(), std::make_shared<const WordList>(std::move(list).value()));
    REQUIRE(opened.ok());
    auto& searcher = opened.value();
    // A search box sends "diabetic neuro" before the word is done: "neuro" (1 section) starts
    // "neuropathy" (10).
    auto typing = search(searcher, "diabetic neuro", Grouping::section);
    CHECK(typing.corrected == "diabetic neuropathy");
    REQUIRE_FALSE(typing.hits.empty());
    CHECK(typing.hits.front().article.id.starts_with("dn"));
    // Not once a space follows it, nor inside the query, nor a word of the word list.
    CHECK(search(searcher, "diabetic neuro ").corrected.empty());
    CHECK(search(searcher, "neuro exam").corrected.empty());
    CHECK(search(searcher, "cannot hear").corrected.empty());
}

TEST_CASE("spelling: a real word that finds nothing is retried one edit away, not two", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"age", "Age", "Nerve pain is more common after 60 years."},
                      {"tn", "Trigeminal Neuralgia", "Trigeminal neuralgia is face pain."},
                      {"culebrilla", "Culebrilla", "La culebrilla aparece después de los 50 años.", "es"}});
    auto list = WordList::load({dir.write("spanish", "niño\n"), dir.write("english", "peers\nfeat\ntrig\n")});
    REQUIRE(list.ok());
    auto opened = Searcher::open(dir.path(), std::make_shared<const WordList>(std::move(list).value()));
    REQUIRE(opened.ok());
    auto& searcher = opened.value();
    // "niños" (of "niño") and "peers" are two edits from "anos" and "years": nothing, as typed.
    for (const char* q : {"los niños", "peers"}) {
        CAPTURE(q);
        auto r = search(searcher, q, Grouping::section);
        CHECK(r.corrected.empty());
        CHECK(r.hits.empty());
    }
    // Unknown words are corrected as before, two edits away included ("yiers" -> "years").
    CHECK(search(searcher, "yiers").corrected == "years");
    // Four letters of the word list that find nothing are the start of a word ("trig").
    CHECK(search(searcher, "trig").corrected == "trigeminal");
}

TEST_CASE("spelling: a correction the query's language has only in another form is of that language", "[search][spelling]") {
    TempDir dir;
    Article spanish = article("pies", "Pies", {section("overview", "Resumen", SectionKind::definition, "Los pies arden de noche.")});
    spanish.language = "es";
    index_articles(dir,
                   {article("small-fiber", "Small Fiber Neuropathy",
                            {section("causes", "Causes", SectionKind::causes,
                                     "Sjögren's syndrome can damage the small nerves of the feet.")}),
                    article("burning", "Burning Feet",
                            {section("overview", "Overview", SectionKind::definition, "Burning feet at night are common.")}),
                    spanish},
                   vocabulary_of("Sjögren's syndrome, Sjogren syndrome\n"));
    auto searcher = open_searcher(dir.path());
    // The sections write "Sjögren's": the vocabulary's "sjogren" is in none, its stem in the English
    // one. Alone, "sjoegren" was corrected; beside English words it was left as typed.
    for (auto [typed, corrected] : {std::pair{"sjoegren", "sjogren"}, {"sjoegren burning feet", "sjogren burning feet"}}) {
        CAPTURE(typed);
        auto r = search(searcher, typed, Grouping::section);
        CHECK(r.corrected == corrected);
        const auto ids = hit_ids(r);
        CHECK(std::find(ids.begin(), ids.end(), "small-fiber#causes") != ids.end());
    }
}

TEST_CASE("spelling: a typo is corrected into a word of the query's language", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"sciatica", "Sciatica", "Sciatica is pain along the sciatic nerve."},
                      {"back", "Back Pain", "Sciatica often comes with back pain."},
                      {"ciatica", "Ciática", "La ciática es un dolor que baja por la pierna.", "es"}});
    auto searcher = open_searcher(dir.path());
    // "siatica" is one edit from both; the index's own suggestion is the word in more sections.
    CHECK(search(searcher, "siatica pain").corrected == "sciatica pain");
    // The correction is shown as the article writes it, accent and all.
    auto spanish = search(searcher, "dolor de siatica", Grouping::section);
    CHECK(spanish.corrected == "dolor de ciática");
    CHECK(spanish.language == "es");
    REQUIRE_FALSE(spanish.hits.empty());
    CHECK(spanish.hits.front().article.id == "ciatica");
    // No word the index has: the function words say the language ("que", "la"; "what", "the").
    auto question = search(searcher, "que es la siatica", Grouping::section);
    CHECK(question.corrected == "que es la ciática");
    CHECK(question.language == "es");
    REQUIRE_FALSE(question.hits.empty());
    CHECK(question.hits.front().article.id == "ciatica");
    CHECK(search(searcher, "what is the siatica").corrected == "what is the sciatica");
    // Nor any function word: a letter or mark only Spanish writes does ("siática", "¿siatica?").
    for (const char* q : {"siática", "¿siatica?"}) {
        CAPTURE(q);
        auto accented = search(searcher, q, Grouping::section);
        CHECK(accented.language == "es");
        REQUIRE_FALSE(accented.hits.empty());
        CHECK(accented.hits.front().article.id == "ciatica");
    }
    // A word of the other language only is no correction: "pierma" stays in an English query.
    CHECK(search(searcher, "sciatica pierma").corrected.empty());
    CHECK(search(searcher, "dolor de pierma").corrected == "dolor de pierna");
}

TEST_CASE("a single letter ending the query is a word not typed yet, unless the index has it there", "[search]") {
    TempDir dir;
    index_notes(dir, {{"tn", "Trigeminal Neuralgia", "Trigeminal neuralgia is face pain."},
                      {"toxic", "Toxic Neuropathy", "Solvents such as n-hexane damage nerves."},
                      {"hep-c", "Hepatitis C", "Hepatitis C can damage nerves."},
                      {"hep", "Hepatitis", "Hepatitis is an infection of the liver, also hepatitis and hepatitis."}});
    auto searcher = open_searcher(dir.path());
    // The rare "n" of "n-hexane" outweighed "trigeminal".
    auto typing = search(searcher, "trigeminal n", Grouping::section);
    REQUIRE(typing.hits.size() == 1);
    CHECK(typing.hits.front().article.id == "tn");
    // "c" after "hepatitis" is in the index: searched.
    auto hep = search(searcher, "hepatitis c", Grouping::section);
    REQUIRE_FALSE(hep.hits.empty());
    CHECK(hep.hits.front().article.id == "hep-c");
    // A letter alone, or inside the query, is searched as typed.
    CHECK(search(searcher, "n").hits.size() == 1);
    CHECK(search(searcher, "n hexane").hits.size() == 1);
}

TEST_CASE("spelling: a lone word in capitals too long for an abbreviation is corrected", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"sciatica", "Sciatica", "Sciatica is pain along the sciatic nerve."}});
    auto searcher = open_searcher(dir.path());
    // A phone's caps lock: "SIATICA" found nothing, read as an abbreviation never corrected.
    auto shouted = search(searcher, "SIATICA", Grouping::section);
    CHECK(shouted.corrected == "SCIATICA");
    CHECK(shouted.hits.size() == 1);
    // Abbreviation-sized words in capitals stay as typed.
    CHECK(search(searcher, "SCIAT").corrected.empty());
}

TEST_CASE("spelling: a medicine word asking for the treatment is never corrected", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"cannabis-es", "Cannabis", "El cannabis medicinal alivia algunos dolores.", "es"},
                      {"tratamiento", "Tratamiento", "El tratamiento de la culebrilla usa antivirales.", "es"}});
    auto searcher = open_searcher(dir.path());
    // "medicina" is the start of "medicinal": completed, the query lost its treatment reading.
    CHECK(search(searcher, "medicina para la culebrilla").corrected.empty());
}

TEST_CASE("spelling: another form of the typed word is no correction", "[search][spelling]") {
    TempDir dir;
    // In the text and in what people type for the section: "sjogrens" in more places than the
    // stem of "sjogren" is, which alone let the completion through.
    Section causes = section("causes", "Causes", SectionKind::causes, "Sjögren's syndrome can damage small nerve fibers.");
    causes.searches = {"sjogren's syndrome nerve pain"};
    index_articles(dir, {article("sfn", "Small Fiber Neuropathy", {causes})});
    auto searcher = open_searcher(dir.path());
    // "sjogren" is no word of the index, yet its stem is: found as typed, via its stem.
    auto r = search(searcher, "Sjögren", Grouping::section);
    CHECK(r.corrected.empty());
    REQUIRE(r.hits.size() == 1);
    const auto& matched = r.hits.front().sections.front().matched;
    REQUIRE(matched.size() == 1);
    CHECK(matched.front().via == "stem");
}

TEST_CASE("spelling: four letters are completed unless a likelier word is one edit away", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"cts", "Carpal Tunnel", "The carpal tunnel is narrow. A tunnel of bone."},
                      {"wrist", "Wrist", "The wrist tunnel swells."},
                      {"turn", "Turning", "Turn the wrist."},
                      {"vary", "Varying", "Doses vary. Times vary. Needs vary."},
                      {"shot", "Shots", "A vaccine helps."},
                      {"feet", "Feet", "Cold feet."},
                      {"hands", "Hands", "Feet and hands."},
                      {"news", "News", "A feature."},
                      {"phantom", "Phantom Pain", "Phantom pain follows an amputation."},
                      {"walks", "Walks", "Better than rest, more than sleep, less than a run."}});
    auto searcher = open_searcher(dir.path());
    // "tunnel" (2 sections) over "turn", one edit away in 1.
    CHECK(search(searcher, "carpal tunn").corrected == "carpal tunnel");
    // "vary" is two edits away, however many sections have it.
    CHECK(search(searcher, "vacc").corrected == "vaccine");
    // "feet" is one edit away and in more sections than "feature".
    CHECK(search(searcher, "feat").corrected == "feet");
    // A stopword one edit away is no rival: "phan" is the start of "phantom", not a "than".
    CHECK(search(searcher, "phan").corrected == "phantom");
}

TEST_CASE("spelling: of the words one edit away, the one in the most sections wins", "[search][spelling]") {
    TempDir dir;
    // "posherpética" fills one long Spanish note; "postherpetic" is in two English ones, and
    // "neuralgia", in both languages, leaves the query's language unknown.
    std::string spanish = "La neuralgia posherpética duele.";
    for (int i = 0; i < 8; ++i) spanish += " La posherpética sigue.";
    // "burning" is in three notes, "turning" eight times in one: both one edit from "hurning".
    std::string turning = "Turning";
    for (int i = 0; i < 8; ++i) turning += " turning";
    index_notes(dir, {{"phn", "Postherpetic Neuralgia", "Postherpetic neuralgia follows shingles."},
                      {"shingles", "Shingles", "Shingles can leave postherpetic neuralgia."},
                      {"phn-es", "Neuralgia posherpética", spanish, "es"},
                      {"feet", "Feet", "Burning feet."},
                      {"hands", "Hands", "Burning hands."},
                      {"skin", "Skin", "Burning skin."},
                      {"sleep", "Sleep", turning + " in bed."}});
    auto searcher = open_searcher(dir.path());
    // The index alone completes "posherpetic" into the Spanish word it starts.
    auto phn = search(searcher, "posherpetic neuralgia", Grouping::section);
    CHECK(phn.corrected == "postherpetic neuralgia");
    CHECK(phn.language == "en");
    // The index's own pick counts occurrences.
    CHECK(search(searcher, "hurning feet").corrected == "burning feet");
    // In a query of one language, the words of that language only: "posherpetic" in Spanish.
    CHECK(search(searcher, "la posherpetic").corrected == "la posherpética");
}

TEST_CASE("folding is the same at index, query and highlight time", "[search][analyzer]") {
    Index index;
    auto searcher = index.open();
    auto [query, marked] = GENERATE(table<std::string, std::string>({
        {"oedema", "<mark>œdema</mark>"},
        {"ŒDEMA", "<mark>œdema</mark>"},
        {"Sjogren", "<mark>Sjögren</mark>"},
        {"naive advice", "<mark>naïve</mark> <mark>advice</mark>"},
    }));
    CAPTURE(query);
    auto r = search(searcher, query, Grouping::section);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits.front().article.id == "sjogren-syndrome");
    CHECK(r.hits.front().sections.front().snippet_html.find(marked) != std::string::npos);
}

TEST_CASE("a plural made by changing the vowel finds its singular, and back", "[search][analyzer]") {
    TempDir dir;
    index_notes(dir, {{"face", "Face Pain", "The jolts of pain start in a tooth or the jaw."},
                      {"sole", "Soles", "Check both feet every day for sores."}});
    auto searcher = open_searcher(dir.path());
    auto [query, key, marked] = GENERATE(table<std::string, std::string, std::string>({
        {"teeth", "face#overview", "<mark>tooth</mark>"},
        {"foot", "sole#overview", "<mark>feet</mark>"},
    }));
    CAPTURE(query);
    auto r = search(searcher, query, Grouping::section);
    REQUIRE(r.hits.size() == 1);
    const SectionHit* hit = find_section(r, key);
    REQUIRE(hit != nullptr);
    CHECK(hit->snippet_html.find(marked) != std::string::npos);
    CHECK(r.corrected.empty());  // found by stem, not by spelling
}

TEST_CASE("regression: a hit through another language's stem still says what matched", "[search][analyzer]") {
    Index index;
    auto searcher = index.open();
    // Without a language the query is stemmed for English and Spanish: English "neuropaty" and
    // Spanish "neuropatía" share a stem, so the Spanish section matches, and must say why.
    auto r = search(searcher, "neuropaty", Grouping::section);
    const SectionHit* es = find_section(r, "neuropathic-pain-es#resumen");
    REQUIRE(es != nullptr);
    CHECK(has_match(*es, "neuropaty", "neuropatia", "stem"));
    CHECK(es->snippet_html.find("<mark>neuropatía</mark>") != std::string::npos);
    for (const auto& hit : r.hits) {
        CAPTURE(hit.article.id, hit.sections.front().anchor);
        CHECK_FALSE(hit.sections.front().matched.empty());
    }
}

TEST_CASE("spelling: a word left unfinished is completed to the indexed word it starts", "[search][spelling]") {
    TempDir dir;
    // "tried" is two edits from "trigem", which edit distance alone would offer.
    index_notes(dir, {{"face", "Face Pain", "Trigeminal neuralgia causes jolts of face pain."},
                      {"tips", "Tips", "Many people tried heat. Neuropathy can hurt."},
                      {"feet", "Feet", "Neuropathy often starts in the feet; neuropathic pain burns."},
                      {"signs", "Signs", "Warning features of foot sores."}});
    auto searcher = open_searcher(dir.path());
    auto face = search(searcher, "trigem");
    CHECK(face.corrected == "trigeminal");
    CHECK(face.corrected_applied);
    REQUIRE_FALSE(face.hits.empty());
    CHECK(face.hits.front().article.id == "face");
    CHECK(has_match(face.hits.front().sections.front(), "trigem", "trigeminal", "spelling"));
    // Of the words it starts, the one in the most sections: "neuropathy" (2) over "neuropathic" (1).
    CHECK(search(searcher, "neurop pain").corrected == "neuropathy pain");
    // Four letters are read as a slip, not a start: "feat" is "feet", not "features".
    CHECK(search(searcher, "feat").corrected == "feet");
}

TEST_CASE("total is the same exact count on every page, the number of hits paged through", "[search][paging]") {
    TempDir dir;
    // Sections with every subset of three words, more of them than Xapian counts by default
    // before it estimates how many documents match any of the words.
    const char* const words[] = {"tingling", "burning", "stinging"};
    std::vector<Article> articles;
    for (int a = 0; a < 30; ++a) {
        std::vector<Section> sections;
        for (int mask = 0; mask < 8; ++mask) {
            std::string text = "Feet at night.";
            for (int w = 0; w < 3; ++w)
                if (mask & (1 << w)) text.append(" ").append(words[w]).append(".");
            sections.push_back(section(std::string("s") + std::to_string(mask), "Part", SectionKind::other, text));
        }
        articles.push_back(article("a" + std::to_string(a), "Article " + std::to_string(a), sections));
    }
    index_articles(dir, articles);
    auto searcher = open_searcher(dir.path());
    // In sections, the best article's one section without the words follows it (its context).
    for (auto [group, expected] : {std::pair{Grouping::article, 30u}, {Grouping::section, 211u}}) {
        for (std::size_t size : {7u, 50u}) {
            CAPTURE(int(group), size);
            SearchRequest request;
            request.query = "tingling burning stinging";
            request.group = group;
            request.size = size;
            std::size_t seen = 0;
            for (request.page = 1;; ++request.page) {
                auto r = searched(searcher, request);
                CHECK(r.total == expected);
                CHECK_FALSE(r.total_estimated);
                if (r.hits.empty()) break;
                seen += r.hits.size();
            }
            CHECK(seen == expected);
        }
    }
}

TEST_CASE("a hit found through its article's names says so, function words and all", "[search][explain]") {
    TempDir dir;
    Article tingling = article("paresthesia", "Paresthesia",
                               {section("overview", "Overview", SectionKind::definition, "A prickly feeling in the skin.")});
    tingling.also_called = {"pins and needles"};
    Article other = article("numbness", "Numbness",
                            {section("overview", "Overview", SectionKind::definition, "Loss of feeling in the skin.")});
    index_articles(dir, {tingling, other});
    auto searcher = open_searcher(dir.path());
    for (const char* q : {"paresthesia", "pins and needles", "\"pins needles\""}) {
        CAPTURE(q);
        auto r = search(searcher, q, Grouping::section);
        const SectionHit* hit = find_section(r, "paresthesia#overview");
        REQUIRE(hit != nullptr);
        REQUIRE_FALSE(hit->matched.empty());
        for (const auto& m : hit->matched) CHECK(m.via == "name");
    }
}

TEST_CASE("every query word is explained, from the text or else from where the section has it", "[search][explain]") {
    TempDir dir;
    Article emg = article("emg", "Nerve Conduction Studies",
                          {section("risks", "Risks", SectionKind::other, "The test is safe; a small bruise may follow."),
                           section("care", "Foot Care", SectionKind::other, "Check your feet daily.")});
    emg.also_called = {"EMG", "burning patch"};
    index_articles(dir, {emg});
    auto searcher = open_searcher(dir.path());
    auto has = [](const SectionHit& hit, const std::string& query, const std::string& term, const std::string& via) {
        return std::any_of(hit.matched.begin(), hit.matched.end(), [&](const MatchInfo& m) {
            return m.query == query && m.term == term && m.via == via;
        });
    };
    // "test" is in the text, "emg" only in the names: both explained (only "test" was).
    auto r = search(searcher, "emg test", Grouping::section);
    const SectionHit* risks = find_section(r, "emg#risks");
    REQUIRE(risks != nullptr);
    CHECK(has(*risks, "test", "test", "text"));
    CHECK(has(*risks, "emg", "emg", "name"));
    // "care" only in the heading.
    const auto foot_care = search(searcher, "foot care", Grouping::section);
    const SectionHit* care = find_section(foot_care, "emg#care");
    REQUIRE(care != nullptr);
    CHECK(has(*care, "foot", "feet", "stem"));
    CHECK(has(*care, "care", "care", "text"));
    // A stem found in the names is a match of the names, not of the section ("burning").
    const auto burns = search(searcher, "burns", Grouping::section);
    const SectionHit* burn = find_section(burns, "emg#risks");
    REQUIRE(burn != nullptr);
    CHECK(has(*burn, "burns", "burning", "name"));
}

TEST_CASE("spelling: a correction is shown as the articles write it, in lower case", "[search][spelling]") {
    TempDir dir;
    index_notes(dir, {{"ciatica", "Ciática", "Ciática: un dolor que baja por la pierna.", "es"},
                      {"barre", "Síndrome de Guillain-Barré", "El síndrome de Guillain-Barré debilita las piernas.", "es"},
                      {"nerve", "Nerve Pain", "Nerve pain burns.", "en"}});
    auto searcher = open_searcher(dir.path());
    // Written with a capital at the start of the text, shown in lower case as typed.
    CHECK(search(searcher, "dolor de siatica").corrected == "dolor de ciática");
    CHECK(search(searcher, "sindrome de guillain-barrre").corrected == "sindrome de guillain-barré");
    // English words are ASCII anyway; a query in capitals keeps its capitals.
    CHECK(search(searcher, "nerve pian").corrected == "nerve pain");
    CHECK(search(searcher, "DOLOR DE SIATICA").corrected == "DOLOR DE CIATICA");
}

TEST_CASE("a name with 'pain' beside it is still a bare name: its overview first", "[search][intent]") {
    TempDir dir;
    Article sciatica = article(
        "sciatica", "Sciatica",
        {section("overview", "Overview", SectionKind::definition, "Sciatica is a nerve problem in the lower back and leg."),
         section("outlook", "Outlook", SectionKind::outlook,
                 "Sciatica pain often eases in a few weeks.")});
    Article legs = article("legs", "Leg Cramps",
                           {section("overview", "Overview", SectionKind::definition, "Cramps cause pain in the legs at night.")});
    index_articles(dir, {sciatica, legs});
    auto searcher = open_searcher(dir.path());
    for (const char* q : {"sciatica", "sciatica pain", "pain sciatica"}) {
        CAPTURE(q);
        auto r = search(searcher, q, Grouping::section);
        REQUIRE_FALSE(r.hits.empty());
        CHECK(hit_ids(r).front() == "sciatica#overview");
    }
    // Without a name, "pain" is a word like any other.
    CHECK(hit_ids(search(searcher, "legs pain", Grouping::section)).front() == "legs#overview");
}
