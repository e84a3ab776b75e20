#include "medsearch/synonyms.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "ingest_internal.hpp"

namespace medsearch {
namespace {

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n\v\f";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

// A '#' at the start of a line or after whitespace starts a comment ("C#" stays a word).
std::string_view strip_comment(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
            return line.substr(0, i);
    }
    return line;
}

// The problem of a line that is not UTF-8, as the article readers word it; nothing when it is.
std::optional<std::string> utf8_problem(std::string_view line) {
    const std::size_t bad = detail::find_invalid_utf8(line);
    if (bad == std::string_view::npos) return std::nullopt;
    return detail::invalid_utf8_message(static_cast<unsigned char>(line[bad]), bad + 1);
}

// Whether `list` already expands to `phrase`.
bool has_phrase(const std::vector<SynonymMap::Expansion>& list, const SynonymPhrase& phrase) {
    return std::any_of(list.begin(), list.end(), [&](const SynonymMap::Expansion& x) { return x.phrase == phrase; });
}

// Splits on unescaped commas; "\," is a literal comma (Solr's escape).
std::vector<std::string> split_entries(std::string_view side) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i < side.size(); ++i) {
        char c = side[i];
        if (c == '\\' && i + 1 < side.size()) {
            cur += side[++i];
        } else if (c == ',') {
            out.emplace_back(trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.emplace_back(trim(cur));
    return out;
}

std::string key_of(const SynonymPhrase& p) {
    std::string k = p.abbreviation ? "^" : "";
    for (std::size_t i = 0; i < p.words.size(); ++i) {
        if (i) k += ' ';
        k += p.words[i];
    }
    return k;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string k;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i) k += ' ';
        k += words[i];
    }
    return k;
}

bool read_file(const std::filesystem::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return !in.bad();
}

}  // namespace

SynonymPhrase analyse_entry(std::string_view entry, Analyzer& analyzer) {
    SynonymPhrase phrase;
    auto tokens = analyzer.tokenize(entry);
    for (auto& t : tokens) phrase.words.push_back(std::move(t.word));
    phrase.abbreviation = tokens.size() == 1 && tokens[0].all_caps;
    return phrase;
}

void SynonymMap::add_rule(SynonymRule rule, Analyzer& analyzer) {
    std::vector<SynonymPhrase> from, to;
    for (const auto& e : rule.from) from.push_back(analyse_entry(e, analyzer));
    for (const auto& e : rule.to) to.push_back(analyse_entry(e, analyzer));
    // An equivalence set expands each member to all the others; a one-way rule only left → right.
    const auto& targets = rule.to.empty() ? from : to;
    for (const auto& f : from) {
        longest_ = std::max(longest_, f.words.size());
        if (f.words.size() > 1 && !f.abbreviation) {
            for (std::string_view language : {"en", "es"}) {
                std::vector<std::string> stems;
                for (const auto& w : f.words) stems.push_back(analyzer.stem(w, language));
                auto& keys = forms_[std::string(language) + ":" + join_words(stems)];
                if (std::find(keys.begin(), keys.end(), key_of(f)) == keys.end()) keys.push_back(key_of(f));
            }
        }
        auto& list = map_[key_of(f)];
        for (const auto& t : targets) {
            if (t.words == f.words) continue;
            if (!has_phrase(list, t)) list.push_back(Expansion{t, rule.origin, false, !rule.to.empty()});
        }
    }
    rules_.push_back(std::move(rule));
}

bool SynonymMap::add_solr(std::string_view text, const std::string& path, Analyzer& analyzer,
                          std::vector<Diagnostic>& problems) {
    bool ok = true;
    std::size_t line_no = 0;
    auto fail = [&](std::string message) {
        problems.push_back(Diagnostic{path, line_no, std::move(message)});
        ok = false;
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view raw = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        // Checked before anything else: the analyzer would read a stray byte as a word break.
        if (auto problem = utf8_problem(raw)) {
            fail(std::move(*problem));
            continue;
        }
        std::string_view line = trim(strip_comment(raw));
        if (line.empty()) continue;

        SynonymRule rule;
        rule.origin = path + ":" + std::to_string(line_no);
        auto arrow = line.find("=>");
        if (arrow != std::string_view::npos && line.find("=>", arrow + 2) != std::string_view::npos) {
            fail("more than one \"=>\" in a rule");
            continue;
        }
        if (arrow == std::string_view::npos) {
            rule.from = split_entries(line);
        } else {
            rule.from = split_entries(trim(line.substr(0, arrow)));
            rule.to = split_entries(trim(line.substr(arrow + 2)));
        }
        bool line_ok = true;
        auto check_side = [&](const std::vector<std::string>& side, const char* where) {
            for (std::size_t i = 0; i < side.size() && line_ok; ++i) {
                if (side[i].empty()) {
                    fail(std::string("empty entry ") + std::to_string(i + 1) + " " + where);
                    line_ok = false;
                } else if (analyse_entry(side[i], analyzer).words.empty()) {
                    fail("entry \"" + side[i] + "\" " + where + " has no words");
                    line_ok = false;
                }
            }
        };
        check_side(rule.from, arrow == std::string_view::npos ? "in the set" : "before \"=>\"");
        if (arrow != std::string_view::npos) check_side(rule.to, "after \"=>\"");
        if (!line_ok) continue;
        if (arrow == std::string_view::npos && rule.from.size() < 2) {
            fail("an equivalence needs at least two entries separated by ','");
            continue;
        }
        add_rule(std::move(rule), analyzer);
    }
    return ok;
}

