// WordList: the correctly spelled words that spelling correction leaves alone.
#include <catch2/catch.hpp>

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
