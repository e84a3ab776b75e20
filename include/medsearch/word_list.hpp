// The correctly spelled words of the languages medsearch reads, from plain word lists (one word a
// line, as Debian's wamerican and wspanish install them in /usr/share/dict). A word in the list is
// no typo even when no section has it, so the search leaves it as typed ("will my kids get CMT"
// is not "aids") unless the query finds nothing without a correction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "medsearch/result.hpp"

namespace medsearch {

// Immutable once loaded: one WordList may be shared by every thread (std::shared_ptr<const WordList>).
class WordList {
public:
    WordList() = default;  // empty: knows no word

    // Reads every file; each line is one word, folded as query words are (fold()). Blank lines
    // are skipped. The words of a file in a known language (word_list_language) are stemmed
    // too. Errors: io, naming the file that cannot be read.
    static Result<WordList> load(const std::vector<std::filesystem::path>& files);

    // `folded_word` as Token::word holds it.
    bool contains(std::string_view folded_word) const;
    // Whether a word of a list in `language` ("en", "es") has this Snowball stem
    // (Analyzer::stem of a folded word): another form of a listed word. Debian's Spanish list
    // holds lemmas only ("saber", "niño"), so "saben" and "niños" are real words by their stems.
    bool contains_stem(std::string_view language, std::string_view stem) const;
    std::size_t size() const noexcept { return words_.size(); }

private:
    std::vector<std::string> words_;  // sorted, unique
    std::vector<std::string> stems_;  // "<language>:<stem>", sorted, unique
};

// The language of a word list, from its file name as Debian names them ("american-english",
// "british-english": "en"; "spanish": "es"); empty when the name says none, and then its words
// count only as written.
std::string word_list_language(const std::filesystem::path& file);

// Debian's English and Spanish word lists (packages wamerican and wspanish), those that exist
// on this machine: the default of medsearch-server and the relevance benchmark.
std::vector<std::filesystem::path> system_word_lists();

// The word lists a program uses, from its --words FILE... and --no-words flags: the files given,
// none, or else system_word_lists(). Errors: invalid_input when both flags are given.
Result<std::vector<std::filesystem::path>> chosen_word_lists(std::vector<std::filesystem::path> given, bool none);

}  // namespace medsearch
