// medsearch-bench-typos: how well the search's spelling correction ("did you mean") recovers
// from typos. Indexes our corpus with our vocabulary into a temporary directory, as
// medsearch-bench-relevance does, misspells the words of the articles' names (and of the
// vocabulary) and the whole names in one word each, deterministically (typos.hpp), and runs
// every misspelling and every correct spelling through Searcher::search as
// /api/search?q=<query>&group=section does. Prints, per language, kind of query and kind of
// slip: how often a correction is offered, how often it is the word meant, how often the first
// hit is the correct spelling's, and latency; and the correct spellings that were "corrected"
// (false corrections). Prints figures; never asserts them (bench/README.md).
//
// Exit status: 0 measured; 1 the index could not be built or opened; 2 usage; 130 interrupted
// (SIGINT/SIGTERM; the temporary index is still removed).
#include <boost/program_options.hpp>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/json_codec.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"
#include "medsearch/word_list.hpp"
#include "bench_support.hpp"
#include "relevance_eval.hpp"
#include "typos.hpp"

#ifndef PROJECT_ROOT_DIR
#error "PROJECT_ROOT_DIR must name the repository root (bench/CMakeLists.txt defines it)"
#endif

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace medsearch;
using namespace medsearch::bench;

namespace {

enum Exit { kOk = 0, kFailed = 1, kUsage = 2, kInterrupted = 130 };

constexpr const char* kProgram = "medsearch-bench-typos";
constexpr std::size_t kFalseCorrectionsShown = 50;  // the rest go to --failures FILE

// The kinds of query the benchmark builds its cases from (--shapes).
enum class Shape {
    word,        // one word of an article's title or other names, alone ("neuropathy")
    name,        // a whole title or other name, as written ("Carpal Tunnel Syndrome")
    // One word of the vocabulary's entries (synonyms/) that no name has, which some section
    // has in its text or searches: the words the spelling correction can offer.
    vocabulary,
    // ... which no section has in its text or searches (only in the vocabulary, a name or a
    // heading): "sheets" of "bed sheets hurt my feet".
    vocabulary_only,
};
constexpr Shape kShapes[] = {Shape::word, Shape::name, Shape::vocabulary, Shape::vocabulary_only};
const char* to_string(Shape shape) {
    switch (shape) {
        case Shape::word: return "word";
        case Shape::name: return "name";
        case Shape::vocabulary: return "vocabulary";
        case Shape::vocabulary_only: return "vocabulary-only";
    }
    return "?";
}
const char* describe(Shape shape) {
    switch (shape) {
        case Shape::word: return "one word of a name";
        case Shape::name: return "whole names, one word misspelt";
        case Shape::vocabulary: return "one word of the vocabulary, in some section's text or searches";
        case Shape::vocabulary_only: return "one word of the vocabulary, in no section's text or searches";
    }
    return "?";
}

struct Options {
    fs::path corpus;
    fs::path synonyms;
    std::vector<Shape> shapes;
    std::size_t worst = 15;
    fs::path failures;  // JSON Lines: every failing misspelling and every false correction
    std::vector<fs::path> word_lists;
};

// ---- the index and the targets ----

// An article's title or one of its other names.
struct Name {
    std::string text;      // as written
    std::string language;  // the article's
};

struct Corpus {
    BuiltIndex index;
    std::vector<Name> names;  // every title and other name, in corpus order
    // Words of the vocabulary's entries, by language (spanish.txt: "es"; the other files: "en").
    std::map<std::string, std::set<std::string>> vocabulary;
    std::set<std::string> all_vocabulary;  // of both languages
    // Each rule's entries, as folded words: which spellings the vocabulary holds as one.
    std::vector<std::vector<std::vector<std::string>>> rules;
};

// Builds and publishes the index in `dir` with build_index, as medsearch-bench-relevance does
// (invalid articles are reported and left out), and keeps what the targets are made of.
Result<Corpus> build_corpus(const fs::path& dir, const fs::path& corpus_dir, const fs::path& synonyms_dir) {
    Corpus corpus;
    Analyzer analyzer;
    IndexHooks hooks;
    hooks.on_article = [&](const Article& article) {
        corpus.names.push_back({article.title, article.language});
        for (const auto& name : article.also_called) corpus.names.push_back({name, article.language});
    };
    hooks.on_vocabulary = [&](const SynonymMap& synonyms) {
        for (const auto& rule : synonyms.rules()) {
            const std::string language = rule.origin.find("spanish") != std::string::npos ? "es" : "en";
            auto& entries = corpus.rules.emplace_back();
            for (const auto* side : {&rule.from, &rule.to})
                for (const auto& entry : *side) {
                    entries.push_back(analyse_entry(entry, analyzer).words);
                    for (const auto& word : entries.back()) {
                        corpus.vocabulary[language].insert(word);
                        corpus.all_vocabulary.insert(word);
                    }
                }
        }
    };
    auto built = build_index(kProgram, display_path(corpus_dir), dir, {corpus_dir}, {synonyms_dir}, hooks);
    if (!built) return built.error();
    corpus.index = std::move(built).value();
    return corpus;
}

// One query of the benchmark: a correct spelling, or a misspelling of one.
struct Case {
    std::string language;
    Shape shape = Shape::word;
    std::optional<EditKind> kind;  // none: the correct spelling
    std::string rule;              // phonetic rule
    std::string query;             // as searched
    std::size_t correct = 0;       // index of the correct spelling's case (itself for one)
    // Outcome.
    bool failed = false;       // the search returned an error
    std::string error;
    std::string corrected;     // SearchResponse::corrected
    bool exact = false;        // `corrected` is the correct spelling, folded
    std::string first;         // the first hit's article id; empty: no hit
    std::string first_title;
    double ms = 0;
    // For a false correction: where the word is known ("text", "names or headings",
    // "vocabulary", and "word list"), the hits the query has with no spelling correction, and
    // whether a vocabulary rule holds the suggestion as another spelling of the word
    // ("carpel tunnel" beside "carpal tunnel").
    std::string known_as;
    std::size_t hits_as_typed = 0;
    bool vocabulary_spelling = false;
};

struct Skipped {  // misspellings left out for being real words, per (language, shape, kind)
    std::map<std::tuple<std::string, Shape, EditKind>, std::size_t> count;
    std::map<std::string, std::size_t> by_rule;  // "<language> <rule>"
};

// The folded words of `text`, joined by spaces: what "equal after folding" compares.
std::string folded_words(Analyzer& analyzer, std::string_view text) {
    std::string out;
    for (const auto& token : analyzer.tokenize(text)) out.append(out.empty() ? "" : " ").append(token.word);
    return out;
}

// Whether a rule of the vocabulary has an entry with `word` that, with `other` in its place, is
// another entry of the rule: the vocabulary holds the two as spellings of one thing.
bool vocabulary_spelling(const Corpus& corpus, const std::string& word, const std::string& other) {
    for (const auto& entries : corpus.rules)
        for (const auto& entry : entries)
            for (std::size_t i = 0; i < entry.size(); ++i) {
                if (entry[i] != word) continue;
                auto respelt = entry;
                respelt[i] = other;
                if (std::find(entries.begin(), entries.end(), respelt) != entries.end()) return true;
            }
    return false;
}

// Every case: the correct spellings of each shape, each followed by its misspellings.
std::vector<Case> make_cases(const Corpus& corpus, const Options& options, Analyzer& analyzer,
                             const IsRealWord& is_real_en, const IsRealWord& is_real_es, const IsRealWord& in_text,
                             Skipped& skipped, std::size_t& not_plain) {
    auto is_real = [&](const std::string& language) -> const IsRealWord& {
        return language == "es" ? is_real_es : is_real_en;
    };
    auto wanted = [&](Shape s) { return std::find(options.shapes.begin(), options.shapes.end(), s) != options.shapes.end(); };
    std::vector<Case> cases;
    auto add_correct = [&](const std::string& language, Shape shape, std::string query) {
        Case c;
        c.language = language;
        c.shape = shape;
        c.query = std::move(query);
        c.correct = cases.size();
        cases.push_back(std::move(c));
        return cases.size() - 1;
    };
    auto add_misspelt = [&](std::size_t correct, const Misspelling& m, std::string query) {
        Case c;
        c.language = cases[correct].language;
        c.shape = cases[correct].shape;
        c.kind = m.kind;
        c.rule = std::string(m.rule);
        c.query = std::move(query);
        c.correct = correct;
        cases.push_back(std::move(c));
    };
    auto count_real = [&](const std::string& language, Shape shape, const Misspelling& m) {
        ++skipped.count[{language, shape, m.kind}];
        if (m.kind == EditKind::phonetic) ++skipped.by_rule[language + " " + std::string(m.rule)];
    };

    // Words of the names, per language, and the names themselves (each once per language).
    std::map<std::string, std::set<std::string>> name_words;
    std::set<std::pair<std::string, std::string>> seen_names;
    std::vector<const Name*> names;
    for (const auto& name : corpus.names) {
        if (!seen_names.insert({name.language, folded_words(analyzer, name.text)}).second) continue;
        names.push_back(&name);
        for (const auto& token : analyzer.tokenize(name.text)) {
            if (token.word.size() < kMinTargetLetters || is_stopword(token.word, name.language)) continue;
            if (misspellable(token.word)) name_words[name.language].insert(token.word);
            else ++not_plain;
        }
    }
    auto add_words = [&](Shape shape, const std::string& language, const std::set<std::string>& words) {
        for (const auto& word : words) {
            const std::size_t correct = add_correct(language, shape, word);
            auto misspelt = misspell(word, language, is_real(language));
            for (const auto& m : misspelt.variants) add_misspelt(correct, m, m.text);
            for (const auto& m : misspelt.real) count_real(language, shape, m);
        }
    };
    if (wanted(Shape::word))
        for (const auto& [language, words] : name_words) add_words(Shape::word, language, words);
    if (wanted(Shape::name)) {
        for (const Name* name : names) {
            const auto tokens = analyzer.tokenize(name->text);
            std::vector<std::string> words;
            for (const auto& t : tokens) words.push_back(t.word);
            const std::size_t correct = add_correct(name->language, Shape::name, name->text);
            auto misspelt = misspell_phrase(words, name->language, is_real(name->language));
            for (const auto& v : misspelt.variants) {
                // The misspelt word replaces the typed one, capitalised when it was (and then
                // without its accents, as people type a slip); the rest of the name as written.
                const auto& t = tokens[v.word];
                std::string word = v.misspelling.text;
                if (name->text[t.begin] >= 'A' && name->text[t.begin] <= 'Z') word[0] = char(word[0] - 'a' + 'A');
                add_misspelt(correct, v.misspelling, name->text.substr(0, t.begin) + word + name->text.substr(t.end));
            }
            for (const auto& v : misspelt.real) count_real(name->language, Shape::name, v.misspelling);
        }
    }
    if (wanted(Shape::vocabulary)) {
        for (const auto& [language, words] : corpus.vocabulary) {
            std::set<std::string> found, only;
            for (const auto& word : words)
                if (word.size() >= kMinTargetLetters && misspellable(word) && !is_stopword(word, language) &&
                    !name_words[language].count(word))
                    (in_text(word) ? found : only).insert(word);
            add_words(Shape::vocabulary, language, found);
            add_words(Shape::vocabulary_only, language, only);
        }
    }
    return cases;
}

// ---- running ----

// The request /api/search?q=<query>&group=section makes: page 1, size 10, no language asked for.
SearchRequest section_request(const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.page = 1;
    request.size = kCutoff;
    request.group = Grouping::section;
    return request;
}

// Runs every case; the correct spellings come before their misspellings. False when interrupted.
bool run_cases(Searcher& searcher, Analyzer& analyzer, std::vector<Case>& cases) {
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (interrupted()) return false;
        Case& c = cases[i];
        const auto t0 = std::chrono::steady_clock::now();
        auto response = searcher.search(section_request(c.query));
        // The JSON encoding of the reply is part of /api/search's in-process work, as in the
        // relevance benchmark's latency.
        if (response) (void)dump_json(nlohmann::json(response.value()));
        c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (!response) {
            c.failed = true;
            c.error = std::string(to_string(response.error().code)) + ": " + response.error().message;
            continue;
        }
        const auto& r = response.value();
        c.corrected = r.corrected;
        if (!r.hits.empty()) {
            c.first = r.hits.front().article.id;
            c.first_title = r.hits.front().article.title;
        }
        if (!c.corrected.empty())
            c.exact = folded_words(analyzer, c.corrected) == folded_words(analyzer, cases[c.correct].query);
        if ((i + 1) % 2000 == 0)
            progress(kProgram, std::to_string(i + 1) + " of " + std::to_string(cases.size()) + " queries, " +
                     std::to_string(int(seconds_since(started))) +
                     " s");
    }
    return true;
}

