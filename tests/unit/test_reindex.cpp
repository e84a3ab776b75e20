// Batch reindex: incremental plans and their effect through Searcher, dry runs, validation
// first, --skip-invalid, --keep-missing, canaries, rollback, the writer lock, and crash safety
// (a child process killed with SIGKILL at each phase of a run).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "medsearch/index_writer.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using medsearch::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json article(const std::string& id, const std::string& title, const std::string& text) {
    return {{"id", id},
            {"title", title},
            {"sections", json::array({{{"heading", "Overview"}, {"anchor", "overview"}, {"text", text}},
                                      {{"heading", "Treatment"}, {"anchor", "treatment"},
                                       {"text", "Treatment of " + title + " depends on the cause."}}})}};
}

// A corpus directory and an index directory in one temporary directory.
struct Workspace {
    TempDir tmp;
    fs::path corpus = tmp.path() / "corpus";
    fs::path index = tmp.path() / "index";
    fs::path vocabulary = tmp.path() / "synonyms.txt";

    Workspace() { fs::create_directories(corpus); }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream out(corpus / name, std::ios::trunc);
        out << text;
    }
    void write_jsonl(const std::string& name, const std::vector<json>& articles) const {
        std::string text;
        for (const auto& a : articles) text += a.dump() + "\n";
        write(name, text);
    }
    void write_synonyms(const std::string& text) const {
        std::ofstream out(vocabulary, std::ios::trunc);
        out << text;
    }

    ReindexReport run(ReindexOptions options = {}) const {
        std::vector<fs::path> synonyms;
        if (fs::exists(vocabulary)) synonyms.push_back(vocabulary);
        return reindex(index, ReindexInputs{{corpus}, synonyms}, options);
    }

    std::string stub() const {
        std::ifstream in(index / std::string(schema::kStubFile));
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::set<std::string> builds() const {
        std::set<std::string> out;
        if (!fs::exists(index)) return out;
        for (const auto& e : fs::directory_iterator(index))
            if (e.path().filename().string().rfind("build-", 0) == 0) out.insert(e.path().filename().string());
        return out;
    }

    Searcher searcher() const {
        auto s = Searcher::open(index);
        REQUIRE(s.ok());
        return std::move(s).value();
    }
    // Article ids of the hits for `q`, one per article.
    std::set<std::string> found(const std::string& q) const {
        auto s = searcher();
        SearchRequest r;
        r.query = q;
        r.size = 50;
        r.features.spelling = false;
        auto result = s.search(r);
        REQUIRE(result.ok());
        std::set<std::string> ids;
        for (const auto& h : result.value().hits) ids.insert(h.article.id);
        return ids;
    }
    bool has_article(const std::string& id) const { return searcher().article(id).ok(); }

    // The docid of a section, to tell an untouched document from a rewritten one.
    Xapian::docid docid(const std::string& section_id) const {
        Xapian::Database db(index.string());
        std::string term = std::string(schema::kIdPrefix) + section_id;
        auto it = db.postlist_begin(term);
        return it == db.postlist_end(term) ? 0 : *it;
    }
};

