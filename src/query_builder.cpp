#include "query_builder.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "intent.hpp"
#include "medsearch/schema.hpp"

namespace medsearch {
namespace {

// Whether any section of `db` matches `query`: a probe, so no weights are computed.
bool matches_any(const Xapian::Database& db, const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return !enquire.get_mset(0, 1).empty();
}

// Adds to `names` the XN term of `words` when an article of `db` has that name.
void add_if_name(const Xapian::Database& db, const std::vector<std::string>& words, std::vector<std::string>& names) {
    std::string term = name_term(words);
    if (!term.empty() && db.term_exists(term)) names.push_back(std::move(term));
}

// Adds the names `part` gives: its words, and its equivalents ("neuropathy" for "nerve pain"),
// not what one-way rules point it at ("jolts of pain in my jaw" => trigeminal neuralgia asks more).
void add_part_names(const Xapian::Database& db, const QueryPart& part, std::vector<std::string>& names) {
    add_if_name(db, part.words, names);
    for (const auto& s : part.synonyms)
        if (!s.one_way) add_if_name(db, s.phrase.words, names);
}

// Words that frame a question instead of naming what it is about. The verb of "does ibuprofen
// work", "what helps burning feet", "will quitting drinking fix it", "qué medicamentos sirven"
// asks whether a thing works; counted as a word, it gave the sections that happen to say "work"
// the coordination of a full match ("does advil work for nerve pain": the Cancer Pain treatment
// section above the pain relievers' own page). "How does X work" asks how, and its "work" finds
// the How It Works sections: kept. The second words of "how long", "how much", "how many", "how
// often", "how soon" go too (MedQuAD's "How many people are affected by ..." matched every
// section saying "many"), and the "else" of "what else helps". So does the verb of "how do I
// know if I have neuropathy", "how can I tell whether", "para saber si tengo ciática": rare in the
// articles, "know" outweighed "neuropathy" and opened on a section that says "you will know".
bool is_question_word(std::string_view word, const std::vector<std::string>& query_words, std::string_view language) {
    const bool english = language != "es", spanish = language != "en";
    // Whether the query has `first` followed by a word `next` accepts.
    auto followed_by = [&](std::string_view first, auto&& next) {
        for (std::size_t i = 0; i + 1 < query_words.size(); ++i)
            if (query_words[i] == first && next(query_words[i + 1])) return true;
        return false;
    };
    if (followed_by(word, [&](std::string_view next) { return frames_diagnosis_question(word, next); })) return true;
    if (english && word == "whether") return true;  // a function word the stopword list lacks
    if (spanish && (word == "sirve" || word == "sirven" || word == "ayuda" || word == "ayudan" ||
                    word == "funciona" || word == "funcionan"))
        return true;
    if (!english) return false;
    if (word == "help" || word == "helps" || word == "fix" || word == "fixes" || word == "else") return true;
    if (word == "long" || word == "much" || word == "many" || word == "often" || word == "soon")
        return followed_by("how", [&](std::string_view next) { return next == word; });
    return (word == "work" || word == "works") && (query_words.empty() || query_words.front() != "how");
}

struct Segment {
    std::string_view text;
    std::size_t offset;
    bool quoted;
};

// The length of the quotation mark opening or closing a phrase at `i`, or 0: straight, curly
// (“ ” „) and fullwidth double quotes and guillemets (« », as Spanish writes them). Not single
// quotes: the closing one is also the apostrophe ("can’t").
std::size_t quote_mark_at(std::string_view text, std::size_t i) {
    for (std::string_view mark : {"\"", "“", "”", "„", "«", "»", "＂"})
        if (text.substr(i, mark.size()) == mark) return mark.size();
    return 0;
}

// Splits on quotation marks: odd segments are quoted. An unmatched quote quotes to the end.
std::vector<Segment> split_quotes(std::string_view text) {
    std::vector<Segment> out;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size();) {
        const std::size_t mark = i == text.size() ? 1 : quote_mark_at(text, i);
        if (mark == 0) {
            ++i;
            continue;
        }
        if (i > start) out.push_back(Segment{text.substr(start, i - start), start, quoted});
        quoted = !quoted;
        i += mark;
        start = i;
    }
    return out;
}

using Fields = std::vector<std::string_view>;  // term prefixes of schema.hpp

// A word is searched by its stem, but an abbreviation as written: lower-cased and stemmed, "TENS"
// would find "ten" and "tense", "CTS" a "CT" scan.
enum class Stemming { stemmed, as_written };

// A word or phrase in the given fields. Several fields form one OP_SYNONYM: one BM25 term whose
// wdf adds up over the fields and whose IDF is that of their union (the idea of BM25F), so a
// heading found in one section, or a title repeated in every section of its article, cannot
// outweigh the text by its rarity alone.
Xapian::Query unit_query(const std::vector<std::string>& words, const Fields& fields, Analyzer& analyzer,
                         const std::vector<std::string>& languages, Stemming stemming = Stemming::stemmed) {
    std::vector<Xapian::Query> alternatives;
    if (words.size() == 1 && stemming == Stemming::as_written) {
        for (auto prefix : fields) alternatives.emplace_back(std::string(prefix) + words[0]);
    } else if (words.size() == 1) {
        std::vector<std::string> stems;
        for (auto prefix : fields) {
            for (const auto& lang : languages) {
                // append, not operator+: GCC 12 warns falsely (-Wrestrict) on a chain of temporaries.
                std::string term(schema::kStemPrefix);
                term.append(prefix).append(analyzer.stem(words[0], lang));
                if (std::find(stems.begin(), stems.end(), term) == stems.end()) stems.push_back(term);
            }
        }
        for (auto& t : stems) alternatives.emplace_back(std::move(t));
    } else {
        for (auto prefix : fields) {
            std::vector<Xapian::Query> terms;
            for (const auto& w : words) terms.emplace_back(std::string(prefix) + w);
            alternatives.emplace_back(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                                      Xapian::termcount(words.size()));
        }
    }
    if (alternatives.size() == 1) return alternatives[0];
    return Xapian::Query(Xapian::Query::OP_SYNONYM, alternatives.begin(), alternatives.end());
}

// The meaningful words of an unquoted multi-word part, searched loosely: "can't feel my
// fingers" should still find "numb fingers" when the phrase itself is nowhere in the text.
// `cue` (per word, may be empty) with `cues`: only the intent's cue words, or only the others.
Xapian::Query loose_words(const QueryPart& part, const Fields& fields, Analyzer& analyzer,
                          const std::vector<std::string>& languages, double weight,
                          const std::vector<bool>& cue = {}, bool cues = false) {
    if (part.quoted || part.words.size() < 2) return Xapian::Query();
    std::vector<Xapian::Query> words;
    for (std::size_t i = 0; i < part.words.size(); ++i)
        if (!is_stopword(part.words[i], "") && (cue.empty() ? !cues : cue[i] == cues))
            words.push_back(unit_query({part.words[i]}, fields, analyzer, languages));
    if (words.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(Xapian::Query::OP_OR, words.begin(), words.end()), weight);
}

enum class ExactBonus { added, left_out };

// The target of a one-way lay rule only points at the article; an equivalent, or an
// abbreviation's expansion, is the same term as the typed form.
bool points_at_article(const SynonymMap::Expansion& s) { return s.one_way && !s.abbreviation; }

// The weight of a multi-word part's loose words. A lay description (found only through one-way
// rules) is seldom in any text: its words carry it.
double loose_weight(const QueryPart& part, const RankingParams& ranking) {
    const bool lay = !part.synonyms.empty() && std::all_of(part.synonyms.begin(), part.synonyms.end(), points_at_article);
    return lay ? ranking.lay_word_weight : ranking.loose_weight;
}

// A part in `fields`: its typed form and its equivalents (in `synonym_fields` only) as one
// OP_SYNONYM with a bonus for the typed form, the targets of one-way rules at one_way_weight,
// and the loose words of a multi-word part but for its cue words (`cue`, per word; may be empty).
Xapian::Query field_query(const QueryPart& part, const Fields& fields, const Fields& synonym_fields,
                          Analyzer& analyzer, const std::vector<std::string>& languages, const RankingParams& ranking,
                          ExactBonus bonus = ExactBonus::added, const std::vector<bool>& cue = {}) {
    Xapian::Query typed = unit_query(part.words, fields, analyzer, languages,
                                     expands_as_abbreviation(part) ? Stemming::as_written : Stemming::stemmed);
    Xapian::Query loose = loose_words(part, fields, analyzer, languages, loose_weight(part, ranking), cue);
    if (part.synonyms.empty() || synonym_fields.empty())
        return loose.empty() ? typed : Xapian::Query(Xapian::Query::OP_OR, typed, loose);
    std::vector<Xapian::Query> alternatives{typed}, pointers;
    // The word as typed beside its spelling correction is no equivalent the correction should
    // be preferred to: with it alone, the correction gets no bonus over the query's other words.
    bool equivalents = false;
    for (const auto& s : part.synonyms) {
        (points_at_article(s) ? pointers : alternatives)
            .push_back(unit_query(s.phrase.words, synonym_fields, analyzer, languages));
        equivalents = equivalents || (!points_at_article(s) && !s.as_typed);
    }
    std::vector<Xapian::Query> scored;
    if (alternatives.size() == 1) {
        scored.push_back(typed);
    } else {
        scored.emplace_back(Xapian::Query::OP_SYNONYM, alternatives.begin(), alternatives.end());
        if (bonus == ExactBonus::added && equivalents)
            scored.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, typed, ranking.exact_bonus);
    }
    if (!pointers.empty()) {
        Xapian::Query pointed =
            pointers.size() == 1 ? pointers[0] : Xapian::Query(Xapian::Query::OP_SYNONYM, pointers.begin(), pointers.end());
        scored.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, pointed, ranking.one_way_weight);
    }
    if (!loose.empty()) scored.push_back(loose);
    return Xapian::Query(Xapian::Query::OP_OR, scored.begin(), scored.end());
}

