// The "article#anchor" of each hit's first section, in rank order: how tests compare result lists.
#pragma once

#include <string>
#include <vector>

#include "medsearch/searcher.hpp"

namespace medsearch::testing {

inline std::vector<std::string> hit_ids(const SearchResponse& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits)
        out.push_back(h.sections.empty() ? h.article.id : h.article.id + "#" + h.sections.front().anchor);
    return out;
}

}  // namespace medsearch::testing
