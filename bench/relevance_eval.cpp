#include "relevance_eval.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

namespace medsearch::bench {
namespace {

// Share of qids in the development split, in percent.
constexpr std::uint64_t kDevPercent = 30;

bool is_string(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() && !j[key].get_ref<const std::string&>().empty();
}

// One line of a queries file; false (with `error` set) when it is malformed.
bool parse_query_line(const std::string& line, std::string_view text_field, JudgedQuery& out,
                      std::string& error) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "not a JSON object";
        return false;
    }
    if (!is_string(j, "qid")) {
        error = "missing string \"qid\"";
        return false;
    }
    const std::string field(text_field);
    if (!is_string(j, field.c_str())) {
        error = "missing string \"" + field + "\"";
        return false;
    }
    out.qid = j["qid"].get<std::string>();
    out.text = j[field].get<std::string>();
    if (j.contains("lang")) {
        if (!j["lang"].is_string()) {
            error = "\"lang\": expected a string such as \"en\"";
            return false;
        }
        out.language = j["lang"].get<std::string>();
    }
    if (!j.contains("relevant") || !j["relevant"].is_array()) {
        error = "missing array \"relevant\"";
        return false;
    }
    const auto& relevant = j["relevant"];
    for (std::size_t i = 0; i < relevant.size(); ++i) {
        const auto& r = relevant[i];
        const std::string where = "relevant[" + std::to_string(i) + "]: ";
        if (!r.is_object() || !is_string(r, "id") || !is_string(r, "anchor")) {
            error = where + "expected {\"id\": string, \"anchor\": string, \"grade\": 0..2}";
            return false;
        }
        if (!r.contains("grade") || !r["grade"].is_number_integer() || r["grade"].get<int>() < 0 ||
            r["grade"].get<int>() > 2) {
            error = where + "\"grade\": expected an integer 0..2";
            return false;
        }
        int& grade = out.grades[section_key(r["id"].get<std::string>(), r["anchor"].get<std::string>())];
        grade = std::max(grade, r["grade"].get<int>());
    }
    return true;
}

}  // namespace

const char* to_string(Split split) noexcept { return split == Split::dev ? "dev" : "test"; }

std::uint64_t fnv1a(std::string_view text) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

Split split_of(std::string_view qid) noexcept {
    return fnv1a(qid) % 100 < kDevPercent ? Split::dev : Split::test;
}

std::string section_key(std::string_view article_id, std::string_view anchor) {
    std::string key(article_id);
    key += '#';
    key += anchor;
    return key;
}

std::size_t JudgedQuery::count_at_least(int grade) const {
    return std::size_t(std::count_if(grades.begin(), grades.end(), [&](const auto& g) { return g.second >= grade; }));
}

bool load_queries(const std::filesystem::path& path, std::string_view text_field,
                  std::vector<JudgedQuery>& out, std::vector<Diagnostic>& problems) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problems.push_back(Diagnostic{path.string(), 0, "cannot open for reading"});
        return false;
    }
    bool clean = true;
    std::unordered_set<std::string> seen;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        JudgedQuery query;
        std::string error;
        if (!parse_query_line(line, text_field, query, error)) {
            problems.push_back(Diagnostic{path.string(), number, error});
            clean = false;
            continue;
        }
        if (!seen.insert(query.qid).second) {
            problems.push_back(Diagnostic{path.string(), number, "repeated qid \"" + query.qid + "\""});
            clean = false;
            continue;
        }
        query.split = split_of(query.qid);
        out.push_back(std::move(query));
    }
    if (in.bad()) {
        problems.push_back(Diagnostic{path.string(), 0, "read error"});
        clean = false;
    }
    return clean;
}

std::vector<JudgedQuery> sample_queries(std::vector<JudgedQuery> queries, std::size_t limit) {
    if (limit == 0 || limit >= queries.size()) return queries;
    std::vector<std::pair<std::uint64_t, std::size_t>> order;  // (hash, input position)
    order.reserve(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) order.emplace_back(fnv1a("sample:" + queries[i].qid), i);
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(limit), order.end());
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < limit; ++i) chosen.push_back(order[i].second);
    std::sort(chosen.begin(), chosen.end());
    std::vector<JudgedQuery> out;
    out.reserve(limit);
    for (std::size_t i : chosen) out.push_back(std::move(queries[i]));
    return out;
}

