#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"

namespace {

using medsearch::Article;
using medsearch::Diagnostic;
using medsearch::Section;
using medsearch::SectionKind;

const std::filesystem::path kData = std::filesystem::path(TEST_DATA_DIR) / "ingest";

struct Parsed {
    bool ok = false;
    Article article;
    std::vector<Diagnostic> problems;
};

Parsed parse(std::string_view text) {
    Parsed p;
    p.ok = medsearch::parse_markdown(text, "test.md", p.article, p.problems);
    return p;
}

Parsed read(const std::string& name) {
    Parsed p;
    p.ok = medsearch::read_markdown(kData / name, p.article, p.problems);
    return p;
}

// Four lines of valid front matter: body lines start at 5.
constexpr std::string_view kFront = "---\nid: test\ntitle: Test Article\n---\n";

std::string with_front(std::string_view body) { return std::string(kFront) + std::string(body); }

std::vector<std::string> lines_and_messages(const std::vector<Diagnostic>& problems) {
    std::vector<std::string> out;
    for (const auto& d : problems) out.push_back(std::to_string(d.line) + ": " + d.message);
    return out;
}

}  // namespace

TEST_CASE("a complete Markdown article is read section by section", "[markdown]") {
    const Parsed p = read("good.md");
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.problems.empty());
    const Article& a = p.article;

    CHECK(a.id == "neuropathic-pain-test");
    CHECK(a.title == "Neuropathic Pain");
    CHECK(a.also_called == std::vector<std::string>{"nerve pain", "neuralgia"});
    CHECK(a.topics == std::vector<std::string>{"pain", "nerves"});
    CHECK(a.audience == "patients");
    CHECK(a.updated == "2026-11-03");
    CHECK(a.language == "en");
    CHECK(a.source == "medsearch");
    CHECK(a.url.empty());

    REQUIRE(a.sections.size() == 8);
    const auto check = [](const Section& s, const char* anchor, const char* heading,
                          const char* heading_path, SectionKind kind, const char* text) {
        INFO("section " << anchor);
        CHECK(s.anchor == anchor);
        CHECK(s.heading == heading);
        CHECK(s.heading_path == heading_path);
        CHECK(s.kind == kind);
        CHECK(s.text == text);
    };
    // The `#` title line is not a section; the text under it is the intro.
    check(a.sections[0], "intro", "Neuropathic Pain", "Neuropathic Pain", SectionKind::definition,
          "This article explains nerve pain and how it is treated.");
    check(a.sections[1], "overview", "Overview", "Overview", SectionKind::definition,
          "Neuropathic pain is pain caused by damaged nerves. It often feels like burning or "
          "pins & needles.\n\nSecond paragraph.");
    check(a.sections[2], "what-causes-it", "What Causes It?", "What Causes It?", SectionKind::other,
          "Nerves can be damaged in several ways:\n\n"
          "- A physical injury\n- Some medicines, such as:\n  - chemotherapy\n- An infection\n\n"
          "In some people, no cause is found.");
    check(a.sections[3], "treatment", "Treatment Options", "Treatment Options",
          SectionKind::treatment, "1. See your doctor.\n2. Follow the plan.");
    check(a.sections[4], "medicines", "Medicines", "Treatment Options \u203A Medicines",
          SectionKind::treatment, "Antiseizure medicines \u2013 and antidepressants.");
    check(a.sections[5], "surgery", "Surgery and Procedures",
          "Treatment Options \u203A Surgery and Procedures", SectionKind::treatment,
          "Procedure | Purpose\nNerve block | Numbs the nerve");
    check(a.sections[6], "notes", "Notes", "Notes", SectionKind::other, "First note.");
    check(a.sections[7], "notes-2", "Notes", "Notes", SectionKind::other, "Second note.");
}

TEST_CASE("a Spanish article gets kinds and anchors from Spanish headings", "[markdown]") {
    const Parsed p = read("good-es.md");
    REQUIRE(p.ok);
    const Article& a = p.article;
    CHECK(a.language == "es");
    CHECK(a.title == "Ciática");
    REQUIRE(a.sections.size() == 3);
    CHECK(a.sections[0].anchor == "que-es-la-ciatica");
    CHECK(a.sections[0].kind == SectionKind::definition);
    CHECK(a.sections[1].anchor == "diagnostico");
    CHECK(a.sections[1].kind == SectionKind::diagnosis);
    CHECK(a.sections[2].anchor == "pronostico");
    CHECK(a.sections[2].kind == SectionKind::outlook);
}

