// The single place naming the index's term prefixes, value slots and metadata keys.
#pragma once

#include <string_view>

namespace medsearch::schema {

// Boolean terms (filters and identity).
inline constexpr std::string_view kIdPrefix = "Q";        // Q<article>#<anchor>: one per section
inline constexpr std::string_view kArticlePrefix = "XA";  // XA<article>
inline constexpr std::string_view kKindPrefix = "XK";     // XK<kind>, e.g. XKtreatment (wdf 1: weighted)
inline constexpr std::string_view kLanguagePrefix = "XL"; // XLen, XLes
inline constexpr std::string_view kTopicPrefix = "XT";    // XT<folded topic>
inline constexpr std::string_view kSourcePrefix = "XS";   // XS<folded source>
// XN<name key>: the article's title and each also-called name as one term, so a query that
// is exactly a name ("nerve pain", or a synonym of it) can lift that article above passing mentions.
inline constexpr std::string_view kNamePrefix = "XN";

// Free-text fields. Each has positional unstemmed terms (<prefix><word>) and stemmed terms
// (Z<prefix><stem>), the layout Xapian's QueryParser also uses.
inline constexpr std::string_view kBodyPrefix = "";      // section text
inline constexpr std::string_view kHeadingPrefix = "H";  // section heading path
inline constexpr std::string_view kTitlePrefix = "S";    // article title and also-called names
inline constexpr std::string_view kSearchesPrefix = "K"; // the section's searches (Section::searches)
inline constexpr std::string_view kStemPrefix = "Z";

// Positions jump by kSentenceGap at each sentence or list item (Token::starts_sentence), so a
// phrase never joins the last word of one bullet to the first of the next.
inline constexpr unsigned kSentenceGap = 100;

// Value slots.
inline constexpr unsigned kSlotArticle = 0;  // article id: the collapse key for grouping
inline constexpr unsigned kSlotUpdated = 1;  // ISO date, sortable as a string

// Database metadata keys.
inline constexpr std::string_view kMetaSynonyms = "medsearch.synonyms";    // SynonymMap::serialize()
inline constexpr std::string_view kMetaBuild = "medsearch.build";          // JSON: published, counts
inline constexpr std::string_view kMetaManifest = "medsearch.manifest";    // JSON: id → hash, path

// The stub file Xapian follows when a directory is opened; switching it publishes a build.
inline constexpr std::string_view kStubFile = "XAPIANDB";

}  // namespace medsearch::schema
