#include <catch2/catch.hpp>

#include "medsearch/synonyms.hpp"

using namespace medsearch;

namespace {
using Words = std::vector<std::string>;

std::vector<Words> expansions(const SynonymMap& map, Words key, bool caps = false) {
    std::vector<Words> out;
    for (const auto& e : map.lookup(key, caps)) out.push_back(e.phrase.words);
    return out;
}

bool contains(const std::vector<Words>& list, const Words& w) {
    return std::find(list.begin(), list.end(), w) != list.end();
}
}  // namespace

TEST_CASE("Solr equivalence sets expand every member to the others", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("# the nerve-pain family\nneuropathy, nerve pain, Neuralgia  # inline comment\n",
                         "nerve.txt", a, problems));
    CHECK(problems.empty());
    auto from_nerve_pain = expansions(map, {"nerve", "pain"});
    CHECK(from_nerve_pain.size() == 2);
    CHECK(contains(from_nerve_pain, {"neuropathy"}));
    CHECK(contains(from_nerve_pain, {"neuralgia"}));
    CHECK(contains(expansions(map, {"neuralgia"}), {"nerve", "pain"}));
    CHECK(expansions(map, {"pain"}).empty());
    CHECK(map.longest_entry() == 2);
    CHECK(map.lookup({"neuropathy"}, false).front().origin == "nerve.txt:2");
}

TEST_CASE("one-way rules expand left to right only, with multi-word entries of any length", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("pins and needles => paresthesia, tingling\n"
                         "zoster pain that will not go away => postherpetic neuralgia\n",
                         "lay.txt", a, problems));
    CHECK(expansions(map, {"pins", "and", "needles"}) == std::vector<Words>{{"paresthesia"}, {"tingling"}});
    CHECK(expansions(map, {"paresthesia"}).empty());
    CHECK(expansions(map, {"zoster", "pain", "that", "will", "not", "go", "away"}) ==
          std::vector<Words>{{"postherpetic", "neuralgia"}});
    CHECK(map.longest_entry() == 7);
    // Expansions say they are one way (the query builder weighs them below the typed words).
    for (const auto& e : map.lookup({"pins", "and", "needles"}, false)) CHECK(e.one_way);
    SynonymMap equivalent;
    REQUIRE(equivalent.add_solr("neuropathy, nerve pain\n", "eq.txt", a, problems));
    CHECK_FALSE(equivalent.lookup({"neuropathy"}, false).front().one_way);
}

TEST_CASE("abbreviations match only when typed in capitals", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("MS => multiple sclerosis\nB12 => cobalamin\n", "abbr.txt", a, problems));
    CHECK(expansions(map, {"ms"}, true) == std::vector<Words>{{"multiple", "sclerosis"}});
    CHECK(expansions(map, {"ms"}, false).empty());
    CHECK(expansions(map, {"b12"}, true) == std::vector<Words>{{"cobalamin"}});
    CHECK(expansions(map, {"b12"}, false).empty());
    CHECK(map.lookup({"ms"}, true).front().abbreviation);
}

TEST_CASE("bad Solr lines are reported with their line numbers and skipped", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    std::string text =
        "good, fine\n"          // 1
        "lonely\n"              // 2: a set of one
        "a => \n"               // 3: nothing after =>
        "a => b => c\n"         // 4: two arrows
        "x, , y\n"              // 5: empty entry
        "\n"                    // 6
        "!!! => pain\n";        // 7: no words
    CHECK_FALSE(map.add_solr(text, "bad.txt", a, problems));
    REQUIRE(problems.size() == 5);
    CHECK(format_diagnostic(problems[0]).rfind("bad.txt:2: ", 0) == 0);
    CHECK(problems[1].line == 3);
    CHECK(problems[2].line == 4);
    CHECK(problems[2].message.find("=>") != std::string::npos);
    CHECK(problems[3].line == 5);
    CHECK(problems[4].line == 7);
    CHECK(map.rule_count() == 1);  // the good line survived
}