// ---- reporting ----

bool same_first(const Case& c, const std::vector<Case>& cases) {
    const Case& correct = cases[c.correct];
    return !c.failed && !correct.first.empty() && c.first == correct.first;
}
// A misspelling the engine did not fully recover: no exact correction, or another first article.
bool failure(const Case& c, const std::vector<Case>& cases) {
    return c.kind && (c.failed || !c.exact || (!cases[c.correct].first.empty() && !same_first(c, cases)));
}
bool false_correction(const Case& c) { return !c.kind && !c.corrected.empty(); }

struct Row {
    explicit Row(std::string name = {}, bool of_correct_spellings = false)
        : label(std::move(name)), correct_spellings(of_correct_spellings) {}
    std::string label;
    bool correct_spellings = false;
    std::size_t n = 0, skipped = 0, offered = 0, exact = 0, first_known = 0, same_first = 0, errors = 0;
    std::vector<double> ms;
};

void add_to(Row& row, const Case& c, const std::vector<Case>& cases) {
    ++row.n;
    if (c.failed) ++row.errors;
    if (!c.corrected.empty()) ++row.offered;
    if (c.exact) ++row.exact;
    if (!cases[c.correct].first.empty()) {
        ++row.first_known;
        if (same_first(c, cases)) ++row.same_first;
    }
    row.ms.push_back(c.ms);
}

