#include "medsearch/word_list.hpp"

#include <algorithm>
#include <fstream>

#include "medsearch/analyzer.hpp"

namespace medsearch {

namespace {

void sort_unique(std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    v.shrink_to_fit();
}

bool sorted_contains(const std::vector<std::string>& v, std::string_view value) {
    return std::binary_search(v.begin(), v.end(), value, [](std::string_view a, std::string_view b) { return a < b; });
}

}  // namespace

Result<WordList> WordList::load(const std::vector<std::filesystem::path>& files) {
    WordList list;
    Analyzer analyzer;
    for (const auto& file : files) {
        std::ifstream in(file);
        if (!in) return Error{Errc::io, file.string() + ": cannot read the word list"};
        const std::string language = word_list_language(file);
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            list.words_.push_back(fold(line));
            if (!language.empty()) list.stems_.push_back(language + ":" + analyzer.stem(list.words_.back(), language));
        }
        if (in.bad()) return Error{Errc::io, file.string() + ": read error in the word list"};
    }
    // Sorted vectors: a third of the memory of hash sets for the ~190,000 words of two lists.
    sort_unique(list.words_);
    sort_unique(list.stems_);
    return list;
}

bool WordList::contains(std::string_view folded_word) const { return sorted_contains(words_, folded_word); }

bool WordList::contains_stem(std::string_view language, std::string_view stem) const {
    if (stem.empty()) return false;
    std::string key(language);
    key.append(":").append(stem);
    return sorted_contains(stems_, key);
}

std::string word_list_language(const std::filesystem::path& file) {
    const std::string name = file.filename().string();
    if (name.find("spanish") != std::string::npos) return "es";
    if (name.find("english") != std::string::npos) return "en";
    return {};
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