TEST_CASE("front matter defaults and accepted forms", "[markdown]") {
    SECTION("optional fields default to empty, language to en") {
        const Parsed p = parse(with_front("## Overview\n\nText.\n"));
        REQUIRE(p.ok);
        CHECK(p.article.language == "en");
        CHECK(p.article.also_called.empty());
        CHECK(p.article.topics.empty());
        CHECK(p.article.audience.empty());
        CHECK(p.article.updated.empty());
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].anchor == "overview");
    }
    SECTION("'...' closes the front matter, empty lists are fine") {
        const Parsed p = parse(
            "---\nid: a-1\ntitle: A\ntopics: []\nalso_called:\n...\n\n"
            "## Overview\n\nText.\n");
        REQUIRE(p.ok);
        CHECK(p.article.id == "a-1");
        CHECK(p.article.topics.empty());
    }
    SECTION("a UTF-8 byte order mark is ignored") {
        const Parsed p = parse("\xEF\xBB\xBF" + with_front("## Overview\n\nText.\n"));
        REQUIRE(p.ok);
        CHECK(p.article.id == "test");
    }
    SECTION("quoted scalars and block lists") {
        const Parsed p = parse(
            "---\nid: \"quoted-id\"\ntitle: 'Nerve Pain: A Guide'\ntopics:\n  - pain\n  - "
            "\"  nerves  \"\nupdated: 2026-01-31T10:00:00Z\n---\n## Overview\n\nText.\n");
        REQUIRE(p.ok);
        CHECK(p.article.id == "quoted-id");
        CHECK(p.article.title == "Nerve Pain: A Guide");
        CHECK(p.article.topics == std::vector<std::string>{"pain", "nerves"});
        CHECK(p.article.updated == "2026-01-31T10:00:00Z");
    }
}

TEST_CASE("front matter searches go to the sections their anchors name", "[markdown]") {
    const Parsed p = parse(
        "---\nid: a\ntitle: A\nsearches:\n  causes:\n    - why do my feet burn\n    - \"what's behind it: diabetes?\"\n"
        "  overview: [burning feet]\n---\n## Overview\n\nText.\n\n## Causes\n\nMore.\n\n## Outlook\n\nLater.\n");
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.article.sections.size() == 3);
    CHECK(p.article.sections[0].searches == std::vector<std::string>{"burning feet"});
    CHECK(p.article.sections[1].searches == std::vector<std::string>{"why do my feet burn", "what's behind it: diabetes?"});
    CHECK(p.article.sections[2].searches.empty());
}

TEST_CASE("Markdown body becomes plain text", "[markdown]") {
    auto [body, text] = GENERATE(table<std::string, std::string>({
        {"Some **bold**, *em*, ~~struck~~ and `code` [link](http://x.org) text.",
         "Some bold, em, struck and code link text."},
        {"Line one\nline two (soft break).", "Line one line two (soft break)."},
        {"Hard  \nbreak.", "Hard\nbreak."},
        {"AT&amp;T &lt;3 &#233;t&#xE9; &bogus; &copy;", "AT&T <3 été &bogus; \u00A9"},
        {"Para one.\n\nPara two.\n\n\n\nPara three.", "Para one.\n\nPara two.\n\nPara three."},
        {"- a\n- b\n\n  b continued\n- c", "- a\n- b\n  b continued\n- c"},
        {"3. three\n4. four", "3. three\n4. four"},
        {"Intro:\n\n- one\n- two\n\nAfter.", "Intro:\n\n- one\n- two\n\nAfter."},
        {"- one\n\n\n1. other list", "- one\n\n1. other list"},
        {"> Quoted advice.", "Quoted advice."},
        {"```\nfirst line\n  indented\n```", "first line\n  indented"},
        {"Before <span>inline</span> after.", "Before inline after."},
        {"Line one<br>line two<BR />three.", "Line one\nline two\nthree."},
        {"<div>\nblock html\n</div>\n\nKept.", "Kept."},
        {"#### Small heading\n\nText.", "Small heading\n\nText."},
        {"![a drawing of a nerve](nerve.png)", "a drawing of a nerve"},
        {"- [x] done\n- [ ] todo", "- done\n- todo"},
        {"Text.\n\n---\n\nMore.", "Text.\n\nMore."},
    }));
    INFO("body: " << body);
    const Parsed p = parse(with_front("## Section\n\n" + body + "\n"));
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.article.sections.size() == 1);
    CHECK(p.article.sections[0].text == text);
}

