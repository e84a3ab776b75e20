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
