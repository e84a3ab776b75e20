#include "medsearch/searcher.hpp"

#include <unicode/unistr.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "highlighter.hpp"
#include "intent.hpp"
#include "likeness.hpp"
#include "medsearch/analyzer.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/synonyms.hpp"
#include "query_builder.hpp"
#include "stored_section.hpp"

namespace medsearch {
namespace fs = std::filesystem;

namespace {

// Whether `b` is `a` with one letter deleted, inserted or changed, or two neighbours swapped.
bool one_edit_apart(std::string_view a, std::string_view b) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > 1) return false;
    std::size_t i = 0;
    while (i < a.size() && a[i] == b[i]) ++i;
    if (i == a.size()) return b.size() == a.size() + 1;  // one letter added at the end (or equal)
    if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1);
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one changed
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
}

// A rough sound key of a folded English or Spanish word: spellings of one sound written one
// way ("ph" and "f"; "ch", "c", "k" and "qu"; "ll", "y" and "i"; "v" and "b"; "z" and "s"; a
// silent "h"), doubled letters once. "fantom" and "phantom", "kronic" and "chronic", "cabayo"
// and "caballo" have one key; "xanax" and "canal" do not.
std::string sound_key(std::string_view word) {
    std::string out;
    auto put = [&](char c) {
        if (out.empty() || out.back() != c) out += c;
    };
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char c = word[i], next = i + 1 < word.size() ? word[i + 1] : '\0';
        const bool pair = (c == 'p' && next == 'h') || (c == 'c' && next == 'h') || (c == 'q' && next == 'u') ||
                          (c == 'l' && next == 'l');
        if (pair) ++i;
        switch (c) {
            case 'p': put(pair ? 'f' : 'p'); break;
            case 'c': case 'q': case 'k': put('k'); break;
            case 'l': put(pair ? 'i' : 'l'); break;
            case 'y': put('i'); break;
            case 'v': put('b'); break;
            case 'z': put('s'); break;
            case 'x': put('k'); put('s'); break;
            case 'h': break;
            default: put(c);
        }
    }
    return out;
}

// `word` (folded, ASCII) in capitals: "sciatica" -> "SCIATICA", "pdpn" -> "PDPN".
std::string capitals(std::string word) {
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return word;
}

// Other matching sections listed under an article's best one.
constexpr std::size_t kMaxExtraSections = 3;
constexpr std::size_t kMaxOffset = 10000;

}  // namespace

// What the directory's stub points at; empty when there is no stub (a plain database).
std::string stub_target(const fs::path& dir) {
    std::ifstream in(dir / std::string(schema::kStubFile));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
}

struct Searcher::Impl {
    fs::path dir;
    std::string stub;  // stub file contents when opened
    Xapian::Database db;
    Analyzer analyzer;
    SynonymMap synonyms;
    IdfCache idf;  // likeness re-ranking; cleared with every (re)load of the index
    std::shared_ptr<const WordList> words;  // correctly spelled words; null: none known
    // Whether any section has searches: without, their field is left out of every query, whose
    // extra terms cost MedQuAD's median 7% (6.50 ms against 6.04).
    bool has_searches = false;

    // What a search reads from the index once per (re)open: its vocabulary and whether any
    // section has searches.
    Status load_from_index() {
        idf.clear();
        const std::string searches(schema::kSearchesPrefix);
        has_searches = db.allterms_begin(searches) != db.allterms_end(searches);
        SynonymMap fresh;
        std::string data = db.get_metadata(std::string(schema::kMetaSynonyms));
        if (!data.empty() && !SynonymMap::deserialize(data, analyzer, fresh))
            return Error{Errc::index_corrupt, dir.string() + ": stored synonyms are unreadable"};
        synonyms = std::move(fresh);
        return Ok{};
    }

    SectionHit section_hit(const StoredSection& stored, Highlighter& highlighter, std::size_t* marks) {
        SectionHit hit;
        hit.anchor = stored.section.anchor;
        hit.heading = stored.section.heading_path.empty() ? stored.section.heading : stored.section.heading_path;
        hit.kind = std::string(to_string(stored.section.kind));
        hit.url = section_path(stored.article.id, stored.section.anchor);
        Highlight h = highlighter.highlight(stored.section.text, stored.article.language);
        hit.snippet_html = std::move(h.snippet_html);
        hit.matched = std::move(h.matched);
        if (marks) *marks = h.marks;
        // Each query part the text leaves out is explained by the first place that has it: the
        // heading, then the article's names, then what people type for the section ("emg test":
        // "test" in the text, "EMG" in the names). A match in the names or the searches says so,
        // whatever the word's relation to the query: the term is there, not in the section.
        std::set<std::string> explained;
        for (const auto& m : hit.matched) explained.insert(m.query);
        auto add_unexplained = [&](std::vector<MatchInfo> found, const char* via) {
            std::set<std::string> now;
            for (auto& m : found) {
                if (explained.count(m.query)) continue;
                if (via) m.via = via;
                now.insert(m.query);
                hit.matched.push_back(std::move(m));
            }
            explained.insert(now.begin(), now.end());
        };
        add_unexplained(highlighter.find(hit.heading, stored.article.language), nullptr);
        std::string names = stored.article.title;
        for (const auto& n : stored.article.also_called) names += " \n " + n;
        add_unexplained(highlighter.find(names, stored.article.language), "name");
        // Names match without their function words ("pins needles": "pins and needles").
        add_unexplained(highlighter.find(content_words(names), stored.article.language), "name");
        std::string searches;
        for (const auto& s : stored.section.searches) searches += s + " \n ";
        add_unexplained(highlighter.find(searches, stored.article.language), "searches");
        return hit;
    }

