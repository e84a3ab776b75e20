#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support/temp_dir.hpp"
#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"

namespace {

namespace fs = std::filesystem;
using medsearch::Article;
using medsearch::Diagnostic;
using medsearch::Section;
using medsearch::SectionKind;

const fs::path kHtml = fs::path(TEST_DATA_DIR) / "ingest" / "html";

struct Parsed {
    bool ok = false;
    Article article;
    std::vector<Diagnostic> problems;
};

Parsed parse(std::string_view html, const std::string& path = "test.html") {
    Parsed p;
    p.ok = medsearch::parse_html(html, path, p.article, p.problems);
    return p;
}

Parsed read(const std::string& name) {
    Parsed p;
    p.ok = medsearch::read_html(kHtml / name, p.article, p.problems);
    return p;
}

// A page whose body starts on line 4: "<body>" is line 3.
std::string page(std::string_view body) {
    return "<!doctype html>\n<html lang=\"en\"><head><title>Test Page</title></head>\n<body>\n" +
           std::string(body) + "\n</body></html>\n";
}

std::vector<std::string> lines_and_messages(const std::vector<Diagnostic>& problems) {
    std::vector<std::string> out;
    for (const auto& d : problems) out.push_back(std::to_string(d.line) + ": " + d.message);
    return out;
}

void check_section(const Section& s, const char* anchor, const char* heading,
                   const char* heading_path, SectionKind kind, const char* text) {
    INFO("section " << anchor);
    CHECK(s.anchor == anchor);
    CHECK(s.heading == heading);
    CHECK(s.heading_path == heading_path);
    CHECK(s.kind == kind);
    CHECK(s.text == text);
}

}  // namespace

TEST_CASE("a CMS export is read without its page furniture", "[html]") {
    const Parsed p = read("good.html");
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.problems.empty());
    const Article& a = p.article;

    // The id comes from the canonical URL; the logo's <h1> in the site header is not the title.
    CHECK(a.id == "sciatica");
    CHECK(a.title == "Sciatica");
    CHECK(a.url == "https://health.example.org/library/conditions/sciatica.html?utm_source=cms");
    CHECK(a.also_called == std::vector<std::string>{"sciatic nerve pain", "lumbar radiculopathy"});
    CHECK(a.topics == std::vector<std::string>{"back pain", "Nerves", "spine"});
    CHECK(a.language == "en");
    // From the article's footer; the sidebar's <time> is furniture.
    CHECK(a.updated == "2026-03-14");
    CHECK(a.audience.empty());
    CHECK(a.source.empty());

    REQUIRE(a.sections.size() == 7);
    check_section(a.sections[0], "intro", "Sciatica", "Sciatica", SectionKind::definition,
                  "Sciatica is pain that travels along the sciatic nerve, from the lower back "
                  "down one leg.\n\n"
                  "Most people get better within 4\u20136 weeks, without surgery.");
    check_section(a.sections[1], "overview", "What is sciatica?", "What is sciatica?",
                  SectionKind::definition,
                  "The sciatic nerve is the longest nerve in the body. It runs from your lower "
                  "back, through the buttock, and down each leg.\n\n"
                  "Sciatica usually affects only one side.");
    check_section(a.sections[2], "causes", "Causes", "Causes", SectionKind::causes,
                  "Common causes include:\n\n"
                  "- a herniated (slipped) disc\n"
                  "- spinal stenosis, a narrowing of the spinal canal, which can cause:\n"
                  "  - numbness\n"
                  "  - weakness\n"
                  "- an injury");
    check_section(a.sections[3], "symptoms", "Symptoms", "Symptoms", SectionKind::symptoms,
                  "You may feel a sharp, burning pain \u2014 or pins & needles \u2013 down your "
                  "leg.\n\n"
                  "Symptom | How common\nLeg pain | Very common\nNumbness | Common");
    // "Treatment" only groups its <h3>s: it is in their heading paths, not a section.
    check_section(a.sections[4], "medicines", "Medicines", "Treatment \u203A Medicines",
                  SectionKind::treatment,
                  "Your doctor may suggest pain relievers such as ibuprofen or naproxen.\n\n"
                  "1. Take them with food.\n2. Do not take more than the label says.");
    check_section(a.sections[5], "physical-therapy-exercise", "Physical therapy & exercise",
                  "Treatment \u203A Physical therapy & exercise", SectionKind::treatment,
                  "A physiotherapist can show you exercises\nto ease the pressure on the nerve.");
    check_section(a.sections[6], "outlook", "Outlook", "Outlook", SectionKind::outlook,
                  "Most people recover fully. See a doctor if the pain lasts more than 6 weeks."
                  "\n\nGet help right away if you lose control of your bladder or bowels.\n\n"
                  "Reviewed by the editorial team of Clinique Saint-Andr\u00E9 and Dr. Zo\u00EB "
                  "Martin.");
}

