// Readers for corpus files: Markdown with YAML front matter (.md) and JSON Lines (.jsonl).
// They validate as they read and report every problem as `path:line: message`.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "medsearch/article.hpp"

namespace medsearch {

struct Diagnostic {
    std::string path;
    std::size_t line = 0;  // 1-based; 0 when the problem concerns the whole file
    std::string message;
};
// "path:line: message" (or "path: message" when line is 0).
std::string format_diagnostic(const Diagnostic& d);

// Called once per article read; return false to stop reading.
using ArticleSink = std::function<bool(Article&& article, const std::string& path, std::size_t line)>;

// Parses one Markdown article (docs/content-format.md). Problems (broken front matter, missing
// id or title, bad id, duplicate anchors, a section without text, invalid UTF-8, empty file)
// are appended to `problems` with their line in the file; returns false if any was found, and
// then leaves `out` untouched. A `##` with no text of its own followed by `###` sub-sections
// only groups them (its heading is in theirs: "Treatment › Medicines") and is not a section.
bool read_markdown(const std::filesystem::path& path, Article& out, std::vector<Diagnostic>& problems);
bool parse_markdown(std::string_view text, const std::string& path_for_messages, Article& out,
                    std::vector<Diagnostic>& problems);

// Parses one article exported from a CMS as an HTML page (UTF-8; gumbo, HTML5 rules).
// Title: the first <h1> with text, else <title>. Id, slugified: <meta name="medsearch:id">,
// else the last path segment of <link rel="canonical"> (an absolute one is also the url), else
// the file name. <html lang> gives the language (its primary subtag; default en), <meta
// name="keywords"> the topics, <meta name="medsearch:also-called"> the other names (both
// comma-separated), <meta name="medsearch:updated"> or else the first date in a
// <time datetime> the date. The text is that of <main>, else <article>, else <body>, without
// the page's furniture: script, style, noscript, template, nav, aside, form, button, iframe,
// svg, math, media, elements with role="navigation", aria-hidden="true", hidden, an inline
// style with display: none or visibility: hidden, or a class containing "breadcrumb" or
// "cookie", and <header>/<footer> (except the article's own
// <header>, inside <main> or <article>). Sections start at <h2> and sub-sections at <h3>, as
// `##` and `###` do in Markdown (intro, heading paths, kinds, grouping <h2>s); a heading's id
// attribute is its anchor, else a slug of its text. Problems (no title, no sections, bad or
// duplicate anchors, an empty heading or section, bad id, language or date, invalid UTF-8, an
// unreadable, empty or oversized page: more than 16 MiB, 30,000 tags or 400 levels of nesting)
// are appended with their line; returns false if any was found, and then leaves `out`
// untouched.
bool read_html(const std::filesystem::path& path, Article& out, std::vector<Diagnostic>& problems);
bool parse_html(std::string_view html, const std::string& path_for_messages, Article& out,
                std::vector<Diagnostic>& problems);

// Streams a JSON Lines file: one article a line, as ../shared/data/medquad/corpus.jsonl.
// Bad lines are reported (with their line number) and skipped; blank lines are skipped;
// returns false if any was bad. Memory use is bounded by the longest line, not the file.
bool read_jsonl(const std::filesystem::path& path, const ArticleSink& sink,
                std::vector<Diagnostic>& problems);

// Expands INPUT arguments (files and directories, recursively, sorted) into .md and .jsonl
// files. A missing path or an unsupported file given explicitly is a problem. Inside
// directories, hidden entries (".name") and README.md files are skipped; a file reached
// twice is listed once.
std::vector<std::filesystem::path> collect_inputs(const std::vector<std::filesystem::path>& inputs,
                                                  std::vector<Diagnostic>& problems);

// Reads every input and checks the batch as a whole (duplicate article ids across files).
// Articles are delivered to `sink` in input order, with the line of their `id:` key (.md) or
// their line (.jsonl). Returns false if any problem was found; the sink still sees every
// valid article so callers can decide what to publish. Of articles sharing an id only the
// first is delivered; the others are reported as
// `path:line: duplicate article id "x" (first in other/path:line)`.
bool read_corpus(const std::vector<std::filesystem::path>& files, const ArticleSink& sink,
                 std::vector<Diagnostic>& problems);

}  // namespace medsearch
