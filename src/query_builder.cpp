#include "query_builder.hpp"

#include <algorithm>

#include "intent.hpp"
#include "medsearch/schema.hpp"

namespace medsearch {
namespace {

struct Segment {
    std::string_view text;
    std::size_t offset;
    bool quoted;
};

// Splits on double quotes: odd segments are quoted. An unmatched quote quotes to the end.
std::vector<Segment> split_quotes(std::string_view text) {
    std::vector<Segment> out;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '"') {
            if (i > start) out.push_back(Segment{text.substr(start, i - start), start, quoted});
            quoted = !quoted;
            start = i + 1;
        }
    }
    return out;
}

std::vector<std::string> languages_of(const QueryOptions& options) {
    if (!options.language.empty()) return {options.language};
    return {"en", "es"};
}

// A word or phrase in one field.
Xapian::Query unit_query(const std::vector<std::string>& words, std::string_view prefix,
                         Analyzer& analyzer, const std::vector<std::string>& languages) {
    if (words.size() == 1) {
        std::vector<std::string> stems;
        for (const auto& lang : languages) {
            std::string term = std::string(schema::kStemPrefix) + std::string(prefix) + analyzer.stem(words[0], lang);
            if (std::find(stems.begin(), stems.end(), term) == stems.end()) stems.push_back(term);
        }
        if (stems.size() == 1) return Xapian::Query(stems[0]);
        return Xapian::Query(Xapian::Query::OP_SYNONYM, stems.begin(), stems.end());
    }
    std::vector<Xapian::Query> terms;
    for (const auto& w : words) terms.emplace_back(std::string(prefix) + w);
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), Xapian::termcount(words.size()));
}

// The meaningful words of an unquoted multi-word part, searched loosely: "can't feel my
// fingers" should still find "numb fingers" when the phrase itself is nowhere in the text.
Xapian::Query loose_words(const QueryPart& part, std::string_view prefix, Analyzer& analyzer,
                          const std::vector<std::string>& languages, double weight) {
    if (part.quoted || part.words.size() < 2) return Xapian::Query();
    std::vector<Xapian::Query> words;
    for (const auto& w : part.words)
        if (!is_stopword(w, "")) words.push_back(unit_query({w}, prefix, analyzer, languages));
    if (words.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(Xapian::Query::OP_OR, words.begin(), words.end()), weight);
}

Xapian::Query field_query(const QueryPart& part, std::string_view prefix, Analyzer& analyzer,
                          const std::vector<std::string>& languages, const RankingParams& ranking,
                          bool expand = true) {
    Xapian::Query typed = unit_query(part.words, prefix, analyzer, languages);
    Xapian::Query loose = loose_words(part, prefix, analyzer, languages, ranking.loose_weight);
    if (part.synonyms.empty() || !expand) return loose.empty() ? typed : Xapian::Query(Xapian::Query::OP_OR, typed, loose);
    std::vector<Xapian::Query> alternatives{typed};
    for (const auto& s : part.synonyms) alternatives.push_back(unit_query(s.phrase.words, prefix, analyzer, languages));
    std::vector<Xapian::Query> scored{
        Xapian::Query(Xapian::Query::OP_SYNONYM, alternatives.begin(), alternatives.end()),
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, typed, ranking.exact_bonus)};
    if (!loose.empty()) scored.push_back(loose);
    return Xapian::Query(Xapian::Query::OP_OR, scored.begin(), scored.end());
}

// Every run of consecutive parts, and each single part's synonyms, as a whole-name term,
// weighted by the share of the query the run covers: a name that is the whole query counts
// fully, "neuropathy" inside "exercises for neuropathy in feet" a third.
Xapian::Query names_query(const ParsedQuery& parsed, double weight) {
    std::vector<std::string> seen;
    std::vector<Xapian::Query> terms;
    const auto& parts = parsed.parts;
    const double total = double(parts.size());
    auto add = [&](const std::vector<std::string>& words, std::size_t covered) {
        std::string key = name_key(words);
        if (key.empty() || key.size() > 200) return;
        std::string term = std::string(schema::kNamePrefix) + key;
        if (std::find(seen.begin(), seen.end(), term) != seen.end()) return;
        seen.push_back(term);
        terms.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), weight * double(covered) / total);
    };
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::vector<std::string> words;
        for (std::size_t j = i; j < parts.size() && j < i + kMaxNameParts; ++j) {
            words.insert(words.end(), parts[j].words.begin(), parts[j].words.end());
            add(words, j - i + 1);
        }
        for (const auto& s : parts[i].synonyms) add(s.phrase.words, 1);
    }
    if (terms.empty()) return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
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

