#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>


#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"
#include "../support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using medsearch::Article;
using medsearch::Diagnostic;
using medsearch::SectionKind;

const fs::path kData = fs::path(TEST_DATA_DIR) / "ingest";

using medsearch::testing::TempDir;

struct Delivered {
    Article article;
    std::string path;
    std::size_t line;
};

struct ReadResult {
    bool ok = false;
    std::vector<Delivered> articles;
    std::vector<Diagnostic> problems;
};

ReadResult read_jsonl(const fs::path& path) {
    ReadResult r;
    r.ok = medsearch::read_jsonl(
        path,
        [&r](Article&& a, const std::string& p, std::size_t line) {
            r.articles.push_back({std::move(a), p, line});
            return true;
        },
        r.problems);
    return r;
}

std::vector<std::string> lines_and_messages(const std::vector<Diagnostic>& problems) {
    std::vector<std::string> out;
    for (const auto& d : problems) out.push_back(std::to_string(d.line) + ": " + d.message);
    return out;
}

std::string one_line_article(const std::string& id) {
    return R"({"id": ")" + id +
           R"(", "title": "T", "sections": [{"heading": "Overview", "text": "Text."}]})";
}

}  // namespace

TEST_CASE("a JSON Lines file is read article by article", "[jsonl]") {
    const ReadResult r = read_jsonl(kData / "good.jsonl");
    INFO(Catch::Detail::stringify(lines_and_messages(r.problems)));
    REQUIRE(r.ok);
    REQUIRE(r.problems.empty());
    REQUIRE(r.articles.size() == 3);

    // Line numbers count the blank line 2 that was skipped.
    CHECK(r.articles[0].line == 1);
    CHECK(r.articles[1].line == 3);
    CHECK(r.articles[2].line == 4);
    CHECK(r.articles[0].path == (kData / "good.jsonl").string());

    const Article& a = r.articles[0].article;
    CHECK(a.id == "NINDS_0000229");
    CHECK(a.title == "Peripheral Neuropathy");
    CHECK(a.url == "http://www.ninds.nih.gov/disorders/peripheralneuropathy/peripheralneuropathy.htm");
    CHECK(a.source == "NINDS");
    CHECK(a.topics == std::vector<std::string>{"Peripheral Neuropathy", "Neuropathy"});
    CHECK(a.language == "en");
    REQUIRE(a.sections.size() == 4);
    CHECK(a.sections[0].anchor == "overview");
    CHECK(a.sections[0].heading_path == "Overview");
    CHECK(a.sections[0].kind == SectionKind::definition);
    CHECK(a.sections[0].text ==
          "Peripheral neuropathy describes damage to the peripheral nervous system.\n- Numbness\n"
          "- Tingling");
    CHECK(a.sections[1].kind == SectionKind::treatment);
    CHECK(a.sections[2].kind == SectionKind::risk_factors);
    CHECK(a.sections[3].kind == SectionKind::genetic_changes);

    SECTION("missing anchors are slugs of the heading, numbered on repeats") {
        const Article& b = r.articles[1].article;
        REQUIRE(b.sections.size() == 4);
        CHECK(b.sections[0].anchor == "overview");
        CHECK(b.sections[1].anchor == "treatment");
        // "treatment-2" is written on the last section, so the repeat takes "-3".
        CHECK(b.sections[2].anchor == "treatment-3");
        CHECK(b.sections[3].anchor == "treatment-2");
        CHECK(b.sections[3].kind == SectionKind::outlook);
    }
    SECTION("optional fields") {
        const Article& c = r.articles[2].article;
        CHECK(c.language == "es");
        CHECK(c.also_called == std::vector<std::string>{"dolor ciático"});
        CHECK(c.audience == "patients");
        CHECK(c.updated == "2026-11-05");
        REQUIRE(c.sections.size() == 2);
        CHECK(c.sections[0].anchor == "que-es-la-ciatica");
        CHECK(c.sections[0].kind == SectionKind::definition);
        CHECK(c.sections[1].kind == SectionKind::diagnosis);
    }
}

