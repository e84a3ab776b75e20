// The one text analyzer: ICU word breaking and folding plus Snowball stemming. The indexer,
// the query builder and the highlighter all use it, so the words they see always agree.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct Token {
    std::string word;         // folded: NFKC case-folded, diacritics removed, ’ → '
    std::size_t begin = 0;    // byte offsets of the word in the analysed text
    std::size_t end = 0;
    bool all_caps = false;    // capitals and digits, 2+ characters ("MS", "B12"): abbreviation-shaped
    // A line break or a sentence's end (".", "!" or "?" after a word of 3+ letters, so "E. coli"
    // and "Dr. Smith" stay one sentence) comes before this word. Phrases stop at it.
    bool starts_sentence = false;
};

// Folds one piece of text: case, compatibility forms and ligatures (NFKC case folding),
// diacritics ("Barré" → "barre"), curly apostrophes. Does not split words.
std::string fold(std::string_view text);

// Not thread-safe (holds an ICU break iterator and Snowball stemmers): one per thread.
class Analyzer {
public:
    Analyzer();
    ~Analyzer();
    Analyzer(Analyzer&&) noexcept;
    Analyzer& operator=(Analyzer&&) noexcept;

    // Words of `text` (UTF-8; invalid bytes are treated as separators), in order. Punctuation,
    // dashes and spaces separate words, so "Guillain–Barré" and "guillain barre" give the same words.
    std::vector<Token> tokenize(std::string_view text);

    // Snowball stem of a folded word for `language` ("en", "es"; anything else: English).
    std::string stem(const std::string& word, std::string_view language);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True for the short function words a query drops when it has other words ("the", "is", "de").
bool is_stopword(std::string_view folded_word, std::string_view language);

}  // namespace medsearch