std::string slurp_corpus(const Workspace& w) {
    std::ifstream in(w.corpus / "a.jsonl");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> ids(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

const std::vector<json> kFirst = {
    article("asthma", "Asthma", "Asthma narrows the airways; wheezing and coughing follow."),
    article("gout", "Gout", "Gout is a painful arthritis caused by uric acid crystals."),
    article("shingles", "Shingles", "Shingles is a painful rash from the chickenpox virus."),
};

}  // namespace

TEST_CASE("a first run builds everything, and a run with nothing changed writes nothing", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    auto first = w.run();
    REQUIRE(first.outcome == ReindexOutcome::published);
    CHECK(first.plan.full);
    CHECK(first.plan.full_reason == "no live index");
    CHECK(first.plan.added == ids({"asthma", "gout", "shingles"}));
    CHECK(first.articles == 3);
    CHECK(first.sections == 6);
    CHECK(first.sections_written == 6);
    CHECK(w.found("wheezing") == std::set<std::string>{"asthma"});

    auto stub = w.stub();
    auto builds = w.builds();
    auto again = w.run();
    CHECK(again.outcome == ReindexOutcome::up_to_date);
    CHECK_FALSE(again.plan.full);
    CHECK(again.plan.unchanged == ids({"asthma", "gout", "shingles"}));
    CHECK(again.sections_written == 0);
    CHECK(w.stub() == stub);
    CHECK(w.builds() == builds);
}

TEST_CASE("an incremental run adds, replaces and deletes, and leaves unchanged articles untouched", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto asthma_doc = w.docid("asthma#overview");
    auto gout_overview = w.docid("gout#overview");
    auto gout_treatment = w.docid("gout#treatment");
    REQUIRE(asthma_doc != 0);

    w.write_jsonl("a.jsonl", {
                                 kFirst[0],
                                 article("gout", "Gout", "Gout flares respond to colchicine and rest."),
                                 article("measles", "Measles",
                                         "Measles spreads through coughing; vaccination prevents it."),
                             });
    auto r = w.run();
    REQUIRE(r.outcome == ReindexOutcome::published);
    CHECK_FALSE(r.plan.full);
    CHECK(r.plan.added == ids({"measles"}));
    CHECK(r.plan.changed == ids({"gout"}));
    CHECK(r.plan.removed == ids({"shingles"}));
    CHECK(r.plan.unchanged == ids({"asthma"}));
    CHECK(r.sections_written == 3);  // gout's treatment section did not change: not rewritten
    CHECK(r.articles == 3);
    CHECK(r.sections == 6);

    CHECK(w.found("colchicine") == std::set<std::string>{"gout"});
    CHECK(w.found("crystals").empty());  // the old text of the changed article is gone
    CHECK(w.found("vaccination") == std::set<std::string>{"measles"});
    CHECK_FALSE(w.has_article("shingles"));
    CHECK(w.found("chickenpox").empty());
    CHECK(w.found("wheezing") == std::set<std::string>{"asthma"});
    CHECK(w.docid("asthma#overview") == asthma_doc);       // not rewritten
    CHECK(w.docid("gout#treatment") == gout_treatment);    // unchanged section of a changed article
    CHECK(w.docid("gout#overview") == gout_overview);      // replaced in place
    CHECK(w.searcher().info().documents == 6);
}

TEST_CASE("a changed article that lost a section keeps no stale section", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    json gout = {{"id", "gout"},
                 {"title", "Gout"},
                 {"sections",
                  json::array({{{"heading", "Overview"}, {"anchor", "overview"}, {"text", "Only one section now."}}})}};
    w.write_jsonl("a.jsonl", {kFirst[0], gout, kFirst[2]});
    auto r = w.run();
    REQUIRE(r.outcome == ReindexOutcome::published);
    CHECK(r.sections == 5);
    auto a = w.searcher().article("gout");
    REQUIRE(a.ok());
    CHECK(a.value().sections.size() == 1);
}

TEST_CASE("a synonym change alone rewrites the vocabulary, not the documents", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    w.write_synonyms("wheeze, whistling breath\n");
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto doc = w.docid("gout#overview");
    CHECK(w.found("podagra").empty());

    w.write_synonyms("wheeze, whistling breath\npodagra => gout\n");
    auto r = w.run();
    REQUIRE(r.outcome == ReindexOutcome::published);
    CHECK(r.plan.synonyms_changed);
    CHECK(r.plan.unchanged.size() == 3);
    CHECK(r.sections_written == 0);
    CHECK(r.synonym_rules == 2);
    CHECK(w.found("podagra").count("gout") == 1);
    CHECK(w.docid("gout#overview") == doc);
}

TEST_CASE("a run without synonym inputs keeps the live vocabulary when asked, and clears it otherwise", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    w.write_synonyms("podagra => gout\n");
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    REQUIRE(w.found("podagra").count("gout") == 1);
    fs::remove(w.vocabulary);  // a content update run without --synonyms

    ReindexOptions keep;
    keep.keep_synonyms = true;
    w.write_jsonl("a.jsonl", {kFirst[0], kFirst[1]});
    auto kept = w.run(keep);
    REQUIRE(kept.outcome == ReindexOutcome::published);
    CHECK_FALSE(kept.plan.synonyms_changed);
    CHECK(kept.synonym_rules == 1);
    CHECK(w.found("podagra").count("gout") == 1);
    keep.mode = ReindexMode::full;  // a full rebuild keeps it too
    REQUIRE(w.run(keep).outcome == ReindexOutcome::published);
    CHECK(w.found("podagra").count("gout") == 1);

    auto cleared = w.run();  // keep_synonyms off: the batch's vocabulary, which is none
    REQUIRE(cleared.outcome == ReindexOutcome::published);
    CHECK(cleared.plan.synonyms_changed);
    CHECK(cleared.synonym_rules == 0);
    CHECK(w.found("podagra").empty());
}

// A --synonyms file that exists but holds no rule published a build with 0 rules: the stored
// vocabulary was wiped, with outcome published.
TEST_CASE("synonym files without a rule between them are invalid input, not an empty vocabulary", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    w.write_synonyms("podagra => gout\n");
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    const auto stub = w.stub();

    const fs::path empty = w.tmp.path() / "empty.txt";
    const fs::path comments = w.tmp.path() / "comments.tsv";
    { std::ofstream{empty}; }
    { std::ofstream{comments} << "# to do\n\n   \n"; }
    for (const auto& given : std::vector<std::vector<fs::path>>{{empty}, {comments}, {empty, comments}}) {
        CAPTURE(given);
        auto r = reindex(w.index, ReindexInputs{{w.corpus}, given}, ReindexOptions{});
        CHECK(r.outcome == ReindexOutcome::invalid_input);
        REQUIRE(r.problems.size() == given.size());
        for (std::size_t i = 0; i < given.size(); ++i) {
            CHECK(r.problems[i].path == given[i].string());
            CHECK(r.problems[i].message ==
                  "no synonym rules in the file (only blank lines and comments); --no-synonyms clears the vocabulary");
        }
        CHECK(w.stub() == stub);
    }
    const fs::path dir = w.tmp.path() / "vocabulary";
    fs::create_directories(dir);
    { std::ofstream{dir / "lay.txt"} << "# lay words, none yet\n"; }
    auto from_dir = reindex(w.index, ReindexInputs{{w.corpus}, {dir}}, ReindexOptions{});
    CHECK(from_dir.outcome == ReindexOutcome::invalid_input);
    REQUIRE(from_dir.problems.size() == 1);
    CHECK(from_dir.problems[0].path == dir.string());
    CHECK(from_dir.problems[0].message ==
          "no synonym rules in the directory's files (only blank lines and comments); --no-synonyms clears the "
          "vocabulary");
    CHECK(w.stub() == stub);
    CHECK(w.found("podagra").count("gout") == 1);

    // Beside a file that holds rules, an empty one adds nothing and is no problem.
    auto beside = reindex(w.index, ReindexInputs{{w.corpus}, {empty, w.vocabulary}}, ReindexOptions{});
    CHECK(beside.outcome == ReindexOutcome::up_to_date);
    CHECK(beside.problems.empty());
    CHECK(beside.synonym_rules == 1);
}

TEST_CASE("spelling data follows incremental changes", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    w.write_jsonl("a.jsonl", {kFirst[0], kFirst[1], article("measles", "Measles", "Measles vaccination works.")});
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    Xapian::Database db(w.index.string());
    CHECK(db.get_spelling_suggestion("vacination") == "vaccination");  // added with the new article
    CHECK(db.get_spelling_suggestion("chickenpx").empty());            // removed with the deleted one
}

TEST_CASE("spelling data counts the searches' words, each section once, full or incremental", "[reindex]") {
    json plain = article("gout", "Gout", "Gout remedies vary.");
    json searched = plain;
    searched["sections"][0]["searches"] = {"remedies at home", "ointment for sore toes"};
    Workspace w;
    w.write_jsonl("a.jsonl", {kFirst[0], plain});
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto frequencies = [&] {
        Xapian::Database db(w.index.string());
        auto frequency = [&](const std::string& word) -> Xapian::doccount {
            auto it = db.spellings_begin();
            it.skip_to(word);
            return it != db.spellings_end() && *it == word ? it.get_termfreq() : 0;
        };
        return std::pair{frequency("ointment"), frequency("remedies")};
    };
    CHECK(frequencies() == std::pair<Xapian::doccount, Xapian::doccount>{0, 1});
    w.write_jsonl("a.jsonl", {kFirst[0], searched});
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    // "remedies" is in the section's text and its searches: one section.
    CHECK(frequencies() == std::pair<Xapian::doccount, Xapian::doccount>{1, 1});
    ReindexOptions full;
    full.mode = ReindexMode::full;
    REQUIRE(w.run(full).outcome == ReindexOutcome::published);
    CHECK(frequencies() == std::pair<Xapian::doccount, Xapian::doccount>{1, 1});
    w.write_jsonl("a.jsonl", {kFirst[0], plain});
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    CHECK(frequencies() == std::pair<Xapian::doccount, Xapian::doccount>{0, 1});
}

TEST_CASE("a dry run prints the plan and changes nothing, even while another run holds the lock", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto stub = w.stub();
    auto builds = w.builds();

    w.write_jsonl("a.jsonl", {kFirst[0], article("gout", "Gout", "New gout text."),
                              article("measles", "Measles", "Measles text.")});
    ReindexOptions options;
    options.dry_run = true;
    ReindexReport r;
    {
        auto holder = IndexBuilder::begin(w.index);  // holds the writer lock; never publishes
        REQUIRE(holder.ok());
        r = w.run(options);
    }
    REQUIRE(r.outcome == ReindexOutcome::planned);
    CHECK(r.plan.added == ids({"measles"}));
    CHECK(r.plan.changed == ids({"gout"}));
    CHECK(r.plan.removed == ids({"shingles"}));
    CHECK(r.plan.unchanged == ids({"asthma"}));
    CHECK(r.sections_written == 0);
    CHECK(w.stub() == stub);
    CHECK(w.builds() == builds);
    CHECK(w.has_article("shingles"));
    CHECK_FALSE(w.has_article("measles"));
}

TEST_CASE("an invalid batch publishes nothing and names every problem by path and line", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto stub = w.stub();
    auto builds = w.builds();

    w.write("a.jsonl", kFirst[0].dump() + "\n" + "{\"id\": \"broken\", \"title\": \n" +
                           article("measles", "Measles", "Measles text.").dump() + "\n");
    w.write("b.md", "---\ntitle: No id here\n---\n\n## Overview\n\nText.\n");
    auto r = w.run();
    REQUIRE(r.outcome == ReindexOutcome::invalid_input);
    REQUIRE(r.problems.size() >= 2);
    bool jsonl_line = false, markdown = false;
    for (const auto& p : r.problems) {
        jsonl_line = jsonl_line || (p.path == (w.corpus / "a.jsonl").string() && p.line == 2);
        markdown = markdown || p.path == (w.corpus / "b.md").string();
    }
    CHECK(jsonl_line);
    CHECK(markdown);
    CHECK(r.message.find("nothing published") != std::string::npos);
    CHECK(w.stub() == stub);
    CHECK(w.builds() == builds);
    CHECK_FALSE(w.has_article("measles"));
    CHECK(w.has_article("gout"));
}

TEST_CASE("a term too long for Xapian is an input problem, found before anything is written", "[reindex]") {
    Workspace w;
    json a = article("long", "Long", "Text.");
    a["sections"][0]["anchor"] = std::string(250, 'a');
    w.write_jsonl("a.jsonl", {kFirst[0], a});
    auto r = w.run();
    REQUIRE(r.outcome == ReindexOutcome::invalid_input);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 2);
    CHECK(r.problems[0].message.find("sections[0]") != std::string::npos);
    CHECK(w.builds().empty());
}

