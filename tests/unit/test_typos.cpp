// The typo benchmark's misspelling generator (bench/typos.hpp): each misspelling is exactly one
// edit of its kind away from the word, the same on every run, and never a real word.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "typos.hpp"

using namespace medsearch::bench;

namespace {

const IsRealWord kNothingReal = [](std::string_view) { return false; };

// Checked independently of the generator: `v` is `w` with exactly one edit of `kind`, at `p`.
bool one_edit_of_kind(const std::string& w, const Misspelling& m) {
    const std::string& v = m.text;
    const std::size_t p = m.position;
    switch (m.kind) {
        case EditKind::deletion:
            return v.size() + 1 == w.size() && p > 0 && p < w.size() && w.substr(0, p) + w.substr(p + 1) == v;
        case EditKind::transposition:
            return v.size() == w.size() && p > 0 && p + 1 < w.size() && w[p] != w[p + 1] && v[p] == w[p + 1] &&
                   v[p + 1] == w[p] && v.substr(0, p) == w.substr(0, p) && v.substr(p + 2) == w.substr(p + 2);
        case EditKind::substitution: {
            if (v.size() != w.size() || p == 0 || p >= w.size()) return false;
            std::size_t differing = 0;
            for (std::size_t i = 0; i < w.size(); ++i) differing += v[i] != w[i];
            return differing == 1 && v[p] != w[p] && qwerty_neighbours(w[p]).find(v[p]) != std::string_view::npos;
        }
        case EditKind::insertion:  // the letter at p typed twice
            return v.size() == w.size() + 1 && p > 0 && p < w.size() && v == w.substr(0, p + 1) + w.substr(p);
        case EditKind::phonetic:
            for (const auto& rule : kPhoneticRules)
                if (rule.name == m.rule && w.compare(p, rule.from.size(), rule.from) == 0 &&
                    v == w.substr(0, p) + std::string(rule.to) + w.substr(p + rule.from.size()))
                    return true;
            return false;
    }
    return false;
}

}  // namespace

TEST_CASE("misspell: every variant is one edit of its kind, and every plain kind is there", "[bench][typos]") {
    // The word, its language and how many phonetic rules apply to it.
    const auto [word, language, phonetic] = GENERATE(table<std::string, std::string, std::size_t>({
        {"neuropathy", "en", 1}, {"sciatica", "en", 1}, {"syndrome", "en", 1}, {"tunnel", "en", 0},
        {"phantom", "en", 1}, {"rheumatoid", "en", 2}, {"neuropatia", "es", 0}, {"hormigueo", "es", 1},
        {"vitamina", "es", 1}, {"cuello", "es", 1}, {"cirugia", "es", 2},
    }));
    CAPTURE(word);
    const auto out = misspell(word, language, kNothingReal);
    CHECK(out.real.empty());
    std::multiset<EditKind> kinds;
    for (const auto& m : out.variants) {
        CAPTURE(m.text, to_string(m.kind), m.position, m.rule);
        CHECK(m.text != word);
        CHECK(one_edit_of_kind(word, m));
        CHECK(m.rule.empty() == (m.kind != EditKind::phonetic));
        kinds.insert(m.kind);
        if (m.kind != EditKind::phonetic) CHECK(m.position > 0);  // the first letter is kept
    }
    for (EditKind k : {EditKind::deletion, EditKind::transposition, EditKind::substitution, EditKind::insertion})
        CHECK(kinds.count(k) == 1);
    CHECK(kinds.count(EditKind::phonetic) == phonetic);
}