TEST_CASE("bad lines are reported with their line number and skipped", "[jsonl]") {
    const ReadResult r = read_jsonl(kData / "bad.jsonl");
    CHECK_FALSE(r.ok);
    REQUIRE(r.articles.size() == 2);
    CHECK(r.articles[0].article.id == "good-1");
    CHECK(r.articles[0].line == 1);
    CHECK(r.articles[1].article.id == "good-2");
    CHECK(r.articles[1].line == 8);

    CHECK(lines_and_messages(r.problems) ==
          std::vector<std::string>{
              "2: invalid JSON at column 22: syntax error while parsing value - unexpected end "
              "of input; expected '[', '{', or a literal",
              "4: expected a JSON object, not array",
              "5: missing string \"id\"",
              "6: sections[1]: missing string \"heading\"",
              "6: sections[2]: \"anchor\" must be a string, not number",
              "7: \"topics\" must be a list of strings, not string",
              "7: language \"english\" is not valid (expected a two-letter lowercase code such "
              "as \"en\" or \"es\")",
              "7: \"sections\" is empty",
              "9: invalid JSON at column 2: syntax error while parsing value - invalid literal; "
              "last read: 'no'",
              "10: sections[1]: duplicate anchor \"a\" (first in sections[0])",
              "12: id \"has space\" is not valid (expected letters, digits, '_' and '-')",
              "12: empty \"title\"",
              "12: also_called[1]: expected a string, not number",
              "12: sections[0]: empty \"text\"",
          });
    for (const auto& d : r.problems) CHECK(d.path == (kData / "bad.jsonl").string());
}

TEST_CASE("read_jsonl streams a long file line by line", "[jsonl]") {
    TempDir dir;
    const fs::path path = dir.path() / "many.jsonl";
    constexpr std::size_t kLines = 20000;
    {
        std::ofstream out(path, std::ios::binary);
        for (std::size_t i = 1; i <= kLines; ++i) {
            if (i == 12345) out << "{broken\n";
            else if (i == 777) out << "\n";
            else out << one_line_article(std::string("a").append(std::to_string(i))) << '\n';
        }
    }
    std::size_t count = 0;
    std::size_t last_line = 0;
    bool lines_match_ids = true;
    std::vector<Diagnostic> problems;
    const bool ok = medsearch::read_jsonl(
        path,
        [&](Article&& a, const std::string&, std::size_t line) {
            ++count;
            lines_match_ids = lines_match_ids && a.id == std::string("a").append(std::to_string(line));
            last_line = line;
            return true;
        },
        problems);
    CHECK_FALSE(ok);
    CHECK(count == kLines - 2);
    CHECK(last_line == kLines);
    CHECK(lines_match_ids);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 12345);
    CHECK_THAT(problems[0].message, Catch::StartsWith("invalid JSON at column 2: "));
}

TEST_CASE("read_jsonl stops when the sink says so", "[jsonl]") {
    TempDir dir;
    const fs::path path = dir.write("three.jsonl", one_line_article("a") + "\n" +
                                                       one_line_article("b") + "\nnot json\n");
    std::vector<std::string> ids;
    std::vector<Diagnostic> problems;
    const bool ok = medsearch::read_jsonl(
        path,
        [&ids](Article&& a, const std::string&, std::size_t) {
            ids.push_back(a.id);
            return false;
        },
        problems);
    CHECK(ok);  // stopping is not a problem, and line 3 was never read
    CHECK(ids == std::vector<std::string>{"a"});
    CHECK(problems.empty());
}

TEST_CASE("read_jsonl accepts CRLF, a BOM, whitespace-only lines and no final newline",
          "[jsonl]") {
    TempDir dir;
    const fs::path path = dir.write(
        "crlf.jsonl", "\xEF\xBB\xBF" + one_line_article("a") + "\r\n \t\r\n\r\n" +
                          one_line_article("b") + "\r\n[]\r\n" + one_line_article("c"));
    const ReadResult r = read_jsonl(path);
    REQUIRE(r.articles.size() == 3);
    CHECK(r.articles[0].line == 1);
    CHECK(r.articles[1].line == 4);
    CHECK(r.articles[2].line == 6);
    CHECK(r.articles[2].article.id == "c");
    CHECK(lines_and_messages(r.problems) ==
          std::vector<std::string>{"5: expected a JSON object, not array"});
}

TEST_CASE("read_jsonl reports invalid UTF-8 on its line", "[jsonl]") {
    TempDir dir;
    const fs::path path = dir.write(
        "utf8.jsonl", one_line_article("a") + "\n" +
                          R"({"id": "b", "title": "Bad )" + "\xFF" +
                          R"(", "sections": [{"heading": "O", "text": "T"}]})" + "\n");
    const ReadResult r = read_jsonl(path);
    CHECK_FALSE(r.ok);
    REQUIRE(r.articles.size() == 1);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 2);
    CHECK_THAT(r.problems[0].message, Catch::StartsWith("invalid JSON at column 27: ") &&
                                          Catch::Contains("UTF-8"));
}

TEST_CASE("read_jsonl reports a file it cannot open", "[jsonl]") {
    const ReadResult r = read_jsonl(kData / "no-such-file.jsonl");
    CHECK_FALSE(r.ok);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 0);
    CHECK_THAT(r.problems[0].message, Catch::StartsWith("cannot open file: "));
}

TEST_CASE("format_diagnostic", "[ingest]") {
    CHECK(medsearch::format_diagnostic({"corpus/a.md", 12, "empty heading"}) ==
          "corpus/a.md:12: empty heading");
    CHECK(medsearch::format_diagnostic({"corpus/a.md", 0, "file too large"}) ==
          "corpus/a.md: file too large");
    CHECK(medsearch::format_diagnostic({"", 0, "no input"}) == "no input");
}