    // Each line of `text` as the name match reads a name (name_key: no function words).
    std::string content_words(const std::string& text) {
        std::string out;
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = std::min(text.find('\n', start), text.size());
            std::vector<std::string> words;
            for (auto& t : analyzer.tokenize(std::string_view(text).substr(start, end - start)))
                words.push_back(std::move(t.word));
            out += name_key(words) + " \n ";
            start = end + 1;
        }
        return out;
    }

    ParsedQuery parse(const std::string& text, const QueryOptions& options) {
        return parse_in_index(text, analyzer, &synonyms, options, db);
    }

    // The indexed word an unknown word is the start of, when it is one: a search box is often
    // read before the word is finished, and edit distance alone answers "trigem" with "tried"
    // and "gabap" with "gabas". The word in the most sections wins, then the shorter one. Words
    // shorter than `min_length` are not completed.
    std::string completion(const std::string& word, std::size_t min_length = 5) {
        constexpr std::size_t kMaxCandidates = 500;  // bounds the scan under a short, common start
        std::string best;
        if (word.size() < min_length) return best;
        Xapian::doccount best_freq = 0;
        std::size_t seen = 0;
        // Body words are unprefixed and lower case, so nothing else in the index starts with `word`.
        for (auto it = db.allterms_begin(word); it != db.allterms_end(word) && seen < kMaxCandidates; ++it, ++seen) {
            const std::string term = *it;
            if (term.size() <= word.size() || is_stopword(term, "")) continue;
            const Xapian::doccount freq = it.get_termfreq();
            if (freq > best_freq || (freq == best_freq && term.size() < best.size())) {
                best = term;
                best_freq = freq;
            }
        }
        return best;
    }

    // Sections that have the word in some form: the most its stem is in ("tingle": the sections
    // with "tingling"), 0 for a word the index lacks. Of the query's language when it is known:
    // "sintoms" shares its stem with Spanish "síntomas", which is no reason to keep it in English.
    Xapian::doccount stem_frequency(const std::string& word, const std::string& language) {
        Xapian::doccount most = 0;
        for (const auto& lang : language.empty() ? query_languages(QueryOptions{}) : std::vector{language}) {
            std::string term(schema::kStemPrefix);
            term.append(analyzer.stem(word, lang));
            if (!language.empty() && !has_word_in_language(db, term, language)) continue;
            most = std::max(most, db.get_termfreq(term));
        }
        return most;
    }

    // The word the index has for part `i` and the next one written as one ("radio frequency" ->
    // "radiofrequency"), when both are single unquoted words apart only by spaces or a hyphen;
    // empty otherwise. In a query all in capitals every word looks like an abbreviation, so
    // `shouted` lets the next one be one.
    std::string joined_with_next(const std::string& text, const ParsedQuery& parsed, std::size_t i, bool shouted) {
        const auto gap = gap_to_next(text, parsed, i);
        if (!gap || (parsed.parts[i + 1].abbreviation && !shouted) || gap->find_first_not_of(" -") != std::string_view::npos)
            return {};
        return indexed_whole(parsed, i);
    }

    // The text between part `i` and the next when both are single unquoted words; none otherwise.
    static std::optional<std::string_view> gap_to_next(const std::string& text, const ParsedQuery& parsed, std::size_t i) {
        if (i + 1 >= parsed.parts.size()) return std::nullopt;
        const auto& part = parsed.parts[i];
        const auto& next = parsed.parts[i + 1];
        if (part.quoted || next.quoted || part.words.size() != 1 || next.words.size() != 1) return std::nullopt;
        return std::string_view(text).substr(part.end, next.begin - part.end);
    }

    // Part `i`'s word and the next one's as one word, when the index has it (in a section's
    // text or searches, or an article's names: "painkillers"); empty otherwise.
    std::string indexed_whole(const ParsedQuery& parsed, std::size_t i) {
        std::string joined = parsed.parts[i].words[0] + parsed.parts[i + 1].words[0];
        return text_or_search_frequency(joined) > 0 || in_names_or_headings(joined) ? joined : std::string();
    }

    // The index's word for part `i`, one or two letters, and the next, a number, written as one
    // ("b-12" -> "b12", "vitamin b 12" -> "vitamin b12"); empty otherwise.
    std::string joined_code(const std::string& text, const ParsedQuery& parsed, std::size_t i) {
        const auto gap = gap_to_next(text, parsed, i);
        if (!gap) return {};
        const std::string& code = parsed.parts[i].words[0];
        const std::string& number = parsed.parts[i + 1].words[0];
        auto all = [](const std::string& w, int (*is)(int)) {
            return std::all_of(w.begin(), w.end(), [is](unsigned char c) { return is(c) != 0; });
        };
        if (code.empty() || code.size() > 2 || !all(code, std::isalpha) || number.empty() || !all(number, std::isdigit))
            return {};
        // A hyphen joins, and a space after "vitamin" ("vitamin b 12"). A space elsewhere too
        // ("low b 12 numb feet"), unless the letter names a kind ("hepatitis b", "type c") or the
        // number counts something ("b 12 weeks"): "hepatitis b 12 weeks" is no B12.
        auto word_at = [&](std::size_t k) -> std::string_view {
            return k < parsed.parts.size() && parsed.parts[k].words.size() == 1 ? std::string_view(parsed.parts[k].words[0])
                                                                                 : std::string_view();
        };
        const std::string_view before = i > 0 ? word_at(i - 1) : std::string_view();
        static const std::set<std::string_view> kinds = {"hepatitis", "type", "group", "stage", "grade", "class", "phase"};
        static const std::set<std::string_view> units = {"week", "weeks", "day",  "days", "month", "months", "year",
                                                         "years", "hour", "hours", "mg",  "mcg",  "times",  "percent"};
        const bool spaced = gap->find_first_not_of(' ') == std::string_view::npos;
        if (*gap != "-" && !(spaced && (before.starts_with("vitamin") || (!kinds.contains(before) && !units.contains(word_at(i + 2))))))
            return {};
        return indexed_whole(parsed, i);
    }

    // `word` (folded) as a section that has it writes it, in lower case ("ciatica" -> "ciática"),
    // for showing a correction; `word` itself when no section has it written otherwise.
    std::string written_form(const std::string& word) {
        auto show = [&](std::string_view text) -> std::optional<std::string> {
            for (const auto& t : analyzer.tokenize(text)) {
                if (t.word != word) continue;
                std::string lower;
                icu::UnicodeString::fromUTF8(icu::StringPiece(text.data() + t.begin, std::int32_t(t.end - t.begin)))
                    .toLower()
                    .toUTF8String(lower);
                if (fold(lower) == word) return lower;
            }
            return std::nullopt;
        };
        for (const std::string& term : {word, std::string(schema::kSearchesPrefix) + word}) {
            Xapian::PostingIterator it = db.postlist_begin(term);
            if (it == db.postlist_end(term)) continue;
            StoredSection stored;
            if (!decode_section(db.get_document(*it).get_data(), stored)) continue;
            if (auto form = show(stored.section.text)) return *form;
            if (auto form = show(stored.section.heading)) return *form;
            for (const auto& search : stored.section.searches)
                if (auto form = show(search)) return *form;
        }
        return word;
    }

    // Sections with `word` in their text plus those with it in their searches (a section with
    // both counts twice): 0 for a word no section has.
    Xapian::doccount text_or_search_frequency(const std::string& word) {
        return db.get_termfreq(word) + db.get_termfreq(std::string(schema::kSearchesPrefix) + word);
    }

    // Whether an article's title or also-called names, or a section heading, have `word`.
    bool in_names_or_headings(const std::string& word) {
        return db.term_exists(std::string(schema::kTitlePrefix) + word) ||
               db.term_exists(std::string(schema::kHeadingPrefix) + word);
    }

    // Whether `a` and `b` share a stem in `language` (in any language we index, when empty).
    bool same_stem(const std::string& a, const std::string& b, const std::string& language) {
        for (const auto& lang : language.empty() ? query_languages(QueryOptions{}) : std::vector{language})
            if (analyzer.stem(a, lang) == analyzer.stem(b, lang)) return true;
        return false;
    }

    // Whether the sections in `language` have `word` in their text or their searches.
    bool is_word_of(const std::string& word, const std::string& language) {
        return has_word_in_language(db, word, language) ||
               has_word_in_language(db, std::string(schema::kSearchesPrefix) + word, language);
    }

    // Whether words of the word list are corrected like other unknown words.
    enum class RealWords { kept, corrected };

    // The word one edit from `word` (a letter deleted, inserted, changed, or two swapped) that
    // the most sections in `language` (empty: any language) have, stopwords aside; empty when
    // none has one.
    std::string nearest_in_language(const std::string& word, const std::string& language) {
        std::set<std::string> candidates;
        for (std::size_t i = 0; i <= word.size(); ++i) {
            if (i < word.size()) candidates.insert(word.substr(0, i) + word.substr(i + 1));
            if (i + 1 < word.size()) {
                std::string swapped = word;
                std::swap(swapped[i], swapped[i + 1]);
                candidates.insert(swapped);
            }
            for (char c = 'a'; c <= 'z'; ++c) {
                candidates.insert(word.substr(0, i) + c + word.substr(i));
                if (i < word.size()) candidates.insert(word.substr(0, i) + c + word.substr(i + 1));
            }
        }
        std::string best;
        Xapian::doccount best_freq = 0;
        for (const auto& c : candidates) {
            if (c == word || c.size() < 3 || is_stopword(c, "")) continue;
            const Xapian::doccount freq = text_or_search_frequency(c);
            if (freq > best_freq && (language.empty() || is_word_of(c, language))) {
                best = c;
                best_freq = freq;
            }
        }
        return best;
    }

    // Each unknown word is replaced by the indexed word it starts ("trigem"), else by the
    // index's spelling suggestion, and the corrected text parsed afresh, so the correction gets
    // what the word typed right would: its synonyms, the article names it completes, the intent
    // of a cue word ("symtoms"). Returns the corrected query ("did you mean"), or empty if
    // nothing was corrected, leaving `parsed` alone. A word the index or the vocabulary knows is
    // never touched (Xapian alone offers "nerves pain" for "nerve pain"), nor an abbreviation or
    // a cue word; a correctly spelled word of the word list (or another form of one, in the
    // query's language: "saben" of "saber") only with RealWords::corrected, and
    // then `*kept` says whether there was one. Matches of a correction say `via` "spelling".
    std::string correct_spelling(const std::string& text, ParsedQuery& parsed, const QueryOptions& options,
                                 RealWords real_words, bool* kept = nullptr) {
        struct Correction {
            std::size_t begin, end;  // span of the suggestion, as shown, in the corrected text
            std::string typed;       // as typed
            std::string word;        // folded, as typed; empty for two words joined into one
            std::string suggestion;  // folded, as the spelling table has it
        };
        std::vector<Correction> corrections;
        std::string corrected;
        std::size_t cursor = 0;
        // The typed text from `begin` to `end` becomes `shown` in the corrected query.
        auto correct = [&](std::size_t begin, std::size_t end, std::string word, std::string suggestion,
                           const std::string& shown) {
            corrected.append(text, cursor, begin - cursor);
            corrections.push_back({corrected.size(), corrected.size() + shown.size(), text.substr(begin, end - begin),
                                   std::move(word), std::move(suggestion)});
            corrected += shown;
            cursor = end;
        };
        // Cue words are the parser's own vocabulary: "cura sola" must not turn into "cara solo".
        const std::vector<bool> cue = cue_parts(parsed);
        // Another form of a listed word is real too, in the language the query is in: "saben" (of
        // "saber") is no typo for "taken", nor "niños" for "anos". Guessed once, when first needed.
        std::optional<std::string> language;
        auto language_of_query = [&]() -> const std::string& {
            if (!language) language = options.language.empty() ? guess_language(db, parsed, analyzer) : options.language;
            return *language;
        };
        auto another_form = [&](const std::string& word) {
            const std::string& lang = language_of_query();
            return !lang.empty() && words->contains_stem(lang, analyzer.stem(word, lang));
        };
        // A word of the word lists, or another form of one.
        auto is_listed = [&](const std::string& word) { return words && (words->contains(word) || another_form(word)); };
        // A word in no section: not in any text, searches, article name or heading.
        auto in_no_section = [&](const std::string& word) {
            return text_or_search_frequency(word) == 0 && !in_names_or_headings(word);
        };
        // A query typed all in capitals ("SCIATCA TREATMENT") does not say which of its words are
        // abbreviations: those the vocabulary does not expand are corrected like any other.
        // So is a lone word in capitals too long to be an abbreviation ("SIATICA", "GABAPENTN":
        // the vocabulary's run to six letters, "NSAIDS").
        constexpr std::size_t kLongestAbbreviation = 6;
        const bool shouted =
            parsed.parts.size() > 1
                ? std::all_of(parsed.parts.begin(), parsed.parts.end(), [](const QueryPart& p) { return p.abbreviation; })
                : parsed.parts.size() == 1 && parsed.parts[0].abbreviation && parsed.parts[0].synonyms.empty() &&
                      parsed.parts[0].words.size() == 1 && parsed.parts[0].words[0].size() > kLongestAbbreviation;
        // "SCIATICA TREATMENT", not "sciatica TREATMENT"; folded words are ASCII.
        auto as_typed = [shouted](std::string word) { return shouted ? capitals(std::move(word)) : word; };
        // A correction as the articles write it ("dolor de ciática"), in capitals when typed so.
        auto shown = [&](const std::string& word) { return shouted ? as_typed(word) : written_form(word); };
        for (std::size_t i = 0; i < parsed.parts.size(); ++i) {
            const auto& part = parsed.parts[i];
            // A letter code and its number typed apart ("B-12", "vitamin b 12") are one word of
            // the index, both real words apart; the letter keeps its case ("B12" expands).
            if (const std::string joined = joined_code(text, parsed, i); !joined.empty()) {
                const auto& number = parsed.parts[i + 1];
                correct(part.begin, number.end, std::string(), joined,
                        text.substr(part.begin, part.end - part.begin) + text.substr(number.begin, number.end - number.begin));
                ++i;
                continue;
            }
            if (part.quoted || (part.abbreviation && !shouted) || part.words.size() != 1 || !part.synonyms.empty() || cue[i] ||
                is_medicine_word(part.words[0]))
                continue;
            const std::string& word = part.words[0];
            // An abbreviation typed in lower case ("pdpn", "dspn"): in no section and no word list,
            // and in capitals one the vocabulary expands. Corrected to its capitals, which expand;
            // as a word it was "corrected" into another ("pdpn" -> "pain", "dspn" -> "down"). Not
            // two letters, too many of which are words of their own ("ms", "or", "pt").
            // The vocabulary is asked first: in memory, and most words are no abbreviation.
            if (!part.abbreviation && word.size() >= 3 && word.size() <= kLongestAbbreviation &&
                !synonyms.lookup(part.words, true).empty() && in_no_section(word) && !is_listed(word)) {
                correct(part.begin, part.end, word, word, capitals(word));
                continue;
            }
            // A word split in two ("radio frequency", "gaba pentin", "neuro pathy") is joined when
            // the index has the whole; joined, the second word is part of the correction, not
            // searched again. When the first half is a word the index knows too ("neuro", of "neuro
            // exam"), only if the second half is in no section or the first is no word of the word
            // lists: "neuro" and "path" otherwise made "neuro path", the neurological exam. Letter
            // codes and numbers are joined_code's ("hepatitis b 12 weeks" is no B12), unless the
            // first half is unknown.
            if (const std::string joined = joined_with_next(text, parsed, i, shouted);
                !joined.empty() && !is_stopword(word, "")) {
                const bool letters = std::none_of(joined.begin(), joined.end(), [](unsigned char c) { return std::isdigit(c); });
                const bool halves = letters && (text_or_search_frequency(parsed.parts[i + 1].words[0]) == 0 || !is_listed(word));
                // A first half no section has, as the steps below take an unknown word.
                auto unknown = [&] { return word.size() >= 4 && in_no_section(word) && synonyms.lookup(part.words, false).empty(); };
                if (halves || unknown()) {
                    correct(part.begin, parsed.parts[i + 1].end, std::string(), joined, as_typed(joined));
                    ++i;
                    continue;
                }
            }
            if (word.size() < 4 || is_stopword(word, "") || !synonyms.lookup(part.words, false).empty()) continue;
            // A word only an article's names or a heading have is known too: "aidp", an also-called
            // name of Guillain–Barré, was "corrected" into "cidp", another disease.
            if (in_names_or_headings(word) && text_or_search_frequency(word) == 0) continue;
            // The last word of a search box may be unfinished even when the index has it: "diabetic
            // neuro" (3 sections say "neuro") is the start of "neuropathy" (in 150). It is completed
            // when the text ends on it, it is no word of the word lists ("hear" is no "heart",
            // "late" no "later") and the word it starts is in ten times as many sections.
            if (const auto typed_freq = text_or_search_frequency(word); typed_freq > 0) {
                constexpr Xapian::doccount kUnfinished = 10;
                const bool last = i + 1 == parsed.parts.size() && part.end == text.size() && !is_listed(word);
                const std::string started = last ? completion(word, 4) : std::string();
                if (started.empty() || text_or_search_frequency(started) < kUnfinished * typed_freq ||
                    same_stem(word, started, language_of_query()))
                    continue;
                correct(part.begin, part.end, word, started, shown(started));
                continue;
            }
            // A real word is only completed ("cipro" is the start of "ciprofloxacin"), not made
            // into another one ("kids" -> "aids", "panicking" -> "picking").
            const bool listed = is_listed(word);
            const bool real = real_words == RealWords::kept && listed;
            std::string suggestion = completion(word);
            if (suggestion.empty() && real) {
                if (kept) *kept = true;
                continue;
            }
            if (suggestion.empty()) {
                suggestion = db.get_spelling_suggestion(word, 2);
                // Two slips in a short word that change its first letter make another word more
                // often than they mend one: "xanax" was "canal", "norco" "poco", "mobic" "toxic",
                // "kratom" "ratón". Unless one slip, two letters swapped (which Xapian counts as
                // two), or a word that sounds the same ("fantom", "kronic"); "yiers" is "years".
                constexpr std::size_t kShortWord = 6;
                if (word.size() <= kShortWord && !suggestion.empty() && suggestion[0] != word[0] &&
                    !one_edit_apart(word, suggestion) && sound_key(word) != sound_key(suggestion))
                    suggestion.clear();
                // The index's suggestion may be a word of the other language ("siatica" ->
                // "sciatica" in a Spanish query): a word one edit away in the query's language
                // wins, and without one the word is left as typed ("sintoms" is no "sintomas" in
                // "sintoms of neuropathy"). A suggestion the language's sections have in another
                // form is of it: "sjogren" (the sections write "Sjögren's") in "sjoegren burning feet".
                const std::string& lang = language_of_query();
                if (!suggestion.empty() && !lang.empty() && !is_word_of(suggestion, lang) &&
                    stem_frequency(suggestion, lang) == 0)
                    suggestion = nearest_in_language(word, lang);
            }
            // Four letters are as often the start of a word ("carpal tunn", "shingles vacc") as a
            // slip: the word they start wins over a suggestion two edits away ("vacc" is no
            // "vary"), and over one a letter away when in more sections ("tunnel", not "turn").
            // A stopword is no rival ("phan" is no "than"); a listed word ("trig", "char") is
            // completed only when the query found nothing as typed.
            if ((!listed || real_words == RealWords::corrected) && word.size() == 4) {
                if (std::string started = completion(word, 4);
                    !started.empty() &&
                    (suggestion.empty() || is_stopword(suggestion, "") || !one_edit_apart(word, suggestion) ||
                     text_or_search_frequency(started) > text_or_search_frequency(suggestion)))
                    suggestion = std::move(started);
            }
            // A suggestion one edit away is one of the slips of one key the word may be, and
            // neither the index's pick (by occurrences) nor a completion (by prefix) weighs them
            // alike: "posherpetic", in a query of no known language, is a letter short of the
            // Spanish "posherpética" and one from "postherpetic", in more sections. The one in
            // the most sections of the query's language (of any, when it has none) wins. A real
            // word keeps its completion: it is only completed.
            if (!listed && !suggestion.empty() && one_edit_apart(word, suggestion)) {
                if (std::string nearest = nearest_in_language(word, language_of_query());
                    !nearest.empty() && text_or_search_frequency(nearest) > text_or_search_frequency(suggestion))
                    suggestion = std::move(nearest);
            }
            // A stopword is no correction: "till" is a word, not a typo for "will".
            if (suggestion.empty() || suggestion == word || is_stopword(suggestion, "")) continue;
            // Nor another form of the typed word, which its stem finds as typed: "Sjögren" was
            // "corrected" into the "Sjögren's" it starts. Only if the stem finds something: to the
            // Spanish stemmer "cymbalt" is a form of "cymbalta", which only English sections have,
            // so it found nothing, not even the Cymbalta it starts.
            if (same_stem(word, suggestion, language_of_query()) && stem_frequency(word, language_of_query()) > 0) continue;
            // A real word that found nothing is retried as a slip of one key ("feat" for "feet"),
            // not as a word two edits away ("niños" is no "años").
            if (listed && !suggestion.starts_with(word) && !one_edit_apart(word, suggestion)) continue;
            // A word the index has in another form is taken as typed unless the suggestion is the
            // likelier word, in more sections: "tingle" (as "tingling") is no typo for "single",
            // while "neuropaty", whose Spanish stem a few Spanish sections share, is for "neuropathy".
            if (const auto typed = stem_frequency(word, language_of_query()); typed > 0 && typed >= text_or_search_frequency(suggestion))
                continue;
            correct(part.begin, part.end, word, suggestion, shown(suggestion));
        }
        if (corrections.empty()) return {};
        corrected.append(text, cursor, std::string::npos);
        ParsedQuery again = parse(corrected, options);
        for (auto& part : again.parts) {
            // Explanations quote the query as typed: put the typed words back into the part's text.
            std::string typed;
            std::size_t at = part.begin;
            for (const auto& c : corrections) {
                if (c.begin < part.begin || c.end > part.end) continue;
                typed.append(corrected, at, c.begin - at);
                typed += c.typed;
                at = c.end;
                part.spelled.push_back(c.suggestion);
                if (part.words.size() == 1 && !c.word.empty()) {
                    SynonymMap::Expansion typed_word;
                    typed_word.phrase.words = {c.word};
                    typed_word.as_typed = true;
                    part.synonyms.push_back(std::move(typed_word));
                }
            }
            if (part.spelled.empty()) continue;
            typed.append(corrected, at, part.end - at);
            part.typed = std::move(typed);
        }
        parsed = std::move(again);
        return corrected;
    }

    // A language no section is in would find nothing, silently: say which there are instead.
    Status check_language(const std::string& language) {
        if (language.empty() || db.term_exists(std::string(schema::kLanguagePrefix) + language)) return Ok{};
        std::string present;
        const std::string prefix(schema::kLanguagePrefix);
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it)
            present += (present.empty() ? "" : ", ") + (*it).substr(prefix.size());
        if (present.empty()) return Ok{};  // an empty index finds nothing in any language
        return Error{Errc::invalid_input, "lang: no section of this index is in \"" + language +
                                              "\"; its languages: " + present};
    }

    SearchResponse run(const SearchRequest& request) {
        auto started = std::chrono::steady_clock::now();
        QueryOptions options;
        options.synonyms = request.features.synonyms;
        options.field_boosts = request.features.field_boosts;
        options.intent = request.features.intent;
        options.searches = request.features.searches && has_searches;
        options.language = request.language;
        options.ranking = request.ranking;
        ParsedQuery parsed = parse(request.query, options);
        bool real_words_kept = false;
        std::string corrected = request.features.spelling
                                    ? correct_spelling(request.query, parsed, options, RealWords::kept, &real_words_kept)
                                    : std::string();
        SearchResponse response = execute_in_language(request, parsed, options);
        // A real word no section has may still be a slip for one ("feat" for "feet"): tried only
        // when the query finds nothing as typed, the automatic retry of a search box.
        if (response.total == 0 && real_words_kept) {
            ParsedQuery again = parse(request.query, options);
            if (std::string retried = correct_spelling(request.query, again, options, RealWords::corrected);
                !retried.empty()) {
                corrected = std::move(retried);
                response = execute_in_language(request, again, options);
            }
        }
        // A correction that finds nothing either ("neurop" -> "neuron", a word of the vocabulary
        // only) is no better a guess: offer none.
        if (response.total > 0) {
            response.corrected = corrected;
            response.corrected_applied = !corrected.empty();
        }
        response.query = request.query;
        response.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        return response;
    }

    // Without a language asked for, the one the query's words are in when they say (and every
    // language if that finds nothing: a guess, not a filter).
    SearchResponse execute_in_language(const SearchRequest& request, const ParsedQuery& parsed,
                                       const QueryOptions& options) {
        const bool guess = request.language.empty() && request.features.query_language;
        const std::string language = guess ? guess_language(db, parsed, analyzer) : request.language;
        SearchResponse response = execute(request, parsed, options, language);
        if (guess && !language.empty()) {
            if (response.total == 0) response = execute(request, parsed, options, "");
            else response.language = language;
        }
        return response;
    }

    // `language`: only sections in it; empty: every language.
    SearchResponse execute(const SearchRequest& request, const ParsedQuery& parsed, const QueryOptions& options,
                           const std::string& language) {
        SearchResponse response;
        response.page = request.page;
        response.size = request.size;
        const QueryPlan plan = plan_query(parsed, analyzer, options);
        Xapian::Query query = plan.combined();
        if (!query.empty() && !language.empty()) query = in_language(query, language);
        if (query.empty()) return response;

        const bool grouped = request.group == Grouping::article;
        // Grouped, every section of an article would get the same article context: no change.
        query = context_boost(db, query, options.ranking, !grouped && request.features.article_context, parsed,
                              plan.beyond_names)
                    .applied_to(query, whole_best_article(parsed, options.ranking));
        Xapian::Enquire enquire(db);
        enquire.set_query(query);
        enquire.set_weighting_scheme(bm25_weight(options.ranking));
        if (grouped) enquire.set_collapse_key(schema::kSlotArticle);
        const auto offset = std::size_t(request.page - 1) * request.size;
        // The likeness and variety re-rankings reorder the head of the list, so every page of it
        // is cut from the same re-ranked head.
        const double likeness = !grouped && request.features.likeness ? options.ranking.likeness_share : 0;
        const double decay = !grouped && request.features.variety ? options.ranking.repeat_decay : 1;
        const bool reranked = likeness > 0 || decay < 1;
        const std::size_t first = reranked ? 0 : offset;
        const std::size_t wanted = reranked ? std::max(offset + request.size, kLikenessDepth) : request.size;
        Xapian::MSet mset = enquire.get_mset(Xapian::doccount(first), Xapian::doccount(wanted),
                                             Xapian::doccount(kExactTotal));
        response.total = mset.get_matches_estimated();
        // Xapian counted every match when there are at most kExactTotal; a page past the last
        // leaves a loose upper bound on grouped counts, the count itself still exact.
        response.total_estimated =
            mset.get_matches_lower_bound() != mset.get_matches_upper_bound() && mset.get_matches_upper_bound() > kExactTotal;
        std::vector<RankedSection> ranked = rank_by_likeness(db, mset, likeness, idf);
        discount_repeats(ranked, decay);
        const std::size_t begin = std::min(ranked.size(), offset - first);
        const std::size_t end = std::min(ranked.size(), begin + request.size);

        Highlighter highlighter(parsed, analyzer, query_languages(options));
        std::vector<std::string> article_ids;
        for (std::size_t i = begin; i < end; ++i) {
            StoredSection stored;
            if (!decode_section(ranked[i].document.get_data(), stored)) continue;
            SearchHit hit;
            hit.article = ArticleRef{stored.article.id, stored.article.title, article_path(stored.article.id)};
            hit.score = ranked[i].weight;
            hit.sections.push_back(section_hit(stored, highlighter, nullptr));
            article_ids.push_back(stored.article.id);
            response.hits.push_back(std::move(hit));
        }
        if (grouped && !article_ids.empty()) add_other_sections(query, options, article_ids, highlighter, response);
        return response;
    }

    // Under each article's best section, list its other sections that match in their own text.
    void add_other_sections(const Xapian::Query& query, const QueryOptions& options, const std::vector<std::string>& ids,
                            Highlighter& highlighter, SearchResponse& response) {
        std::vector<Xapian::Query> filters;
        for (const auto& id : ids) filters.emplace_back(std::string(schema::kArticlePrefix) + id);
        Xapian::Query restricted(Xapian::Query::OP_FILTER, query,
                                 Xapian::Query(Xapian::Query::OP_OR, filters.begin(), filters.end()));
        Xapian::Enquire enquire(db);
        enquire.set_query(restricted);
        enquire.set_weighting_scheme(bm25_weight(options.ranking));
        Xapian::MSet mset = enquire.get_mset(0, Xapian::doccount(ids.size() * 12));
        std::unordered_map<std::string, std::size_t> hit_of;
        for (std::size_t i = 0; i < response.hits.size(); ++i) hit_of[response.hits[i].article.id] = i;
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            // Decide from the value slot before paying for decoding and highlighting.
            Xapian::Document doc = it.get_document();
            auto found = hit_of.find(doc.get_value(schema::kSlotArticle));
            if (found == hit_of.end()) continue;
            auto& hit = response.hits[found->second];
            if (hit.sections.size() > kMaxExtraSections) continue;
            StoredSection stored;
            if (!decode_section(doc.get_data(), stored)) continue;
            if (hit.sections.front().anchor == stored.section.anchor) continue;
            std::size_t marks = 0;
            SectionHit section = section_hit(stored, highlighter, &marks);
            if (marks == 0) continue;  // matched only through the article's title
            hit.sections.push_back(std::move(section));
        }
    }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;