TEST_CASE("skipping invalid input publishes the valid part and keeps articles whose source is broken", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", {kFirst[0], kFirst[1]});
    w.write_jsonl("b.jsonl", {kFirst[2]});
    REQUIRE(w.run().outcome == ReindexOutcome::published);

    // b.jsonl is now broken: shingles is absent from the batch, but probably by accident.
    w.write("b.jsonl", "{\"id\": \"shingles\", \"title\": \n");
    w.write_jsonl("a.jsonl", {kFirst[0], kFirst[1], article("measles", "Measles", "Measles vaccination.")});
    ReindexOptions options;
    options.invalid = InvalidInput::skip;
    auto r = w.run(options);
    REQUIRE(r.outcome == ReindexOutcome::published);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].path == (w.corpus / "b.jsonl").string());
    CHECK(r.problems[0].line == 1);
    CHECK(r.plan.added == ids({"measles"}));
    CHECK(r.plan.kept == ids({"shingles"}));
    CHECK(r.plan.removed.empty());
    CHECK(w.has_article("shingles"));
    CHECK(w.has_article("measles"));
}

TEST_CASE("keeping missing articles keeps those absent from the batch", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    fs::remove(w.corpus / "a.jsonl");
    w.write_jsonl("new.jsonl", {article("measles", "Measles", "Measles vaccination.")});
    ReindexOptions options;
    options.missing = MissingArticles::keep;
    auto r = w.run(options);
    REQUIRE(r.outcome == ReindexOutcome::published);
    CHECK(r.plan.added == ids({"measles"}));
    CHECK(r.plan.kept == ids({"asthma", "gout", "shingles"}));
    CHECK(r.articles == 4);
    CHECK(w.has_article("gout"));
    CHECK(w.has_article("measles"));
}