TEST_CASE("misspell: the phonetic rules of the word's language, where they may stand", "[bench][typos]") {
    auto phonetic = [](std::string_view word, std::string_view language) {
        std::set<std::string> out;
        for (const auto& m : misspell(word, language, kNothingReal).variants)
            if (m.kind == EditKind::phonetic) out.insert(m.text);
        return out;
    };
    CHECK(phonetic("phantom", "en") == std::set<std::string>{"fantom"});
    CHECK(phonetic("sciatica", "en") == std::set<std::string>{"siatica"});  // not "ssiatica"
    CHECK(phonetic("neuropathy", "en") == std::set<std::string>{"nuropathy"});  // "y" ends it: no y>i
    CHECK(phonetic("syndrome", "en") == std::set<std::string>{"sindrome"});
    CHECK(phonetic("pneumonia", "en") == std::set<std::string>{"neumonia", "pnumonia"});
    CHECK(phonetic("hormigueo", "es") == std::set<std::string>{"ormigueo"});
    CHECK(phonetic("hormigueo", "en").empty());  // Spanish rules only for Spanish words
    CHECK(phonetic("cuello", "es") == std::set<std::string>{"cueyo"});
    CHECK(phonetic("cancer", "es") == std::set<std::string>{"canser"});
}

TEST_CASE("misspell: the same misspellings on every call", "[bench][typos]") {
    const std::string word = GENERATE(as<std::string>{}, "polyneuropathy", "gabapentin", "entumecimiento");
    const auto a = misspell(word, "en", kNothingReal);
    const auto b = misspell(word, "en", kNothingReal);
    REQUIRE(a.variants.size() == b.variants.size());
    for (std::size_t i = 0; i < a.variants.size(); ++i) {
        CHECK(a.variants[i].text == b.variants[i].text);
        CHECK(a.variants[i].position == b.variants[i].position);
    }
}

TEST_CASE("misspell: pinned misspellings of one word", "[bench][typos]") {
    // Pinned: a change of hash or of the choice of places changes every figure of the benchmark.
    const auto pinned = misspell("neuropathy", "en", kNothingReal);
    std::vector<std::string> texts;
    for (const auto& m : pinned.variants) texts.push_back(m.text);
    CHECK(texts == std::vector<std::string>{"neuopathy", "neurpoathy", "neuropsthy", "neuropathhy", "nuropathy"});
}

TEST_CASE("misspell: real words are set aside, not returned", "[bench][typos]") {
    const auto all = misspell("tunnel", "en", kNothingReal);
    REQUIRE(all.variants.size() >= 4);
    const std::string real = all.variants[1].text;
    const auto out = misspell("tunnel", "en", [&](std::string_view w) { return w == real; });
    REQUIRE(out.real.size() == 1);
    CHECK(out.real[0].text == real);
    CHECK(out.variants.size() + 1 == all.variants.size());
    for (const auto& m : out.variants) CHECK(m.text != real);
}

TEST_CASE("misspell: only plain lowercase letters are misspelt", "[bench][typos]") {
    CHECK(misspell("b12", "en", kNothingReal).variants.empty());
    CHECK(misspell("Tunnel", "en", kNothingReal).variants.empty());
    CHECK(misspell("túnel", "es", kNothingReal).variants.empty());
    CHECK(misspell("ab", "en", kNothingReal).variants.empty());
    CHECK_FALSE(misspellable("anti-epileptic"));
    CHECK(misspellable("abc"));
}

TEST_CASE("misspell_phrase: one word of 5+ letters misspelt per kind", "[bench][typos]") {
    const std::vector<std::string> words{"carpal", "tunnel", "syndrome", "of", "the", "hand"};
    const auto a = misspell_phrase(words, "en", kNothingReal);
    const auto b = misspell_phrase(words, "en", kNothingReal);
    REQUIRE(a.variants.size() == 5);  // each kind once; "syndrome" gives a phonetic one
    REQUIRE(b.variants.size() == a.variants.size());
    std::set<EditKind> kinds;
    for (std::size_t i = 0; i < a.variants.size(); ++i) {
        const auto& v = a.variants[i];
        CAPTURE(v.misspelling.text);
        CHECK(v.word < 3);  // never "of", "the" or "hand"
        CHECK(one_edit_of_kind(words[v.word], v.misspelling));
        CHECK(v.word == b.variants[i].word);
        CHECK(v.misspelling.text == b.variants[i].misspelling.text);
        kinds.insert(v.misspelling.kind);
    }
    CHECK(kinds.size() == 5);
    // A phrase whose picked misspelling is a real word has none of that kind: it is set aside.
    const auto real = misspell_phrase(words, "en", [](std::string_view) { return true; });
    CHECK(real.variants.empty());
    CHECK(real.real.size() == 5);
}
