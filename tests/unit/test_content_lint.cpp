// Lints the content we ship (corpus/, synonyms/, the judged query files of tests/relevance/)
// through the project's own readers, so a broken article, a bad synonym line or a stale judgement fails the
// build instead of silently degrading search.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/synonyms.hpp"

using namespace medsearch;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot{PROJECT_ROOT_DIR};

struct LoadedCorpus {
    std::vector<fs::path> files;
    std::vector<Article> articles;
    std::vector<Diagnostic> problems;
};

// Read corpus/ once for all the tests in this file.
const LoadedCorpus& corpus() {
    static const LoadedCorpus loaded = [] {
        LoadedCorpus c;
        c.files = collect_inputs({kRoot / "corpus"}, c.problems);
        read_corpus(
            c.files,
            [&](Article&& a, const std::string&, std::size_t) {
                c.articles.push_back(std::move(a));
                return true;
            },
            c.problems);
        return c;
    }();
    return loaded;
}

const Article* find_article(const std::string& id) {
    for (const auto& a : corpus().articles)
        if (a.id == id) return &a;
    return nullptr;
}

const Section* find_section(const Article& a, const std::string& anchor) {
    for (const auto& s : a.sections)
        if (s.anchor == anchor) return &s;
    return nullptr;
}

bool has_text(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return !std::isspace(c); });
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Lines that hold a rule: not blank once the '#' comment is removed (as the Solr parser reads them).
std::size_t rule_lines(const fs::path& p) {
    std::istringstream in(read_text(p));
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        auto hash = line.find('#');
        if (hash != std::string::npos) line.erase(hash);
        if (has_text(line)) ++n;
    }
    return n;
}

std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

struct SynonymFile {
    SynonymMap map;
    std::vector<Diagnostic> problems;
    bool ok = false;
};

SynonymFile load_synonyms(const std::string& name, Analyzer& analyzer) {
    SynonymFile f;
    f.ok = f.map.add_path(kRoot / "synonyms" / name, analyzer, f.problems);
    return f;
}

void report(const std::vector<Diagnostic>& problems) {
    for (const auto& d : problems) UNSCOPED_INFO(format_diagnostic(d));
}

// The folded words of a text or a vocabulary entry, as the query side reads them.
std::vector<std::string> words_of(const std::string& text, Analyzer& analyzer) {
    return analyse_entry(text, analyzer).words;
}

// The words of every title, other name, heading and section text of corpus/, in `language` only
// when one is given, for has_phrase().
std::vector<std::vector<std::string>> corpus_texts(Analyzer& analyzer, const std::string& language = "") {
    std::vector<std::vector<std::string>> texts;
    for (const auto& a : corpus().articles) {
        if (!language.empty() && a.language != language) continue;
        texts.push_back(words_of(a.title, analyzer));
        for (const auto& n : a.also_called) texts.push_back(words_of(n, analyzer));
        for (const auto& s : a.sections) {
            texts.push_back(words_of(s.heading, analyzer));
            texts.push_back(words_of(s.text, analyzer));
        }
    }
    return texts;
}