TEST_CASE("sections, sub-sections, anchors and the intro", "[markdown]") {
    SECTION("a ## that only groups ### sub-sections is carried by their heading paths") {
        const Parsed p = parse(with_front(
            "## Treatment\n\n### Medicines\n\nPills.\n\n### Surgery {#surgery}\n\nOperations.\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 2);
        CHECK(p.article.sections[0].anchor == "medicines");
        CHECK(p.article.sections[0].heading == "Medicines");
        CHECK(p.article.sections[0].heading_path == "Treatment \u203A Medicines");
        CHECK(p.article.sections[0].kind == SectionKind::treatment);
        CHECK(p.article.sections[1].anchor == "surgery");
        CHECK(p.article.sections[1].kind == SectionKind::treatment);
    }
    SECTION("a repeated heading gets -2, a written anchor of another name changes nothing") {
        const Parsed p = parse(with_front(
            "## Notes\n\nA.\n\n## Other {#more-notes}\n\nB.\n\n## Notes\n\nC.\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 3);
        CHECK(p.article.sections[0].anchor == "notes");
        CHECK(p.article.sections[1].anchor == "more-notes");
        CHECK(p.article.sections[2].anchor == "notes-2");
    }
    SECTION("markup in a heading is removed, the anchor stripped") {
        const Parsed p = parse(with_front("## The *MS* `hug` {#ms-hug}\n\nText.\n"));
        REQUIRE(p.ok);
        CHECK(p.article.sections[0].heading == "The MS hug");
        CHECK(p.article.sections[0].anchor == "ms-hug");
    }
    SECTION("setext headings are sections too") {
        const Parsed p = parse(with_front("Symptoms\n--------\n\nTingling.\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].heading == "Symptoms");
        CHECK(p.article.sections[0].kind == SectionKind::symptoms);
    }
    SECTION("no intro without text before the first ##") {
        const Parsed p = parse(with_front("# Test Article\n\n## Overview\n\nText.\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].anchor == "overview");
    }
    SECTION("an article of intro text alone has one section") {
        const Parsed p = parse(with_front("Just a paragraph.\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].anchor == "intro");
        CHECK(p.article.sections[0].heading == "Test Article");
        CHECK(p.article.sections[0].kind == SectionKind::definition);
        CHECK(p.article.sections[0].text == "Just a paragraph.");
    }
    SECTION("## inside a code block is not a heading") {
        const Parsed p = parse(with_front("## Overview\n\n```\n## not a heading\n```\n"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].text == "## not a heading");
    }
}

TEST_CASE("problems are reported with their line in the file", "[markdown]") {
    // Bodies after kFront start at line 5.
    auto [text, line, message] = GENERATE(table<std::string, std::size_t, std::string>({
        {"", 0, "empty file (expected front matter starting with a \"---\" line)"},
        {"## Overview\n\nText.\n", 1,
         "missing front matter (the file must start with a \"---\" line)"},
        {"---\nid: a\ntitle: A\n\n## Overview\n\nText.\n", 1,
         "unterminated front matter (no closing \"---\" line)"},
        {"---\nid: a\ntitle: A\nbad: [x, y\n---\n## O\n\nT.\n", 5,
         "YAML syntax error: end of sequence flow not found"},
        {"---\nid: a\ntitle: A\nkey: value: other\n---\n## O\n\nT.\n", 4,
         "YAML syntax error: illegal map value"},
        {"---\n- a\n- b\n---\n## O\n\nT.\n", 2,
         "front matter must be a YAML mapping (key: value lines)"},
        {"---\ntitle: A\n---\n## O\n\nT.\n", 1, "missing \"id\" in the front matter"},
        {"---\nid:\ntitle: A\n---\n## O\n\nT.\n", 2, "empty \"id\""},
        {"---\nid: a\ntitle: \"  \"\n---\n## O\n\nT.\n", 3, "empty \"title\""},
        {"---\nid: a\n---\n## O\n\nT.\n", 1, "missing \"title\" in the front matter"},
        {"---\nid: a\ntitle: {x: y}\n---\n## O\n\nT.\n", 3, "\"title\" must be a string"},
        {"---\nid: Bad_Id\ntitle: A\n---\n## O\n\nT.\n", 2,
         "id \"Bad_Id\" is not a slug (expected lowercase a-z, 0-9 and '-')"},
        {"---\nid: a\ntitle: A\nalso_called: nerve pain\n---\n## O\n\nT.\n", 4,
         "\"also_called\" must be a list of strings, such as [pain, nerves]"},
        {"---\nid: a\ntitle: A\ntopics:\n  - pain\n  - [x]\n---\n## O\n\nT.\n", 6,
         "topics[1]: expected a string"},
        {"---\nid: a\ntitle: A\nlanguage: EN\n---\n## O\n\nT.\n", 4,
         "language \"EN\" is not valid (expected a two-letter lowercase code such as \"en\" or "
         "\"es\")"},
        {"---\nid: a\ntitle: A\naudience: kids\n---\n## O\n\nT.\n", 4,
         "audience \"kids\" is not valid (expected patients, caregivers or clinicians)"},
        {"---\nid: a\ntitle: A\nupdated: 2026-13-01\n---\n## O\n\nT.\n", 4,
         "updated \"2026-13-01\" is not valid (expected an ISO date, YYYY-MM-DD, such as "
         "2026-11-01)"},
        {"---\nid: a\ntitle: A\ntitle: B\n---\n## O\n\nT.\n", 4,
         "duplicate key \"title\" (first at line 3)"},
        {"---\nid: a\ntitle: A\nsearches: [what helps]\n---\n## O\n\nT.\n", 4,
         "\"searches\" must map section anchors to lists, such as {treatment: [what helps]}"},
        {"---\nid: a\ntitle: A\nsearches:\n  o: what helps\n---\n## O\n\nT.\n", 5,
         "\"searches.o\" must be a list of strings, such as [pain, nerves]"},
        {"---\nid: a\ntitle: A\nsearches:\n  o: [fine]\n  causes: [why]\n---\n## O\n\nT.\n", 6,
         "searches: no section has the anchor \"causes\""},
        {with_front("## Overview\n\nGood.\nbad \xFF byte\n"), 8,
         "invalid UTF-8 (byte 0xFF at column 5)"},
        {with_front("## Overview\n\n\xC3\x28\n"), 7, "invalid UTF-8 (byte 0xC3 at column 1)"},
        {with_front("\xED\xA0\x80\n"), 5, "invalid UTF-8 (byte 0xED at column 1)"},  // surrogate
        {with_front("\n"), 0, "no sections (expected text or \"##\" headings after the front matter)"},
        {with_front("# Only a title\n"), 0,
         "no sections (expected text or \"##\" headings after the front matter)"},
        {with_front("## Overview\n\n## Causes\n\nText.\n"), 5, "section \"Overview\" has no text"},
        {with_front("## Overview\n\nText.\n\n## Treatment\n"), 9, "section \"Treatment\" has no text"},
        {with_front("## A {#x}\n\nText.\n\n## B {#x}\n\nText.\n"), 9,
         "duplicate anchor \"x\" (first at line 5)"},
        {with_front("### Orphan\n\nText.\n"), 5,
         "sub-section \"Orphan\" (###) comes before any \"##\" section"},
        {with_front("## {#x}\n\nText.\n"), 5, "empty heading"},
        {with_front("## Overview\n\nText.\n\n##\n\nMore.\n"), 9, "empty heading"},
        {with_front("## Overview {#Bad.Anchor}\n\nText.\n"), 5,
         "anchor \"Bad.Anchor\" is not valid (expected letters, digits, '_' and '-')"},
        {with_front("Intro text.\n\n## Overview {#intro}\n\nText.\n"), 7,
         "anchor \"intro\" is taken by the text before the first \"##\" heading"},
        {with_front("## Overview {#overview}\n\n```\n## fake\n```\n\n## Causes {#overview}\n\nText.\n"),
         11,
         "duplicate anchor \"overview\" (first at line 5)"},
    }));
    INFO("text: " << text);
    const Parsed p = parse(text);
    CHECK_FALSE(p.ok);
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].path == "test.md");
    CHECK(p.problems[0].message == message);
    CHECK(p.problems[0].line == line);
}

// `## Overview`, `## Overview`, `## Causes {#overview}` published Causes as #overview and the two
// Overview sections as #overview-2 and #overview-3: `searches: {overview: ...}` went to Causes.
TEST_CASE("a written anchor that another heading gets from its words is a duplicate", "[markdown]") {
    // Bodies after kFront start at line 5.
    auto [body, problems] = GENERATE(table<std::string, std::vector<std::string>>({
        {"## Overview\n\nA.\n\n## Overview\n\nB.\n\n## Causes {#overview}\n\nC.\n",
         {"13: duplicate anchor \"overview\" (heading \"Overview\" at line 5 gets it from its words)"}},
        {"## Causes {#overview}\n\nC.\n\n## Overview\n\nA.\n",
         {"5: duplicate anchor \"overview\" (heading \"Overview\" at line 9 gets it from its words)"}},
        {"## Overview {#overview}\n\nA.\n\n### Overview\n\nB.\n",
         {"5: duplicate anchor \"overview\" (heading \"Overview\" at line 9 gets it from its words)"}},
        {"## Notes\n\nA.\n\n## Other {#notes-2}\n\nB.\n\n## Notes\n\nC.\n",
         {"9: duplicate anchor \"notes-2\" (heading \"Notes\" at line 13 gets it from its words)"}},
    }));
    INFO("body: " << body);
    const Parsed p = parse(with_front(body));
    CHECK_FALSE(p.ok);
    CHECK(lines_and_messages(p.problems) == problems);
}

// A misspelt key was ignored: `serches:` lost every search of the article, `also-called:` its
// other names, and the file indexed without a word.
TEST_CASE("an unknown front matter key is an error on its line, naming the keys", "[markdown]") {
    const std::string keys =
        " (the keys are id, title, also_called, topics, audience, updated, language, source, searches)";
    auto [key, message] = GENERATE_REF(table<std::string, std::string>({
        {"serches", "unknown key \"serches\": did you mean \"searches\"?" + keys},
        {"also-called", "unknown key \"also-called\": did you mean \"also_called\"?" + keys},
        {"Also Called", "unknown key \"Also Called\": did you mean \"also_called\"?" + keys},
        {"tittle", "unknown key \"tittle\": did you mean \"title\"?" + keys},
        {"Title", "unknown key \"Title\": did you mean \"title\"?" + keys},
        {"tpoics", "unknown key \"tpoics\": did you mean \"topics\"?" + keys},
        {"langauge", "unknown key \"langauge\": did you mean \"language\"?" + keys},
        {"ids", "unknown key \"ids\": did you mean \"id\"?" + keys},
        {"reviewer", "unknown key \"reviewer\"" + keys},
        {"to", "unknown key \"to\"" + keys},  // two edits from "id": too far for a short key
        {"url", "unknown key \"url\"" + keys},
    }));
    INFO("key: " << key);
    const Parsed p = parse("---\nid: a\ntitle: A\n" + key + ": [x]\n---\n## Overview\n\nText.\n");
    CHECK_FALSE(p.ok);
    CHECK(lines_and_messages(p.problems) == std::vector<std::string>{"4: " + message});
}

// yaml-cpp 0.7 closes a quoted scalar left open at the end of its input: `title: 'Single quote`
// took in the lines after it ("Single quote language: es audience: clinicians") and the article
// was indexed in English.
TEST_CASE("an unterminated quoted value in the front matter is an error on its line", "[markdown]") {
    auto [text, line, message] = GENERATE(table<std::string, std::size_t, std::string>({
        {"---\nid: sq\ntitle: 'Single quote\nlanguage: es\naudience: clinicians\n---\n\n"
         "## Overview\n\nText.\n",
         3, "unterminated quoted value in \"title\" (no closing quote before the end of the front matter)"},
        {"---\nid: a\ntitle: \"Double quote\n---\n## O\n\nT.\n", 3,
         "unterminated quoted value in \"title\" (no closing quote before the end of the front matter)"},
        {"---\nid: a\ntitle: A\ntopics:\n  - pain\n  - 'nerves\n\n...\n## O\n\nT.\n", 6,
         "unterminated quoted value in \"topics[1]\" (no closing quote before the end of the front matter)"},
        {"---\nid: a\ntitle: A\nsearches:\n  o: [fine]\n  p:\n    - \"what \\\"helps\\\"\n---\n## O\n\nT.\n", 7,
         "unterminated quoted value in \"searches.p[0]\" (no closing quote before the end of the front matter)"},
        {"---\nid: a\ntitle: 'It''s open\n---\n## O\n\nT.\n", 3,
         "unterminated quoted value in \"title\" (no closing quote before the end of the front matter)"},
    }));
    INFO("text: " << text);
    const Parsed p = parse(text);
    CHECK_FALSE(p.ok);
    CHECK(lines_and_messages(p.problems) == std::vector<std::string>{std::to_string(line) + ": " + message});
}

TEST_CASE("a quoted front matter value closed on a later line is one value", "[markdown]") {
    const Parsed p = parse(
        "---\nid: a\ntitle: 'Single quote,\n  on two lines'\nlanguage: es\n"
        "also_called: [\"one\n  name\", other]\n---\n## O\n\nT.\n");
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    CHECK(p.article.title == "Single quote, on two lines");
    CHECK(p.article.language == "es");
    CHECK(p.article.also_called == std::vector<std::string>{"one name", "other"});
}

TEST_CASE("every problem of a file is reported, in line order", "[markdown]") {
    SECTION("front matter fields") {
        const Parsed p = read("bad-fields.md");
        CHECK_FALSE(p.ok);
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{
                  "1: missing \"title\" in the front matter",
                  "2: id \"Not A Slug\" is not a slug (expected lowercase a-z, 0-9 and '-')",
                  "3: \"also_called\" must be a list of strings, such as [pain, nerves]",
                  "4: topics[1]: expected a string",
                  "5: language \"eng\" is not valid (expected a two-letter lowercase code such "
                  "as \"en\" or \"es\")",
                  "6: audience \"kids\" is not valid (expected patients, caregivers or clinicians)",
                  "7: updated \"soon\" is not valid (expected an ISO date, YYYY-MM-DD, such as "
                  "2026-11-01)",
              });
        for (const auto& d : p.problems) CHECK(d.path == (kData / "bad-fields.md").string());
    }
    SECTION("body") {
        const Parsed p = read("bad-body.md");
        CHECK_FALSE(p.ok);
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{
                  "6: sub-section \"Orphan\" (###) comes before any \"##\" section",
                  "14: section \"Causes\" has no text",
                  "16: duplicate anchor \"overview\" (first at line 10)",
                  "20: empty heading",
              });
    }
    SECTION("broken front matter and a broken body together") {
        const Parsed p = parse("---\nid: a\ntitle: [x\n---\n## A {#x}\n\nT.\n\n## B {#x}\n\nT.\n");
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{
                  "4: YAML syntax error: end of sequence flow not found",
                  "9: duplicate anchor \"x\" (first at line 5)",
              });
    }
    SECTION("fixture files") {
        CHECK(lines_and_messages(read("bad-yaml.md").problems) ==
              std::vector<std::string>{"5: YAML syntax error: end of sequence flow not found"});
        CHECK(lines_and_messages(read("bad-unterminated.md").problems) ==
              std::vector<std::string>{"1: unterminated front matter (no closing \"---\" line)"});
        CHECK(lines_and_messages(read("bad-no-front-matter.md").problems) ==
              std::vector<std::string>{
                  "1: missing front matter (the file must start with a \"---\" line)"});
    }
}

TEST_CASE("Windows line endings read the same and count lines the same", "[markdown]") {
    const std::string lf = with_front("Intro.\n\n## A {#x}\n\nOne\ntwo.\n\n## B {#x}\n\nT.\n");
    std::string crlf;
    for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);

    const Parsed a = parse(lf);
    const Parsed b = parse(crlf);
    CHECK(lines_and_messages(b.problems) == lines_and_messages(a.problems));
    CHECK(lines_and_messages(b.problems) ==
          std::vector<std::string>{"12: duplicate anchor \"x\" (first at line 7)"});

    const Parsed good = parse(with_front("## A\r\n\r\nOne\r\ntwo.\r\n"));
    REQUIRE(good.ok);
    CHECK(good.article.sections[0].text == "One two.");
}

TEST_CASE("read_markdown reports a file it cannot read", "[markdown]") {
    const Parsed p = read("no-such-file.md");
    CHECK_FALSE(p.ok);
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].line == 0);
    CHECK(p.problems[0].path == (kData / "no-such-file.md").string());
    CHECK_THAT(p.problems[0].message, Catch::StartsWith("cannot read file: "));
}

TEST_CASE("the shipped corpus reads without problems", "[markdown][corpus]") {
    const std::filesystem::path corpus = std::filesystem::path(PROJECT_ROOT_DIR) / "corpus";
    std::vector<Diagnostic> problems;
    const auto files = medsearch::collect_inputs({corpus}, problems);
    REQUIRE_FALSE(files.empty());
    std::size_t articles = 0;
    const bool ok = medsearch::read_corpus(
        files,
        [&articles](Article&& a, const std::string&, std::size_t) {
            ++articles;
            CHECK_FALSE(a.sections.empty());
            for (const auto& s : a.sections) CHECK_FALSE(s.text.empty());
            return true;
        },
        problems);
    std::vector<std::string> messages;
    for (const auto& d : problems) messages.push_back(medsearch::format_diagnostic(d));
    CHECK(messages == std::vector<std::string>{});
    CHECK(ok);
    CHECK(articles == files.size());
}
