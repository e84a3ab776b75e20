// Snippets (src/highlighter.hpp): the window shown, and that its edges cut neither a match nor a
// word.
#include <catch2/catch.hpp>

#include <string>

#include "highlighter.hpp"
#include "medsearch/analyzer.hpp"
#include "medsearch/synonyms.hpp"
#include "query_builder.hpp"

using namespace medsearch;

namespace {

// `words` filler words ("w1 w2 ..."), to push text out of a snippet's window.
std::string filler(int words, const std::string& stem = "w") {
    std::string out;
    for (int i = 0; i < words; ++i) out.append(stem).append(std::to_string(i)).append(" ");
    return out;
}

// The snippet of `text` for `query`, read with the vocabulary `rules` (Solr lines).
std::string snippet(const std::string& query, const std::string& text, std::size_t window = 12,
                    const std::string& rules = "") {
    Analyzer analyzer;
    SynonymMap synonyms;
    std::vector<Diagnostic> problems;
    REQUIRE(synonyms.add_solr(rules, "test.txt", analyzer, problems));
    QueryOptions options;
    options.language = "en";
    const ParsedQuery parsed = parse_query(query, analyzer, &synonyms, options);
    Highlighter highlighter(parsed, analyzer, {"en"});
    return highlighter.highlight(text, "en", window).snippet_html;
}

}  // namespace

TEST_CASE("a snippet's edge does not cut a phrase match: it is shown whole and marked", "[highlight]") {
    // The window of 12 words after "pain" would end inside "stroke pain".
    const std::string text = filler(3) + "pain " + filler(10) + "central post-stroke pain " + filler(20, "v");
    const std::string html = snippet("pain \"post-stroke pain\"", text);
    CAPTURE(html);
    CHECK(html.find("<mark>post-stroke pain</mark>") != std::string::npos);
}

TEST_CASE("a snippet's edge does not cut a hyphenated word", "[highlight]") {
    // A window of 9 words from 5 before "spasticity": "based ... high".
    const std::string text = filler(20) + "Cannabis-based medicines often help MS spasticity, and a high-strength patch " +
                             filler(20, "v");
    const std::string html = snippet("spasticity", text, 9);
    CAPTURE(html);
    CHECK(html.find("…based") == std::string::npos);
    CHECK(html.find("Cannabis-based") != std::string::npos);
    CHECK(html.find("high…") == std::string::npos);
}

TEST_CASE("a snippet prefers the phrase typed to its words scattered", "[highlight]") {
    // More loose matches of "nerve" and "damage" later, the phrase alone at the start.
    const std::string text = "The nerve damage behind it. " + filler(20) +
                             "A nerve, more nerves, damage here, nerves there, a nerve again. " + filler(20, "v");
    const std::string html = snippet("nerve damage", text, 12, "nerve damage, neuropathy\n");
    CAPTURE(html);
    CHECK(html.find("<mark>nerve damage</mark>") != std::string::npos);
}

TEST_CASE("a phrase is not marked across a bracket or a stop between its words", "[highlight]") {
    const std::string html = snippet("\"OTC pain relievers\"", "Over-the-counter (OTC) pain relievers help.");
    CAPTURE(html);
    CHECK(html.find("(<mark>OTC</mark>) <mark>pain relievers</mark>") != std::string::npos);
    // Spaces and hyphens between them keep one mark.
    CHECK(snippet("\"post stroke pain\"", "Central post-stroke pain.").find("<mark>post-stroke pain</mark>") !=
          std::string::npos);
}
