#include "medsearch/analyzer.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <xapian.h>

#include <array>
#include <cassert>
#include <cctype>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace medsearch {
namespace {

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

// Apostrophes inside words are dropped, so "can't", "can’t" and "cant" are one word.
bool is_apostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x02BC || c == 0x2018; }

std::string fold_ascii(std::string_view word) {
    std::string out;
    out.reserve(word.size());
    for (char c : word) {
        if (c == '\'') continue;
        out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
    }
    return out;
}

std::string fold_unicode(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    // Singletons owned by ICU: never deleted.
    static const icu::Normalizer2* const casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
    static const icu::Normalizer2* const nfd = icu::Normalizer2::getNFDInstance(status);
    static const icu::Normalizer2* const nfc = icu::Normalizer2::getNFCInstance(status);
    if (!casefold || !nfd || !nfc) throw std::runtime_error("ICU normalizer data unavailable");

    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), int32_t(text.size())));
    status = U_ZERO_ERROR;
    icu::UnicodeString folded = casefold->normalize(s, status);
    if (U_FAILURE(status)) return fold_ascii(text);
    icu::UnicodeString decomposed = nfd->normalize(folded, status);
    if (U_FAILURE(status)) return fold_ascii(text);

    // Drop combining marks (diacritics) and apostrophes; spell out the ligatures NFKC keeps.
    icu::UnicodeString stripped;
    for (int32_t i = 0; i < decomposed.length();) {
        UChar32 c = decomposed.char32At(i);
        i += U16_LENGTH(c);
        if (u_charType(c) == U_NON_SPACING_MARK || is_apostrophe(c)) continue;
        switch (c) {
            case 0x00E6: stripped.append(u"ae"); break;  // æ
            case 0x0153: stripped.append(u"oe"); break;  // œ
            case 0x00F8: stripped.append(UChar32('o')); break;  // ø has no decomposition
            case 0x0131: stripped.append(UChar32('i')); break;  // dotless i
            default: stripped.append(c);
        }
    }
    icu::UnicodeString composed = nfc->normalize(stripped, status);
    if (U_FAILURE(status)) return fold_ascii(text);
    std::string out;
    composed.toUTF8String(out);
    return out;
}

// "MS", "HTN", "B12": ASCII capitals and digits, two characters or more, at least one letter.
bool abbreviation_shaped(std::string_view word) {
    if (word.size() < 2) return false;
    int letters = 0;
    for (unsigned char c : word) {
        if (c >= 'A' && c <= 'Z') ++letters;
        else if (!(c >= '0' && c <= '9')) return false;
    }
    return letters >= 1;
}

// Whether the bytes between two words end a sentence or a line: a list item, a paragraph, or
// ".", "!", "?" after a word long enough not to be an initial or a title ("E.", "Dr.").
bool ends_sentence(std::string_view between, std::size_t previous_word_bytes) {
    for (char c : between) {
        if (c == '\n') return true;
        if ((c == '.' || c == '!' || c == '?') && previous_word_bytes >= 3) return true;
    }
    return false;
}

// "M.S", "E.M.G" (the word breaker leaves the last full stop out): letters written with full
// stops between them are the abbreviation ("MS"); empty for any other word ("e.g" -> "eg" too).
std::string undotted(std::string_view raw) {
    if (raw.size() < 3 || raw.size() % 2 == 0) return {};
    std::string letters;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(raw[i]);
        if (i % 2 == 1 ? c != '.' : !std::isalpha(c)) return {};
        if (i % 2 == 0) letters += static_cast<char>(c);
    }
    return letters;
}

}  // namespace

std::string fold(std::string_view text) {
    return is_ascii(text) ? fold_ascii(text) : fold_unicode(text);
}

struct Analyzer::Impl {
    std::unique_ptr<icu::BreakIterator> words;
    UText* utext = nullptr;
    Xapian::Stem english{"english"};
    Xapian::Stem spanish{"spanish"};

    Impl() {
        UErrorCode status = U_ZERO_ERROR;
        words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
        if (U_FAILURE(status) || !words) throw std::runtime_error("ICU word break data unavailable");
    }
    ~Impl() {
        if (utext) utext_close(utext);
    }
};

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

