#include <catch2/catch.hpp>

#include "medsearch/analyzer.hpp"

using namespace medsearch;

namespace {
std::vector<std::string> words(Analyzer& a, std::string_view text) {
    std::vector<std::string> out;
    for (auto& t : a.tokenize(text)) out.push_back(t.word);
    return out;
}
}  // namespace

TEST_CASE("fold removes case, diacritics, ligatures and apostrophes", "[analyzer]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"Guillain", "guillain"},
        {"Barré", "barre"},
        {"Sjögren", "sjogren"},
        {"naïve", "naive"},
        {"œdema", "oedema"},
        {"Œdema", "oedema"},
        {"ﬁbre", "fibre"},          // U+FB01 ligature
        {"Ｍｅｄｉｃｉｎｅ", "medicine"},  // full-width forms
        {"can’t", "cant"},
        {"can't", "cant"},
        {"STRASSE", "strasse"},
        {"Straße", "strasse"},
        {"Diagnóstico", "diagnostico"},
    }));
    CAPTURE(input);
    CHECK(fold(input) == expected);
}

TEST_CASE("dashes and punctuation separate words, so dash and space spellings agree", "[analyzer]") {
    Analyzer a;
    const std::vector<std::string> expected{"guillain", "barre", "syndrome"};
    CHECK(words(a, "Guillain–Barré syndrome") == expected);  // en dash
    CHECK(words(a, "Guillain-Barre syndrome") == expected);
    CHECK(words(a, "guillain barre SYNDROME") == expected);
    CHECK(words(a, "Guillain—Barré, syndrome!") == expected);  // em dash
}

TEST_CASE("tokens carry byte offsets into the original text", "[analyzer]") {
    Analyzer a;
    std::string text = "Pain, é-Barré: 12 B12";
    auto tokens = a.tokenize(text);
    REQUIRE(tokens.size() == 5);
    for (const auto& t : tokens) CHECK(fold(text.substr(t.begin, t.end - t.begin)) == t.word);
    CHECK(tokens[2].word == "barre");
    CHECK(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin) == "Barré");
    CHECK(tokens[3].word == "12");
    CHECK(tokens[4].word == "b12");
}

TEST_CASE("a line break or a sentence's end marks the next word, an initial or a title does not", "[analyzer]") {
    Analyzer a;
    auto tokens = a.tokenize("Burning feet. Numb toes\n- Cold hands! E. coli, as Dr. Smith says");
    std::vector<std::string> starts;
    for (const auto& t : tokens)
        if (t.starts_sentence) starts.push_back(t.word);
    CHECK(starts == std::vector<std::string>{"numb", "cold", "e"});
    CHECK_FALSE(tokens.front().starts_sentence);  // nothing before the first word to separate
}

TEST_CASE("abbreviation shape: capitals and digits, two characters or more", "[analyzer]") {
    Analyzer a;
    auto tokens = a.tokenize("MS ms Ms HTN B12 I COPD's A");
    REQUIRE(tokens.size() == 8);
    CHECK(tokens[0].all_caps);
    CHECK_FALSE(tokens[1].all_caps);
    CHECK_FALSE(tokens[2].all_caps);
    CHECK(tokens[3].all_caps);
    CHECK(tokens[4].all_caps);
    CHECK_FALSE(tokens[5].all_caps);  // "I" is one letter
    CHECK_FALSE(tokens[6].all_caps);  // "COPD's" has a lowercase letter
    CHECK_FALSE(tokens[7].all_caps);
}

TEST_CASE("English and Spanish stemming", "[analyzer]") {
    Analyzer a;
    CHECK(a.stem("burning", "en") == a.stem("burns", "en"));
    CHECK(a.stem("nerves", "en") == "nerv");
    CHECK(a.stem("treatment", "en") != a.stem("treat", "es"));
    CHECK(a.stem("nervios", "es") == a.stem("nervio", "es"));
    CHECK(a.stem("dolores", "es") == a.stem("dolor", "es"));
    // Plurals made by changing the vowel, which Snowball cannot strip.
    CHECK(a.stem("teeth", "en") == a.stem("tooth", "en"));
    CHECK(a.stem("feet", "en") == a.stem("foot", "en"));
    CHECK(a.stem("children", "en") == a.stem("child", "en"));
    CHECK(a.stem("women", "en") == a.stem("woman", "en"));
    CHECK(a.stem("feet", "es") == "feet");  // English only
}

TEST_CASE("invalid UTF-8 does not crash and keeps the valid words", "[analyzer]") {
    Analyzer a;
    std::string text = "nerve \xff\xfe pain \xc3";
    auto w = words(a, text);
    REQUIRE(w.size() >= 2);
    CHECK(w[0] == "nerve");
    CHECK(std::find(w.begin(), w.end(), "pain") != w.end());
}