// Every run of consecutive parts as a whole-name term, weighted by the share of the query the
// run covers: a name that is the whole query counts fully, "neuropathy" inside "exercises for
// neuropathy in feet" a third. A single part and its synonyms form one OP_SYNONYM, so an
// article with five names for the same thing ("nerve pain", "neuralgia" …) is not counted five
// times.
Xapian::Query names_query(const ParsedQuery& parsed, double weight) {
    std::vector<std::string> seen;
    std::vector<Xapian::Query> terms;
    const auto& parts = parsed.parts;
    const double total = double(parts.size());
    auto term_of = [&](const std::vector<std::string>& words) -> std::optional<std::string> {
        std::string term = name_term(words);
        if (term.empty()) return std::nullopt;
        if (std::find(seen.begin(), seen.end(), term) != seen.end()) return std::nullopt;
        seen.push_back(term);
        return term;
    };
    auto add = [&](std::vector<Xapian::Query> names, std::size_t covered) {
        if (names.empty()) return;
        Xapian::Query q = names.size() == 1 ? names[0] : Xapian::Query(Xapian::Query::OP_SYNONYM, names.begin(), names.end());
        terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, q, weight * double(covered) / total);
    };
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::vector<Xapian::Query> single;
        if (auto t = term_of(parts[i].words)) single.emplace_back(*t);
        for (const auto& s : parts[i].synonyms)
            if (auto t = term_of(s.phrase.words)) single.emplace_back(*t);
        add(std::move(single), 1);
        std::vector<std::string> words = parts[i].words;
        for (std::size_t j = i + 1; j < parts.size() && j < i + kMaxNameParts; ++j) {
            words.insert(words.end(), parts[j].words.begin(), parts[j].words.end());
            if (auto t = term_of(words)) add({Xapian::Query(*t)}, j - i + 1);
        }
    }
    if (terms.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The kinds that also answer a question asked of `kind`: risk factors are part of what causes a
// thing, and the reverse; whether it goes away depends on its treatment; preventing it means
// avoiding its risk factors; what a thing is, its causes and how it shows. Chosen on dev
// (bench/RESULTS.md).
std::vector<SectionKind> close_kinds(SectionKind kind) {
    switch (kind) {
        case SectionKind::causes: return {SectionKind::risk_factors};
        case SectionKind::risk_factors: return {SectionKind::causes};
        case SectionKind::outlook: return {SectionKind::treatment};
        case SectionKind::prevention: return {SectionKind::risk_factors};
        case SectionKind::definition: return {SectionKind::causes, SectionKind::symptoms};
        default: return {};
    }
}

// The sections of `kind`: its XK term. A treatment's What to Expect is its outlook (how soon it
// helps, how long it lasts, the recovery), so the outlook adds that kind's term; a term of its
// own, so the outlook sections keep their weight.
Xapian::Query kind_query(SectionKind kind) {
    const auto term = [](SectionKind k) {
        return Xapian::Query(std::string(schema::kKindPrefix) + std::string(to_string(k)));
    };
    if (kind == SectionKind::outlook)
        return Xapian::Query(Xapian::Query::OP_OR, term(kind), term(SectionKind::what_to_expect));
    return term(kind);
}

// Whether any of the articles named by `names` (XN terms) has a section of `kind`.
bool has_section_of_kind(const Xapian::Database& db, SectionKind kind, const std::vector<std::string>& names) {
    return matches_any(db, Xapian::Query(Xapian::Query::OP_FILTER, kind_query(kind),
                                         Xapian::Query(Xapian::Query::OP_OR, names.begin(), names.end())));
}

// Sections of the named articles (`names`, XN terms) that are neither of the asked kind nor an
// overview nor of a kind close to it; empty when the query names none or is a bare name, which
// asks about the whole article (`asked` false). `names` come from add_name_intent, which keeps
// them only when those articles have a section of the kind, so no probe is needed here.
Xapian::Query off_kind_sections(SectionKind kind, bool asked, const std::vector<std::string>& names) {
    if (names.empty() || (kind == SectionKind::definition && !asked)) return {};
    const Xapian::Query named(Xapian::Query::OP_OR, names.begin(), names.end());
    std::vector<Xapian::Query> answering{kind_query(kind), kind_query(SectionKind::definition)};
    for (SectionKind close : close_kinds(kind)) answering.push_back(kind_query(close));
    return Xapian::Query(Xapian::Query::OP_AND_NOT, named,
                         Xapian::Query(Xapian::Query::OP_OR, answering.begin(), answering.end()));
}

}  // namespace