// A Latin-1 'á' ("neurop\xE1tico") was read as a word break: "dolor neurop tico" was a synonym.
TEST_CASE("a synonym line that is not UTF-8 is reported like an article's and skipped", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    CHECK_FALSE(map.add_solr("neuropathy, nerve pain\ndolor neurop\xE1tico, neuralgia\n", "es.txt", a, problems));
    CHECK_FALSE(map.add_tsv("good\tfine\n# comment \xFF\n", "sets.tsv", a, problems));
    std::vector<std::string> texts;
    for (const auto& d : problems) texts.push_back(format_diagnostic(d));
    CHECK(texts == std::vector<std::string>{"es.txt:2: invalid UTF-8 (byte 0xE1 at column 13)",
                                            "sets.tsv:2: invalid UTF-8 (byte 0xFF at column 11)"});
    CHECK(map.rule_count() == 2);  // the good lines
    CHECK(expansions(map, {"neuralgia"}).empty());
}

TEST_CASE("TSV sets: one equivalence set a line, tab-separated", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_tsv("Abdominal aortic aneurysm\tAneurysm, abdominal aortic\tAAA\n"
                        "Carpal tunnel syndrome\tMedian nerve entrapment\n",
                        "sets.tsv", a, problems));
    CHECK(contains(expansions(map, {"aaa"}, true), {"abdominal", "aortic", "aneurysm"}));
    CHECK(contains(expansions(map, {"abdominal", "aortic", "aneurysm"}), {"aneurysm", "abdominal", "aortic"}));
    CHECK(contains(expansions(map, {"median", "nerve", "entrapment"}), {"carpal", "tunnel", "syndrome"}));

    std::vector<Diagnostic> bad;
    CHECK_FALSE(map.add_tsv("only one\n", "bad.tsv", a, bad));
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].line == 1);
}

TEST_CASE("the vocabulary survives serialisation into the index", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("neuropathy, nerve pain\nMS => multiple sclerosis\n", "v.txt", a, problems));
    SynonymMap copy;
    REQUIRE(SynonymMap::deserialize(map.serialize(), a, copy));
    CHECK(copy.rule_count() == 2);
    CHECK(expansions(copy, {"nerve", "pain"}) == expansions(map, {"nerve", "pain"}));
    CHECK(expansions(copy, {"ms"}, true) == std::vector<Words>{{"multiple", "sclerosis"}});
    CHECK(copy.lookup({"neuropathy"}, false).front().origin == "v.txt:1");
    SynonymMap broken;
    CHECK_FALSE(SynonymMap::deserialize("{not json", a, broken));
}

TEST_CASE("an entry of several words is found in another form by its words' stems", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("hands fall asleep at night => paresthesia\n"
                         "camino sobre algodón => entumecimiento\n"
                         "MS => multiple sclerosis\n",
                         "lay.txt", a, problems));
    auto stems = [&](const Words& words, std::string_view language) {
        Words out;
        for (const auto& w : words) out.push_back(a.stem(w, language));
        return out;
    };
    const Words hand{"hand", "falls", "asleep", "at", "night"};
    CHECK(map.lookup(hand, false).empty());
    const auto found = map.lookup_forms(stems(hand, "en"), "en");
    REQUIRE(found.size() == 1);
    CHECK(found[0].phrase.words == Words{"paresthesia"});
    CHECK(found[0].one_way);
    // In Spanish, by Spanish stems: "camina sobre algodones".
    CHECK(map.lookup_forms(stems({"camina", "sobre", "algodones"}, "es"), "es").size() == 1);
    // Other words with other stems are no form of it; nor is a single word.
    CHECK(map.lookup_forms(stems({"hands", "fall", "asleep", "at", "noon"}, "en"), "en").empty());
    CHECK(map.lookup_forms(stems({"ms"}, "en"), "en").empty());
}

TEST_CASE("an abbreviation also searches its full name's equivalents, not where they point", "[synonyms]") {
    Analyzer a;
    SynonymMap map;
    std::vector<Diagnostic> problems;
    REQUIRE(map.add_solr("CNS => central nervous system\n"
                         "central nervous system, brain and spinal cord\n"
                         "central nervous system pain => central pain\n",
                         "v.txt", a, problems));
    const auto found = map.lookup({"cns"}, true);
    REQUIRE(found.size() == 2);
    CHECK(found[0].phrase.words == Words{"central", "nervous", "system"});
    CHECK(found[0].abbreviation);
    // One hop further, as a synonym of the full name.
    CHECK(found[1].phrase.words == Words{"brain", "and", "spinal", "cord"});
    CHECK_FALSE(found[1].abbreviation);
    CHECK_FALSE(found[1].one_way);
    // In lower case it is no abbreviation, so nothing.
    CHECK(map.lookup({"cns"}, false).empty());
}
