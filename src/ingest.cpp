// The batch side of ingest: which files to read, and checks that span files (duplicate ids).
#include "medsearch/ingest.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "ingest_internal.hpp"

namespace medsearch {
namespace {

namespace fs = std::filesystem;

enum class Format { markdown, jsonl, html, unsupported };

std::string ascii_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

Format format_of(const fs::path& path) {
    const std::string ext = ascii_lower(path.extension().string());
    if (ext == ".md") return Format::markdown;
    if (ext == ".jsonl") return Format::jsonl;
    if (ext == ".html" || ext == ".htm") return Format::html;
    return Format::unsupported;
}

bool is_hidden(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

// Inside a directory, READMEs describe the corpus; they are not articles.
bool is_readme(const fs::path& path) {
    return ascii_lower(path.filename().string()) == "readme.md";
}

void walk_directory(const fs::path& dir, std::vector<fs::path>& found,
                    std::vector<Diagnostic>& problems) {
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
    const fs::recursive_directory_iterator end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (is_hidden(path)) {
            it.disable_recursion_pending();
            continue;
        }
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;  // directories are entered by the iterator
        if (format_of(path) == Format::unsupported || is_readme(path)) continue;
        found.push_back(path);
    }
    if (ec) {
        const fs::path where = it != end ? it->path() : dir;
        problems.push_back({where.string(), 0, "cannot list directory: " + ec.message()});
    }
}

}  // namespace

namespace detail {

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void Reporter::sort() {
    std::stable_sort(problems_.begin() + static_cast<std::ptrdiff_t>(before_), problems_.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
}

// Trailing spaces of every line removed, at most one blank line in a row, trimmed.
std::string tidy_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t newlines = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view line = rtrim(text.substr(pos, end - pos));
        if (line.empty()) {
            ++newlines;
        } else {
            if (!out.empty()) out.append(std::min<std::size_t>(newlines, 2), '\n');
            out += line;
            newlines = 1;
        }
        pos = end + 1;
    }
    return std::string(detail::trim(out));
}

void build_sections(std::vector<RawSection>& raw, Article& a, Reporter& report, const HeadingSyntax& syntax) {
    RawSection& intro = raw.front();
    intro.text = tidy_text(intro.text);
    const bool has_intro = !intro.text.empty();

    // Written anchors first, so that generated ones never take their place.
    std::unordered_map<std::string, std::size_t> written;  // anchor → line of first use
    std::unordered_set<std::string> taken;                 // what generated anchors avoid
    if (has_intro) taken.insert("intro");
    const bool generated_moves = syntax.anchor_clash == AnchorClash::generated_moves;
    for (std::size_t i = 1; i < raw.size(); ++i) {
        RawSection& s = raw[i];
        if (s.heading.empty()) report(s.line, "empty heading");
        if (!s.has_anchor) continue;
        if (auto message = detail::check_anchor(s.anchor)) {
            report(s.line, *message);
        } else if (s.anchor == "intro" && has_intro) {
            report(s.line, std::string("anchor \"intro\" is taken by ") + syntax.intro_owner);
        } else if (const auto [it, inserted] = written.emplace(s.anchor, s.line); !inserted) {
            report(s.line, "duplicate anchor " + in_quotes(s.anchor) + " (first at line " +
                               std::to_string(it->second) + ")");
        }
        if (generated_moves) taken.insert(s.anchor);
    }
    for (std::size_t i = 1; i < raw.size(); ++i) {
        RawSection& s = raw[i];
        if (s.has_anchor) continue;
        s.anchor = detail::unique_anchor(s.heading, taken);
        if (const auto it = written.find(s.anchor); it != written.end() && !generated_moves) {
            report(it->second, "duplicate anchor " + in_quotes(s.anchor) + " (heading " +
                                   in_quotes(s.heading) + " at line " + std::to_string(s.line) +
                                   " gets it from its words)");
        }
    }

    if (has_intro) {
        a.sections.push_back({"intro", a.title, a.title, SectionKind::definition, intro.text, {}});
    }
    const RawSection* parent = nullptr;
    SectionKind parent_kind = SectionKind::other;
    for (std::size_t i = 1; i < raw.size(); ++i) {
        RawSection& s = raw[i];
        Section section;
        section.anchor = s.anchor;
        section.heading = s.heading;
        if (s.level == 2) {
            parent = &s;
            parent_kind = kind_from_heading(s.heading);
            section.heading_path = s.heading;
            section.kind = parent_kind;
        } else if (parent == nullptr) {
            report(s.line, "sub-section " + in_quotes(s.heading) + " " + syntax.out_of_order);
            continue;
        } else {
            section.heading_path = parent->heading;
            section.heading_path += detail::kHeadingPathSeparator;
            section.heading_path += s.heading;
            section.kind = parent_kind;
        }
        section.text = tidy_text(s.text);
        if (section.text.empty()) {
            // A section that only groups sub-sections is carried by their heading paths.
            const bool groups_subsections =
                s.level == 2 && i + 1 < raw.size() && raw[i + 1].level == 3;
            if (!groups_subsections)
                report(s.line, "section " + in_quotes(s.heading) + " has no text");
            continue;
        }
        a.sections.push_back(std::move(section));
    }
    if (raw.size() == 1 && !has_intro) {
        report(0, syntax.no_sections);
    }
}

}  // namespace detail

