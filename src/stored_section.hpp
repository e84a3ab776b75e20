// Internal: what a section's Xapian document stores as its data (its article's fields and the
// section itself), so a search can build results and /api/articles without reading sources.
#pragma once

#include <string>
#include <string_view>

#include "medsearch/article.hpp"

namespace medsearch {

struct StoredSection {
    Article article;  // every field but `sections`
    Section section;
    std::size_t order = 0;  // position of the section in its article
};

std::string encode_section(const Article& article, const Section& section, std::size_t order);
bool decode_section(std::string_view data, StoredSection& out);

}  // namespace medsearch