std::string name_key(const std::vector<std::string>& words) {
    std::string key;
    for (const auto& w : words) {
        if (is_stopword(w, "")) continue;
        if (!key.empty()) key += ' ';
        key += w;
    }
    return key;
}

std::string name_term(const std::vector<std::string>& words) {
    const std::string key = name_key(words);
    if (key.empty() || key.size() > 200) return {};
    return std::string(schema::kNamePrefix) + key;
}

bool expands_as_abbreviation(const QueryPart& part) {
    return part.abbreviation && std::any_of(part.synonyms.begin(), part.synonyms.end(),
                                            [](const SynonymMap::Expansion& s) { return s.abbreviation; });
}

namespace {

// The abbreviation an abbreviation's plural is typed from ("SSRIs", "EMGs", "EMG's"), folded
// ("ssri"); empty when `raw` is no capitals and digits followed by "s".
std::string singular_abbreviation(std::string_view raw) {
    if (!raw.ends_with('s')) return {};
    raw.remove_suffix(1);
    for (std::string_view apostrophe : {"'", "’"})
        if (raw.ends_with(apostrophe)) raw.remove_suffix(apostrophe.size());
    const bool shaped = raw.size() >= 2 && std::any_of(raw.begin(), raw.end(), [](unsigned char c) { return std::isupper(c); }) &&
                        std::all_of(raw.begin(), raw.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); });
    return shaped ? fold(raw) : std::string();
}

}  // namespace

