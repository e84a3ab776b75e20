#include "medsearch/article.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <utility>

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include "ingest_internal.hpp"
#include "medsearch/result.hpp"

namespace medsearch {
namespace {

constexpr std::array<std::pair<SectionKind, std::string_view>, 20> kKindNames{{
    {SectionKind::definition, "definition"},
    {SectionKind::causes, "causes"},
    {SectionKind::risk_factors, "risk-factors"},
    {SectionKind::symptoms, "symptoms"},
    {SectionKind::diagnosis, "diagnosis"},
    {SectionKind::treatment, "treatment"},
    {SectionKind::prevention, "prevention"},
    {SectionKind::outlook, "outlook"},
    {SectionKind::inheritance, "inheritance"},
    {SectionKind::genetic_changes, "genetic-changes"},
    {SectionKind::complications, "complications"},
    {SectionKind::research, "research"},
    {SectionKind::frequency, "frequency"},
    {SectionKind::how_it_works, "how-it-works"},
    {SectionKind::what_to_expect, "what-to-expect"},
    {SectionKind::stages, "stages"},
    {SectionKind::side_effects, "side-effects"},
    {SectionKind::who_it_helps, "who-it-helps"},
    {SectionKind::when_to_call, "when-to-call"},
    {SectionKind::other, "other"},
}};

// docs/content-format.md, with every heading written as its slug: comparing slugs makes the
// match case- and accent-insensitive and ignores punctuation ("¿Qué es...?" → "que-es-...").
struct HeadingRule {
    std::string_view slug;
    SectionKind kind;
};
constexpr HeadingRule kHeadingRules[] = {
    {"overview", SectionKind::definition},
    {"what-is", SectionKind::definition},
    {"what-are", SectionKind::definition},
    {"resumen", SectionKind::definition},
    {"que-es", SectionKind::definition},
    {"causas-geneticas", SectionKind::genetic_changes},  // before "causas": genetic causes
    {"causes", SectionKind::causes},
    {"cause", SectionKind::causes},
    {"causas", SectionKind::causes},
    {"risk-factors", SectionKind::risk_factors},
    {"who-is-at-risk", SectionKind::risk_factors},
    {"factores-de-riesgo", SectionKind::risk_factors},
    {"symptoms", SectionKind::symptoms},
    {"signs", SectionKind::symptoms},
    {"what-it-feels-like", SectionKind::symptoms},
    {"sintomas", SectionKind::symptoms},
    {"diagnosis", SectionKind::diagnosis},
    {"tests", SectionKind::diagnosis},
    {"exams", SectionKind::diagnosis},
    {"diagnostico", SectionKind::diagnosis},
    {"treatment", SectionKind::treatment},
    {"treatments", SectionKind::treatment},
    {"tratamiento", SectionKind::treatment},
    {"prevention", SectionKind::prevention},
    {"prevencion", SectionKind::prevention},
    {"outlook", SectionKind::outlook},
    {"prognosis", SectionKind::outlook},
    {"pronostico", SectionKind::outlook},
    {"inheritance", SectionKind::inheritance},
    {"genetic-changes", SectionKind::genetic_changes},
    {"genetics", SectionKind::genetic_changes},
    {"genes", SectionKind::genetic_changes},
    {"herencia", SectionKind::inheritance},
    {"complications", SectionKind::complications},
    {"complicaciones", SectionKind::complications},
    {"research", SectionKind::research},
    {"investigacion", SectionKind::research},
    {"frequency", SectionKind::frequency},
    {"how-common", SectionKind::frequency},
    {"prevalence", SectionKind::frequency},
    {"frecuencia", SectionKind::frequency},
    {"how-it-works", SectionKind::how_it_works},
    {"como-funciona", SectionKind::how_it_works},
    {"what-to-expect", SectionKind::what_to_expect},
    {"que-esperar", SectionKind::what_to_expect},
    {"stages", SectionKind::stages},
    {"staging", SectionKind::stages},
    {"etapas", SectionKind::stages},
    {"estadios", SectionKind::stages},
    {"side-effects", SectionKind::side_effects},
    {"common-side-effects", SectionKind::side_effects},
    {"efectos-secundarios", SectionKind::side_effects},
    {"who-it-helps", SectionKind::who_it_helps},
    {"who-can-use-it", SectionKind::who_it_helps},
    {"para-quien-es", SectionKind::who_it_helps},
    {"when-to-call", SectionKind::when_to_call},
    {"when-to-see-a-doctor", SectionKind::when_to_call},
    {"cuando-llamar", SectionKind::when_to_call},
};

bool is_ascii_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_ascii(std::string_view text) noexcept {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Letters and digits become lowercase runs joined by single '-'; an apostrophe inside a word
// is dropped ("Parkinson's" → "parkinsons"); everything else separates words.
std::string slug_of_ascii(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_dash = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (is_ascii_alnum(c)) {
            if (pending_dash && !out.empty()) out += '-';
            pending_dash = false;
            out += ascii_lower(c);
        } else if (c == '\'' && i > 0 && is_ascii_alnum(text[i - 1]) && i + 1 < text.size() &&
                   is_ascii_alnum(text[i + 1])) {
            continue;
        } else {
            pending_dash = true;
        }
    }
    return out;
}

// Compatibility forms composed ("ﬁ" → "fi", "²" → "2"), other scripts romanised, then Latin
// letters reduced to ASCII ("é" → "e", "ß" → "ss", "–" → "-", "’" → "'").
constexpr const char* kToAsciiRules = "NFKC; Any-Latin; Latin-ASCII";

// Transliterators are not safe to share between threads, and building one costs far more
// than using it: one per thread, built on first use. Null if ICU could not build it.
const icu::Transliterator* ascii_transliterator() {
    thread_local const std::unique_ptr<icu::Transliterator> instance = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
            icu::UnicodeString::fromUTF8(kToAsciiRules), UTRANS_FORWARD, status));
        if (U_FAILURE(status)) t.reset();
        return t;
    }();
    return instance.get();
}

}  // namespace