TEST_CASE("collect_inputs expands directories into sorted article files", "[ingest]") {
    const fs::path tree = kData / "tree";
    std::vector<Diagnostic> problems;

    SECTION("directories: recursive and sorted; hidden files and READMEs skipped") {
        const auto files = medsearch::collect_inputs({tree}, problems);
        CHECK(problems.empty());
        CHECK(files == std::vector<fs::path>{tree / "alpha.md", tree / "nested" / "beta.md",
                                             tree / "nested" / "deeper" / "delta.md",
                                             tree / "nested" / "gamma.jsonl"});
    }
    SECTION("files named explicitly are taken as given, each once") {
        const auto files = medsearch::collect_inputs(
            {tree / "nested" / "gamma.jsonl", tree / ".hidden.md", tree / "nested", tree / "README.md"},
            problems);
        CHECK(problems.empty());
        CHECK(files == std::vector<fs::path>{tree / "nested" / "gamma.jsonl", tree / ".hidden.md",
                                             tree / "nested" / "beta.md",
                                             tree / "nested" / "deeper" / "delta.md",
                                             tree / "README.md"});
    }
    SECTION("a missing path and an unsupported file are problems") {
        const auto files = medsearch::collect_inputs(
            {tree / "missing.md", tree / "notes.txt", tree / "alpha.md"}, problems);
        CHECK(files == std::vector<fs::path>{tree / "alpha.md"});
        REQUIRE(problems.size() == 2);
        CHECK(medsearch::format_diagnostic(problems[0]) ==
              (tree / "missing.md").string() + ": no such file or directory");
        CHECK(medsearch::format_diagnostic(problems[1]) ==
              (tree / "notes.txt").string() + ": unsupported file type (expected .md, .jsonl, .html or .htm)");
    }
}

TEST_CASE("read_corpus reads every file and reports duplicate ids across them", "[ingest]") {
    const fs::path dir = kData / "duplicates";
    std::vector<Diagnostic> problems;
    const auto files = medsearch::collect_inputs({dir}, problems);
    REQUIRE(files.size() == 2);

    std::vector<std::string> delivered;
    const bool ok = medsearch::read_corpus(
        files,
        [&delivered](Article&& a, const std::string& path, std::size_t line) {
            delivered.push_back(a.id + "@" + fs::path(path).filename().string() + ":" +
                                std::to_string(line));
            return true;
        },
        problems);
    CHECK_FALSE(ok);
    // The first article with an id wins; a Markdown article's line is its `id:` line.
    CHECK(delivered == std::vector<std::string>{"shared-id@a.md:3", "unique@b.jsonl:1"});
    const std::string a = (dir / "a.md").string();
    const std::string b = (dir / "b.jsonl").string();
    std::vector<std::string> messages;
    for (const auto& d : problems) messages.push_back(medsearch::format_diagnostic(d));
    CHECK(messages == std::vector<std::string>{
                          b + ":2: duplicate article id \"shared-id\" (first in " + a + ":3)",
                          b + ":3: duplicate article id \"unique\" (first in " + b + ":1)",
                      });
}

TEST_CASE("read_corpus keeps going past bad files and still delivers the good ones", "[ingest]") {
    TempDir dir;
    dir.write("a.md", "---\nid: a\ntitle: A\n---\n## Overview\n\nText.\n");
    dir.write("b.md", "---\nid: b\n---\n## Overview\n\nText.\n");
    dir.write("c.jsonl", one_line_article("c") + "\n{\n" + one_line_article("d") + "\n");
    std::vector<Diagnostic> problems;
    const auto files = medsearch::collect_inputs({dir.path()}, problems);
    REQUIRE(files.size() == 3);

    std::vector<std::string> ids;
    const bool ok = medsearch::read_corpus(
        files,
        [&ids](Article&& a, const std::string&, std::size_t) {
            ids.push_back(a.id);
            return true;
        },
        problems);
    CHECK_FALSE(ok);
    CHECK(ids == std::vector<std::string>{"a", "c", "d"});
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].path == (dir.path() / "b.md").string());
    CHECK(problems[0].line == 1);
    CHECK(problems[1].path == (dir.path() / "c.jsonl").string());
    CHECK(problems[1].line == 2);

    SECTION("a sink that says stop ends the whole batch") {
        ids.clear();
        problems.clear();
        const bool stopped_ok = medsearch::read_corpus(
            files,
            [&ids](Article&& a, const std::string&, std::size_t) {
                ids.push_back(a.id);
                return false;
            },
            problems);
        CHECK(stopped_ok);
        CHECK(ids == std::vector<std::string>{"a"});
    }
}
