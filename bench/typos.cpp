#include "typos.hpp"

#include <algorithm>
#include <array>

#include "relevance_eval.hpp"  // fnv1a

namespace medsearch::bench {

namespace {

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }
bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_consonant(char c) { return is_letter(c) && !is_vowel(c) && c != 'y'; }
bool is_front_vowel(char c) { return c == 'e' || c == 'i' || c == 'y'; }

// The place a hash picks among `count` (> 0): the same for the same word and kind everywhere.
std::size_t pick(std::string_view word, std::string_view what, std::size_t count) {
    std::string key(word);
    key.append("|").append(what);
    return static_cast<std::size_t>(fnv1a(key) % count);
}

// Whether `rule.from` stands at `p` of `word` where the rule allows it.
bool rule_applies(const PhoneticRule& rule, std::string_view word, std::size_t p) {
    if (word.compare(p, rule.from.size(), rule.from) != 0) return false;
    const std::size_t after = p + rule.from.size();
    switch (rule.place) {
        case RulePlace::anywhere: break;
        case RulePlace::word_start:
            if (p != 0) return false;
            break;
        case RulePlace::word_end:
            if (after != word.size()) return false;
            break;
        case RulePlace::before_front_vowel:
            if (after >= word.size() || !is_front_vowel(word[after])) return false;
            break;
        case RulePlace::between_consonants:
            if (p == 0 || after >= word.size() || !is_consonant(word[p - 1]) || !is_consonant(word[after]))
                return false;
            break;
        case RulePlace::after_vowel:
            if (p == 0 || !is_vowel(word[p - 1])) return false;
            break;
    }
    // "sciatica" is not misspelt "ssiatica": a letter written as the one before it sounds no different.
    if (!rule.to.empty() && p > 0 && word[p - 1] == rule.to.front()) return false;
    return true;
}

}  // namespace

const char* to_string(EditKind kind) noexcept {
    switch (kind) {
        case EditKind::deletion: return "deletion";
        case EditKind::transposition: return "transposition";
        case EditKind::substitution: return "substitution";
        case EditKind::insertion: return "insertion";
        case EditKind::phonetic: return "phonetic";
    }
    return "?";
}

const std::vector<PhoneticRule> kPhoneticRules = {
    // English: sounds written another way.
    {"ph>f", "ph", "f", RulePlace::anywhere, "en"},            // phantom -> fantom
    {"c>s", "c", "s", RulePlace::before_front_vowel, "en"},    // cancer -> canser
    {"y>i", "y", "i", RulePlace::between_consonants, "en"},    // syndrome -> sindrome
    {"eu>u", "eu", "u", RulePlace::anywhere, "en"},            // neuropathy -> nuropathy
    {"chr>kr", "chr", "kr", RulePlace::anywhere, "en"},        // chronic -> kronic
    {"ae>e", "ae", "e", RulePlace::anywhere, "en"},            // anaesthesia -> anesthesia
    // English: silent letters left out.
    {"rh>r", "rh", "r", RulePlace::anywhere, "en"},            // rheumatoid -> reumatoid
    {"ps->s", "ps", "s", RulePlace::word_start, "en"},         // psychological -> sychological
    {"pn->n", "pn", "n", RulePlace::word_start, "en"},         // pneumonia -> neumonia
    {"kn->n", "kn", "n", RulePlace::word_start, "en"},         // knuckle -> nuckle
    {"-mb>m", "mb", "m", RulePlace::word_end, "en"},           // thumb -> thum
    {"sc>s", "sc", "s", RulePlace::before_front_vowel, "en"},  // sciatica -> siatica
    // Spanish: letters that sound alike, and the silent h.
    {"b>v", "b", "v", RulePlace::anywhere, "es"},              // nervio <-> nerbio
    {"v>b", "v", "b", RulePlace::anywhere, "es"},
    {"ll>y", "ll", "y", RulePlace::anywhere, "es"},            // cuello -> cueyo
    {"c>s", "c", "s", RulePlace::before_front_vowel, "es"},    // medicina -> medisina
    {"z>s", "z", "s", RulePlace::anywhere, "es"},              // cabeza -> cabesa
    {"g>j", "g", "j", RulePlace::before_front_vowel, "es"},    // cirugia -> cirujia
    {"h-", "h", "", RulePlace::word_start, "es"},              // hormigueo -> ormigueo
    {"-h-", "h", "", RulePlace::after_vowel, "es"},            // rehabilitacion -> reabilitacion
};