Searcher::~Searcher() = default;

Result<Searcher> Searcher::open(const fs::path& index_dir, std::shared_ptr<const WordList> words) {
    std::error_code ec;
    if (!fs::exists(index_dir, ec))
        return Error{Errc::not_found, index_dir.string() + ": no index here (run medsearch-index --db " +
                                          index_dir.string() + " first)"};
    auto impl = std::make_unique<Impl>();
    impl->dir = index_dir;
    impl->stub = stub_target(index_dir);
    impl->words = std::move(words);
    try {
        impl->db = Xapian::Database(index_dir.string());
    } catch (const Xapian::DatabaseNotFoundError& e) {
        return Error{Errc::not_found, index_dir.string() + ": no index here: " + e.get_msg()};
    } catch (const Xapian::Error& e) {
        return Error{Errc::index_corrupt, index_dir.string() + ": cannot open index: " + e.get_msg()};
    }
    if (auto st = impl->load_from_index(); !st.ok()) return st.error();
    return Searcher(std::move(impl));
}

namespace {

// Characters that show as nothing, pasted in from web pages and chat apps: the word breaker
// splits a word at some of them ("scia\u200btica" was searched as "scia" and "tica", and
// "corrected" into garbage). Soft hyphen, zero-width space, non-joiner and joiner, word joiner,
// byte order mark.
std::string without_invisible(std::string text) {
    for (std::string_view mark : {"\u00AD", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF"})
        for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at)) text.erase(at, mark.size());
    return text;
}

}  // namespace