TEST_CASE("a Spanish .htm page: id and date from meta tags, text from <body>", "[html]") {
    const Parsed p = read("good-es.htm");
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    const Article& a = p.article;
    CHECK(a.id == "ciatica-espanol");
    CHECK(a.title == "Ciática");
    CHECK(a.language == "es");
    CHECK(a.updated == "2026-02-01");
    CHECK(a.url == "https://salud.example.org/biblioteca/ciatica/");
    REQUIRE(a.sections.size() == 3);
    check_section(a.sections[0], "que-es-la-ciatica", "¿Qué es la ciática?",
                  "¿Qué es la ciática?", SectionKind::definition,
                  "Es un dolor que sigue el nervio ciático.");
    check_section(a.sections[1], "diagnostico", "Diagnóstico", "Diagnóstico",
                  SectionKind::diagnosis, "El médico le hará un examen físico.");
    check_section(a.sections[2], "pronostico", "Pronóstico", "Pronóstico", SectionKind::outlook,
                  "La mayoría de las personas mejora sin cirugía.");
}

TEST_CASE("the id: medsearch:id, else the canonical URL, else the file name", "[html]") {
    auto [head, path, id] = GENERATE(table<std::string, std::string, std::string>({
        {"<meta name=\"medsearch:id\" content=\" Nerve Pain: A Guide \">"
         "<link rel=\"canonical\" href=\"https://x.org/a/other\">",
         "test.html", "nerve-pain-a-guide"},
        {"<META NAME=\"MedSearch:ID\" CONTENT=\"GHR_0000804\">", "test.html", "ghr-0000804"},
        {"<meta name=\"medsearch:id\" content=\"  \"><link rel=\"canonical\" href=\"/a/b\">",
         "test.html", "b"},
        {"<link rel=\"Canonical\" href=\"https://x.org/library/Back%20Pain/?x=1#top\">",
         "test.html", "back-pain"},
        {"<link rel=\"alternate canonical\" href=\"https://x.org/topics/tennis-elbow.aspx\">",
         "test.html", "tennis-elbow"},
        {"<link rel=\"canonical\" href=\"https://x.org/\">", "export/Carpal Tunnel.html",
         "carpal-tunnel"},
        {"<link rel=\"stylesheet\" href=\"/site.css\">", "dir/Hip_Pain.HTM", "hip-pain"},
    }));
    INFO("head: " << head);
    const Parsed p = parse("<html><head><title>T</title>" + head + "</head><body><p>Text.</p>",
                           path);
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    CHECK(p.article.id == id);
}