TEST_CASE("articles are written from pass 2 when they exceed the memory budget", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    ReindexOptions options;
    options.hold_bytes = 0;
    REQUIRE(w.run(options).outcome == ReindexOutcome::published);
    w.write_jsonl("a.jsonl", {kFirst[0], article("gout", "Gout", "Gout and colchicine."), kFirst[2]});
    auto r = w.run(options);
    REQUIRE(r.outcome == ReindexOutcome::published);
    CHECK(r.sections_written == 1);
    CHECK(w.found("colchicine") == std::set<std::string>{"gout"});
}

TEST_CASE("an input edited between the two passes is caught and nothing is published", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto stub = w.stub();
    w.write_jsonl("a.jsonl", {kFirst[0], article("gout", "Gout", "Second version."), kFirst[2]});
    ReindexOptions options;
    options.hold_bytes = 0;
    options.progress = [&](const ReindexProgress& p) {
        if (p.phase == ReindexProgress::Phase::writing && p.done == 0)
            w.write_jsonl("a.jsonl", {kFirst[0], article("gout", "Gout", "Third version."), kFirst[2]});
    };
    auto r = w.run(options);
    CHECK(r.outcome == ReindexOutcome::invalid_input);
    CHECK(r.message.find("changed while it was being indexed") != std::string::npos);
    CHECK(w.stub() == stub);
}