ParsedQuery parse_query(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                        const QueryOptions& options) {
    ParsedQuery parsed;
    parsed.text = text;
    const bool expand = options.synonyms && synonyms && synonyms->rule_count() > 0;
    std::vector<std::string> all_words;
    for (const auto& seg : split_quotes(text)) {
        auto tokens = analyzer.tokenize(seg.text);
        for (const auto& t : tokens) all_words.push_back(t.word);
        if (tokens.empty()) continue;
        auto typed_span = [&](std::size_t first, std::size_t last) {
            return std::string(seg.text.substr(tokens[first].begin, tokens[last].end - tokens[first].begin));
        };
        if (seg.quoted) {
            QueryPart part;
            part.typed = typed_span(0, tokens.size() - 1);
            for (auto& t : tokens) part.words.push_back(t.word);
            part.quoted = true;
            part.begin = seg.offset + tokens.front().begin;
            part.end = seg.offset + tokens.back().end;
            if (expand) part.synonyms = synonyms->lookup(part.words, tokens.size() == 1 && tokens[0].all_caps);
            // Quoted, a term is searched exactly: its equivalents still (another name of the same
            // thing), not the broader term a one-way rule points at (`"monofilament"` found every
            // Neurological Exam section through "monofilament test => neurological exam").
            std::copy_if(part.synonyms.begin(), part.synonyms.end(), std::back_inserter(part.set_aside),
                         points_at_article);
            std::erase_if(part.synonyms, points_at_article);
            if (part.synonyms.size() > kMaxExpansions) part.synonyms.resize(kMaxExpansions);
            parsed.parts.push_back(std::move(part));
            continue;
        }
        // Each word's stem per language, for entries typed in another form: only those of three
        // words or more, where wording varies most ("damage nerves", "diabetic foot" matched as
        // lay descriptions at two and moved the dev sets down).
        constexpr std::size_t kFormsFrom = 3;
        std::vector<std::pair<std::string, std::vector<std::string>>> stems;
        if (expand && tokens.size() >= kFormsFrom)
            for (const auto& language : query_languages(options)) {
                stems.emplace_back(language, std::vector<std::string>{});
                for (const auto& t : tokens) stems.back().second.push_back(analyzer.stem(t.word, language));
            }
        for (std::size_t i = 0; i < tokens.size();) {
            std::size_t longest = expand ? std::min(synonyms->longest_entry(), tokens.size() - i) : 1;
            std::size_t taken = 1;
            std::vector<SynonymMap::Expansion> found;
            for (std::size_t n = std::max<std::size_t>(longest, 1); n >= 1 && expand; --n) {
                std::vector<std::string> words;
                for (std::size_t k = i; k < i + n; ++k) words.push_back(tokens[k].word);
                found = synonyms->lookup(words, n == 1 && tokens[i].all_caps);
                // "my hand falls asleep at night" is the entry "hands fall asleep at night".
                for (const auto& [language, of] : stems) {
                    if (!found.empty() || n < kFormsFrom) break;
                    found = synonyms->lookup_forms({of.begin() + std::ptrdiff_t(i), of.begin() + std::ptrdiff_t(i + n)}, language);
                }
                // Some names have hundreds of variants (every CMT subtype lists "Charcot-Marie-Tooth
                // disease"); the first ones, in vocabulary order, carry the meaning at a bounded cost.
                if (found.size() > kMaxExpansions) found.resize(kMaxExpansions);
                if (!found.empty()) {
                    taken = n;
                    break;
                }
            }
            QueryPart part;
            part.typed = typed_span(i, i + taken - 1);
            part.abbreviation = taken == 1 && tokens[i].all_caps;
            part.begin = seg.offset + tokens[i].begin;
            part.end = seg.offset + tokens[i + taken - 1].end;
            for (std::size_t k = i; k < i + taken; ++k) part.words.push_back(tokens[k].word);
            // "SSRIs" is the plural of the abbreviation, searched as it: as the word "ssris" it
            // was spell-corrected into "snris", another drug class.
            if (const std::string singular = singular_abbreviation(part.typed);
                expand && found.empty() && !singular.empty()) {
                found = synonyms->lookup({singular}, true);
                if (found.size() > kMaxExpansions) found.resize(kMaxExpansions);
                if (!found.empty()) {
                    part.words = {singular};
                    part.abbreviation = true;
                }
            }
            part.synonyms = std::move(found);
            parsed.parts.push_back(std::move(part));
            i += taken;
        }
    }
    // The parts hold all_words in order, each word once.
    const std::vector<bool> cue = intent_cues(all_words);
    auto next = cue.begin();
    for (auto& part : parsed.parts) {
        const auto end = next + std::ptrdiff_t(part.words.size());
        part.cues.assign(next, end);
        if (part.quoted) part.cues.assign(part.words.size(), false);
        next = end;
    }
    // Function words carry no meaning on their own; keep them only if nothing else is left.
    auto is_noise = [&](const QueryPart& p) {
        return !p.quoted && p.synonyms.empty() && p.words.size() == 1 &&
               (is_stopword(p.words[0], options.language) ||
                is_question_word(p.words[0], all_words, options.language));
    };
    bool all_noise = std::all_of(parsed.parts.begin(), parsed.parts.end(), is_noise);
    if (!all_noise) std::erase_if(parsed.parts, is_noise);
    if (options.intent) parsed.intent = detect_intent(all_words);
    parsed.intent_asked = parsed.intent.has_value();
    parsed.words = std::move(all_words);
    return parsed;
}

ParsedQuery parse_in_index(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                           const QueryOptions& options, const Xapian::Database& db) {
    ParsedQuery parsed = parse_query(text, analyzer, synonyms, options);
    const Fields fields{schema::kBodyPrefix, schema::kHeadingPrefix, schema::kTitlePrefix, schema::kSearchesPrefix};
    for (auto& part : parsed.parts) {
        if (part.set_aside.empty() ||
            matches_any(db, unit_query(part.words, fields, analyzer, query_languages(options))))
            continue;
        part.synonyms.insert(part.synonyms.end(), part.set_aside.begin(), part.set_aside.end());
        if (part.synonyms.size() > kMaxExpansions) part.synonyms.resize(kMaxExpansions);
    }
    drop_unfinished_letter(parsed, db);
    add_name_intent(parsed, db, options);
    return parsed;
}

std::vector<std::string> query_languages(const QueryOptions& options) {
    if (!options.language.empty()) return {options.language};
    return {"en", "es"};
}

Xapian::Query in_language(const Xapian::Query& query, const std::string& language) {
    return Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(std::string(schema::kLanguagePrefix) + language));
}

bool has_word_in_language(const Xapian::Database& db, const std::string& word, const std::string& language) {
    return matches_any(db, in_language(Xapian::Query(word), language));
}

