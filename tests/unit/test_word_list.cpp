// WordList: the correctly spelled words that spelling correction leaves alone.
#include <catch2/catch.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/word_list.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using medsearch::testing::TempDir;

TEST_CASE("word lists are read one word a line, folded as query words are", "[words]") {
    TempDir dir;
    auto english = dir.write("english", "kids\nAtatürk\r\n\nPanicking\nkid's\n");
    auto spanish = dir.write("spanish", "ciática\nkids\n");
    auto list = WordList::load({english, spanish});
    REQUIRE(list.ok());
    for (const char* word : {"kids", "ataturk", "panicking", "ciatica"}) {
        CAPTURE(word);
        CHECK(list.value().contains(word));
    }
    // Folded forms only: queries are folded before they are looked up.
    CHECK_FALSE(list.value().contains("Panicking"));
    CHECK_FALSE(list.value().contains("kid"));
    CHECK_FALSE(list.value().contains(""));
    // "kid's" folds to "kids", as a query's "kid's" does; the blank line is no word.
    CHECK(list.value().size() == 4);
}

TEST_CASE("an unreadable word list is an io error naming the file", "[words]") {
    TempDir dir;
    auto missing = dir.path() / "no-such-list";
    auto list = WordList::load({missing});
    REQUIRE_FALSE(list.ok());
    CHECK(list.error().code == Errc::io);
    CHECK(list.error().message.find(missing.string()) != std::string::npos);
    CHECK(WordList::load({}).ok());
    CHECK(WordList{}.size() == 0);
}

TEST_CASE("the words of a list in a known language are found in other forms by their stems", "[words]") {
    TempDir dir;
    auto spanish = dir.write("spanish", "saber\nniño\n");
    auto english = dir.write("american-english", "walk\n");
    auto other = dir.write("words", "correr\n");
    auto list = WordList::load({spanish, english, other});
    REQUIRE(list.ok());
    Analyzer analyzer;
    const auto& words = list.value();
    CHECK(words.contains_stem("es", analyzer.stem("saben", "es")));
    CHECK(words.contains_stem("es", analyzer.stem("ninos", "es")));
    CHECK(words.contains_stem("en", analyzer.stem("walking", "en")));
    // Each list in its own language only, and a list of no known language as written only.
    CHECK_FALSE(words.contains_stem("en", analyzer.stem("saben", "en")));
    CHECK_FALSE(words.contains_stem("es", analyzer.stem("corren", "es")));
    CHECK(words.contains("correr"));
    CHECK_FALSE(words.contains_stem("es", ""));
    CHECK(word_list_language("/usr/share/dict/british-english") == "en");
    CHECK(word_list_language("/usr/share/dict/spanish") == "es");
    CHECK(word_list_language("/tmp/words") == "");
}