Result<SearchResponse> Searcher::search(const SearchRequest& typed) {
    SearchRequest request = typed;
    request.query = without_invisible(typed.query);
    if (request.query.find_first_not_of(" \t\r\n") == std::string::npos)
        return Error{Errc::invalid_input, "q: must not be empty"};
    if (request.query.size() > kMaxQueryBytes)
        return Error{Errc::invalid_input, "q: longer than " + std::to_string(kMaxQueryBytes) + " bytes"};
    if (request.size < 1 || request.size > kMaxPageSize)
        return Error{Errc::invalid_input, "size: must be between 1 and " + std::to_string(kMaxPageSize)};
    if (request.page < 1) return Error{Errc::invalid_input, "page: must be a positive integer"};
    if ((request.page - 1) > kMaxOffset / request.size)
        return Error{Errc::invalid_input, "page: past the last page that can be shown (at most " +
                                              std::to_string(kMaxOffset) + " results)"};
    for (int attempt = 0;; ++attempt) {
        try {
            if (auto st = impl_->check_language(request.language); !st.ok()) return st.error();
            return impl_->run(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // A writer replaced what we were reading: reopen and retry once.
            if (attempt > 0) return Error{Errc::internal, "index changed during the search twice"};
            impl_->db.reopen();
            impl_->idf.clear();
        } catch (const Xapian::Error& e) {
            return Error{Errc::internal, "search failed: " + e.get_description()};
        }
    }
}

Result<Article> Searcher::article(std::string_view id) {
    try {
        std::vector<StoredSection> sections;
        std::string term = std::string(schema::kArticlePrefix) + std::string(id);
        for (auto it = impl_->db.postlist_begin(term); it != impl_->db.postlist_end(term); ++it) {
            StoredSection stored;
            if (decode_section(impl_->db.get_document(*it).get_data(), stored)) sections.push_back(std::move(stored));
        }
        if (sections.empty()) return Error{Errc::not_found, "article \"" + std::string(id) + "\" not found"};
        std::sort(sections.begin(), sections.end(),
                  [](const StoredSection& a, const StoredSection& b) { return a.order < b.order; });
        Article article = sections.front().article;
        for (auto& s : sections) article.sections.push_back(std::move(s.section));
        return article;
    } catch (const Xapian::Error& e) {
        return Error{Errc::internal, "reading article failed: " + e.get_description()};
    }
}

Result<bool> Searcher::refresh() {
    auto& d = *impl_;
    std::string stub = stub_target(d.dir);
    try {
        if (stub != d.stub) {
            // A new build was published: open it fully before letting go of the old one.
            auto fresh = Searcher::open(d.dir, d.words);
            if (!fresh.ok()) return fresh.error();
            // The fresh Searcher recorded the stub it opened, which may be newer than `stub`.
            impl_ = std::move(fresh.value().impl_);
            return true;
        }
        if (!d.db.reopen()) return false;
        if (auto st = d.load_from_index(); !st.ok()) return st.error();
        return true;
    } catch (const Xapian::Error& e) {
        return Error{Errc::index_corrupt, d.dir.string() + ": cannot reopen index: " + e.get_msg()};
    }
}

IndexInfo Searcher::info() {
    IndexInfo info;
    try {
        info.revision = impl_->db.get_revision();
        info.documents = impl_->db.get_doccount();
        auto build = nlohmann::json::parse(impl_->db.get_metadata(std::string(schema::kMetaBuild)), nullptr, false);
        if (build.is_object()) {
            info.build = build.value("build", "");
            info.published = build.value("published", "");
        }
    } catch (const Xapian::Error&) {
    }
    return info;
}

}  // namespace medsearch
