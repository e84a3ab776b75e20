#include "highlighter.hpp"

#include <algorithm>
#include <cctype>

namespace medsearch {

void append_html_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\n': case '\r': case '\t': out += ' '; break;
            default: out += c;
        }
    }
}

namespace {
std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) s += ' ';
        s += words[i];
    }
    return s;
}

void add_unique(std::vector<MatchInfo>& list, const MatchInfo& m) {
    for (const auto& x : list)
        if (x.query == m.query && x.term == m.term && x.via == m.via) return;
    list.push_back(m);
}
}  // namespace

Highlighter::Highlighter(const ParsedQuery& query, Analyzer& analyzer, const std::vector<std::string>& languages)
    : query_(query), analyzer_(analyzer) {
    for (std::size_t p = 0; p < query.parts.size(); ++p) {
        const auto& part = query.parts[p];
        auto spelled = [&](const std::vector<std::string>& words) -> const char* {
            for (const auto& w : words)
                if (std::find(part.spelled.begin(), part.spelled.end(), w) != part.spelled.end()) return "spelling";
            return nullptr;
        };
        alternatives_.push_back(Alternative{p, part.words, spelled(part.words), expands_as_abbreviation(part)});
        for (const auto& s : part.synonyms)
            alternatives_.push_back(
                Alternative{p, s.phrase.words, s.as_typed ? nullptr : s.abbreviation ? "abbreviation" : "synonym"});
        // The query searches a multi-word part's words loosely too, so mark them where they stand alone.
        if (!part.quoted && part.words.size() > 1)
            for (const auto& w : part.words)
                if (!is_stopword(w, "")) alternatives_.push_back(Alternative{p, {w}, spelled({w})});
    }
    for (std::size_t a = 0; a < alternatives_.size(); ++a) {
        const auto& alt = alternatives_[a];
        if (alt.words.empty()) continue;
        if (alt.words.size() > 1) {
            phrases_by_first_word_[alt.words[0]].push_back(a);
            continue;
        }
        // As the index: a single word matches a token whose stem (in the document's language)
        // equals the word's stem in any language the query was stemmed for.
        for (const auto& lang : languages) {
            auto& list = words_by_stem_[stem_of(alt.words[0], lang)];
            if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
        }
    }
    for (auto& [word, list] : phrases_by_first_word_) {
        std::stable_sort(list.begin(), list.end(), [&](std::size_t x, std::size_t y) {
            return alternatives_[x].words.size() > alternatives_[y].words.size();
        });
    }
}

const std::string& Highlighter::stem_of(const std::string& word, std::string_view language) {
    std::string key(language);
    key += '\0';
    key += word;
    auto it = stems_.find(key);
    if (it == stems_.end()) it = stems_.emplace(std::move(key), analyzer_.stem(word, language)).first;
    return it->second;
}

const std::vector<std::size_t>& Highlighter::single_words_with_stem(const std::string& stem) const {
    static const std::vector<std::size_t> none;
    auto it = words_by_stem_.find(stem);
    return it == words_by_stem_.end() ? none : it->second;
}

std::vector<Highlighter::Found> Highlighter::match(const std::vector<Token>& tokens, std::string_view language) {
    std::vector<Found> found;
    for (std::size_t i = 0; i < tokens.size();) {
        const Alternative* hit = nullptr;
        std::size_t length = 1;
        std::string via;
        // Phrases match unstemmed words at consecutive positions within a sentence, as OP_PHRASE
        // does over the index's sentence gaps; longest first.
        if (auto it = phrases_by_first_word_.find(tokens[i].word); it != phrases_by_first_word_.end()) {
            for (std::size_t a : it->second) {
                const auto& alt = alternatives_[a];
                const std::size_t n = alt.words.size();
                if (i + n > tokens.size()) continue;
                bool same = true;
                for (std::size_t k = 1; k < n && same; ++k)
                    same = tokens[i + k].word == alt.words[k] && !tokens[i + k].starts_sentence;
                if (same) {
                    hit = &alt;
                    length = n;
                    via = alt.via ? alt.via : "text";
                    break;
                }
            }
        }
        // Single words match on the stem, as the index's Z terms do; the typed word wins ties.
        if (!hit) {
            for (std::size_t a : single_words_with_stem(stem_of(tokens[i].word, language))) {
                const auto& alt = alternatives_[a];
                bool exact = alt.words[0] == tokens[i].word;
                if (alt.as_written && !exact) continue;
                if (!hit || (!alt.via && hit->via) || exact) {
                    hit = &alt;
                    via = alt.via ? alt.via : (exact ? "text" : "stem");
                }
                if (exact && !alt.via) break;
            }
        }
        if (!hit) {
            ++i;
            continue;
        }
        std::vector<std::string> seen;
        for (std::size_t k = i; k < i + length; ++k) seen.push_back(tokens[k].word);
        found.push_back(Found{i, i + length - 1, hit->part, MatchInfo{query_.parts[hit->part].typed, join(seen), via}});
        i += length;
    }
    return found;
}

