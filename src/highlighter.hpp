// Internal: finds a query's words, phrases and synonyms in section text with the same Analyzer
// the index used, picks the best window and marks every match. This is the search hot path.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "medsearch/analyzer.hpp"
#include "medsearch/searcher.hpp"
#include "query_builder.hpp"

namespace medsearch {

struct Highlight {
    std::string snippet_html;  // HTML-escaped; <mark>…</mark> around matches; "…" where cut
    std::vector<MatchInfo> matched;
    std::size_t marks = 0;     // matches in the whole text, not only the snippet
};

// Not thread-safe; one per search (it caches stems of the text it sees).
class Highlighter {
public:
    // `languages`: those the query's words were stemmed for (query_languages()).
    Highlighter(const ParsedQuery& query, Analyzer& analyzer, const std::vector<std::string>& languages);

    // `language` picks the stemmer the document was indexed with. `window` is in words.
    Highlight highlight(std::string_view text, std::string_view language, std::size_t window = 36);
    // Matches only (for titles and headings), no snippet.
    std::vector<MatchInfo> find(std::string_view text, std::string_view language);

private:
    struct Alternative {
        std::size_t part;                // index into the query's parts
        std::vector<std::string> words;  // folded
        const char* via;                 // "synonym", "abbreviation", "spelling" (a corrected word); null: as typed
        bool as_written = false;         // an abbreviation: its own word only, not another of its stem
    };
    struct Found {
        std::size_t first_token, last_token, part;
        MatchInfo info;
    };
    std::vector<Found> match(const std::vector<Token>& tokens, std::string_view language);
    const std::string& stem_of(const std::string& word, std::string_view language);
    const std::vector<std::size_t>& single_words_with_stem(const std::string& stem) const;

    const ParsedQuery& query_;
    Analyzer& analyzer_;
    std::vector<Alternative> alternatives_;
    // Phrases by their first word, longest first: one hash look-up per token finds candidates.
    std::unordered_map<std::string, std::vector<std::size_t>> phrases_by_first_word_;
    // Single words by their stem in each query language.
    std::unordered_map<std::string, std::vector<std::size_t>> words_by_stem_;
    std::unordered_map<std::string, std::string> stems_;  // language + '\0' + word → stem
};

// Escapes &, <, >, " and ' for HTML text and attributes.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace medsearch