std::string format_diagnostic(const Diagnostic& d) {
    std::string s = d.path;
    if (d.line != 0) {
        if (!s.empty()) s += ':';
        s += std::to_string(d.line);
    }
    if (!s.empty()) s += ": ";
    s += d.message;
    return s;
}

std::vector<fs::path> collect_inputs(const std::vector<fs::path>& inputs,
                                     std::vector<Diagnostic>& problems) {
    std::vector<fs::path> files;
    std::set<fs::path> seen;  // the same file named twice (or via a directory) is read once
    const auto add = [&](const fs::path& path) {
        std::error_code ec;
        fs::path key = fs::weakly_canonical(path, ec);
        if (ec) key = path.lexically_normal();
        if (seen.insert(std::move(key)).second) files.push_back(path);
    };

    for (const fs::path& input : inputs) {
        std::error_code ec;
        const fs::file_status status = fs::status(input, ec);
        if (status.type() == fs::file_type::not_found) {
            problems.push_back({input.string(), 0, "no such file or directory"});
        } else if (ec) {
            problems.push_back({input.string(), 0, "cannot access: " + ec.message()});
        } else if (fs::is_directory(status)) {
            std::vector<fs::path> found;
            walk_directory(input, found, problems);
            std::sort(found.begin(), found.end());
            for (const fs::path& path : found) add(path);
        } else if (!fs::is_regular_file(status)) {
            problems.push_back({input.string(), 0, "not a regular file or directory"});
        } else if (format_of(input) == Format::unsupported) {
            problems.push_back(
                {input.string(), 0, "unsupported file type (expected .md, .jsonl, .html or .htm)"});
        } else {
            add(input);
        }
    }
    return files;
}

bool read_corpus(const std::vector<fs::path>& files, const ArticleSink& sink,
                 std::vector<Diagnostic>& problems) {
    const std::size_t problems_before = problems.size();
    struct Origin {
        std::string path;
        std::size_t line;
    };
    std::unordered_map<std::string, Origin> first_seen;  // article id → where it was defined
    bool stopped = false;

    // The first article with an id wins; later ones are reported and not delivered.
    const ArticleSink deliver = [&](Article&& article, const std::string& path, std::size_t line) {
        const auto [it, inserted] = first_seen.try_emplace(article.id, Origin{path, line});
        if (!inserted) {
            problems.push_back({path, line,
                                "duplicate article id \"" + article.id + "\" (first in " +
                                    it->second.path + ':' + std::to_string(it->second.line) + ")"});
            return true;
        }
        stopped = !sink(std::move(article), path, line);
        return !stopped;
    };

    for (const fs::path& file : files) {
        if (stopped) break;
        switch (format_of(file)) {
            case Format::markdown: {
                Article article;
                std::size_t id_line = 1;
                if (detail::read_markdown_at(file, article, problems, id_line)) {
                    deliver(std::move(article), file.string(), id_line);
                }
                break;
            }
            case Format::jsonl: read_jsonl(file, deliver, problems); break;
            case Format::html: {
                Article article;
                // A page's id may come from its file name: the article is at its first line.
                if (read_html(file, article, problems))
                    deliver(std::move(article), file.string(), 1);
                break;
            }
            case Format::unsupported:
                problems.push_back(
                    {file.string(), 0, "unsupported file type (expected .md, .jsonl, .html or .htm)"});
                break;
        }
    }
    return problems.size() == problems_before;
}

}  // namespace medsearch