TEST_CASE("stopwords are language aware", "[analyzer]") {
    CHECK(is_stopword("the", "en"));
    CHECK(is_stopword("de", "es"));
    CHECK_FALSE(is_stopword("de", "en"));
    CHECK(is_stopword("de", ""));
    CHECK_FALSE(is_stopword("pain", ""));
    // Spanish pronouns, conjunctions and prepositions ("para saber si", "a quién le da"); none
    // that is also an English word a query may mean: "hay fever", "my son".
    for (const char* w : {"si", "le", "pero", "sin", "desde", "quien", "muy"}) {
        CAPTURE(w);
        CHECK(is_stopword(w, "es"));
        CHECK_FALSE(is_stopword(w, "en"));
    }
    CHECK_FALSE(is_stopword("hay", ""));
    CHECK_FALSE(is_stopword("son", ""));
}

TEST_CASE("informal fillers and Spanish helper verbs are stopwords, words that mean something are not", "[analyzer]") {
    // "my toes are kinda numb" ("kinda" matched "kinds"), "la pregabalina da sueño" ("da"
    // outweighed the drug), "cómo sabe el médico si tengo dolor neuropático".
    for (const char* w : {"kinda", "sorta", "gonna", "wanna", "really", "very", "just", "also"}) {
        CAPTURE(w);
        CHECK(is_stopword(w, "en"));
        CHECK(is_stopword(w, ""));
    }
    for (const char* w : {"tengo", "tiene", "estoy", "esta", "estaba", "era", "da", "queria", "sabe", "puede"}) {
        CAPTURE(w);
        CHECK(is_stopword(w, "es"));
        CHECK(is_stopword(w, ""));  // an English query consults the Spanish list too
        CHECK_FALSE(is_stopword(w, "en"));
    }
    // They carry meaning in a query, or are English words a query may mean.
    for (const char* w : {"like", "feel", "little", "still", "soy", "son", "hay", "pain", "numb"}) {
        CAPTURE(w);
        CHECK_FALSE(is_stopword(w, ""));
    }
}

TEST_CASE("negative contractions are stopwords, as folded from either apostrophe", "[analyzer]") {
    // Alone they match any text that says "can't" ("I can't sleep" in a sleep article); inside a
    // vocabulary phrase ("can't feel my fingers") they still count, as phrases keep every word.
    Analyzer a;
    for (const char* typed : {"can't", "can\u2019t", "cant", "cannot", "don't", "doesn't", "won't"}) {
        INFO(typed);
        const auto w = words(a, typed);
        REQUIRE(w.size() == 1);
        CHECK(is_stopword(w[0], "en"));
    }
}

TEST_CASE("other contractions of function words are stopwords, unless a word of their own", "[analyzer]") {
    // "what's the difference": "what's" matched sections that say "what's", not the question.
    Analyzer a;
    for (const char* typed : {"what's", "they\u2019re", "I'm", "he's", "she's", "that's", "I've", "they'll", "aren't",
                              "wasn't", "shouldn't"}) {
        INFO(typed);
        const auto w = words(a, typed);
        REQUIRE(w.size() == 1);
        CHECK(is_stopword(w[0], "en"));
    }
    // Folded, "I'll", "she'd", "we'll" and "let's" are "ill", "shed", "well" and "lets".
    for (const char* word : {"ill", "shed", "well", "lets"}) {
        INFO(word);
        CHECK_FALSE(is_stopword(word, ""));
    }
}

TEST_CASE("an abbreviation written with full stops is the abbreviation", "[analyzer]") {
    Analyzer a;
    const auto tokens = a.tokenize("M.S. and E.M.G. tests");
    REQUIRE(tokens.size() == 4);
    CHECK(tokens[0].word == "ms");
    CHECK(tokens[0].all_caps);
    CHECK(tokens[2].word == "emg");
    CHECK(tokens[2].all_caps);
    // The offsets still span the text as written, for highlighting.
    CHECK(tokens[0].begin == 0);
    CHECK(tokens[0].end == 3);
    // In lower case it is a word like any other; a word with a full stop inside is not joined.
    CHECK(words(a, "e.g. pain") == std::vector<std::string>{"eg", "pain"});
    CHECK_FALSE(a.tokenize("e.g.")[0].all_caps);
    CHECK(words(a, "3.5 mg") == std::vector<std::string>{"3.5", "mg"});
}

TEST_CASE("numbing (an anaesthetic's doing) is no form of numbness (a symptom)", "[analyzer]") {
    Analyzer a;
    CHECK(a.stem("numbness", "en") == a.stem("numb", "en"));
    CHECK(a.stem("numbing", "en") == a.stem("numbed", "en"));
    CHECK(a.stem("numbing", "en") != a.stem("numbness", "en"));
}

TEST_CASE("Barré is no form of Barr", "[analyzer]") {
    Analyzer a;
    for (std::string_view language : {"en", "es"}) {
        CHECK(a.stem(fold("Barré"), language) != a.stem(fold("Barr"), language));
        CHECK(a.stem(fold("Barré"), language) == a.stem(fold("Barre"), language));
    }
}