// Whether the words of `entry` stand together in one of `texts` (each a words_of() result).
bool has_phrase(const std::vector<std::vector<std::string>>& texts, const std::string& entry, Analyzer& analyzer) {
    const auto phrase = words_of(entry, analyzer);
    return !phrase.empty() && std::any_of(texts.begin(), texts.end(), [&](const auto& t) {
        return std::search(t.begin(), t.end(), phrase.begin(), phrase.end()) != t.end();
    });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// corpus/

TEST_CASE("every corpus article parses without problems", "[content]") {
    const auto& c = corpus();
    report(c.problems);
    CHECK(c.problems.empty());
    // One article per file, and read_corpus drops later articles with a duplicate id.
    CHECK(c.articles.size() == c.files.size());
    CHECK(c.articles.size() >= 45);
}

TEST_CASE("corpus article ids are unique slugs and Spanish articles have English counterparts",
          "[content]") {
    const auto& c = corpus();
    std::map<std::string, int> ids;
    for (const auto& a : c.articles) ++ids[a.id];
    for (const auto& [id, n] : ids) {
        INFO("article id " << id);
        CHECK(n == 1);
    }

    std::size_t spanish = 0;
    const std::string suffix = "-es";
    for (const auto& a : c.articles) {
        INFO("article " << a.id << " (language " << a.language << ")");
        CHECK((a.language == "en" || a.language == "es"));
        bool es_id = a.id.size() > suffix.size() &&
                     a.id.compare(a.id.size() - suffix.size(), suffix.size(), suffix) == 0;
        CHECK(es_id == (a.language == "es"));
        if (a.language != "es") continue;
        ++spanish;
        const Article* english = find_article(a.id.substr(0, a.id.size() - suffix.size()));
        CHECK(english != nullptr);
        if (english) CHECK(english->language == "en");
    }
    CHECK(spanish >= 5);
}

TEST_CASE("every corpus section has a unique anchor and some text", "[content]") {
    std::size_t sections = 0;
    for (const auto& a : corpus().articles) {
        INFO("article " << a.id);
        CHECK(!a.title.empty());
        CHECK(!a.sections.empty());
        std::set<std::string> anchors;
        for (const auto& s : a.sections) {
            ++sections;
            INFO("section #" << s.anchor << " (" << s.heading_path << ")");
            CHECK(!s.anchor.empty());
            CHECK(anchors.insert(s.anchor).second);
            CHECK(has_text(s.text));
        }
    }
    CHECK(sections >= 5 * corpus().articles.size());
}

// ---------------------------------------------------------------------------------------------
// synonyms/

// What people type for each section (docs/content-format.md): a few per section, and no search
// given to two sections of one article, where it could not say which it is for.
TEST_CASE("every corpus section has 3 to 8 searches, none twice in its article", "[content]") {
    for (const auto& a : corpus().articles) {
        std::set<std::string> seen;
        for (const auto& s : a.sections) {
            INFO(a.id << "#" << s.anchor);
            CHECK(s.searches.size() >= 3);
            CHECK(s.searches.size() <= 8);
            for (const auto& search : s.searches) {
                INFO(search);
                CHECK(seen.insert(fold(search)).second);
            }
        }
    }
}

TEST_CASE("every synonym file parses without problems", "[content]") {
    Analyzer analyzer;
    SynonymMap all;
    std::vector<Diagnostic> problems;
    bool ok = all.add_path(kRoot / "synonyms", analyzer, problems);
    report(problems);
    CHECK(ok);
    CHECK(problems.empty());

    // The parser refuses empty sides, lone entries and lines without words (and reports them,
    // caught above); a rule per rule-bearing line proves no line was dropped on the way.
    std::size_t files = 0, lines = 0;
    for (const auto& entry : fs::directory_iterator(kRoot / "synonyms")) {
        auto ext = entry.path().extension();
        if (ext != ".txt" && ext != ".tsv") continue;
        ++files;
        if (ext == ".txt") {
            lines += rule_lines(entry.path());
        } else {
            std::istringstream in(read_text(entry.path()));
            std::string line;
            while (std::getline(in, line)) lines += has_text(line) ? 1 : 0;
        }
    }
    CHECK(files >= 4);
    CHECK(all.rule_count() == lines);
}

TEST_CASE("synonym files hold the rule counts we ship", "[content]") {
    Analyzer analyzer;

    SECTION("medical.txt: at least 150 equivalence rules") {
        auto f = load_synonyms("medical.txt", analyzer);
        report(f.problems);
        REQUIRE(f.ok);
        CHECK(f.map.rule_count() >= 150);
        CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / "medical.txt"));
        for (const auto& r : f.map.rules()) {
            INFO(r.origin << ": " << joined(r.from));
            CHECK(r.to.empty());
            CHECK(r.from.size() >= 2);
        }
    }

    SECTION("lay.txt: at least 300 one-way rules, each with both sides") {
        auto f = load_synonyms("lay.txt", analyzer);
        report(f.problems);
        REQUIRE(f.ok);
        std::size_t one_way = 0;
        for (const auto& r : f.map.rules()) {
            INFO(r.origin << ": " << joined(r.from) << " => " << joined(r.to));
            CHECK(!r.from.empty());
            CHECK(!r.to.empty());
            if (!r.to.empty()) ++one_way;
        }
        CHECK(one_way >= 300);
        CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / "lay.txt"));
    }

    SECTION("abbreviations.txt: at least 80 rules whose left sides are all abbreviations") {
        auto f = load_synonyms("abbreviations.txt", analyzer);
        report(f.problems);
        REQUIRE(f.ok);
        CHECK(f.map.rule_count() >= 80);
        CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / "abbreviations.txt"));
        for (const auto& r : f.map.rules()) {
            INFO(r.origin << ": " << joined(r.from) << " => " << joined(r.to));
            CHECK(!r.to.empty());
            for (const auto& e : r.from) {
                INFO("left-hand entry \"" << e << "\"");
                CHECK(analyse_entry(e, analyzer).abbreviation);
            }
        }
    }

    SECTION("nerve-pain.txt and spanish.txt are not empty") {
        for (const char* name : {"nerve-pain.txt", "spanish.txt"}) {
            INFO(name);
            auto f = load_synonyms(name, analyzer);
            report(f.problems);
            CHECK(f.ok);
            CHECK(f.map.rule_count() > 0);
            CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / name));
        }
    }
}