std::string percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", 100.0 * double(part) / double(whole));
    return buf;
}

std::string millis(std::vector<double>& ms, double p) {
    if (ms.empty()) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", percentile(ms, p));
    return buf;
}

void print_rows(std::vector<Row>& rows, const std::string& first_column) {
    std::printf("| %s | n | skipped (real) | offered %% | exact %% | same first %% | false corr. | median ms | p95 ms |\n",
                first_column.c_str());
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (auto& r : rows) {
        if (r.correct_spellings)
            std::printf("| %s | %zu | — | %s | — | — | %zu | %s | %s |\n", r.label.c_str(), r.n,
                        percent(r.offered, r.n).c_str(), r.offered, millis(r.ms, 50).c_str(), millis(r.ms, 95).c_str());
        else
            std::printf("| %s | %zu | %zu | %s | %s | %s | — | %s | %s |\n", r.label.c_str(), r.n, r.skipped,
                        percent(r.offered, r.n).c_str(), percent(r.exact, r.n).c_str(),
                        percent(r.same_first, r.first_known).c_str(), millis(r.ms, 50).c_str(),
                        millis(r.ms, 95).c_str());
    }
    std::printf("\n");
}

const char* language_name(const std::string& language) {
    return language == "en" ? "English" : language == "es" ? "Spanish" : language.c_str();
}