std::string_view to_string(SectionKind kind) noexcept {
    for (const auto& [k, name] : kKindNames) {
        if (k == kind) return name;
    }
    return "other";
}

bool parse_section_kind(std::string_view name, SectionKind& kind) noexcept {
    for (const auto& [k, n] : kKindNames) {
        if (n == name) {
            kind = k;
            return true;
        }
    }
    return false;
}

SectionKind kind_from_heading(std::string_view heading) {
    const std::string slug = slugify(heading);
    // A rule matches whole leading words: "treatment-options" starts with "treatment", but
    // "testing" does not start with "tests".
    const auto matches = [&slug](std::string_view rule) {
        return slug.size() >= rule.size() && slug.compare(0, rule.size(), rule) == 0 &&
               (slug.size() == rule.size() || slug[rule.size()] == '-');
    };
    for (const auto& rule : kHeadingRules) {
        if (matches(rule.slug)) return rule.kind;
    }
    return SectionKind::other;
}

std::string slugify(std::string_view text) {
    if (is_ascii(text)) return slug_of_ascii(text);
    const icu::Transliterator* to_ascii = ascii_transliterator();
    if (to_ascii == nullptr) return slug_of_ascii(text);  // non-ASCII letters become separators
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
    to_ascii->transliterate(u);
    std::string ascii;
    u.toUTF8String(ascii);
    return slug_of_ascii(ascii);
}

std::string article_path(std::string_view article_id) {
    std::string path = "/articles/";
    path += article_id;
    return path;
}

std::string section_path(std::string_view article_id, std::string_view anchor) {
    std::string path = article_path(article_id);
    path += '#';
    path += anchor;
    return path;
}

const char* to_string(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_input: return "invalid_input";
        case Errc::not_found: return "not_found";
        case Errc::io: return "io";
        case Errc::index_corrupt: return "index_corrupt";
        case Errc::locked: return "locked";
        case Errc::internal: return "internal";
    }
    return "internal";
}