std::vector<MatchInfo> Highlighter::find(std::string_view text, std::string_view language) {
    std::vector<MatchInfo> out;
    for (const auto& f : match(analyzer_.tokenize(text), language)) add_unique(out, f.info);
    return out;
}

Highlight Highlighter::highlight(std::string_view text, std::string_view language, std::size_t window) {
    Highlight h;
    const auto tokens = analyzer_.tokenize(text);
    const auto found = match(tokens, language);
    h.marks = found.size();
    for (const auto& f : found) add_unique(h.matched, f.info);

    // Pick the window of `window` tokens covering the most distinct query parts, then the most
    // phrases matched whole ("nerve damage" over "nerve" and "nerves" apart), then most matches.
    std::size_t first = 0;
    if (!found.empty() && tokens.size() > window) {
        std::size_t best_score = 0;
        for (std::size_t a = 0; a < found.size(); ++a) {
            std::vector<bool> parts(query_.parts.size(), false);
            std::size_t distinct = 0, phrases = 0, count = 0;
            for (std::size_t b = a; b < found.size() && found[b].last_token < found[a].first_token + window; ++b) {
                if (!parts[found[b].part]) {
                    parts[found[b].part] = true;
                    ++distinct;
                }
                if (found[b].last_token > found[b].first_token) ++phrases;
                ++count;
            }
            std::size_t score = distinct * 1000000 + phrases * 1000 + count;
            if (score > best_score) {
                best_score = score;
                first = found[a].first_token;
            }
        }
        // A few words of context before the first match, but never past the end.
        first = first > 5 ? first - 5 : 0;
        first = std::min(first, tokens.size() - window);
    }
    std::size_t last = tokens.empty() ? 0 : std::min(tokens.size(), first + window) - 1;
    // The text between a token and the next.
    auto gap_after = [&](std::size_t left) {
        return text.substr(tokens[left].end, tokens[left + 1].begin - tokens[left].end);
    };
    if (!tokens.empty()) {
        // A match the window's edge would cut ("post-|stroke pain") is shown whole and marked.
        for (const auto& f : found) {
            if (f.first_token < first && f.last_token >= first) first = f.first_token;
            if (f.first_token <= last && f.last_token > last) last = f.last_token;
        }
        // Nor is a word cut where a hyphen or an apostrophe joins its tokens ("Cannabis-|based").
        auto joined = [&](std::size_t left) {
            const auto gap = gap_after(left);
            return std::none_of(gap.begin(), gap.end(), [](unsigned char c) { return std::isspace(c); });
        };
        while (first > 0 && joined(first - 1)) --first;
        while (last + 1 < tokens.size() && joined(last)) ++last;
    }

    std::size_t begin = (first == 0 || tokens.empty()) ? 0 : tokens[first].begin;
    std::size_t end = (tokens.empty() || last + 1 >= tokens.size()) ? text.size() : tokens[last].end;
    std::string& out = h.snippet_html;
    out.reserve(end - begin + 64);
    if (begin > 0) out += "…";
    std::size_t cursor = begin;
    // A phrase's words are marked together, but not across a bracket, a quote or a stop between
    // them: "(OTC) pain relievers" is "(<mark>OTC</mark>) <mark>pain relievers</mark>", not
    // "(<mark>OTC) pain relievers</mark>".
    auto closes_mark = [&](std::size_t left) { return gap_after(left).find_first_of("()[]{}\",;:") != std::string_view::npos; };
    for (const auto& f : found) {
        if (f.first_token < first || f.last_token > last) continue;
        for (std::size_t run = f.first_token, t = f.first_token; t <= f.last_token; ++t) {
            if (t < f.last_token && !closes_mark(t)) continue;
            const std::size_t mb = tokens[run].begin, me = tokens[t].end;
            append_html_escaped(out, text.substr(cursor, mb - cursor));
            out += "<mark>";
            append_html_escaped(out, text.substr(mb, me - mb));
            out += "</mark>";
            cursor = me;
            run = t + 1;
        }
    }
    append_html_escaped(out, text.substr(cursor, end - cursor));
    if (end < text.size()) out += "…";
    return h;
}

}  // namespace medsearch