std::string guess_language(const Xapian::Database& db, const ParsedQuery& parsed, Analyzer& analyzer) {
    std::vector<std::string> present;
    for (const auto& lang : query_languages(QueryOptions{}))  // every language we index
        if (db.term_exists(std::string(schema::kLanguagePrefix) + lang)) present.push_back(lang);
    if (present.size() < 2) return {};
    // A word of `present`'s languages but one votes for that one; false when it contradicts an
    // earlier vote, which leaves the language undecided.
    std::string vote;
    auto cast = [&](const std::string& word, auto&& is_of_language) {
        std::string only;
        std::size_t in = 0;
        for (const auto& lang : present) {
            if (!is_of_language(word, lang)) continue;
            ++in;
            only = lang;
        }
        if (in != 1) return true;
        if (!vote.empty() && vote != only) return false;
        vote = only;
        return true;
    };
    const auto indexed = [&](const std::string& word, const std::string& lang) { return has_word_in_language(db, word, lang); };
    // A query about articles only other languages have ("piernas inquietas", named "restless legs
    // syndrome" by the vocabulary, has no Spanish article) is not kept to its words' language.
    auto unless_named_elsewhere = [&](std::string language) -> std::string {
        // The names of the whole query's subject and of each part ("piernas inquietas en la
        // noche": the first part only).
        std::vector<std::string> names = subject_names(parsed, db);
        for (const auto& part : parsed.parts) add_part_names(db, part, names);
        if (language.empty() || names.empty()) return language;
        return matches_any(db, in_language(Xapian::Query(Xapian::Query::OP_OR, names.begin(), names.end()), language))
                   ? language
                   : std::string();
    };
    // A word no section has as typed votes by its stem: "Sjögren" (the articles write
    // "Sjögren's") is in English sections only, which "síndrome de Sjögren" should reach.
    const auto stem_indexed = [&](const std::string& word, const std::string& lang) {
        return has_word_in_language(db, std::string(schema::kStemPrefix) + analyzer.stem(word, lang), lang);
    };
    for (const auto& part : parsed.parts)
        for (const auto& word : part.words) {
            if (is_stopword(word, "")) continue;
            if (!(db.term_exists(word) ? cast(word, indexed) : cast(word, stem_indexed))) return {};
        }
    if (!vote.empty()) return unless_named_elsewhere(vote);
    // No indexed word decides ("que es la siatica": "siatica" is in no section): the function
    // words of one language only ("que", "la"; "what", "the") do, when they agree.
    const auto function_word = [](const std::string& word, const std::string& lang) { return is_stopword(word, lang); };
    for (const auto& word : parsed.words)
        if (!cast(word, function_word)) return {};
    // Nor do they: the letters and marks only Spanish writes ("siática", "¿ciatica?"); not "é",
    // which English names keep ("Guillain–Barré").
    if (vote.empty() && std::find(present.begin(), present.end(), "es") != present.end()) {
        for (const std::string_view mark : {"á", "í", "ó", "ú", "ñ", "Á", "Í", "Ó", "Ú", "Ñ", "¿", "¡"})
            if (parsed.text.find(mark) != std::string::npos) vote = "es";
    }
    return unless_named_elsewhere(vote);
}

Xapian::BM25Weight bm25_weight(const RankingParams& r) {
    // k1, k2, k3, b, min_normlen.
    return Xapian::BM25Weight(r.bm25_k1, 0, 1, r.bm25_b, 0.5);
}

namespace {

// The articles named by parts of the query, each part by its words or an equivalent (XN terms);
// empty unless two parts name articles and the articles differ.
std::set<std::string> articles_named_apart(const Xapian::Database& db, const ParsedQuery& parsed) {
    std::set<std::string> named;
    if (parsed.parts.size() < 2) return named;
    std::size_t naming_parts = 0;
    for (const auto& part : parsed.parts) {
        bool names = false;
        auto add = [&](const std::vector<std::string>& words) {
            const std::string term = name_term(words);
            if (term.empty()) return;
            auto posting = db.postlist_begin(term);
            if (posting == db.postlist_end(term)) return;
            named.insert(db.get_document(*posting).get_value(schema::kSlotArticle));
            names = true;
        };
        add(part.words);
        for (const auto& s : part.synonyms)
            if (!s.one_way) add(s.phrase.words);
        naming_parts += names ? 1 : 0;
    }
    if (naming_parts < 2 || named.size() < 2) named.clear();
    return named;
}

}  // namespace

ContextBoost context_boost(const Xapian::Database& db, const Xapian::Query& query, const RankingParams& ranking,
                           bool article, const ParsedQuery& parsed, const Xapian::Query& beyond_names) {
    ContextBoost boost;
    const std::optional<SectionKind> kind = parsed.intent;
    const std::vector<std::string> no_names;
    const auto& names = ranking.name_intent_scope ? parsed.intent_names : no_names;
    article = article && ranking.article_weight > 0;
    const bool kind_context = kind && ranking.intent_context > 0;
    if ((!article && !kind_context) || query.empty()) return boost;
    const Xapian::Query off = article && kind && ranking.named_offkind_context < 1
                                  ? off_kind_sections(*kind, parsed.intent_asked, names) : Xapian::Query();
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(bm25_weight(ranking));
    enquire.set_collapse_key(schema::kSlotArticle);
    Xapian::MSet best = enquire.get_mset(0, kContextArticles);
    if (best.empty()) return boost;
    boost.best_article = best.begin().get_collapse_key();
    std::map<std::string, double> context;
    for (auto it = best.begin(); it != best.end(); ++it) context[it.get_collapse_key()] = it.get_weight();
    // Articles that separate parts of the query name are all asked about ("do I need an EMG for
    // sciatica"): each shares the context of the best of them, or the stronger name fills the list.
    if (ranking.named_share > 0) {
        const std::set<std::string> named = articles_named_apart(db, parsed);
        double top = 0;
        for (const auto& id : named)
            if (auto it = context.find(id); it != context.end()) top = std::max(top, it->second);
        for (const auto& id : named)
            if (auto it = context.find(id); it != context.end()) it->second = std::max(it->second, ranking.named_share * top);
    }
    // A posting source keeps its position while a match runs, so each use needs its own.
    auto weights = [&](double scale) {
        auto* source = new Xapian::ValueMapPostingSource(schema::kSlotArticle);
        for (const auto& [id, weight] : context) source->add_mapping(id, weight);
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(source->release()), scale);
    };
    if (article) boost.article = weights(ranking.article_weight);
    // The article the query names ("how is trigeminal neuralgia treated") gives its context to
    // the sections that could answer, or its risk factors and symptoms outrank the other
    // articles' sections on the treatment. Only when it has a section of the kind: a question it
    // answers under another heading ("nerve block risks": no risk-factors section) is left alone.
    if (!off.empty()) {
        Xapian::Query kept(Xapian::Query::OP_AND_NOT, boost.article, off);
        boost.article = ranking.named_offkind_context > 0
                            ? Xapian::Query(Xapian::Query::OP_OR, kept,
                                            Xapian::Query(Xapian::Query::OP_FILTER,
                                                          weights(ranking.article_weight * ranking.named_offkind_context), off))
                            : kept;
    }
    // Without an intent, nothing says which of a named article's sections answer ("epidural
    // steroid shot for sciatica": every section of Sciatica has "sciatica" and gets its context).
    // A section that has no part of the query but those its article's names have, while the query
    // has others, was found by the name alone: the article context, which its best section earned
    // by having the rest too, says less about it. It keeps name_only_context of it, so that another
    // article's section with the rest of the query (the nerve block's how-it-works) gets a place
    // on the first page. With an intent, named_offkind_context decides instead.
    if (article && !kind && !beyond_names.empty() && ranking.name_only_context < 1) {
        // The section that earned each article its context keeps it: the first section, which
        // the likeness re-ranking compares the others with, among them.
        std::vector<Xapian::Query> earned_by{beyond_names};
        for (auto it = best.begin(); it != best.end(); ++it) {
            auto term = db.termlist_begin(*it);
            term.skip_to(std::string(schema::kIdPrefix));
            if (term != db.termlist_end(*it) && (*term).starts_with(schema::kIdPrefix)) earned_by.emplace_back(*term);
        }
        const Xapian::Query earned(Xapian::Query::OP_OR, earned_by.begin(), earned_by.end());
        // The share to every section and the rest to those that earned it: `earned` is tested
        // once per section (a FILTER and an AND_NOT of it cost our corpus +35% of its median
        // time, this +20%).
        const double share = std::max(0.0, ranking.name_only_context);
        Xapian::Query rest(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_FILTER, boost.article, earned),
                           1 - share);
        boost.article = share > 0 ? Xapian::Query(Xapian::Query::OP_OR,
                                                  Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, boost.article, share), rest)
                                  : rest;
    }
    if (kind_context)
        boost.kind = Xapian::Query(Xapian::Query::OP_FILTER, weights(ranking.intent_context), kind_query(*kind));
    return boost;
}