void print_tables(const std::vector<Case>& cases, const Skipped& skipped) {
    std::set<std::string> languages;
    for (const auto& c : cases) languages.insert(c.language);
    for (const auto& language : languages) {
        for (Shape shape : kShapes) {
            Row correct{"as spelled", true};
            std::vector<Row> kinds;
            for (EditKind kind : kEditKinds) {
                Row r{to_string(kind)};
                if (auto it = skipped.count.find({language, shape, kind}); it != skipped.count.end()) r.skipped = it->second;
                kinds.push_back(std::move(r));
            }
            Row all{"all misspelt"};
            for (const auto& c : cases) {
                if (c.language != language || c.shape != shape) continue;
                if (!c.kind) {
                    add_to(correct, c, cases);
                    continue;
                }
                add_to(kinds[std::size_t(*c.kind)], c, cases);
                add_to(all, c, cases);
            }
            if (correct.n == 0) continue;
            for (const auto& k : kinds) all.skipped += k.skipped;
            std::printf("### %s, %s (%zu correct spellings)\n\n", language_name(language), describe(shape), correct.n);
            std::vector<Row> rows{std::move(correct)};
            for (auto& k : kinds) rows.push_back(std::move(k));
            rows.push_back(std::move(all));
            print_rows(rows, "edit");
            std::size_t errors = 0;
            for (const auto& r : rows) errors += r.errors;
            if (errors > 0) std::printf("%zu searches returned an error (counted as no correction).\n\n", errors);
        }
    }
    // The phonetic rules one by one, every shape together.
    std::map<std::string, Row> rules;
    for (const auto& c : cases) {
        if (c.kind != EditKind::phonetic) continue;
        const std::string key = c.language + " " + c.rule;
        auto& r = rules[key];
        r.label = key;
        add_to(r, c, cases);
    }
    for (const auto& [key, count] : skipped.by_rule) {
        auto& r = rules[key];
        r.label = key;
        r.skipped = count;
    }
    if (!rules.empty()) {
        std::printf("### Phonetic misspellings by rule (every kind of query)\n\n");
        std::vector<Row> rows;
        for (auto& [key, r] : rules) rows.push_back(std::move(r));
        print_rows(rows, "language, rule");
    }
}

