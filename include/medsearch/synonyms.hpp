// The synonym vocabulary: Solr-format and TSV files parsed into a map from a phrase (folded
// words) to the phrases it also searches. Expansion happens at query time (query_builder).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "medsearch/analyzer.hpp"
#include "medsearch/ingest.hpp"

namespace medsearch {

// One side entry of a rule, already analysed.
struct SynonymPhrase {
    std::vector<std::string> words;  // folded words; more than one means a phrase
    bool abbreviation = false;       // written in capitals ("MS"): matches only typed in capitals
    bool operator==(const SynonymPhrase&) const = default;
};

// One rule as written: `a, b, c` (equivalent) or `a, b => c, d` (one-way).
struct SynonymRule {
    std::vector<std::string> from;  // entries as written
    std::vector<std::string> to;    // empty for an equivalence (all of `from` are equivalent)
    std::string origin;             // "synonyms/lay.txt:12", for explanations and errors
};

// Immutable after loading; safe to share between threads for reading.
class SynonymMap {
public:
    // Parse and add rules. Problems (invalid UTF-8 among them) are appended as
    // `path:line: message`; bad lines are skipped.
    // Returns false if any line was bad.
    bool add_solr(std::string_view text, const std::string& path, Analyzer& analyzer,
                  std::vector<Diagnostic>& problems);
    bool add_tsv(std::string_view text, const std::string& path, Analyzer& analyzer,
                 std::vector<Diagnostic>& problems);
    // A file (.txt: Solr, .tsv: TSV) or a directory (every .txt and .tsv in it, sorted; a
    // directory without any is a problem).
    bool add_path(const std::filesystem::path& path, Analyzer& analyzer,
                  std::vector<Diagnostic>& problems);

    // The phrases `phrase` also searches (never itself). `typed_in_caps`: whether the user typed
    // it in capitals, which abbreviation entries require. Empty when it has no synonyms.
    struct Expansion {
        SynonymPhrase phrase;
        std::string origin;         // "synonyms/lay.txt:12"
        bool abbreviation = false;  // found through an abbreviation entry ("MS" typed in capitals)
        bool one_way = false;       // from an `a => b` rule: a lay description pointing at a term
        bool as_typed = false;      // the word as typed, kept beside its spelling correction: its
                                    // stem may still match ("neuropaty" and Spanish "neuropatía")
    };
    std::vector<Expansion> lookup(const std::vector<std::string>& words, bool typed_in_caps) const;
    // The expansions of the entries of two words or more whose words' stems in `language` ("en",
    // "es") are `stems`: another form of the entry ("my hand falls asleep at night" finds "hands
    // fall asleep at night"). Empty when none is.
    std::vector<Expansion> lookup_forms(const std::vector<std::string>& stems, std::string_view language) const;

    std::size_t longest_entry() const noexcept { return longest_; }  // in words
    std::size_t rule_count() const noexcept { return rules_.size(); }
    const std::vector<SynonymRule>& rules() const noexcept { return rules_; }

    // Rules as JSON text, stored in the index so a search uses the vocabulary it was built with.
    std::string serialize() const;
    static bool deserialize(std::string_view data, Analyzer& analyzer, SynonymMap& out);

private:
    void add_rule(SynonymRule rule, Analyzer& analyzer);
    // Key: the folded words joined by ' ', prefixed with '^' for an abbreviation entry.
    std::unordered_map<std::string, std::vector<Expansion>> map_;
    // Key: the language, ':' and the stems of a multi-word entry joined by ' '; value: the keys
    // of map_ with those stems.
    std::unordered_map<std::string, std::vector<std::string>> forms_;
    std::vector<SynonymRule> rules_;
    std::size_t longest_ = 0;
};

// Words of one entry as the query side sees them; `abbreviation` when written in capitals.
SynonymPhrase analyse_entry(std::string_view entry, Analyzer& analyzer);

}  // namespace medsearch