std::vector<Token> Analyzer::tokenize(std::string_view text) {
    std::vector<Token> tokens;
    if (text.empty()) return tokens;
    UErrorCode status = U_ZERO_ERROR;
    // UTF-8 UText: break positions are byte offsets into `text`, no conversion needed.
    impl_->utext = utext_openUTF8(impl_->utext, text.data(), int64_t(text.size()), &status);
    if (U_FAILURE(status)) return tokens;
    impl_->words->setText(impl_->utext, status);
    if (U_FAILURE(status)) return tokens;

    int32_t begin = impl_->words->first();
    std::size_t previous_end = 0;
    for (int32_t end = impl_->words->next(); end != icu::BreakIterator::DONE;
         begin = end, end = impl_->words->next()) {
        if (impl_->words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation
        std::string_view raw = text.substr(std::size_t(begin), std::size_t(end - begin));
        const std::string letters = undotted(raw);
        if (!letters.empty()) raw = letters;
        std::string word = fold(raw);
        if (word.empty()) continue;
        const bool starts = !tokens.empty() &&
                            ends_sentence(text.substr(previous_end, std::size_t(begin) - previous_end),
                                          previous_end - tokens.back().begin);
        tokens.push_back(Token{std::move(word), std::size_t(begin), std::size_t(end), abbreviation_shaped(raw), starts});
        previous_end = std::size_t(end);
    }
    // Release the borrowed text so a later call with a dangling pointer is impossible.
    impl_->words->setText(icu::UnicodeString());
    return tokens;
}

std::string Analyzer::stem(const std::string& word, std::string_view language) {
    // Stemming must not make two people's names one: "Barré" (of Guillain–Barré) stemmed as
    // "barr", in English and in Spanish, found and marked the "Barr" of Epstein–Barr.
    if (word == "barre") return word;
    if (language == "es") return impl_->spanish(word);
    // Snowball strips suffixes only, so a plural made by changing the vowel would be a word of
    // its own: "teeth" would never find "tooth", nor "feet" a "foot".
    static const std::unordered_map<std::string_view, std::string_view> irregular_plurals = {
        {"teeth", "tooth"}, {"feet", "foot"}, {"children", "child"}, {"women", "woman"},
        {"men", "man"},     {"mice", "mouse"}, {"lice", "louse"},    {"geese", "goose"}};
    if (auto it = irregular_plurals.find(word); it != irregular_plurals.end())
        return impl_->english(std::string(it->second));
    // And it joins words our articles keep apart: "numbing" and "numbed" are what a local
    // anaesthetic does, "numb" and "numbness" the symptom; as one stem, "numbness" opened on
    // Topical Capsaicin and Lidocaine (also called "numbing patch").
    if (word == "numbing" || word == "numbed") return "numbing";
    return impl_->english(word);
}

bool is_stopword(std::string_view w, std::string_view language) {
    static const std::unordered_set<std::string_view> english = {
        "a", "about", "an", "and", "are", "as", "at", "be", "been", "being", "by", "can", "could", "did", "do", "does",
        "done", "for", "from",
        // Words that place a thing in time or space, stand for one unnamed or count it vaguely,
        // say nothing of the subject alone ("after" is in a sixth of our sections); inside a
        // vocabulary phrase ("pain after shingles") they still count. "over" stays ("fade over
        // time"), and so does "but" ("skin feels wet but it's dry").
        "before", "after", "while", "during", "since", "until", "till", "under", "above", "below",
        "between", "through", "around", "near", "behind", "inside", "something", "anything",
        "someone", "anyone", "somebody", "anybody", "all", "any", "some", "each", "both",
        "had", "has", "have", "he", "her", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "than", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when",
        "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your",
        "can't", "cant", "cannot", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "won't", "wont",
        "isn't", "isnt", "aren't", "wasn't", "haven't", "hasn't", "couldn't", "wouldn't", "shouldn't",
        // Other contractions of the words above, as folding leaves them ("what's" -> "whats"),
        // but those that are words of their own ("ill", "shed", "well", "wed", "lets", "id").
        "arent", "wasnt", "werent", "havent", "hasnt", "hadnt", "couldnt", "wouldnt", "shouldnt", "im",
        "youre", "theyre", "hes", "shes", "thats", "theres", "whats", "whos", "wheres", "hows", "ive",
        "youve", "weve", "theyve", "youd", "theyd", "youll", "theyll",
        // How people talk, not what they ask about: "my toes are kinda numb" ("kinda" matched
        // "kinds"), "it really hurts", "I just got diagnosed", "hi, please help". Not "like" ("feels
        // like"), "little" ("little toe"), "still" ("still hurts"), "too" ("too much B6").
        "kinda", "sorta", "gonna", "wanna", "gotta", "really", "very", "just", "also", "quite", "actually",
        "basically", "literally", "maybe", "probably", "somewhat", "please", "pls", "thanks", "hi", "hello",
        "ok", "okay", "um", "uh"};
    // No word that is also an English word a query may mean ("hay" fever, "son").
    static const std::unordered_set<std::string_view> spanish = {
        "a", "al", "como", "con", "de", "del", "el", "en", "es", "esta", "este", "la", "las",
        "lo", "los", "me", "mi", "mis", "o", "para", "por", "que", "se", "su", "sus", "un",
        "una", "y", "le", "les", "te", "si", "pero", "sin", "sobre", "entre", "hasta", "desde",
        "cuando", "donde", "cual", "cuales", "quien", "quienes", "muy", "mas", "ya", "tambien",
        // Tener, estar, ser, saber, dar, querer, poder, haber as helpers: "tengo ciática", "la
        // pregabalina da sueño" ("da" outweighed the drug), "cómo sabe el médico si", "quería
        // saber". The meaning is in the words they carry. Not "soy" (soy milk), "son", "hay"; of
        // sentir only "siento" (the articles never say "I feel"; "se siente" tells a symptom).
        "tengo", "tienes", "tiene", "tienen", "tenemos", "tenia", "tener", "tuve", "tuvo", "estoy", "estas",
        "estan", "estaba", "estaban", "estar", "eres", "somos", "era", "eran", "fue", "fueron", "sido", "ser",
        "sabe", "saben", "sabes", "sabia", "saber", "da", "dan", "doy", "dio", "dar", "quiero", "quiere",
        "quieres", "queria", "quisiera", "puedo", "puede", "puedes", "pueden", "podria", "ha", "han", "habia",
        "siento"};
    if (language == "es") return spanish.count(w) > 0;
    if (language == "en") return english.count(w) > 0;
    return english.count(w) > 0 || spanish.count(w) > 0;
}

}  // namespace medsearch