bool SynonymMap::add_tsv(std::string_view text, const std::string& path, Analyzer& analyzer,
                         std::vector<Diagnostic>& problems) {
    bool ok = true;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        if (auto problem = utf8_problem(line)) {
            problems.push_back(Diagnostic{path, line_no, std::move(*problem)});
            ok = false;
            continue;
        }
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        SynonymRule rule;
        rule.origin = path + ":" + std::to_string(line_no);
        std::size_t start = 0;
        while (start <= line.size()) {
            auto tab = line.find('\t', start);
            auto field = trim(line.substr(start, tab == std::string_view::npos ? line.size() - start : tab - start));
            start = tab == std::string_view::npos ? line.size() + 1 : tab + 1;
            if (field.empty() || analyse_entry(field, analyzer).words.empty()) continue;
            if (std::find(rule.from.begin(), rule.from.end(), field) == rule.from.end())
                rule.from.emplace_back(field);
        }
        if (rule.from.size() < 2) {
            problems.push_back(Diagnostic{path, line_no, "a set needs at least two tab-separated entries"});
            ok = false;
            continue;
        }
        add_rule(std::move(rule), analyzer);
    }
    return ok;
}

bool SynonymMap::add_path(const std::filesystem::path& path, Analyzer& analyzer,
                          std::vector<Diagnostic>& problems) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(path, ec)) {
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".txt" || ext == ".tsv")) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        if (ec) {
            problems.push_back(Diagnostic{path.string(), 0, "cannot list directory: " + ec.message()});
            return false;
        }
        // Most likely the wrong directory (the corpus's): read as it is, it would replace the
        // whole vocabulary with nothing. Clearing it is --no-synonyms' job.
        if (files.empty()) {
            problems.push_back(Diagnostic{path.string(), 0, "no .txt or .tsv synonym files in the directory"});
            return false;
        }
    } else if (fs::exists(path, ec)) {
        files.push_back(path);
    } else {
        problems.push_back(Diagnostic{path.string(), 0, "no such synonym file or directory"});
        return false;
    }
    bool ok = true;
    for (const auto& file : files) {
        std::string text;
        if (!read_file(file, text)) {
            problems.push_back(Diagnostic{file.string(), 0, "cannot read file"});
            ok = false;
            continue;
        }
        bool file_ok = file.extension() == ".tsv" ? add_tsv(text, file.string(), analyzer, problems)
                                                  : add_solr(text, file.string(), analyzer, problems);
        ok = ok && file_ok;
    }
    return ok;
}

std::vector<SynonymMap::Expansion> SynonymMap::lookup(const std::vector<std::string>& words,
                                                      bool typed_in_caps) const {
    std::vector<Expansion> out;
    if (words.empty()) return out;
    std::string key = join_words(words);
    if (auto it = map_.find(key); it != map_.end()) out = it->second;
    auto add = [&](const Expansion& e, bool abbreviation) {
        if (has_phrase(out, e.phrase)) return;
        out.push_back(e);
        out.back().abbreviation = abbreviation;
    };
    if (typed_in_caps && words.size() == 1) {
        if (auto it = map_.find("^" + key); it != map_.end()) {
            for (const auto& e : it->second) add(e, true);
            // An abbreviation stands for its full name, so it also searches the full name's
            // equivalents: "CNS" the brain and spinal cord, "NP" nerve pain and neuralgia.
            for (const auto& e : it->second)
                if (auto full = map_.find(key_of(e.phrase)); full != map_.end())
                    for (const auto& equivalent : full->second)
                        if (!equivalent.one_way && equivalent.phrase.words != words) add(equivalent, false);
        }
    }
    return out;
}

std::vector<SynonymMap::Expansion> SynonymMap::lookup_forms(const std::vector<std::string>& stems,
                                                           std::string_view language) const {
    std::vector<Expansion> out;
    if (stems.size() < 2) return out;
    auto keys = forms_.find(std::string(language) + ":" + join_words(stems));
    if (keys == forms_.end()) return out;
    for (const auto& key : keys->second)
        for (const auto& e : map_.at(key))
            if (!has_phrase(out, e.phrase))
                out.push_back(e);
    return out;
}

std::string SynonymMap::serialize() const {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : rules_)
        rules.push_back({{"from", r.from}, {"to", r.to}, {"origin", r.origin}});
    return rules.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool SynonymMap::deserialize(std::string_view data, Analyzer& analyzer, SynonymMap& out) {
    auto rules = nlohmann::json::parse(data, nullptr, false);
    if (rules.is_discarded() || !rules.is_array()) return false;
    for (const auto& r : rules) {
        if (!r.is_object() || !r.contains("from") || !r["from"].is_array()) return false;
        SynonymRule rule;
        try {
            rule.from = r.at("from").get<std::vector<std::string>>();
            rule.to = r.value("to", std::vector<std::string>{});
            rule.origin = r.value("origin", std::string{});
        } catch (const nlohmann::json::exception&) {
            return false;
        }
        out.add_rule(std::move(rule), analyzer);
    }
    return true;
}

}  // namespace medsearch
