#include "medsearch/word_list.hpp"

#include <algorithm>
#include <fstream>

#include "medsearch/analyzer.hpp"

namespace medsearch {

Result<WordList> WordList::load(const std::vector<std::filesystem::path>& files) {
    WordList list;
    for (const auto& file : files) {
        std::ifstream in(file);
        if (!in) return Error{Errc::io, file.string() + ": cannot read the word list"};
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            list.words_.push_back(fold(line));
        }
        if (in.bad()) return Error{Errc::io, file.string() + ": read error in the word list"};
    }
    // A sorted vector: a third of the memory of a hash set for the ~190,000 words of two lists.
    std::sort(list.words_.begin(), list.words_.end());
    list.words_.erase(std::unique(list.words_.begin(), list.words_.end()), list.words_.end());
    list.words_.shrink_to_fit();
    return list;
}

bool WordList::contains(std::string_view folded_word) const {
    return std::binary_search(words_.begin(), words_.end(), folded_word,
                              [](std::string_view a, std::string_view b) { return a < b; });
}

std::vector<std::filesystem::path> system_word_lists() {
    std::vector<std::filesystem::path> found;
    for (const char* path : {"/usr/share/dict/american-english", "/usr/share/dict/spanish"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) found.emplace_back(path);
    }
    return found;
}

Result<std::vector<std::filesystem::path>> chosen_word_lists(std::vector<std::filesystem::path> given, bool none) {
    if (none && !given.empty()) return Error{Errc::invalid_input, "--no-words: cannot be combined with --words"};
    if (none) return std::vector<std::filesystem::path>{};
    if (given.empty()) return system_word_lists();
    return given;
}

}  // namespace medsearch