TEST_CASE("no lay.txt rule points at words the English corpus never uses", "[content]") {
    Analyzer analyzer;
    // Every stemmed word of the English articles: titles, other names, headings and text.
    std::set<std::string> stems;
    auto add = [&](const std::string& text) {
        for (const auto& t : analyzer.tokenize(text)) stems.insert(analyzer.stem(t.word, "en"));
    };
    for (const auto& a : corpus().articles) {
        if (a.language != "en") continue;
        add(a.title);
        for (const auto& x : a.also_called) add(x);
        for (const auto& s : a.sections) {
            add(s.heading);
            add(s.text);
        }
    }
    REQUIRE(stems.size() > 1000);

    // Rules of lay.txt's "Common conditions" block that name conditions our corpus/ does not
    // cover at all (no accurate corpus word could be added to their right-hand side without
    // making the synonym wrong). They serve larger corpora such as ../shared/data/medquad.
    // Keyed by the rule's first left-hand entry; the list must stay exact: an entry that no
    // longer exists or no longer misses fails too. Do not add nerve-pain rules here: fix them.
    const std::set<std::string> outside_corpus = {
        "hole in the heart",        // atrial/ventricular septal defect
        "blood clot in my lung",    // pulmonary embolism
        "water pills",              // diuretics
        "blood thinners",           // anticoagulants
        "wheezy chest",             // asthma, wheezing
        "chest infection",          // bronchitis, pneumonia
        "lung infection",           // pneumonia
        "runny nose",               // rhinorrhea
        "bloated belly",            // bloating
        "yellow skin",              // jaundice
        "gallbladder attack",       // gallstones
        "trouble swallowing",       // dysphagia
        "leaking urine",            // urinary incontinence
        "peeing at night",          // nocturia
        "brittle bones",            // osteoporosis
        "heel pain in the morning", // plantar fasciitis
        "ringing ears",             // tinnitus
        "itchy rash",               // dermatitis, eczema
        "ringworm",                 // tinea corporis
        "kissing disease",          // infectious mononucleosis
        "sore throat",              // pharyngitis
        "eye floaters",             // floaters
        "cloudy eye lens",          // cataract
        "pressure in my eye",       // glaucoma
        "can't get pregnant",       // infertility
        "going through the change", // menopause
    };

    auto f = load_synonyms("lay.txt", analyzer);
    report(f.problems);
    REQUIRE(f.ok);
    std::vector<std::string> offenders;
    std::set<std::string> tolerated;
    for (const auto& r : f.map.rules()) {
        bool found = false;
        for (const auto& entry : r.to) {
            for (const auto& w : words_of(entry, analyzer)) {
                if (is_stopword(w, "en")) continue;
                if (stems.count(analyzer.stem(w, "en"))) found = true;
            }
        }
        if (found) continue;
        if (!r.from.empty() && outside_corpus.count(r.from.front())) {
            tolerated.insert(r.from.front());
            continue;
        }
        offenders.push_back(r.origin + ": " + joined(r.from) + " => " + joined(r.to));
    }
    for (const auto& o : offenders) UNSCOPED_INFO(o);
    CHECK(offenders.empty());

    std::vector<std::string> stale;
    std::set_difference(outside_corpus.begin(), outside_corpus.end(), tolerated.begin(),
                        tolerated.end(), std::back_inserter(stale));
    INFO("outside_corpus entries that are gone from lay.txt or now reach corpus/: " << joined(stale));
    CHECK(stale.empty());
}