TEST_CASE("title, language, date and lists from the head", "[html]") {
    SECTION("no <h1>: the <title>, whitespace collapsed") {
        const Parsed p = parse("<title>\n  Back   pain\n</title><p>Text.</p>");
        REQUIRE(p.ok);
        CHECK(p.article.title == "Back pain");
        CHECK(p.article.sections[0].heading == "Back pain");
    }
    SECTION("an <h1> with no text gives way to the next") {
        const Parsed p = parse(
            "<title>Page</title><h1><img src=logo.png alt=Logo></h1><h1>Real <em>title</em></h1>"
            "<p>Text.</p>");
        REQUIRE(p.ok);
        CHECK(p.article.title == "Real title");
    }
    SECTION("lang: the primary subtag, lowercased; absent: en") {
        CHECK(parse("<html lang=\"ES-mx\"><title>T</title><p>x</p>").article.language == "es");
        CHECK(parse("<html><title>T</title><p>x</p>").article.language == "en");
        CHECK(parse("<html lang=\"\"><title>T</title><p>x</p>").article.language == "en");
    }
    SECTION("updated: the meta tag wins over <time>; a <time> must hold a date") {
        CHECK(parse("<meta name=\"medsearch:updated\" content=\"2026-01-31T10:00:00Z\">"
                    "<title>T</title><p><time datetime=\"2025-01-01\">x</time></p>")
                  .article.updated == "2026-01-31T10:00:00Z");
        CHECK(parse("<title>T</title><p><time datetime=\"14:30\">at 2.30</time> "
                    "<time datetime=\"2026\">2026</time> <time datetime=\"2026-05-02\">May 2</time>"
                    "</p>")
                  .article.updated == "2026-05-02");
        CHECK(parse("<title>T</title><p><time>2026-05-02</time></p>").article.updated.empty());
    }
    SECTION("keywords and other names: comma-separated, trimmed, empty ones dropped") {
        const Parsed p = parse(
            "<meta name=keywords content=\" pain ,nerves,, \"><meta name=\"medsearch:also-called\" "
            "content=\"nerve pain\"><meta name=description content=\"Ignored.\">"
            "<title>T</title><p>x</p>");
        REQUIRE(p.ok);
        CHECK(p.article.topics == std::vector<std::string>{"pain", "nerves"});
        CHECK(p.article.also_called == std::vector<std::string>{"nerve pain"});
    }
    SECTION("only an absolute canonical URL is kept as the url") {
        CHECK(parse("<link rel=canonical href=\"/a/b\"><title>T</title><p>x</p>").article.url ==
              "");
    }
}

TEST_CASE("HTML body becomes plain text", "[html]") {
    auto [body, text] = GENERATE(table<std::string, std::string>({
        {"<p>Some <b>bold</b>, <em>em</em>, <code>code</code> and <a href=x>link</a> text.</p>",
         "Some bold, em, code and link text."},
        {"<p>Line one\n   line two.</p>", "Line one line two."},
        {"<p>AT&amp;T &lt;3 &#233;t&#xE9; &copy; &bogus; caf\xC3\xA9</p>",
         "AT&T <3 été \u00A9 &bogus; café"},
        {"<p>a&nbsp;&nbsp;b</p><p>&nbsp;</p><p>c</p>", "a b\n\nc"},
        {"<p>Para one.</p><p>Para two.</p>", "Para one.\n\nPara two."},
        {"<div>Loose text<p>para</p>tail</div>", "Loose text\n\npara\n\ntail"},
        {"<p>Line one<br>line two<BR/>three.</p>", "Line one\nline two\nthree."},
        {"<p><br>Leading break.</p>", "Leading break."},
        {"<ul><li>a<li>b<p>b continued</p><li>c</ul>", "- a\n- b\n  b continued\n- c"},
        {"<ol start=3><li>three</li><li>four</li></ol>", "3. three\n4. four"},
        {"<p>Intro:</p><ul><li>one</li><li>two</li></ul><p>After.</p>",
         "Intro:\n\n- one\n- two\n\nAfter."},
        {"<ul><li>one</li></ul><ol><li>other list</li></ol>", "- one\n\n1. other list"},
        {"<ul><li></li><li>only</li></ul>", "- only"},
        {"<blockquote><p>Quoted advice.</p></blockquote>", "Quoted advice."},
        {"<pre>\nfirst line\n  indented\n</pre>", "first line\n  indented"},
        {"<h4>Small heading</h4><p>Text.</p>", "Small heading\n\nText."},
        {"<dl><dt>Term</dt><dd>Meaning.</dd></dl>", "Term\n\nMeaning."},
        {"<table><caption>Doses</caption><tr><th>Age</th><th></th><th>Dose</th></tr>"
         "<tr><td>Adults</td><td></td><td>2 <b>tablets</b></td></tr><tr><td></td></tr></table>",
         "Doses\n\nAge | Dose\nAdults | 2 tablets"},
        {"<figure><img src=a.png alt=\"A nerve\"><figcaption>The sciatic nerve.</figcaption>"
         "</figure>",
         "The sciatic nerve."},
        {"<ul><li><h2>Not a section</h2>text</li></ul>", "- Not a section\n  text"},
        {"<p>Text.</p><hr><p>More.</p>", "Text.\n\nMore."},
        {"<p>Tabs\tand\r\nCRLF.</p>", "Tabs and CRLF."},
        {"<details><summary>More</summary><p>Hidden until opened.</p></details>",
         "More\n\nHidden until opened."},
    }));
    INFO("body: " << body);
    const Parsed p = parse(page("<main><h2>Section</h2>" + body + "</main>"));
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.article.sections.size() == 1);
    CHECK(p.article.sections[0].text == text);
}