TEST_CASE("canary queries gate publication", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    fs::path canaries = w.tmp.path() / "canaries.txt";
    {
        std::ofstream out(canaries);
        out << "# must answer\nwheezing => asthma\nuric acid\n";
    }
    ReindexOptions options;
    options.canaries = canaries;
    auto ok = w.run(options);
    REQUIRE(ok.outcome == ReindexOutcome::published);
    REQUIRE(ok.canaries.size() == 2);
    CHECK(ok.canaries[0].passed);
    CHECK(ok.canaries[0].where == canaries.string() + ":2");
    CHECK(ok.canaries[1].passed);

    auto stub = w.stub();
    w.write_jsonl("a.jsonl", {kFirst[1], kFirst[2]});  // asthma removed: the canary must fail
    auto bad = w.run(options);
    CHECK(bad.outcome == ReindexOutcome::check_failed);
    CHECK_FALSE(bad.canaries[0].passed);
    CHECK(w.stub() == stub);
    CHECK(w.has_article("asthma"));
    CHECK(w.builds().size() == 1);

    {
        std::ofstream out(canaries);
        out << "wheezing =>\n";
    }
    auto malformed = w.run(options);
    CHECK(malformed.outcome == ReindexOutcome::invalid_input);
    REQUIRE(malformed.problems.size() == 1);
    CHECK(malformed.problems[0].path == canaries.string());
    CHECK(malformed.problems[0].line == 1);
}