QueryScores score_ranking(const std::vector<std::string>& ranked, const JudgedQuery& query) {
    QueryScores s;
    const std::size_t relevant_total = query.relevant_count();
    if (relevant_total == 0) return s;
    std::vector<int> ideal;
    for (const auto& [key, grade] : query.grades) ideal.push_back(grade);
    std::sort(ideal.begin(), ideal.end(), std::greater<>());

    auto discount = [](std::size_t rank) { return 1.0 / std::log2(double(rank) + 1.0); };  // rank 1-based
    double idcg = 0;
    for (std::size_t i = 0; i < ideal.size() && i < kCutoff; ++i) idcg += ideal[i] * discount(i + 1);

    double dcg = 0;
    std::size_t relevant_found = 0, top_found = 0;
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; i < ranked.size() && i < kCutoff; ++i) {
        if (!seen.insert(ranked[i]).second) continue;
        auto found = query.grades.find(ranked[i]);
        const int grade = found == query.grades.end() ? 0 : found->second;
        dcg += grade * discount(i + 1);
        if (grade >= kTopGrade) ++top_found;
        if (grade >= kRelevantGrade) {
            ++relevant_found;
            if (s.rr == 0) s.rr = 1.0 / double(i + 1);
            if (i == 0) s.success = 1;
        }
    }
    s.ndcg = idcg > 0 ? dcg / idcg : 0;
    s.recall = double(relevant_found) / double(relevant_total);
    if (const std::size_t top_total = query.top_grade_count(); top_total > 0)
        s.top_recall = double(top_found) / double(top_total);
    return s;
}

double recall_ceiling(const std::vector<std::string>& ranked, const JudgedQuery& query) {
    const std::size_t relevant_total = query.relevant_count();
    if (relevant_total == 0) return 0;
    std::unordered_set<std::string_view> found;
    for (const auto& key : ranked) {
        auto judged = query.grades.find(key);
        if (judged != query.grades.end() && judged->second >= kRelevantGrade) found.insert(key);
    }
    return double(std::min(found.size(), kCutoff)) / double(relevant_total);
}

double percentile(std::vector<double>& values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));
    rank = std::clamp<std::size_t>(rank, 1, values.size());
    return values[rank - 1];
}

bool set_ranking_param(RankingParams& ranking, std::string_view assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view key = assignment.substr(0, eq);
    std::string text(assignment.substr(eq + 1));
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) return false;
    struct Knob { std::string_view name; double RankingParams::*field; };
    static const Knob knobs[] = {
        {"bm25_k1", &RankingParams::bm25_k1}, {"bm25_b", &RankingParams::bm25_b},
        {"title_weight", &RankingParams::title_weight}, {"heading_weight", &RankingParams::heading_weight},
        {"name_weight", &RankingParams::name_weight}, {"intent_weight", &RankingParams::intent_weight},
        {"loose_weight", &RankingParams::loose_weight}, {"lay_word_weight", &RankingParams::lay_word_weight},
        {"exact_bonus", &RankingParams::exact_bonus},
        {"coord_weight", &RankingParams::coord_weight}, {"intent_context", &RankingParams::intent_context},
        {"article_weight", &RankingParams::article_weight}, {"one_way_weight", &RankingParams::one_way_weight},
        {"likeness_share", &RankingParams::likeness_share}, {"repeat_decay", &RankingParams::repeat_decay},
        {"named_offkind_context", &RankingParams::named_offkind_context},
        {"named_share", &RankingParams::named_share}, {"name_only_context", &RankingParams::name_only_context},
    };
    for (const auto& k : knobs) {
        if (key == k.name) {
            ranking.*(k.field) = value;
            return true;
        }
    }
    static const std::pair<std::string_view, bool RankingParams::*> flags[] = {
        {"title_synonyms", &RankingParams::title_synonyms}, {"name_intent_scope", &RankingParams::name_intent_scope},
        {"best_article_whole", &RankingParams::best_article_whole},
    };
    for (const auto& [name, field] : flags) {
        if (key == name) {
            ranking.*field = value != 0;
            return true;
        }
    }
    return false;
}

}  // namespace medsearch::bench
