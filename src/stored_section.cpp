#include "stored_section.hpp"

#include <cstdint>

namespace medsearch {
namespace {

// Length-prefixed fields: decoding runs for every hit of every search, and JSON parsing
// measured ~20% of a search's instructions. Version byte first so the format can change.
// 2: the section's searches, which version 1 (an index written before them) has none of.
constexpr char kVersion = 2;

void put_size(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out += char((n & 0x7f) | 0x80);
        n >>= 7;
    }
    out += char(n);
}

void put(std::string& out, std::string_view s) {
    put_size(out, s.size());
    out += s;
}

void put(std::string& out, const std::vector<std::string>& list) {
    put_size(out, list.size());
    for (const auto& s : list) put(out, s);
}

struct Reader {
    std::string_view data;
    bool ok = true;

    std::size_t size() {
        std::size_t n = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (data.empty()) break;
            auto byte = static_cast<unsigned char>(data.front());
            data.remove_prefix(1);
            n |= std::size_t(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return n;
        }
        ok = false;
        return 0;
    }
    std::string string() {
        std::size_t n = size();
        if (!ok || n > data.size()) {
            ok = false;
            return {};
        }
        std::string s(data.substr(0, n));
        data.remove_prefix(n);
        return s;
    }
    std::vector<std::string> list() {
        std::size_t n = size();
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n && ok; ++i) out.push_back(string());
        return out;
    }
};

}  // namespace

std::string encode_section(const Article& a, const Section& s, std::size_t order) {
    std::string out;
    out.reserve(s.text.size() + 256);
    out += kVersion;
    put(out, a.id);
    put(out, a.title);
    put(out, a.also_called);
    put(out, a.topics);
    put(out, a.audience);
    put(out, a.source);
    put(out, a.url);
    put(out, a.updated);
    put(out, a.language);
    put(out, s.anchor);
    put(out, s.heading);
    put(out, s.heading_path);
    put(out, to_string(s.kind));
    put(out, s.text);
    put(out, s.searches);
    put_size(out, order);
    return out;
}

bool decode_section(std::string_view data, StoredSection& out) {
    if (data.empty() || (data.front() != kVersion && data.front() != 1)) return false;
    const bool has_searches = data.front() >= 2;
    Reader r{data.substr(1)};
    auto& a = out.article;
    a.id = r.string();
    a.title = r.string();
    a.also_called = r.list();
    a.topics = r.list();
    a.audience = r.string();
    a.source = r.string();
    a.url = r.string();
    a.updated = r.string();
    a.language = r.string();
    auto& s = out.section;
    s.anchor = r.string();
    s.heading = r.string();
    s.heading_path = r.string();
    if (!parse_section_kind(r.string(), s.kind)) s.kind = SectionKind::other;
    s.text = r.string();
    if (has_searches) s.searches = r.list();
    out.order = r.size();
    return r.ok && r.data.empty();
}

}  // namespace medsearch