TEST_CASE("page furniture is left out", "[html]") {
    auto furniture = GENERATE(as<std::string>{},
                              "<script>var x = '<p>code</p>';</script>",
                              "<style>p { color: red }</style>",
                              "<noscript>Enable JavaScript.</noscript>",
                              "<template><p>Card</p></template>",
                              "<nav><a href=/>Home</a></nav>",
                              "<footer>Copyright</footer>",
                              "<aside>Related articles</aside>",
                              "<form><label>Email</label><input name=e></form>",
                              "<button>Print</button>",
                              "<iframe src=x>Frame</iframe>",
                              "<svg><title>Icon</title><text>Glyph</text></svg>",
                              "<math><mi>x</mi></math>",
                              "<div role=\"Navigation\">Contents</div>",
                              "<span aria-hidden=\"true\">\u2192</span>",
                              "<div hidden>Not shown</div>",
                              "<ol class=\"site-breadcrumbs\"><li>Home</li></ol>",
                              "<div class=\"banner CookieConsent\">We use cookies.</div>",
                              "<select><option>One</option></select>",
                              "<video controls>Your browser cannot play video.</video>");
    INFO("furniture: " << furniture);
    const Parsed p =
        parse(page("<main><h2>Section</h2><div>Kept " + furniture + "text.</div></main>"));
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.article.sections.size() == 1);
    CHECK(p.article.sections[0].text == "Kept text.");
}

// Only the hidden attribute was dropped: text a CMS hid with an inline style (a collapsed
// answer's duplicate, an editor's note) was indexed and shown in snippets.
TEST_CASE("elements hidden by an inline style are left out", "[html]") {
    auto [style, hidden] = GENERATE(table<std::string, bool>({
        {"display:none", true},
        {"display: none", true},
        {" DISPLAY : None ; color: red", true},
        {"color: red;display:none !important", true},
        {"visibility:hidden", true},
        {"Visibility: HIDDEN;", true},
        {"display: block; visibility: hidden", true},
        {"display: none; display: block", false},  // the later declaration counts
        {"display: block", false},
        {"visibility: visible", false},
        {"display: inline-block", false},
        {"--display: none", false},
        {"", false},
    }));
    INFO("style=\"" << style << "\"");
    const Parsed p = parse(page("<main><h2>Section</h2><p>Kept <span style=\"" + style +
                                "\">hidden words</span> text.</p></main>"));
    INFO(Catch::Detail::stringify(lines_and_messages(p.problems)));
    REQUIRE(p.ok);
    REQUIRE(p.article.sections.size() == 1);
    CHECK(p.article.sections[0].text == (hidden ? "Kept text." : "Kept hidden words text."));
}