// What a misspelling's failure is, most harmful first: it orders the --worst list.
int severity(const Case& c, const std::vector<Case>& cases) {
    const bool lost = !cases[c.correct].first.empty() && !same_first(c, cases);
    const bool offered = !c.corrected.empty();
    if (offered && !c.exact && lost) return 0;   // a wrong "did you mean" and another article
    if (!offered && lost) return 1;              // nothing offered, another article (or none)
    if (offered && !c.exact) return 2;           // a wrong "did you mean", the same article anyway
    if (c.exact && lost) return 3;               // the right word, another article first
    return 4;                                    // nothing offered, the same article anyway
}
const char* severity_name(int s) {
    static const char* names[] = {"wrong correction, other article", "no correction, other article",
                                  "wrong correction, same article", "right correction, other article",
                                  "no correction, same article"};
    return names[s];
}

std::string cell(const std::string& text) {
    std::string out;
    for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
}

std::string first_label(const Case& c) {
    if (c.failed) return "error";
    return c.first.empty() ? "(no hit)" : c.first;
}

void print_failures(const std::vector<Case>& cases, std::size_t worst) {
    std::vector<const Case*> failing;
    std::vector<const Case*> wrongly_corrected;
    std::map<int, std::size_t> by_severity;
    for (const auto& c : cases) {
        if (false_correction(c)) wrongly_corrected.push_back(&c);
        if (!failure(c, cases)) continue;
        failing.push_back(&c);
        ++by_severity[severity(c, cases)];
    }
    std::size_t misspelt = 0;
    for (const auto& c : cases) misspelt += c.kind.has_value();
    std::printf("### Failures\n\n%zu of %zu misspellings were not fully recovered (no exact correction, or another "
                "first article than the correct spelling's):\n\n",
                failing.size(), misspelt);
    for (const auto& [s, n] : by_severity) std::printf("- %s: %zu\n", severity_name(s), n);
    std::printf("\n");

    std::printf("False corrections (a correction offered for a correct spelling): %zu of %zu.\n\n",
                wrongly_corrected.size(), cases.size() - misspelt);
    if (!wrongly_corrected.empty()) {
        std::size_t found_as_typed = 0, held = 0;
        for (const Case* c : wrongly_corrected) {
            found_as_typed += c->hits_as_typed > 0;
            held += c->vocabulary_spelling;
        }
        std::printf("%zu of them find something with no correction (the others found nothing as typed and were "
                    "retried); for %zu the vocabulary holds the suggestion as another spelling of the word.\n\n",
                    found_as_typed, held);
        std::printf("| lang | kind | query | known as | hits uncorrected | suggested | vocabulary spelling | first hit |\n"
                    "|---|---|---|---|---:|---|---|---|\n");
        for (std::size_t i = 0; i < wrongly_corrected.size() && i < kFalseCorrectionsShown; ++i) {
            const Case& c = *wrongly_corrected[i];
            std::printf("| %s | %s | %s | %s | %zu | %s | %s | %s |\n", c.language.c_str(), to_string(c.shape),
                        cell(c.query).c_str(), c.known_as.c_str(), c.hits_as_typed, cell(c.corrected).c_str(),
                        c.vocabulary_spelling ? "yes" : "no", first_label(c).c_str());
        }
        if (wrongly_corrected.size() > kFalseCorrectionsShown)
            std::printf("\n(%zu more: --failures FILE lists them all)\n", wrongly_corrected.size() - kFalseCorrectionsShown);
        std::printf("\n");
    }
    if (worst == 0 || failing.empty()) return;
    // Most harmful first; within a kind of failure an order by hash of the query, the same on
    // every run, that mixes languages, shapes and edits instead of listing one word's slips.
    std::stable_sort(failing.begin(), failing.end(), [&](const Case* a, const Case* b) {
        const int sa = severity(*a, cases), sb = severity(*b, cases);
        if (sa != sb) return sa < sb;
        return fnv1a(a->query) < fnv1a(b->query);
    });
    // Taken in turn from each kind of query, so that the 7,000 vocabulary cases do not hide the
    // names' failures.
    std::vector<const Case*> shown;
    for (std::size_t round = 0; shown.size() < std::min(worst, failing.size()); ++round)
        for (Shape shape : kShapes) {
            std::size_t seen = 0;
            for (const Case* c : failing) {
                if (c->shape != shape) continue;
                if (seen++ == round) {
                    if (shown.size() < worst) shown.push_back(c);
                    break;
                }
            }
        }
    std::printf("%zu failures (--worst), the most harmful first of each kind of query in turn:\n\n", shown.size());
    std::printf("| lang | kind | edit | query | suggested | expected | first hit | expected first |\n"
                "|---|---|---|---|---|---|---|---|\n");
    for (const Case* failed : shown) {
        const Case& c = *failed;
        const Case& correct = cases[c.correct];
        std::string edit = to_string(*c.kind);
        if (!c.rule.empty()) edit += " " + c.rule;
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", c.language.c_str(), to_string(c.shape),
                    edit.c_str(), cell(c.query).c_str(), c.corrected.empty() ? "—" : cell(c.corrected).c_str(),
                    cell(correct.query).c_str(), first_label(c).c_str(), first_label(correct).c_str());
    }
    std::printf("\n");
}