Xapian::Query ContextBoost::combined() const {
    if (article.empty()) return kind;
    if (kind.empty()) return article;
    return Xapian::Query(Xapian::Query::OP_OR, article, kind);
}

Xapian::Query ContextBoost::applied_to(const Xapian::Query& query, bool whole_best_article) const {
    const Xapian::Query boost = combined();
    if (boost.empty()) return query;
    Xapian::Query out(Xapian::Query::OP_AND_MAYBE, query, boost);
    // The best article's sections that do not repeat the query's words ("tingly toes": the
    // paresthesia article's causes) still answer it better than a passing mention elsewhere.
    if (whole_best_article && !article.empty() && !best_article.empty()) {
        Xapian::Query rest(Xapian::Query::OP_FILTER, boost, Xapian::Query(std::string(schema::kArticlePrefix) + best_article));
        // OP_MAX: a matching section keeps its match plus the boost, which is never below the
        // boost alone, and the query runs once (OP_AND_NOT would run it again: +1 ms on MedQuAD).
        out = Xapian::Query(Xapian::Query::OP_MAX, out, rest);
    }
    return out;
}

bool whole_best_article(const ParsedQuery& parsed, const RankingParams& ranking) {
    return ranking.best_article_whole &&
           std::none_of(parsed.parts.begin(), parsed.parts.end(), [](const QueryPart& p) { return p.quoted; });
}

std::vector<bool> cue_parts(const ParsedQuery& parsed) {
    std::vector<bool> out;
    for (const auto& p : parsed.parts) out.push_back(p.cues.size() == 1 && p.cues[0]);
    return out;
}

void drop_unfinished_letter(ParsedQuery& parsed, const Xapian::Database& db) {
    if (parsed.parts.size() < 2) return;
    const QueryPart& last = parsed.parts.back();
    if (last.quoted || last.words.size() != 1 || last.words[0].size() != 1 || !last.synonyms.empty() ||
        !std::isalpha(static_cast<unsigned char>(last.words[0][0])))
        return;
    const QueryPart& before = parsed.parts[parsed.parts.size() - 2];
    if (before.words.empty()) return;
    const std::vector<std::string> pair{before.words.back(), last.words[0]};
    if (!matches_any(db, Xapian::Query(Xapian::Query::OP_PHRASE, pair.begin(), pair.end()))) parsed.parts.pop_back();
}

std::vector<std::string> subject_names(const ParsedQuery& parsed, const Xapian::Database& db) {
    // With cue words ("what causes nerve pain"), the rest of the query is the thing asked about.
    const std::vector<bool> cue = cue_parts(parsed);
    std::vector<const QueryPart*> subject;
    for (std::size_t i = 0; i < parsed.parts.size(); ++i)
        if (!parsed.intent || !cue[i]) subject.push_back(&parsed.parts[i]);
    std::vector<std::string> names;  // XN terms of the articles the query names
    if (subject.empty()) return names;
    // Several parts name a thing together; one part also by its equivalents.
    auto add_names_of = [&](const std::vector<const QueryPart*>& parts) {
        if (parts.size() == 1) return add_part_names(db, *parts[0], names);
        std::vector<std::string> words;
        for (const auto* p : parts) words.insert(words.end(), p->words.begin(), p->words.end());
        add_if_name(db, words, names);
    };
    add_names_of(subject);
    // "sciatica pain", "dolor de ciática": a name with the word "pain" beside it, when the two
    // together are no name ("cancer pain" is one), is still a bare name.
    if (names.empty() && subject.size() > 1) {
        std::vector<const QueryPart*> rest;
        for (const auto* p : subject)
            if (!(p->words.size() == 1 && p->synonyms.empty() && (p->words[0] == "pain" || p->words[0] == "dolor")))
                rest.push_back(p);
        if (rest.size() == 1) add_names_of(rest);
    }
    return names;
}

namespace {

// The names (XN terms) that `words` start, when they are all one article's: "guillain" starts
// Guillain–Barré Syndrome's, "phantom limb" Phantom Limb Pain's; empty when none is, or when
// they name several articles ("spinal").
std::vector<std::string> names_started_by(const Xapian::Database& db, const std::vector<std::string>& words) {
    constexpr std::size_t kMaxNames = 50;
    const std::string start = name_term(words);
    if (start.empty()) return {};
    const std::string prefix = start + " ";
    std::vector<std::string> names;
    std::string article;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        if (names.size() == kMaxNames) return {};
        const std::string of = db.get_document(*db.postlist_begin(*it)).get_value(schema::kSlotArticle);
        if (!article.empty() && of != article) return {};
        article = of;
        names.push_back(*it);
    }
    return names;
}