TEST_CASE("rollback restores the previous build in one step", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    auto first = w.run();
    REQUIRE(first.outcome == ReindexOutcome::published);
    w.write_jsonl("a.jsonl", {kFirst[0], kFirst[1], article("measles", "Measles", "Measles vaccination.")});
    auto second = w.run();
    REQUIRE(second.outcome == ReindexOutcome::published);
    CHECK(w.builds() == std::set<std::string>{first.build, second.build});

    auto back = rollback(w.index);
    REQUIRE(back.ok());
    CHECK(back.value().from == second.build);
    CHECK(back.value().to == first.build);
    CHECK(w.searcher().info().build == first.build);
    CHECK(w.has_article("shingles"));
    CHECK_FALSE(w.has_article("measles"));

    auto again = rollback(w.index);  // the build before the first one was never kept
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == Errc::not_found);

    // The next run plans against the restored build and drops the one rolled back from.
    auto third = w.run();
    REQUIRE(third.outcome == ReindexOutcome::published);
    CHECK(third.plan.added == ids({"measles"}));
    CHECK(w.builds() == std::set<std::string>{first.build, third.build});

    TempDir empty;
    auto none = rollback(empty.path());
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == Errc::not_found);
}

// rollback() took the writer lock first, which created the directory: a mistyped --db was left
// behind, empty but for its lock file.
TEST_CASE("rollback of a directory that does not exist is not_found and creates nothing", "[reindex]") {
    TempDir tmp;
    const auto missing = tmp.path() / "no-such-index";
    auto none = rollback(missing);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == Errc::not_found);
    CHECK(none.error().message == missing.string() + ": no such index directory; no earlier build to roll back to");
    CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("a full rebuild rewrites everything and keeps the previous build", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    auto first = w.run();
    REQUIRE(first.outcome == ReindexOutcome::published);
    ReindexOptions options;
    options.mode = ReindexMode::full;
    auto full = w.run(options);
    REQUIRE(full.outcome == ReindexOutcome::published);
    CHECK(full.plan.full);
    CHECK(full.plan.unchanged.size() == 3);  // the plan still compares with the live build
    CHECK(full.sections_written == 6);
    CHECK(w.builds() == std::set<std::string>{first.build, full.build});
    CHECK(w.found("wheezing") == std::set<std::string>{"asthma"});
}

TEST_CASE("one writer at a time: a second run fails at once with locked", "[reindex]") {
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto stub = w.stub();
    auto holder = IndexBuilder::begin(w.index);
    REQUIRE(holder.ok());

    auto r = w.run();
    CHECK(r.outcome == ReindexOutcome::locked);
    CHECK(r.message.find("another medsearch-index") != std::string::npos);
    auto second = IndexBuilder::begin(w.index);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == Errc::locked);
    auto back = rollback(w.index);
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().code == Errc::locked);
    CHECK(w.stub() == stub);
}

