// Deterministic misspellings for the typo benchmark (bench/README.md, medsearch-bench-typos):
// one of each kind of slip a search box sees, at a position picked by a hash of the word, so
// every run and machine misspells the same words the same way. Pure functions, no index.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch::bench {

// The benchmark's targets are words of this many letters or more: shorter ones are as often
// the start of a longer word as a slip, and the engine completes rather than corrects them.
inline constexpr std::size_t kMinTargetLetters = 5;

enum class EditKind {
    deletion,       // one letter left out ("neuropthy")
    transposition,  // two adjacent, different letters swapped ("nueropathy")
    substitution,   // one letter replaced by a QWERTY neighbour of it ("neuropatjy")
    insertion,      // one letter typed twice ("neuroppathy")
    phonetic,       // spelt as it sounds: a rule of kPhoneticRules ("nuropathy", "siatica")
};
inline constexpr EditKind kEditKinds[] = {EditKind::deletion, EditKind::transposition, EditKind::substitution,
                                          EditKind::insertion, EditKind::phonetic};
const char* to_string(EditKind kind) noexcept;

// Where a phonetic rule's `from` may stand in the word.
enum class RulePlace {
    anywhere,
    word_start,
    word_end,
    before_front_vowel,  // followed by e, i or y ("c" of "cancer" sounds like "s")
    between_consonants,  // after and before a consonant ("y" of "syndrome" sounds like "i")
    after_vowel,         // after a vowel (the silent Spanish "h" of "rehabilitación")
};

// A way of writing a word as it sounds: `from` becomes `to` at one place.
struct PhoneticRule {
    std::string_view name;  // "ph>f", shown in the failure lists
    std::string_view from;
    std::string_view to;
    RulePlace place;
    std::string_view language;  // "en", "es"
};

// The rules, English then Spanish: sounds written another way (ph>f, c>s, y>i, eu>u; Spanish
// b/v, ll>y, z>s, g>j) and silent letters left out (rh, ps-, pn-, kn-, -mb, sc before e/i;
// Spanish h).
extern const std::vector<PhoneticRule> kPhoneticRules;

// Letters next to `letter` on a QWERTY keyboard (its row and the rows above and below), in a
// fixed order; empty for anything but a to z.
std::string_view qwerty_neighbours(char letter) noexcept;

struct Misspelling {
    std::string text;           // the misspelt word
    EditKind kind = EditKind::deletion;
    std::size_t position = 0;   // byte offset in the word where the edit starts
    std::string_view rule;      // the phonetic rule's name; empty for the other kinds
};

struct Misspellings {
    std::vector<Misspelling> variants;  // in kEditKinds order, then kPhoneticRules order
    std::vector<Misspelling> real;      // generated, but real words (`is_real`): left out
};

// A real word, as the benchmark decides it: any word of the index, the vocabulary or the word
// lists. A misspelling that is one ("tunnel" -> "funnel") would test nothing but the word list.
using IsRealWord = std::function<bool(std::string_view word)>;

// Whether the misspeller edits `word`: folded (lowercase), letters a to z only, 3 or more.
bool misspellable(std::string_view word) noexcept;

// One misspelling of `word` of each plain kind, and one per phonetic rule of `language` that
// applies, each at the place fnv1a("<word>|<kind or rule>") picks among those where it can
// stand, for the same misspellings on every run and machine. The first letter is never
// deleted, swapped, replaced or doubled (people seldom slip on it); a phonetic rule may change
// it ("pneumonia" -> "neumonia"). A kind with no place in the word gives nothing (no two
// different adjacent letters to swap in "aaa"). Misspellings that `is_real` takes for a real
// word go into `real` instead. Nothing for a word that is not misspellable().
Misspellings misspell(std::string_view word, std::string_view language, const IsRealWord& is_real);

// A name or query misspelt in one word, per kind: `words` are its folded words in order; the
// word edited is picked by fnv1a("<all words>|<kind>") among the misspellable words of 5+
// letters that have a misspelling of that kind (each phonetic rule counted once), and its
// misspelling of that kind is the phrase's. At most one per kind; `real` as for misspell().
struct PhraseMisspelling {
    std::size_t word = 0;    // index into `words` of the edited word
    Misspelling misspelling;  // of that word
};
struct PhraseMisspellings {
    std::vector<PhraseMisspelling> variants;
    std::vector<PhraseMisspelling> real;
};
PhraseMisspellings misspell_phrase(const std::vector<std::string>& words, std::string_view language,
                                   const IsRealWord& is_real);

}  // namespace medsearch::bench
