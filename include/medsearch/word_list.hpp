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
    // are skipped. Errors: io, naming the file that cannot be read.
    static Result<WordList> load(const std::vector<std::filesystem::path>& files);

    // `folded_word` as Token::word holds it.
    bool contains(std::string_view folded_word) const;
    std::size_t size() const noexcept { return words_.size(); }

private:
    std::vector<std::string> words_;  // sorted, unique
};

// Debian's English and Spanish word lists (packages wamerican and wspanish), those that exist
// on this machine: the default of medsearch-server and the relevance benchmark.
std::vector<std::filesystem::path> system_word_lists();

// The word lists a program uses, from its --words FILE... and --no-words flags: the files given,
// none, or else system_word_lists(). Errors: invalid_input when both flags are given.
Result<std::vector<std::filesystem::path>> chosen_word_lists(std::vector<std::filesystem::path> given, bool none);

}  // namespace medsearch
