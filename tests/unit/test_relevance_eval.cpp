// The benchmark's measures, checked against figures worked out by hand: issue targets are read
// from them, so a slip here would move every reported number.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "relevance_eval.hpp"
#include "../support/temp_dir.hpp"

using namespace medsearch;
using namespace medsearch::bench;
using medsearch::testing::TempDir;

namespace {
// append, not operator+: GCC 12 warns falsely (-Wrestrict) on numbered("x", i).
std::string numbered(std::string prefix, int i) {
    prefix.append(std::to_string(i));
    return prefix;
}

JudgedQuery judged(std::unordered_map<std::string, int> grades) {
    JudgedQuery q;
    q.grades = std::move(grades);
    return q;
}
}  // namespace

TEST_CASE("score_ranking: nDCG, recall, reciprocal rank and success by hand", "[bench]") {
    const JudgedQuery q = judged({{"a#x", 2}, {"b#y", 1}, {"c#z", 1}, {"d#w", 0}});
    // Gains 1, 0, 2 at ranks 1-3: DCG = 1/log2(2) + 2/log2(4) = 2. Ideal 2, 1, 1:
    // 2 + 1/log2(3) + 1/log2(4) = 3.1309.
    auto s = score_ranking({"b#y", "d#w", "a#x", "e#v"}, q);
    CHECK(s.ndcg == Approx(2.0 / (2.0 + 1.0 / std::log2(3.0) + 0.5)));
    CHECK(s.recall == Approx(2.0 / 3.0));  // grade 0 is not relevant
    CHECK(s.rr == 1.0);
    CHECK(s.success == 1.0);
    CHECK(s.top_recall == 1.0);  // the one grade-2 section is in
    CHECK(q.top_grade_count() == 1);

    // Grade-1 sections found, the grade-2 one not.
    s = score_ranking({"b#y", "c#z"}, q);
    CHECK(s.recall == Approx(2.0 / 3.0));
    CHECK(s.top_recall == 0.0);

    // A key seen twice counts once, and keeps its rank; nothing relevant first.
    s = score_ranking({"e#v", "a#x", "a#x", "b#y"}, q);
    CHECK(s.recall == Approx(2.0 / 3.0));
    CHECK(s.rr == 0.5);
    CHECK(s.success == 0.0);
    CHECK(s.ndcg == Approx((2.0 / std::log2(3.0) + 1.0 / std::log2(5.0)) / (2.0 + 1.0 / std::log2(3.0) + 0.5)));

    // Only the first kCutoff results count.
    std::vector<std::string> long_list;
    for (int i = 0; i < int(kCutoff); ++i) long_list.push_back(numbered("filler#", i));
    long_list.push_back("a#x");
    s = score_ranking(long_list, q);
    CHECK(s.recall == 0.0);
    CHECK(s.ndcg == 0.0);
    CHECK(s.rr == 0.0);

    // A query with no relevant section scores nothing and enters no average.
    const JudgedQuery none = judged({{"a#x", 0}});
    CHECK_FALSE(none.has_relevant());
    s = score_ranking({"a#x"}, none);
    CHECK(s.ndcg == 0.0);
    CHECK(s.recall == 0.0);
}

TEST_CASE("recall_ceiling: what a perfect re-ordering of a deeper list would reach", "[bench]") {
    std::unordered_map<std::string, int> grades;
    for (int i = 0; i < 12; ++i) grades[numbered("r#", i)] = 1;
    const JudgedQuery q = judged(grades);
    std::vector<std::string> ranked;
    for (int i = 0; i < 30; ++i) ranked.push_back(numbered("n#", i));
    ranked[15] = "r#0";
    ranked[29] = "r#1";
    CHECK(recall_ceiling(ranked, q) == Approx(2.0 / 12.0));
    // Twelve found deep down: at most kCutoff of them fit in a first page.
    for (int i = 0; i < 12; ++i) ranked.push_back(numbered("r#", i));
    CHECK(recall_ceiling(ranked, q) == Approx(10.0 / 12.0));
    CHECK(recall_ceiling(ranked, judged({})) == 0.0);
}

TEST_CASE("the dev/test split and the sample are fixed by the qids alone", "[bench]") {
    // FNV-1a's published test vectors.
    CHECK(fnv1a("") == 0xcbf29ce484222325ull);
    CHECK(fnv1a("a") == 0xaf63dc4c8601ec8cull);
    std::size_t dev = 0;
    for (int i = 0; i < 1000; ++i) dev += split_of(numbered("q", i)) == Split::dev;
    CHECK(dev > 250);  // ~30% dev
    CHECK(dev < 350);

    std::vector<JudgedQuery> all;
    for (int i = 0; i < 50; ++i) all.push_back(judged({{"a#x", 1}})), all.back().qid = numbered("q", i);
    const auto small = sample_queries(all, 5);
    const auto large = sample_queries(all, 20);
    REQUIRE(small.size() == 5);
    REQUIRE(large.size() == 20);
    std::vector<std::string> large_ids;
    for (const auto& q : large) large_ids.push_back(q.qid);
    for (const auto& q : small) CHECK(std::find(large_ids.begin(), large_ids.end(), q.qid) != large_ids.end());
    // Input order is kept.
    auto position = [&](const std::string& qid) { return std::stoi(qid.substr(1)); };
    for (std::size_t i = 1; i < large.size(); ++i) CHECK(position(large[i - 1].qid) < position(large[i].qid));
    CHECK(sample_queries(all, 0).size() == 50);
}

TEST_CASE("load_queries reports bad lines by number and keeps the good ones", "[bench]") {
    TempDir dir;
    const auto path = dir.write("queries.jsonl",
                                "{\"qid\": \"1\", \"query\": \"nerve pain\", \"relevant\": "
                                "[{\"id\": \"np\", \"anchor\": \"overview\", \"grade\": 1},"
                                " {\"id\": \"np\", \"anchor\": \"overview\", \"grade\": 2}]}\n"
                                "\n"
                                "not json\n"
                                "{\"qid\": \"2\", \"query\": \"x\", \"relevant\": [{\"id\": \"np\", \"anchor\": \"a\", \"grade\": 3}]}\n"
                                "{\"qid\": \"1\", \"query\": \"again\", \"relevant\": []}\n"
                                "{\"qid\": \"3\", \"question\": \"other field\", \"relevant\": []}\n");
    std::vector<JudgedQuery> queries;
    std::vector<Diagnostic> problems;
    CHECK_FALSE(load_queries(path, "query", queries, problems));
    REQUIRE(queries.size() == 1);
    CHECK(queries[0].grades.at("np#overview") == 2);  // listed twice: the higher grade
    CHECK(queries[0].split == split_of("1"));
    REQUIRE(problems.size() == 4);
    CHECK(problems[0].line == 3);
    CHECK(problems[1].line == 4);
    CHECK(problems[1].message.find("grade") != std::string::npos);
    CHECK(problems[2].line == 5);
    CHECK(problems[2].message.find("repeated qid") != std::string::npos);
    CHECK(problems[3].line == 6);

    std::vector<Diagnostic> missing;
    CHECK_FALSE(load_queries(dir.path() / "absent.jsonl", "query", queries, missing));
    REQUIRE(missing.size() == 1);
}