TEST_CASE("every one-way rule of spanish.txt points at a phrase the Spanish articles use", "[content]") {
    Analyzer analyzer;
    const auto texts = corpus_texts(analyzer, "es");
    REQUIRE(texts.size() > 20);

    auto f = load_synonyms("spanish.txt", analyzer);
    report(f.problems);
    REQUIRE(f.ok);
    std::size_t one_way = 0;
    for (const auto& r : f.map.rules()) {
        if (r.to.empty()) continue;
        ++one_way;
        // One used term is enough: a rule may also name the medical word a larger corpus uses.
        INFO(r.origin << ": " << joined(r.from) << " => " << joined(r.to) << ": no term is in a Spanish article");
        CHECK(std::any_of(r.to.begin(), r.to.end(), [&](const std::string& term) { return has_phrase(texts, term, analyzer); }));
    }
    CHECK(one_way >= 20);
}

TEST_CASE("drug-classes.txt and procedure-classes.txt point members our articles name at an article's names",
          "[content]") {
    Analyzer analyzer;
    std::vector<std::vector<std::string>> names, texts;  // English articles only
    for (const auto& a : corpus().articles) {
        if (a.language != "en") continue;
        names.push_back(words_of(a.title, analyzer));
        for (const auto& n : a.also_called) names.push_back(words_of(n, analyzer));
        for (const auto& s : a.sections) texts.push_back(words_of(s.text, analyzer));
    }
    auto in_any = [&](const std::vector<std::vector<std::string>>& where, const std::string& entry) {
        return has_phrase(where, entry, analyzer);
    };

    for (const char* file : {"drug-classes.txt", "procedure-classes.txt"}) {
        auto f = load_synonyms(file, analyzer);
        report(f.problems);
        REQUIRE(f.ok);
        CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / file));
        for (const auto& r : f.map.rules()) {
            INFO(r.origin << ": " << joined(r.from) << " => " << joined(r.to));
            CHECK_FALSE(r.to.empty());  // one way: a class is not widened to its members
            for (const auto& member : r.from) {
                INFO("member \"" << member << "\" in no section's text");
                CHECK(in_any(texts, member));
            }
            // The class is what an article is called, so the rule leads to that article.
            CHECK(std::any_of(r.to.begin(), r.to.end(), [&](const std::string& c) { return in_any(names, c); }));
            for (const auto& c : r.to) {
                INFO("class \"" << c << "\" in no title, other name or text");
                CHECK((in_any(names, c) || in_any(texts, c)));
            }
        }
    }
}

TEST_CASE("words.txt joins single words our articles use, each on one line of the vocabulary", "[content]") {
    Analyzer analyzer;
    std::set<std::string> corpus_words;  // folded words of every title, name, heading and text
    auto add = [&](const std::string& text) {
        for (auto& w : words_of(text, analyzer)) corpus_words.insert(std::move(w));
    };
    for (const auto& a : corpus().articles) {
        add(a.title);
        for (const auto& n : a.also_called) add(n);
        for (const auto& s : a.sections) {
            add(s.heading);
            add(s.text);
        }
    }

    auto f = load_synonyms("words.txt", analyzer);
    report(f.problems);
    REQUIRE(f.ok);
    CHECK(f.map.rule_count() == rule_lines(kRoot / "synonyms" / "words.txt"));
    std::set<std::string> ours;  // folded entries of words.txt
    for (const auto& r : f.map.rules()) {
        INFO(r.origin << ": " << joined(r.from));
        CHECK(r.to.empty());  // equivalences only
        CHECK(r.from.size() >= 2);
        bool used = false;
        for (const auto& e : r.from) {
            INFO("entry \"" << e << "\"");
            CHECK(e.find(' ') == std::string::npos);  // one word; "over-the-counter" counts as one
            const auto words = words_of(e, analyzer);
            used = used || std::all_of(words.begin(), words.end(), [&](const auto& w) { return corpus_words.count(w) > 0; });
            CHECK(ours.insert(joined(words, " ")).second);  // on one line of this file only
        }
        CHECK(used);  // a line no article uses finds nothing in corpus/
    }

    // A word on a line here and an entry of another file's equivalence (or the left side of a
    // one-way rule) would join two sets through it. A one-way rule may point at one of ours.
    for (const auto& entry : fs::directory_iterator(kRoot / "synonyms")) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".txt" || name == "words.txt") continue;
        auto other = load_synonyms(name, analyzer);
        REQUIRE(other.ok);
        for (const auto& r : other.map.rules())
            for (const auto& e : r.from) {
                INFO(r.origin << ": entry \"" << e << "\" is also in words.txt");
                CHECK(ours.count(joined(words_of(e, analyzer), " ")) == 0);
            }
    }
}