ParsedQuery parse_query(std::string_view text, Analyzer& analyzer, const SynonymMap* synonyms,
                        const QueryOptions& options) {
    ParsedQuery parsed;
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
            if (part.synonyms.size() > kMaxExpansions) part.synonyms.resize(kMaxExpansions);
            parsed.parts.push_back(std::move(part));
            continue;
        }
        for (std::size_t i = 0; i < tokens.size();) {
            std::size_t longest = expand ? std::min(synonyms->longest_entry(), tokens.size() - i) : 1;
            std::size_t taken = 1;
            std::vector<SynonymMap::Expansion> found;
            for (std::size_t n = std::max<std::size_t>(longest, 1); n >= 1 && expand; --n) {
                std::vector<std::string> words;
                for (std::size_t k = i; k < i + n; ++k) words.push_back(tokens[k].word);
                found = synonyms->lookup(words, n == 1 && tokens[i].all_caps);
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
            part.synonyms = std::move(found);
            parsed.parts.push_back(std::move(part));
            i += taken;
        }
    }
    // Function words carry no meaning on their own; keep them only if nothing else is left.
    auto is_noise = [&](const QueryPart& p) {
        return !p.quoted && p.synonyms.empty() && p.words.size() == 1 && is_stopword(p.words[0], options.language);
    };
    bool all_noise = std::all_of(parsed.parts.begin(), parsed.parts.end(), is_noise);
    if (!all_noise) std::erase_if(parsed.parts, is_noise);
    if (options.intent) parsed.intent = detect_intent(all_words);
    return parsed;
}

Xapian::Query build_query(const ParsedQuery& parsed, Analyzer& analyzer, const QueryOptions& options) {
    const auto languages = languages_of(options);
    std::vector<Xapian::Query> parts;
    const RankingParams& r = options.ranking;
    std::vector<Xapian::Query> bodies;
    for (const auto& part : parsed.parts) {
        Xapian::Query body = field_query(part, schema::kBodyPrefix, analyzer, languages, r);
        bodies.push_back(body);
        if (!options.field_boosts) {
            parts.push_back(body);
            continue;
        }
        Xapian::Query heading(Xapian::Query::OP_SCALE_WEIGHT,
                              field_query(part, schema::kHeadingPrefix, analyzer, languages, r), r.heading_weight);
        Xapian::Query title(Xapian::Query::OP_SCALE_WEIGHT,
                            field_query(part, schema::kTitlePrefix, analyzer, languages, r, r.title_synonyms),
                            r.title_weight);
        std::vector<Xapian::Query> fields{body, heading, title};
        parts.emplace_back(Xapian::Query::OP_OR, fields.begin(), fields.end());
    }
    if (parts.empty()) return Xapian::Query();
    // Coordination: a section whose text has every part of the query ("pins and needles" and
    // "socks") answers it better than one that repeats a single part; BM25 alone cannot tell.
    if (options.field_boosts && r.coord_weight > 0 && bodies.size() > 1)
        parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                           Xapian::Query(Xapian::Query::OP_AND, bodies.begin(), bodies.end()), r.coord_weight);
    if (options.field_boosts) {
        Xapian::Query names = names_query(parsed, r.name_weight);
        if (!names.empty()) parts.push_back(names);
    }
    Xapian::Query query = parts.size() == 1 ? parts[0] : Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    if (options.intent && parsed.intent) {
        // AND_MAYBE: the kind adds weight to sections that match anyway, and finds none by itself.
        Xapian::Query kind(std::string(schema::kKindPrefix) + std::string(to_string(*parsed.intent)));
        query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                              Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, kind, r.intent_weight));
    }
    return query;
}

}  // namespace medsearch
