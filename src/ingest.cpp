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
                {input.string(), 0, "unsupported file type (expected .md or .jsonl)"});
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
                    {file.string(), 0, "unsupported file type (expected .md or .jsonl)"});
                break;
        }
    }
    return problems.size() == problems_before;
}

}  // namespace medsearch