bool write_failures(const fs::path& path, const std::vector<Case>& cases) {
    std::ofstream out(path);
    for (const auto& c : cases) {
        const bool wrong = false_correction(c);
        if (!wrong && !failure(c, cases)) continue;
        const Case& correct = cases[c.correct];
        nlohmann::json line = {{"language", c.language}, {"shape", to_string(c.shape)},
                               {"edit", c.kind ? to_string(*c.kind) : "none"}, {"query", c.query},
                               {"expected", correct.query}, {"suggested", c.corrected},
                               {"exact", c.exact}, {"first", c.first}, {"expected_first", correct.first},
                               {"ms", c.ms}};
        if (!c.rule.empty()) line["rule"] = c.rule;
        if (wrong) {
            line["false_correction"] = true;
            line["known_as"] = c.known_as;
            line["hits_uncorrected"] = c.hits_as_typed;
            line["vocabulary_spelling"] = c.vocabulary_spelling;
        }
        else line["failure"] = severity_name(severity(c, cases));
        if (c.failed) line["error"] = c.error;
        out << dump_json(line) << '\n';
    }
    return static_cast<bool>(out);
}

// ---- the run ----

int run(const Options& options, const std::string& command) {
    std::printf("## Typos, %s\n\n- Command: `%s`\n- Machine: %u CPUs (nproc), %s; one search thread\n",
                utc_now().c_str(), command.c_str(), std::thread::hardware_concurrency(), cpu_model().c_str());
    auto temp = TempDir::create(fs::temp_directory_path(), "medsearch-typos");
    if (!temp) {
        std::cerr << kProgram << ": cannot create a temporary directory under " << fs::temp_directory_path() << '\n';
        return kFailed;
    }
    auto loaded = WordList::load(options.word_lists);
    if (!loaded) {
        std::cerr << kProgram << ": --words: " << loaded.error().message << '\n';
        return kFailed;
    }
    std::printf("- Word lists: %s\n", describe_word_lists(options.word_lists, loaded.value().size()).c_str());
    const auto words = std::make_shared<const WordList>(std::move(loaded).value());

    progress(kProgram, "indexing " + display_path(options.corpus) + "...");
    auto built = build_corpus(temp->path() / "index", options.corpus, options.synonyms);
    if (interrupted()) return kInterrupted;
    if (!built) {
        std::cerr << kProgram << ": index: " << built.error().message << '\n';
        return kFailed;
    }
    const Corpus& corpus = built.value();
    std::printf("- Index: %s with %s: %zu articles, %zu sections, %zu synonym rules; built in %.1f s\n",
                display_path(options.corpus).c_str(), display_path(options.synonyms).c_str(), corpus.index.articles,
                corpus.index.sections, corpus.index.synonym_rules, corpus.index.seconds);

    auto searcher = Searcher::open(corpus.index.dir, words);
    if (!searcher) {
        std::cerr << kProgram << ": cannot open the index: " << searcher.error().message << '\n';
        return kFailed;
    }
    // A misspelling that is a real word tests the word lists, not the correction: any word of
    // the index (text, heading, names, searches), of the vocabulary, or of a word list, or
    // another form of a listed word in the target's language (the engine keeps those as typed).
    Xapian::Database db;
    try {
        db = Xapian::Database(corpus.index.dir.string());
    } catch (const Xapian::Error& e) {
        std::cerr << kProgram << ": cannot read the index's words: " << e.get_description() << '\n';
        return kFailed;
    }
    Analyzer analyzer;
    auto in_index = [&](std::string_view word) {
        const std::string w(word);
        for (std::string_view prefix : {schema::kBodyPrefix, schema::kHeadingPrefix, schema::kTitlePrefix,
                                        schema::kSearchesPrefix})
            if (db.term_exists(std::string(prefix) + w)) return true;
        return false;
    };
    auto real_in = [&](std::string language) -> IsRealWord {
        return [&, language](std::string_view word) {
            const std::string w(word);
            return in_index(w) || corpus.all_vocabulary.count(w) || words->contains(w) ||
                   words->contains_stem(language, analyzer.stem(w, language));
        };
    };
    // What the engine counts as a word it has: a section's text or searches.
    const IsRealWord in_text = [&](std::string_view word) {
        const std::string w(word);
        return db.term_exists(std::string(schema::kBodyPrefix) + w) || db.term_exists(std::string(schema::kSearchesPrefix) + w);
    };
    Skipped skipped;
    std::size_t not_plain = 0;
    auto cases = make_cases(corpus, options, analyzer, real_in("en"), real_in("es"), in_text, skipped, not_plain);
    std::size_t skipped_total = 0;
    for (const auto& [key, n] : skipped.count) skipped_total += n;
    std::size_t misspelt = 0;
    for (const auto& c : cases) misspelt += c.kind.has_value();
    std::string shapes;
    for (Shape s : options.shapes) shapes += (shapes.empty() ? "" : ", ") + std::string(to_string(s));
    std::printf("- Queries (%s): %zu correct spellings and %zu misspellings; %zu misspellings left out as real "
                "words; %zu name words of %zu+ letters left out for holding other characters than a-z\n",
                shapes.c_str(), cases.size() - misspelt, misspelt, skipped_total, not_plain, kMinTargetLetters);
    std::printf("- Searched as `/api/search?q=<query>&group=section` (page 1, size %zu, no lang)\n\n", kCutoff);

    progress(kProgram, "searching " + std::to_string(cases.size()) + " queries...");
    const auto started = std::chrono::steady_clock::now();
    if (!run_cases(searcher.value(), analyzer, cases)) return kInterrupted;
    // Each false correction explained: where its word is known, and what it finds uncorrected.
    for (auto& c : cases) {
        if (!false_correction(c)) continue;
        SearchRequest plain = section_request(c.query);
        plain.features.spelling = false;
        if (auto r = searcher.value().search(plain)) c.hits_as_typed = r.value().total;
        if (c.shape == Shape::name) {
            c.known_as = "name";
            continue;
        }
        const std::string suggestion = folded_words(analyzer, c.corrected);
        c.vocabulary_spelling = vocabulary_spelling(corpus, c.query, suggestion);
        c.known_as = in_text(c.query)                                ? "text"
                     : in_index(c.query)                             ? "names or headings"
                     : corpus.all_vocabulary.count(c.query)          ? "vocabulary"
                                                                     : "nowhere";
        if (words->contains(c.query) || words->contains_stem(c.language, analyzer.stem(c.query, c.language)))
            c.known_as += ", word list";
    }
    progress(kProgram, "searched in " + std::to_string(int(seconds_since(started))) + " s");

    print_tables(cases, skipped);
    print_failures(cases, options.worst);
    if (!options.failures.empty()) {
        if (!write_failures(options.failures, cases)) {
            std::cerr << kProgram << ": --failures: cannot write " << options.failures << '\n';
            return kFailed;
        }
        progress(kProgram, "failures written to " + options.failures.string());
    }
    return kOk;
}