std::string_view qwerty_neighbours(char letter) noexcept {
    static constexpr std::array<std::string_view, 26> kNeighbours = {
        "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
        "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy",
        "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
    };
    if (!is_letter(letter)) return {};
    return kNeighbours[static_cast<std::size_t>(letter - 'a')];
}

bool misspellable(std::string_view word) noexcept {
    if (word.size() < 3) return false;
    for (char c : word)
        if (!is_letter(c)) return false;
    return true;
}

Misspellings misspell(std::string_view word, std::string_view language, const IsRealWord& is_real) {
    Misspellings out;
    if (!misspellable(word)) return out;
    const std::size_t n = word.size();
    auto add = [&](std::string text, EditKind kind, std::size_t position, std::string_view rule = {}) {
        Misspelling m{std::move(text), kind, position, rule};
        (is_real && is_real(m.text) ? out.real : out.variants).push_back(std::move(m));
    };
    const std::string w(word);

    // Deletion: any letter but the first.
    {
        const std::size_t p = 1 + pick(word, "deletion", n - 1);
        add(w.substr(0, p) + w.substr(p + 1), EditKind::deletion, p);
    }
    // Transposition: two different adjacent letters, the first letter not among them.
    {
        std::vector<std::size_t> places;
        for (std::size_t p = 1; p + 1 < n; ++p)
            if (word[p] != word[p + 1]) places.push_back(p);
        if (!places.empty()) {
            const std::size_t p = places[pick(word, "transposition", places.size())];
            std::string t = w;
            std::swap(t[p], t[p + 1]);
            add(std::move(t), EditKind::transposition, p);
        }
    }
    // Substitution: a letter but the first, by one of its keyboard neighbours.
    {
        const std::size_t h = pick(word, "substitution", (n - 1) * 64);
        const std::size_t p = 1 + h % (n - 1);
        const std::string_view near = qwerty_neighbours(word[p]);
        std::string t = w;
        t[p] = near[(h / (n - 1)) % near.size()];
        add(std::move(t), EditKind::substitution, p);
    }
    // Insertion: a letter but the first typed twice, where that makes no run of three.
    {
        std::vector<std::size_t> places;
        for (std::size_t p = 1; p < n; ++p)
            if (word[p] != word[p - 1] && (p + 1 == n || word[p] != word[p + 1])) places.push_back(p);
        if (!places.empty()) {
            const std::size_t p = places[pick(word, "insertion", places.size())];
            add(w.substr(0, p + 1) + w.substr(p), EditKind::insertion, p);
        }
    }
    // Phonetic: each rule of the language once, at one of the places it applies.
    for (const auto& rule : kPhoneticRules) {
        if (rule.language != language) continue;
        std::vector<std::size_t> places;
        for (std::size_t p = 0; p + rule.from.size() <= n; ++p)
            if (rule_applies(rule, word, p)) places.push_back(p);
        if (places.empty()) continue;
        const std::size_t p = places[pick(word, rule.name, places.size())];
        add(w.substr(0, p) + std::string(rule.to) + w.substr(p + rule.from.size()), EditKind::phonetic, p, rule.name);
    }
    return out;
}

PhraseMisspellings misspell_phrase(const std::vector<std::string>& words, std::string_view language,
                                   const IsRealWord& is_real) {
    struct Candidate {
        std::size_t word;
        const Misspelling* misspelling;
        bool real;
    };
    std::vector<Misspellings> per_word(words.size());
    std::string all;
    for (std::size_t i = 0; i < words.size(); ++i) {
        all.append(i ? " " : "").append(words[i]);
        if (words[i].size() >= kMinTargetLetters) per_word[i] = misspell(words[i], language, is_real);
    }
    PhraseMisspellings out;
    for (EditKind kind : kEditKinds) {
        std::vector<Candidate> candidates;
        for (std::size_t i = 0; i < words.size(); ++i) {
            for (const auto& m : per_word[i].variants)
                if (m.kind == kind) candidates.push_back({i, &m, false});
            for (const auto& m : per_word[i].real)
                if (m.kind == kind) candidates.push_back({i, &m, true});
        }
        if (candidates.empty()) continue;
        // By word, then rule: an order that does not depend on which of them are real words.
        std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
            if (a.word != b.word) return a.word < b.word;
            return a.misspelling->rule < b.misspelling->rule;
        });
        const Candidate& c = candidates[pick(all, to_string(kind), candidates.size())];
        (c.real ? out.real : out.variants).push_back({c.word, *c.misspelling});
    }
    return out;
}

}  // namespace medsearch::bench