TEST_CASE("where the article is: <main>, <article>, else <body>", "[html]") {
    SECTION("text outside <main> is not the article's") {
        const Parsed p = parse(page(
            "<div class=promo>Sign up for our newsletter.</div>\n"
            "<main><h2>Overview</h2><p>Text.</p></main>\n<div><h2>Other</h2><p>Promo.</p></div>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].anchor == "overview");
    }
    SECTION("without <main> or <article>, the page's <header> and <footer> are furniture") {
        const Parsed p = parse(page(
            "<header><h1>Site</h1><p>Banner.</p></header><div><h1>Title</h1><p>Text.</p></div>"
            "<footer><p>Copyright.</p></footer>"));
        REQUIRE(p.ok);
        CHECK(p.article.title == "Title");
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].text == "Text.");
    }
    SECTION("role=main counts as <main>; <article> without it") {
        CHECK(parse(page("<p>Out.</p><div role=main><p>In.</p></div>")).article.sections[0].text ==
              "In.");
        CHECK(parse(page("<p>Out.</p><article><p>In.</p></article>")).article.sections[0].text ==
              "In.");
    }
    SECTION("the article's <header> is its text, its <footer> is not") {
        const Parsed p = parse(page(
            "<article><header><h1>T</h1><h2>A subtitle</h2><p>Standfirst.</p></header>"
            "<h2>Overview</h2><p>Text.</p><footer><p>Share</p></footer></article>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 2);
        CHECK(p.article.title == "T");
        CHECK(p.article.sections[0].text == "A subtitle\n\nStandfirst.");
        CHECK(p.article.sections[1].text == "Text.");
    }
    SECTION("a layout table around the headings is read through") {
        const Parsed p = parse(page(
            "<table><tr><td><h2>Overview</h2><p>One.</p></td></tr>"
            "<tr><td><h2>Causes</h2><p>Two.</p></td></tr></table>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 2);
        CHECK(p.article.sections[1].anchor == "causes");
        CHECK(p.article.sections[1].text == "Two.");
    }
}

TEST_CASE("HTML sections, sub-sections and anchors", "[html]") {
    SECTION("generated anchors give way to written ones") {
        const Parsed p = parse(page(
            "<h2>Notes</h2><p>A.</p><h2 id=notes>Other</h2><p>B.</p><h2>Notes</h2><p>C.</p>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 3);
        CHECK(p.article.sections[0].anchor == "notes-2");
        CHECK(p.article.sections[1].anchor == "notes");
        CHECK(p.article.sections[2].anchor == "notes-3");
    }
    SECTION("markup in a heading is removed") {
        const Parsed p =
            parse(page("<h2 id=\" ms-hug \">The <em>MS</em>\n<code>hug</code></h2><p>x</p>"));
        REQUIRE(p.ok);
        CHECK(p.article.sections[0].heading == "The MS hug");
        CHECK(p.article.sections[0].anchor == "ms-hug");
    }
    SECTION("an <h2> with text of its own before its <h3>s is a section too") {
        const Parsed p =
            parse(page("<h2>Treatment</h2><p>Rest.</p><h3>Medicines</h3><p>Pills.</p>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 2);
        CHECK(p.article.sections[0].heading_path == "Treatment");
        CHECK(p.article.sections[1].heading_path == "Treatment \u203A Medicines");
        CHECK(p.article.sections[1].kind == SectionKind::treatment);
    }
    SECTION("a page of intro text alone has one section") {
        const Parsed p = parse(page("<p>Just a paragraph.</p>"));
        REQUIRE(p.ok);
        REQUIRE(p.article.sections.size() == 1);
        CHECK(p.article.sections[0].anchor == "intro");
        CHECK(p.article.sections[0].heading == "Test Page");
        CHECK(p.article.sections[0].kind == SectionKind::definition);
    }
    SECTION("a UTF-8 byte order mark is ignored") {
        const Parsed p = parse("\xEF\xBB\xBF" + page("<h2>Overview</h2><p>Text.</p>"));
        REQUIRE(p.ok);
        CHECK(p.article.language == "en");
        CHECK(p.article.sections[0].anchor == "overview");
    }
}

TEST_CASE("HTML problems are reported with their line in the file", "[html]") {
    // page(): the body's first line is 4.
    auto [html, line, message] = GENERATE(table<std::string, std::size_t, std::string>({
        {"", 0, "empty file (expected an HTML page)"},
        {" \n\t\n", 0, "empty file (expected an HTML page)"},
        {"<html><body><p>Text.</p></body></html>", 0,
         "no title (expected an <h1> or a <title> with text)"},
        {"<html><head><title>T</title></head><body>\n<main>\n</main></body></html>", 0,
         "no sections (expected text or <h2> headings in the page's body)"},
        {page("<h2>Overview</h2>\n<h2>Causes</h2>\n<p>Text.</p>"), 4,
         "section \"Overview\" has no text"},
        {page("<h2>Overview</h2><p>Text.</p>\n<h2>Treatment</h2>\n<aside><p>Ad.</p></aside>"), 5,
         "section \"Treatment\" has no text"},
        {page("<h2 id=x>A</h2><p>Text.</p>\n\n<h2 id=x>B</h2><p>Text.</p>"), 6,
         "duplicate anchor \"x\" (first at line 4)"},
        {page("<h3>Orphan</h3><p>Text.</p>"), 4,
         "sub-section \"Orphan\" (<h3>) comes before any <h2> section"},
        {page("<p>Intro.</p>\n<h2 aria-hidden=false> </h2><p>Text.</p>"), 5, "empty heading"},
        {page("<h2 id=\"Bad.Anchor\">Overview</h2><p>Text.</p>"), 4,
         "anchor \"Bad.Anchor\" is not valid (expected letters, digits, '_' and '-')"},
        {page("<p>Intro text.</p>\n<h2 id=intro>Overview</h2><p>Text.</p>"), 5,
         "anchor \"intro\" is taken by the text before the first <h2>"},
        {page("<p>Good.</p>\n<p>bad \xFF byte</p>"), 5, "invalid UTF-8 (byte 0xFF at column 8)"},
        {"<title>T</title>\r\n\r\n\xC3\x28", 3, "invalid UTF-8 (byte 0xC3 at column 1)"},
        {"<title>T</title>\r\r\xED\xA0\x80", 3, "invalid UTF-8 (byte 0xED at column 1)"},
        {"<!doctype html>\n<html lang=\"english\"><title>T</title><p>x</p>", 2,
         "language \"english\" is not valid (expected a two-letter lowercase code such as \"en\" "
         "or \"es\")"},
        {"<title>T</title>\n<meta name=medsearch:updated content=2026-13-01><p>x</p>", 2,
         "updated \"2026-13-01\" is not valid (expected an ISO date, YYYY-MM-DD, such as "
         "2026-11-01)"},
        {"<title>T</title>\n<meta name=medsearch:id content=\"%%\"><p>x</p>", 2,
         "cannot make an id from \"%%\" (expected letters or digits; set <meta "
         "name=\"medsearch:id\">)"},
        {"<title>T</title>\n<meta name=medsearch:id content=\"" + std::string(130, 'a') +
             "\"><p>x</p>",
         2, "id \"aaaaaaaaaaaaaaaaaaaa\"... is longer than 128 bytes"},
    }));
    INFO("html: " << html);
    const Parsed p = parse(html);
    CHECK_FALSE(p.ok);
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].path == "test.html");
    CHECK(p.problems[0].message == message);
    CHECK(p.problems[0].line == line);
}

TEST_CASE("every problem of an HTML file is reported, in line order", "[html]") {
    SECTION("sections") {
        const Parsed p = read("bad-sections.html");
        CHECK_FALSE(p.ok);
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{
                  "7: sub-section \"Orphan\" (<h3>) comes before any <h2> section",
                  "11: section \"Causes\" has no text",
                  "12: duplicate anchor \"overview\" (first at line 9)",
                  "14: anchor \"risk.factors\" is not valid (expected letters, digits, '_' and "
                  "'-')",
                  "16: empty heading",
                  "18: section \"Outlook\" has no text",
              });
        for (const auto& d : p.problems) CHECK(d.path == (kHtml / "bad-sections.html").string());
    }
    SECTION("no title, no sections, a bad date") {
        CHECK(lines_and_messages(read("bad-no-title.html").problems) ==
              std::vector<std::string>{
                  "0: no title (expected an <h1> or a <title> with text)",
                  "0: no sections (expected text or <h2> headings in the page's body)",
                  "3: updated \"last week\" is not valid (expected an ISO date, YYYY-MM-DD, such "
                  "as 2026-11-01)",
              });
    }
    SECTION("a Latin-1 file") {
        CHECK(lines_and_messages(read("bad-utf8.html").problems) ==
              std::vector<std::string>{"5: invalid UTF-8 (byte 0xE9 at column 7)"});
    }
    SECTION("Windows line endings count lines as editors do") {
        const std::string lf =
            page("<p>Intro.</p>\n<h2 id=x>A</h2>\n<p>One\ntwo.</p>\n<h2 id=x>B</h2><p>T.</p>");
        std::string crlf;
        for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        CHECK(lines_and_messages(parse(crlf).problems) ==
              std::vector<std::string>{"8: duplicate anchor \"x\" (first at line 5)"});
        CHECK(lines_and_messages(parse(lf).problems) ==
              std::vector<std::string>{"8: duplicate anchor \"x\" (first at line 5)"});
    }
}

TEST_CASE("pages that would make the parser slow are refused before parsing", "[html]") {
    SECTION("too many tags") {
        std::string html = "<title>T</title>";
        for (int i = 0; i < 30'001; ++i) html += "<b>";
        const Parsed p = parse(html);
        CHECK_FALSE(p.ok);
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{
                  "0: too many tags (more than 30000; an exported article has a few thousand)"});
    }
    SECTION("nesting too deep") {
        std::string html = "<title>T</title>\n<p>x</p>\n";
        for (int i = 0; i < 500; ++i) html += "<div>";
        const Parsed p = parse(html);
        CHECK_FALSE(p.ok);
        CHECK(lines_and_messages(p.problems) ==
              std::vector<std::string>{"3: elements nested more than 400 deep"});
    }
    SECTION("a page under both limits reads") {
        std::string html = "<title>T</title>";
        for (int i = 0; i < 300; ++i) html += "<div>";
        html += "Deep text.";
        const Parsed p = parse(html);
        REQUIRE(p.ok);
        CHECK(p.article.sections[0].text == "Deep text.");
    }
}

TEST_CASE("read_html reports a file it cannot read", "[html]") {
    const Parsed p = read("no-such-file.html");
    CHECK_FALSE(p.ok);
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].line == 0);
    CHECK(p.problems[0].path == (kHtml / "no-such-file.html").string());
    CHECK_THAT(p.problems[0].message, Catch::StartsWith("cannot read file: "));
}

TEST_CASE("collect_inputs and read_corpus take .html and .htm pages", "[html][ingest]") {
    std::vector<Diagnostic> problems;
    SECTION("a directory of pages, sorted") {
        const auto files = medsearch::collect_inputs({kHtml}, problems);
        CHECK(problems.empty());
        CHECK(files == std::vector<fs::path>{kHtml / "bad-no-title.html",
                                             kHtml / "bad-sections.html", kHtml / "bad-utf8.html",
                                             kHtml / "good-es.htm", kHtml / "good.html"});
    }
    SECTION("read_corpus delivers good pages and reports bad ones, whatever the case of the "
            "extension") {
        medsearch::testing::TempDir dir;
        fs::copy_file(kHtml / "good.html", dir.path() / "Sciatica.HTML");
        fs::copy_file(kHtml / "bad-utf8.html", dir.path() / "latin1.htm");
        std::ofstream(dir.path() / "sciatica-copy.html")
            << "<link rel=canonical href=\"https://x.org/sciatica\"><title>Copy</title><p>x</p>";
        const auto files = medsearch::collect_inputs({dir.path()}, problems);
        REQUIRE(files.size() == 3);
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
        CHECK(delivered == std::vector<std::string>{"sciatica@Sciatica.HTML:1"});
        std::vector<std::string> messages;
        for (const auto& d : problems) messages.push_back(medsearch::format_diagnostic(d));
        const std::string first = (dir.path() / "Sciatica.HTML").string();
        CHECK(messages ==
              std::vector<std::string>{
                  (dir.path() / "latin1.htm").string() +
                      ":5: invalid UTF-8 (byte 0xE9 at column 7)",
                  (dir.path() / "sciatica-copy.html").string() +
                      ":1: duplicate article id \"sciatica\" (first in " + first + ":1)",
              });
    }
}