int usage_error(const std::string& message, const po::options_description& visible) {
    std::cerr << kProgram << ": " << message << "\n\nusage: " << kProgram << " [options]\n" << visible;
    return kUsage;
}

}  // namespace

int main(int argc, char** argv) try {
    const fs::path root = PROJECT_ROOT_DIR;
    Options options;
    options.corpus = root / "corpus";
    options.synonyms = root / "synonyms";
    std::string shapes = "word,name,vocabulary";
    std::vector<fs::path> word_lists;
    bool no_words = false;

    po::options_description visible("options");
    visible.add_options()
        ("help,h", "show this help")
        ("shapes", po::value<std::string>(&shapes)->default_value(shapes)->value_name("LIST"),
         "queries to misspell, comma-separated: word (each word of 5+ letters of the articles' titles and "
         "other names), name (each whole title and other name, one word misspelt), vocabulary (each word of "
         "5+ letters of synonyms/ that no name has)")
        ("worst", po::value<std::size_t>(&options.worst)->default_value(options.worst)->value_name("N"),
         "print the N most harmful failures, with what the engine suggested; 0: none")
        ("failures", po::value<fs::path>(&options.failures)->value_name("FILE"),
         "write every failure and every false correction to FILE (JSON Lines)")
        ("corpus", po::value<fs::path>(&options.corpus)->default_value(options.corpus)->value_name("DIR"),
         "our articles")
        ("synonyms", po::value<fs::path>(&options.synonyms)->default_value(options.synonyms)->value_name("DIR"),
         "our vocabulary")
        ("words", po::value<std::vector<fs::path>>(&word_lists)->value_name("FILE"),
         "word list of correctly spelled words, as medsearch-server --words; repeatable; default: Debian's "
         "/usr/share/dict/american-english and /usr/share/dict/spanish when installed")
        ("no-words", po::bool_switch(&no_words), "use no word list");

    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, visible), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(e.what(), visible);
    }
    if (vm.count("help")) {
        std::cout << "usage: " << kProgram << " [options]\n"
                     "Indexes our corpus into a temporary directory, misspells the words of the articles' names\n"
                     "and of the vocabulary (one deletion, transposition, QWERTY substitution, doubled letter and\n"
                     "a few phonetic slips each, placed by a hash of the word), searches every misspelling and\n"
                     "every correct spelling as /api/search?group=section does, and prints per language, kind of\n"
                     "query and edit: corrections offered, exact corrections, same first article as the correct\n"
                     "spelling, false corrections and latency. Markdown, ready for bench/RESULTS.md.\n"
                     "Details: bench/README.md.\n\n"
                  << visible;
        return kOk;
    }
    std::error_code ec;
    if (!fs::is_directory(options.corpus, ec))
        return usage_error("--corpus: " + options.corpus.string() + ": no such directory", visible);
    if (!fs::exists(options.synonyms, ec))
        return usage_error("--synonyms: " + options.synonyms.string() + ": no such file or directory", visible);
    auto chosen = chosen_word_lists(word_lists, no_words);
    if (!chosen) return usage_error(chosen.error().message, visible);
    options.word_lists = std::move(chosen).value();
    for (const auto& file : options.word_lists)
        if (!fs::is_regular_file(file, ec))
            return usage_error("--words: " + file.string() + ": no such file", visible);
    for (const auto& name : split_list(shapes)) {
        // "vocabulary" names both vocabulary shapes; they are one set of words, split by the text.
        const Shape* it = std::find_if(std::begin(kShapes), std::end(kShapes) - 1, [&](Shape s) { return name == to_string(s); });
        if (it == std::end(kShapes) - 1)
            return usage_error("--shapes: expected some of word, name, vocabulary; got \"" + name + "\"", visible);
        for (Shape shape : {*it, Shape::vocabulary_only}) {
            if (shape == Shape::vocabulary_only && *it != Shape::vocabulary) continue;
            if (std::find(options.shapes.begin(), options.shapes.end(), shape) == options.shapes.end())
                options.shapes.push_back(shape);
        }
    }
    if (options.shapes.empty()) return usage_error("--shapes: name at least one of word, name, vocabulary", visible);

    stop_on_signals();
    const int status = run(options, command_line(argc, argv));
    if (status == kInterrupted) std::cerr << kProgram << ": interrupted; temporary index removed\n";
    return status;
} catch (const std::exception& e) {
    std::cerr << kProgram << ": internal error: " << e.what() << '\n';
    return kFailed;
}