TEST_CASE("article_hash is stable and sees every field", "[reindex]") {
    Article a;
    a.id = "gout";
    a.title = "Gout";
    a.sections = {Section{"overview", "Overview", "Overview", SectionKind::definition, "Uric acid.", {}}};
    // A fixed value (checked against an independent Python FNV-1a over the same encoding): the
    // manifest must survive compilers, machines and library upgrades.
    CHECK(article_hash(a) == article_hash(a));
    const auto golden = article_hash(a);
    CHECK(golden == 0xe8efe70dc77cebb2ULL);  // index format 20
    Article b = a;
    b.sections[0].text += " ";
    CHECK(article_hash(b) != golden);
    b = a;
    b.topics = {"joints"};
    CHECK(article_hash(b) != golden);
    b = a;
    b.sections[0].searches = {"swollen big toe"};
    CHECK(article_hash(b) != golden);
    b = a;
    b.title = "Gou";
    b.sections[0].anchor = "toverview";  // same bytes overall, different fields
    CHECK(article_hash(b) != golden);
}

// Crash safety: a child process runs a reindex and kills itself with SIGKILL at a given
// moment; the live index must still open, answer, and be unchanged, and the next run must
// complete normally and clean up what the dead one left.
TEST_CASE("a run killed with SIGKILL at any phase leaves the live index readable and unchanged", "[reindex][crash]") {
    auto [phase, done, full] = GENERATE(table<ReindexProgress::Phase, std::size_t, bool>({
        {ReindexProgress::Phase::validating, 2, false},  // while the live build is being copied
        {ReindexProgress::Phase::writing, 1, false},     // halfway through the changes
        {ReindexProgress::Phase::checking, 0, false},    // committed and synced, not yet published
        {ReindexProgress::Phase::writing, 2, true},      // halfway through a full rebuild
        {ReindexProgress::Phase::checking, 0, true},
    }));
    CAPTURE(int(phase), done, full);
    Workspace w;
    w.write_jsonl("a.jsonl", kFirst);
    REQUIRE(w.run().outcome == ReindexOutcome::published);
    auto stub = w.stub();
    auto builds = w.builds();
    auto before = w.searcher().info();

    w.write_jsonl("a.jsonl", {kFirst[0], article("gout", "Gout", "Colchicine for gout."),
                              article("measles", "Measles", "Measles vaccination."),
                              article("mumps", "Mumps", "Mumps swelling.")});
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ReindexOptions options;
        options.mode = full ? ReindexMode::full : ReindexMode::incremental;
        options.progress = [&](const ReindexProgress& p) {
            if (p.phase == phase && p.done >= done) ::raise(SIGKILL);
        };
        (void)w.run(options);
        ::_exit(0);  // not reached when the kill happened
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

    CHECK(w.stub() == stub);
    auto after = w.searcher().info();
    CHECK(after.build == before.build);
    CHECK(after.documents == before.documents);
    CHECK(w.found("crystals") == std::set<std::string>{"gout"});
    CHECK_FALSE(w.has_article("measles"));
    CHECK(w.builds().size() >= builds.size());

    // A run with nothing to do already removes what the dead run left.
    auto changed = slurp_corpus(w);
    w.write_jsonl("a.jsonl", kFirst);
    CHECK(w.run().outcome == ReindexOutcome::up_to_date);
    CHECK(w.builds() == builds);

    w.write("a.jsonl", changed);
    auto next = w.run();
    REQUIRE(next.outcome == ReindexOutcome::published);
    CHECK(next.plan.added == ids({"measles", "mumps"}));
    CHECK(w.found("colchicine") == std::set<std::string>{"gout"});
    // What the dead run left is gone: the new build and the one it replaced remain.
    CHECK(w.builds() == std::set<std::string>{before.build, next.build});
}