// Whether a section of `kind` has, in its text, every part of the query but its cue words.
bool kind_has_subject(const Xapian::Database& db, SectionKind kind, const ParsedQuery& parsed) {
    const std::vector<bool> cue = cue_parts(parsed);
    std::vector<Xapian::Query> parts;
    for (std::size_t i = 0; i < parsed.parts.size(); ++i) {
        const auto& words = parsed.parts[i].words;
        if (cue[i] || words.empty()) continue;
        parts.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(), Xapian::termcount(words.size()));
    }
    if (parts.empty()) return false;
    return matches_any(db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()),
                                         kind_query(kind)));
}

}  // namespace

void add_name_intent(ParsedQuery& parsed, const Xapian::Database& db, const QueryOptions& options) {
    if (!options.intent || parsed.parts.empty()) return;
    std::vector<std::string> names = subject_names(parsed, db);
    // The first words of a name, alone, are the bare name when it can be no other.
    if (names.empty() && !parsed.intent) {
        std::vector<std::string> words;
        for (const auto& part : parsed.parts) words.insert(words.end(), part.words.begin(), part.words.end());
        names = names_started_by(db, words);
    }
    if (names.empty()) return;
    // A bare name asks what the thing is; with cues, the kind they ask for, of that article only.
    // Unless it has no section of the kind: "can neuropathy be reversed" names Neuropathic Pain,
    // which has no outlook, so every article's outlook may answer.
    SectionKind kind = parsed.intent.value_or(SectionKind::definition);
    if (!has_section_of_kind(db, kind, names)) {
        // Whether a thing runs in families is told under its risk factors or causes when it has
        // no Inheritance section: "is trigeminal neuralgia inherited" opened on its treatment,
        // while its Risk Factors say "Rarely, it runs in families". Unless another article's
        // Inheritance has the thing's words ("how is rickets inherited": hereditary rickets).
        // A condition has no When to Call Your Doctor or Who It Helps, the sections of treatment
        // pages: when it is an emergency is told with its symptoms, whom a treatment of it suits
        // with its treatment; and the side effects of what it names are no question for every
        // medicine's page ("carbamazepina efectos secundarios" names the Spanish trigeminal
        // neuralgia page, which has no Side Effects).
        std::vector<SectionKind> told_under;
        if (kind == SectionKind::inheritance && !kind_has_subject(db, kind, parsed))
            told_under = {SectionKind::genetic_changes, SectionKind::risk_factors, SectionKind::causes};
        if (kind == SectionKind::when_to_call) told_under = {SectionKind::symptoms};
        if (kind == SectionKind::who_it_helps) told_under = {SectionKind::treatment};
        const bool treatment_page_kind = kind == SectionKind::when_to_call || kind == SectionKind::who_it_helps ||
                                         kind == SectionKind::side_effects;
        const auto found = std::find_if(told_under.begin(), told_under.end(),
                                        [&](SectionKind k) { return has_section_of_kind(db, k, names); });
        if (found == told_under.end()) {
            if (treatment_page_kind) parsed.intent.reset();
            return;
        }
        kind = *found;
    }
    parsed.intent = kind;
    parsed.intent_names = std::move(names);
}