// ---- helpers shared by the readers (ingest_internal.hpp) ----

namespace detail {

std::size_t find_invalid_utf8(std::string_view text) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;       // overlong
            else if (c == 0xED) hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;       // overlong
            else if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
        } else {
            return i;
        }
        if (i + len > n) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
        }
        i += len;
    }
    return std::string_view::npos;
}

std::string invalid_utf8_message(unsigned char byte, std::size_t column) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    return std::string("invalid UTF-8 (byte ") + hex + " at column " + std::to_string(column) + ")";
}

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    const auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(kSpace);
    return text.substr(first, last - first + 1);
}

bool is_slug(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

namespace {

bool is_id_char(char c) noexcept { return is_ascii_alnum(c) || c == '_' || c == '-'; }

}  // namespace

std::string in_quotes(std::string_view text) {
    std::string q = "\"";
    q += text;
    q += '"';
    return q;
}

std::optional<std::string> check_article_id(std::string_view id) {
    if (id.empty()) return "empty id";
    if (id.size() > kMaxIdBytes) {
        return "id " + in_quotes(id.substr(0, 20)) + "... is longer than " +
               std::to_string(kMaxIdBytes) + " bytes";
    }
    if (!std::all_of(id.begin(), id.end(), is_id_char)) {
        return "id " + in_quotes(id) + " is not valid (expected letters, digits, '_' and '-')";
    }
    return std::nullopt;
}

std::optional<std::string> check_anchor(std::string_view anchor) {
    if (anchor.empty()) return "empty anchor";
    if (anchor.size() > kMaxAnchorBytes) {
        return "anchor " + in_quotes(anchor.substr(0, 20)) + "... is longer than " +
               std::to_string(kMaxAnchorBytes) + " bytes";
    }
    if (!std::all_of(anchor.begin(), anchor.end(), is_id_char)) {
        return "anchor " + in_quotes(anchor) +
               " is not valid (expected letters, digits, '_' and '-')";
    }
    return std::nullopt;
}

std::optional<std::string> check_language(std::string_view language) {
    const bool ok = language.size() == 2 && std::all_of(language.begin(), language.end(),
                                                       [](char c) { return c >= 'a' && c <= 'z'; });
    if (ok) return std::nullopt;
    return "language " + in_quotes(language) +
           " is not valid (expected a two-letter lowercase code such as \"en\" or \"es\")";
}

std::optional<std::string> check_audience(std::string_view audience) {
    if (audience == "patients" || audience == "caregivers" || audience == "clinicians") {
        return std::nullopt;
    }
    return "audience " + in_quotes(audience) +
           " is not valid (expected patients, caregivers or clinicians)";
}

std::optional<std::string> check_updated(std::string_view date) {
    const auto digits = [&date](std::size_t from, std::size_t count) {
        int value = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (date[i] < '0' || date[i] > '9') return -1;
            value = value * 10 + (date[i] - '0');
        }
        return value;
    };
    bool ok = date.size() >= 10 && date[4] == '-' && date[7] == '-' &&
              (date.size() == 10 || date[10] == 'T' || date[10] == ' ');
    if (ok) {
        const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
        ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }
    if (ok) return std::nullopt;
    return "updated " + in_quotes(date) +
           " is not valid (expected an ISO date, YYYY-MM-DD, such as 2026-11-01)";
}

std::string unique_anchor(std::string_view heading, std::unordered_set<std::string>& taken) {
    std::string base = slugify(heading);
    if (base.size() > kMaxAutoAnchorBytes) {
        const auto cut = base.rfind('-', kMaxAutoAnchorBytes);
        base.resize(cut == std::string::npos || cut == 0 ? kMaxAutoAnchorBytes : cut);
    }
    if (base.empty()) base = "section";
    std::string anchor = base;
    for (int n = 2; taken.count(anchor) != 0; ++n) anchor = base + '-' + std::to_string(n);
    taken.insert(anchor);
    return anchor;
}

}  // namespace detail
}  // namespace medsearch