// ---------------------------------------------------------------------------------------------
// The source article: /work/shared/SOURCE-FACTS.md, section by section.

TEST_CASE("neuropathic-pain covers the source facts in the right sections", "[content]") {
    const Article* a = find_article("neuropathic-pain");
    REQUIRE(a != nullptr);
    CHECK(a->language == "en");

    // Each fact: one or more spellings, any of which may appear (compared folded).
    struct Row {
        const char* anchor;
        std::vector<std::vector<std::string>> facts;
    };
    const std::vector<Row> table = {
        {"overview", {{"damaged"}, {"signals", "signal"}, {"brain"}, {"pins and needles"}, {"socks"}}},
        {"causes",
         {{"injury"}, {"toxins", "poison"}, {"nutrients"}, {"infection"}, {"immune system"},
          {"no cause"}}},
        {"risk-factors",
         {{"diabetes"}, {"prediabetes", "glucose tolerance"}, {"shingles"}, {"postherpetic neuralgia"},
          {"hiv"}, {"amputation"}, {"phantom limb"}, {"alcohol"}, {"vitamin"}, {"spinal cord"},
          {"cancer"}, {"carpal tunnel"}, {"congenital", "born with"}, {"back surgery"},
          {"chemotherapy"}, {"heavy metals"}, {"medicines"}}},
        {"symptoms",
         {{"burning"}, {"stabbing"}, {"electric shock"}, {"pins and needles", "tingling"},
          {"numbness"}, {"come and go"}, {"bed sheet", "sheet"}, {"allodynia"}, {"sleep"}}},
        {"diagnosis",
         {{"history"}, {"physical exam"}, {"neurologist"}, {"pain specialist"}}},
        {"treatment", {{"plan"}, {"take time"}, {"more than one medicine"}}},
        {"medicines",
         {{"antiseizure", "anticonvulsant"}, {"antidepressant"}, {"opioid"}, {"ibuprofen"},
          {"capsaicin"}, {"patches"}, {"marijuana", "cannabis"}, {"spasticity"}, {"law"}}},
        {"other-options",
         {{"exercise"}, {"therapist"}, {"support group"}, {"family and friends"},
          {"meditation", "relaxation"}, {"diabetes"}}},
        {"surgery-and-procedures",
         {{"decompression"}, {"nerve block"}, {"anesthetic", "anaesthetic"}, {"pain pump"},
          {"stimulator"}, {"electrical signals"}, {"stop damaged nerves"}}},
        {"prevention", {{"diabetes"}}},
        {"where-to-learn-more",
         {{"chronic pain associations"}, {"canada"}, {"neurological"}, {"diabetes association"},
          {"sensory neuropathies"}, {"glucose tolerance"}, {"cannabinoids"}}},
    };

    // The source's structure, in its order.
    const std::vector<std::string> required = {
        "overview",  "causes",    "risk-factors",  "symptoms",   "diagnosis",
        "treatment", "medicines", "other-options", "surgery-and-procedures", "prevention"};
    std::vector<std::string> order;
    for (const auto& s : a->sections) order.push_back(s.anchor);
    std::size_t last = 0;
    for (const auto& anchor : required) {
        INFO("section #" << anchor << " in " << joined(order));
        auto it = std::find(order.begin(), order.end(), anchor);
        REQUIRE(it != order.end());
        auto index = static_cast<std::size_t>(it - order.begin());
        CHECK(index >= last);
        last = index;
    }
    CHECK(find_section(*a, "medicines")->heading_path == "Treatment › Medicines");
    CHECK(find_section(*a, "overview")->kind == SectionKind::definition);
    CHECK(find_section(*a, "risk-factors")->kind == SectionKind::risk_factors);
    CHECK(find_section(*a, "surgery-and-procedures")->kind == SectionKind::treatment);
    CHECK(find_section(*a, "prevention")->kind == SectionKind::prevention);

    for (const auto& row : table) {
        const Section* s = find_section(*a, row.anchor);
        INFO("section #" << row.anchor);
        REQUIRE(s != nullptr);
        const std::string text = fold(s->text);
        for (const auto& fact : row.facts) {
            INFO("fact: " << joined(fact, " | "));
            bool found = std::any_of(fact.begin(), fact.end(), [&](const std::string& spelling) {
                return text.find(fold(spelling)) != std::string::npos;
            });
            CHECK(found);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// tests/relevance/judged.jsonl

namespace {

// A judged-query file (bench/README.md format) whose qids run <prefix>001, <prefix>002, ... with
// unique queries, each with a grade-2 section and every section graded 1 or 2 and existing.
// Returns its queries.
std::set<std::string> check_judged_file(const fs::path& path, const char* prefix, std::size_t at_least) {
    std::ifstream in(path);
    REQUIRE(in.good());

    std::set<std::string> queries;
    std::size_t line_no = 0, count = 0, grade2 = 0, grade1 = 0;
    std::string line;
    while (std::getline(in, line)) {
        ++line_no;
        if (!has_text(line)) continue;
        INFO(path.string() << ":" << line_no);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const std::exception& e) {
            FAIL_CHECK("not JSON: " << e.what());
            continue;
        }
        ++count;
        REQUIRE(j.is_object());
        REQUIRE(j.contains("qid"));
        REQUIRE(j["qid"].is_string());
        char expected_qid[16];
        std::snprintf(expected_qid, sizeof expected_qid, "%s%03zu", prefix, count);
        CHECK(j["qid"].get<std::string>() == expected_qid);
        REQUIRE(j.contains("query"));
        REQUIRE(j["query"].is_string());
        const auto query = j["query"].get<std::string>();
        CHECK(has_text(query));
        CHECK(queries.insert(query).second);
        REQUIRE(j.contains("relevant"));
        REQUIRE(j["relevant"].is_array());
        CHECK(!j["relevant"].empty());

        std::set<std::pair<std::string, std::string>> seen;
        bool any_grade2 = false;
        for (const auto& r : j["relevant"]) {
            REQUIRE(r.is_object());
            REQUIRE(r.contains("id"));
            REQUIRE(r.contains("anchor"));
            REQUIRE(r.contains("grade"));
            REQUIRE(r["id"].is_string());
            REQUIRE(r["anchor"].is_string());
            REQUIRE(r["grade"].is_number_integer());
            const auto id = r["id"].get<std::string>();
            const auto anchor = r["anchor"].get<std::string>();
            const int grade = r["grade"].get<int>();
            INFO("query \"" << query << "\": " << id << "#" << anchor);
            CHECK((grade == 1 || grade == 2));
            if (grade == 2) ++grade2, any_grade2 = true;
            if (grade == 1) ++grade1;
            CHECK(seen.insert({id, anchor}).second);
            const Article* a = find_article(id);
            CHECK(a != nullptr);
            if (a) CHECK(find_section(*a, anchor) != nullptr);
        }
        INFO("query \"" << query << "\"");
        CHECK(any_grade2);
    }
    CHECK(count >= at_least);
    CHECK(grade2 >= count);
    CHECK(grade1 > 0);
    return queries;
}

}  // namespace

TEST_CASE("judged relevance queries parse and name sections that exist", "[content]") {
    const auto queries = check_judged_file(kRoot / "tests" / "relevance" / "judged.jsonl", "ms-", 40);
    for (const char* must : {"nerve pain", "pins and needles socks", "ache where my amputated arm was",
                             "feet burn in bed", "jolts of pain in my jaw", "MS nerve pain",
                             "dolor de nervios", "gabapentin side effects", "can't feel my fingers",
                             "tingling toes", "what causes nerve pain",
                             "how is trigeminal neuralgia treated",
                             "is charcot marie tooth inherited"}) {
        INFO("required query \"" << must << "\"");
        CHECK(queries.count(must) == 1);
    }
}

namespace {

// A blind set's file checked like judged.jsonl, and none of its queries repeating one of the
// `others` sets, or that query would be measured twice.
void check_blind_set(const char* file, const char* prefix, std::initializer_list<const char*> others) {
    Analyzer analyzer;
    const auto queries = check_judged_file(kRoot / "tests" / "relevance" / file, prefix, 30);
    std::set<std::vector<std::string>> seen;
    for (const char* name : others) {
        std::ifstream in(kRoot / "tests" / "relevance" / name);
        REQUIRE(in.good());
        std::string line;
        while (std::getline(in, line))
            if (has_text(line))
                seen.insert(words_of(nlohmann::json::parse(line).at("query").get<std::string>(), analyzer));
    }
    for (const auto& q : queries) {
        INFO("query \"" << q << "\"");
        CHECK(seen.count(words_of(q, analyzer)) == 0);
    }
}

}  // namespace

// tests/relevance/blind-dev.jsonl: queries written and graded from the articles alone, for tuning
// (bench/README.md).
TEST_CASE("blind-dev.jsonl queries name sections that exist and repeat no other set's query", "[content]") {
    check_blind_set("blind-dev.jsonl", "bd-",
                    {"judged.jsonl", "heldout.jsonl", "synthetic-sections.jsonl", "blind-check.jsonl"});
}

// tests/relevance/blind-check.jsonl: written the same way, for out-of-sample checks only: never
// tuned on (bench/README.md).
TEST_CASE("blind-check.jsonl queries name sections that exist and repeat no other set's query", "[content]") {
    check_blind_set("blind-check.jsonl", "bc-",
                    {"judged.jsonl", "heldout.jsonl", "synthetic-sections.jsonl", "blind-dev.jsonl"});
}

// A vocabulary entry or a section's search that is an evaluation query word for word answers that
// query by heart, and the benchmark then measures the copy, not the search. Terms are fine: names
// of two words at most ("mirror therapy") and phrases the articles themselves use ("dolor de nervios").
TEST_CASE("no vocabulary entry or section search is a judged or held-out query, unless it is a term", "[content]") {
    Analyzer analyzer;
    // The two the issues ask for by name: the content issue gives "jolts of pain in my jaw" as a
    // lay.txt entry, and the foundation issue wants "pins and needles socks" to open on
    // Neuropathic Pain (its source's example of nerve pain), which only a rule does.
    const std::set<std::vector<std::string>> required = {words_of("jolts of pain in my jaw", analyzer),
                                                          words_of("pins and needles socks", analyzer)};
    const auto texts = corpus_texts(analyzer);
    std::map<std::vector<std::string>, std::string> queries;  // folded words -> qid
    for (const char* name : {"judged.jsonl", "heldout.jsonl", "blind-dev.jsonl", "blind-check.jsonl"}) {
        std::ifstream in(kRoot / "tests" / "relevance" / name);
        REQUIRE(in.good());
        std::string line;
        while (std::getline(in, line)) {
            if (!has_text(line)) continue;
            const auto j = nlohmann::json::parse(line);
            queries.emplace(words_of(j.at("query").get<std::string>(), analyzer), j.at("qid").get<std::string>());
        }
    }
    REQUIRE(queries.size() > 150);

    SynonymMap all;
    std::vector<Diagnostic> problems;
    REQUIRE(all.add_path(kRoot / "synonyms", analyzer, problems));
    std::vector<std::string> copies;
    for (const auto& r : all.rules()) {
        std::vector<std::string> entries = r.from;
        entries.insert(entries.end(), r.to.begin(), r.to.end());
        for (const auto& e : entries) {
            const auto it = queries.find(words_of(e, analyzer));
            if (it == queries.end() || it->first.size() <= 2 || required.count(it->first) ||
                has_phrase(texts, e, analyzer))
                continue;
            copies.push_back(r.origin + ": \"" + e + "\" is query " + it->second);
        }
    }
    for (const auto& a : corpus().articles)
        for (const auto& s : a.sections)
            for (const auto& search : s.searches) {
                const auto it = queries.find(words_of(search, analyzer));
                if (it == queries.end() || it->first.size() <= 2 || has_phrase(texts, search, analyzer)) continue;
                copies.push_back("corpus/" + a.id + ".md searches." + s.anchor + ": \"" + search + "\" is query " + it->second);
            }
    for (const auto& c : copies) UNSCOPED_INFO(c);
    CHECK(copies.empty());
}

// tests/relevance/second-assessor.jsonl: a second, blind grading of a pool of sections for each
// of judged.jsonl's queries (bench/README.md). Same qids and queries, sections that exist.
TEST_CASE("synthetic-sections.jsonl names one section that exists per query", "[content]") {
    const fs::path path = kRoot / "tests" / "relevance" / "synthetic-sections.jsonl";
    std::ifstream in(path);
    REQUIRE(in.good());
    std::set<std::string> qids, queries;
    std::size_t line_no = 0;
    std::string line;
    while (std::getline(in, line)) {
        ++line_no;
        if (!has_text(line)) continue;
        INFO(path.string() << ":" << line_no);
        const auto j = nlohmann::json::parse(line);
        CHECK(qids.insert(j.at("qid").get<std::string>()).second);
        CHECK(queries.insert(j.at("query").get<std::string>()).second);
        REQUIRE(j.at("relevant").size() == 1);
        const auto& r = j.at("relevant")[0];
        CHECK(r.at("grade").get<int>() == 2);
        const Article* a = find_article(r.at("id").get<std::string>());
        REQUIRE(a != nullptr);
        CHECK(find_section(*a, r.at("anchor").get<std::string>()) != nullptr);
    }
    CHECK(qids.size() >= 100);
}

TEST_CASE("second-assessor grades name judged.jsonl's queries and sections that exist", "[content]") {
    std::map<std::string, std::string> judged;
    {
        std::ifstream in(kRoot / "tests" / "relevance" / "judged.jsonl");
        REQUIRE(in.good());
        std::string line;
        while (std::getline(in, line))
            if (has_text(line)) {
                auto j = nlohmann::json::parse(line);
                judged[j["qid"].get<std::string>()] = j["query"].get<std::string>();
            }
    }
    const fs::path path = kRoot / "tests" / "relevance" / "second-assessor.jsonl";
    std::ifstream in(path);
    REQUIRE(in.good());
    std::size_t line_no = 0, queries = 0;
    std::string line;
    while (std::getline(in, line)) {
        ++line_no;
        if (!has_text(line)) continue;
        INFO(path.string() << ":" << line_no);
        auto j = nlohmann::json::parse(line, nullptr, false);
        REQUIRE(j.is_object());
        ++queries;
        const auto qid = j.value("qid", std::string{});
        REQUIRE(judged.count(qid) == 1);
        CHECK(j.value("query", std::string{}) == judged.at(qid));
        REQUIRE(j.contains("relevant"));
        REQUIRE(j["relevant"].is_array());
        std::set<std::string> seen;
        bool any_relevant = false;  // a query may have no full answer (grade 2) in the pool
        for (const auto& r : j["relevant"]) {
            const auto id = r.value("id", std::string{});
            const auto anchor = r.value("anchor", std::string{});
            const int grade = r.value("grade", -1);
            INFO(id << "#" << anchor);
            CHECK((grade >= 0 && grade <= 2));
            any_relevant = any_relevant || grade >= 1;
            CHECK(seen.insert(id + "#" + anchor).second);
            const Article* a = find_article(id);
            CHECK(a != nullptr);
            if (a) CHECK(find_section(*a, anchor) != nullptr);
        }
        CHECK(any_relevant);
    }
    CHECK(queries == judged.size());  // every judged query graded twice
}