QueryPlan plan_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options) {
    const auto languages = query_languages(options);
    const RankingParams& r = options.ranking;
    const Fields body{schema::kBodyPrefix};
    const Fields heading{schema::kHeadingPrefix};
    const Fields title{schema::kTitlePrefix};
    // Body, heading, title and searches as one term; synonyms stay out of titles unless asked for.
    // The searches are what people type for the section, so their words count as its text's; as a
    // separately weighted field (0.25-1) they did worse on the unread check set (bench/RESULTS.md).
    Fields all{schema::kBodyPrefix, schema::kHeadingPrefix, schema::kTitlePrefix};
    Fields expanded = r.title_synonyms ? all : Fields{schema::kBodyPrefix, schema::kHeadingPrefix};
    if (options.searches) {
        all.push_back(schema::kSearchesPrefix);
        expanded.push_back(schema::kSearchesPrefix);
    }
    QueryPlan plan;
    // Coordination: a section whose text has every part of the query ("pins and needles" and
    // "socks") answers it better than one that repeats a single part; BM25 alone cannot tell.
    // Its parts leave out the exact bonus: with the typed phrase twice under the OP_AND (in the
    // synonym group and as the bonus) beside loose words, Xapian 1.4 reads document lengths out
    // of docid order and re-reads the same postlist blocks ~20,000 times ("What are the symptoms
    // of Human T-cell leukemia virus type 2 ?": 52 ms, 5 ms without).
    const bool coordinate = options.field_boosts && r.coord_weight > 0 && parsed.parts.size() > 1;
    std::vector<Xapian::Query> texts;
    // Per part, its text where the section's article names do not have it: for a query with no
    // intent, which context_boost alone reads it for (name_only_context).
    // Up to kNameOnlyParts parts: the test costs a second pass over every part's text, which
    // doubled the slowest long questions with no intent (MedQuAD "What are the symptoms of X-linked
    // Charcot-Marie-Tooth disease type 1", intent off: 18 -> 37 ms; 64.8 ms at most).
    constexpr std::size_t kNameOnlyParts = 4;
    const bool by_name = !parsed.intent && parsed.parts.size() <= kNameOnlyParts;
    std::vector<Xapian::Query> beyond_names;
    // The intent's cue words: sections matching only them do not earn its boost (combined()).
    const bool split_cues = options.intent && parsed.intent.has_value();
    auto only_cues = [&](std::size_t p) {
        const auto& c = parsed.parts[p].cues;
        return split_cues && !c.empty() && std::all_of(c.begin(), c.end(), std::identity());
    };
    for (std::size_t p = 0; p < parsed.parts.size(); ++p) {
        const auto& part = parsed.parts[p];
        // Some cue words inside a longer part ("test" of "monofilament test"): searched loosely apart.
        const std::vector<bool> cue = split_cues && !only_cues(p) ? part.cues : std::vector<bool>{};
        if (!options.field_boosts) {
            plan.components.push_back(
                QueryComponent{"body: " + part.typed, p, field_query(part, body, body, analyzer, languages, r)});
            continue;
        }
        const auto added = ExactBonus::added;
        plan.components.push_back(
            QueryComponent{"text: " + part.typed, p, field_query(part, all, expanded, analyzer, languages, r, added, cue)});
        if (coordinate || by_name)
            texts.push_back(field_query(part, all, expanded, analyzer, languages, r, ExactBonus::left_out));
        if (by_name)
            beyond_names.emplace_back(Xapian::Query::OP_AND_NOT, texts.back(),
                                      field_query(part, title, r.title_synonyms ? title : Fields{}, analyzer, languages, r));
        if (r.heading_weight > 0)
            plan.components.push_back(QueryComponent{
                "heading: " + part.typed, p,
                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                              field_query(part, heading, heading, analyzer, languages, r, added, cue), r.heading_weight)});
        if (r.title_weight > 0)
            plan.components.push_back(QueryComponent{
                "title: " + part.typed, p,
                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                              field_query(part, title, r.title_synonyms ? title : Fields{}, analyzer, languages, r, added, cue),
                              r.title_weight)});
        // The cue words left out above, in the same fields at the same weights.
        std::vector<Xapian::Query> cue_fields;
        for (auto [fields, weight] : {std::pair{static_cast<const Fields*>(&all), 1.0}, {&heading, r.heading_weight}, {&title, r.title_weight}}) {
            Xapian::Query q = loose_words(part, *fields, analyzer, languages, loose_weight(part, r), cue, true);
            if (!q.empty() && weight > 0) cue_fields.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, q, weight);
        }
        if (!cue_fields.empty())
            plan.components.push_back(QueryComponent{
                "cue words of " + part.typed, p, Xapian::Query(Xapian::Query::OP_OR, cue_fields.begin(), cue_fields.end()), true});
    }
    if (plan.components.empty()) return plan;
    for (auto& c : plan.components) c.cue = c.cue || only_cues(c.part);
    if (by_name && !texts.empty()) {
        // A section that has a part its article's names lack, or every part, earns its whole
        // article context; the rest were found by the name alone (ContextBoost).
        beyond_names.push_back(texts.size() == 1 ? texts[0] : Xapian::Query(Xapian::Query::OP_AND, texts.begin(), texts.end()));
        plan.beyond_names = Xapian::Query(Xapian::Query::OP_OR, beyond_names.begin(), beyond_names.end());
    }
    if (coordinate)
        plan.components.push_back(QueryComponent{
            "coordination", QueryComponent::kWholeQuery,
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                          Xapian::Query(Xapian::Query::OP_AND, texts.begin(), texts.end()), r.coord_weight)});
    if (options.field_boosts) {
        Xapian::Query names = names_query(parsed, r.name_weight);
        if (!names.empty()) plan.components.push_back(QueryComponent{"names", QueryComponent::kWholeQuery, names});
    }
    if (options.intent && parsed.intent) {
        plan.boost_label = "intent: " + std::string(to_string(*parsed.intent));
        plan.boost = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, kind_query(*parsed.intent), r.intent_weight);
        if (!parsed.intent_names.empty() && r.name_intent_scope)
            plan.boost = Xapian::Query(Xapian::Query::OP_FILTER, plan.boost,
                                       Xapian::Query(Xapian::Query::OP_OR, parsed.intent_names.begin(),
                                                     parsed.intent_names.end()));
    }
    return plan;
}

namespace {

// The components `wanted` keeps, the fields of one part as one OR (so descriptions read part by
// part), all of them ORed; empty when it keeps none.
template <typename Keep>
Xapian::Query join_components(const std::vector<QueryComponent>& components, Keep wanted) {
    std::vector<Xapian::Query> groups;
    for (std::size_t i = 0; i < components.size();) {
        if (!wanted(components[i])) {
            ++i;
            continue;
        }
        std::vector<Xapian::Query> fields{components[i].query};
        std::size_t j = i + 1;
        if (components[i].part != QueryComponent::kWholeQuery)
            for (; j < components.size() && components[j].part == components[i].part && wanted(components[j]); ++j)
                fields.push_back(components[j].query);
        groups.push_back(fields.size() == 1 ? fields[0] : Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end()));
        i = j;
    }
    if (groups.empty()) return Xapian::Query();
    return groups.size() == 1 ? groups[0] : Xapian::Query(Xapian::Query::OP_OR, groups.begin(), groups.end());
}

// What the query asks about, which earns the intent boost, and its cue words alone, which do
// not: the Restless Legs diagnosis section says "test", not "monofilament test". The whole-query
// bonuses go with the subject; a query of cue words only ("symptoms") is all subject.
std::pair<Xapian::Query, Xapian::Query> split_cues(const std::vector<QueryComponent>& components) {
    const bool subject = std::any_of(components.begin(), components.end(), [](const QueryComponent& c) {
        return c.part != QueryComponent::kWholeQuery && !c.cue;
    });
    auto is_cue = [&](const QueryComponent& c) { return subject && c.cue; };
    return {join_components(components, [&](const QueryComponent& c) { return !is_cue(c); }),
            join_components(components, is_cue)};
}

}  // namespace

Xapian::Query QueryPlan::combined() const {
    auto [subject, cues] = split_cues(components);
    // AND_MAYBE: the boost adds weight to sections that match anyway, and finds none by itself.
    if (!boost.empty()) subject = Xapian::Query(Xapian::Query::OP_AND_MAYBE, subject, boost);
    if (cues.empty()) return subject;
    return Xapian::Query(Xapian::Query::OP_OR, subject, cues);
}

Xapian::Query QueryPlan::earned_boost() const {
    auto [subject, cues] = split_cues(components);
    if (boost.empty() || cues.empty()) return boost;
    return Xapian::Query(Xapian::Query::OP_FILTER, boost, subject);
}

Xapian::Query build_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options) {
    return plan_query(parsed, analyzer, options).combined();
}

}  // namespace medsearch
