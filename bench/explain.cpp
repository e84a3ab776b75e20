// medsearch-explain: why a query ranks its sections the way it does. Runs one query against a
// published index the way /api/search?group=section does (same parsing, synonyms, intent,
// weights, article context and language guess; a misspelled query is explained as the corrected
// text /api/search searched, less the typed word it keeps as a synonym) and prints, for each of the
// top sections, the weight every query component adds: each part's text (body, heading and title
// as one term), the separate heading and title terms, the coordination and whole-name bonuses,
// the section-intent boost, the article context, the likeness to the first section and the
// variety discount. A tool for tuning RankingParams, not part of the API.
//
// Each component is weighed on its own, so a term repeated across components (its
// within-query frequency) can make the parts sum to slightly more or less than the score.
//
//   medsearch-explain --db build/index [--size 10] [--lang en] [--param NAME=VALUE]... QUERY...
//
// Exit status: 0 done, 1 the index could not be read, 2 usage.
#include <boost/program_options.hpp>

#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "medsearch/analyzer.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "medsearch/synonyms.hpp"
#include "medsearch/word_list.hpp"
#include "likeness.hpp"
#include "query_builder.hpp"
#include "relevance_eval.hpp"
#include "stored_section.hpp"

namespace po = boost::program_options;
using namespace medsearch;

namespace {

// The weight `query` gives document `did` alone, 0 when it does not match it.
double weight_in(Xapian::Database& db, const Xapian::Query& query, const std::string& id_term,
                 const RankingParams& ranking) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(id_term)));
    enquire.set_weighting_scheme(bm25_weight(ranking));
    Xapian::MSet mset = enquire.get_mset(0, 1);
    return mset.empty() ? 0.0 : mset.begin().get_weight();
}

std::string id_term_of(Xapian::Database& db, Xapian::docid did) {
    auto it = db.termlist_begin(did);
    it.skip_to(std::string(schema::kIdPrefix));
    if (it == db.termlist_end(did) || (*it).rfind(schema::kIdPrefix, 0) != 0) return {};
    return *it;
}

// The text /api/search searches for `text`: its spelling correction when it applies one
// ("siatica stretches" -> "sciatica stretches"), else `text`; with the server's default word
// lists, as its retry for real words depends on them. A search of its own, not a call to the
// correction step alone: whether a correction is applied depends on what the search finds (a
// real word is corrected only when the query finds nothing as typed, and a correction that
// finds nothing is dropped).
std::string searched_text(const std::string& db_path, const std::string& text, const QueryOptions& options) {
    auto words = WordList::load(system_word_lists());
    auto searcher = Searcher::open(db_path, words ? std::make_shared<const WordList>(std::move(words).value())
                                                  : std::shared_ptr<const WordList>());
    if (!searcher) return text;
    SearchRequest request;
    request.query = text;
    request.group = Grouping::section;
    request.size = 1;
    request.language = options.language;
    request.ranking = options.ranking;
    auto response = searcher.value().search(request);
    return response && response.value().corrected_applied ? response.value().corrected : text;
}

int explain(const std::string& db_path, const std::string& typed, std::size_t size, const QueryOptions& options) {
    Xapian::Database db(db_path);
    Analyzer analyzer;
    SynonymMap synonyms;
    std::string data = db.get_metadata(std::string(schema::kMetaSynonyms));
    if (!data.empty() && !SynonymMap::deserialize(data, analyzer, synonyms)) {
        std::fprintf(stderr, "medsearch-explain: %s: stored synonyms are unreadable\n", db_path.c_str());
        return 1;
    }
    const std::string text = searched_text(db_path, typed, options);
    ParsedQuery parsed = parse_in_index(text, analyzer, &synonyms, options, db);
    QueryPlan plan = plan_query(parsed, analyzer, options);
    Xapian::Query query = plan.combined();
    // As /api/search: the language asked for, else the one the words are in if that finds anything.
    const bool guessed = options.language.empty();
    const std::string language = guessed ? guess_language(db, parsed, analyzer) : options.language;
    bool filtered_by_language = false;
    if (!language.empty() && !query.empty()) {
        const Xapian::Query filtered = in_language(query, language);
        Xapian::Enquire probe(db);
        probe.set_query(filtered);
        filtered_by_language = !guessed || !probe.get_mset(0, 1).empty();
        if (filtered_by_language) query = filtered;
    }
    std::printf("query: %s\n", typed.c_str());
    if (text != typed) std::printf("  spelling: searched as \"%s\", as /api/search does\n", text.c_str());
    if (guessed && !language.empty())
        std::printf("  language: %s, guessed from the words%s\n", language.c_str(),
                    filtered_by_language ? "" : " (no section in it matches: every language)");
    for (const auto& part : parsed.parts) {
        std::printf("  part \"%s\"%s%s, %zu synonym(s)", part.typed.c_str(), part.quoted ? " quoted" : "",
                    part.abbreviation ? " abbreviation" : "", part.synonyms.size());
        for (std::size_t i = 0; i < part.synonyms.size() && i < 6; ++i) {
            std::string words;
            for (const auto& w : part.synonyms[i].phrase.words) words.append(words.empty() ? "" : " ").append(w);
            std::printf("%s%s", i == 0 ? ": " : ", ", words.c_str());
        }
        std::printf("\n");
    }
    if (!plan.boost_label.empty()) std::printf("  %s\n", plan.boost_label.c_str());
    if (query.empty()) return 0;
    std::printf("xapian: %s\n\n", query.get_description().c_str());

    // The section list of /api/search?group=section: the article context on top.
    const ContextBoost context = context_boost(db, query, options.ranking, true, parsed, plan.beyond_names);
    const Xapian::Query ranked = context.applied_to(query, whole_best_article(parsed, options.ranking));
    Xapian::Enquire enquire(db);
    enquire.set_query(ranked);
    enquire.set_weighting_scheme(bm25_weight(options.ranking));
    Xapian::MSet mset = enquire.get_mset(0, Xapian::doccount(std::max(size, kLikenessDepth)));
    IdfCache idf;
    const Xapian::Query earned_boost = plan.earned_boost();
    std::vector<RankedSection> sections = rank_by_likeness(db, mset, options.ranking.likeness_share, idf);
    discount_repeats(sections, options.ranking.repeat_decay);
    for (std::size_t rank = 0; rank < sections.size() && rank < size; ++rank) {
        const RankedSection& section = sections[rank];
        StoredSection stored;
        decode_section(section.document.get_data(), stored);
        std::printf("%2zu. %7.3f  %s#%s  (%s)\n", rank + 1, section.weight, stored.article.id.c_str(),
                    stored.section.anchor.c_str(), std::string(to_string(stored.section.kind)).c_str());
        const std::string id_term = id_term_of(db, section.did);
        double sum = 0;
        for (const auto& c : plan.components) {
            double w = weight_in(db, c.query, id_term, options.ranking);
            sum += w;
            if (w > 0) std::printf("      %7.3f  %s\n", w, c.label.c_str());
        }
        if (!earned_boost.empty()) {
            double w = weight_in(db, earned_boost, id_term, options.ranking);
            sum += w;
            if (w > 0) std::printf("      %7.3f  %s\n", w, plan.boost_label.c_str());
        }
        for (const auto& [part, label] : {std::pair{&context.article, "article context"}, {&context.kind, "intent context"}}) {
            if (part->empty()) continue;
            double w = weight_in(db, *part, id_term, options.ranking);
            sum += w;
            if (w > 0) std::printf("      %7.3f  %s\n", w, label);
        }
        if (section.likeness > 0) std::printf("      %7.3f  likeness to the first section\n", section.likeness);
        sum += section.likeness;
        if (section.repeat < 0) std::printf("      %7.3f  variety: more sections of the article above\n", section.repeat);
        sum += section.repeat;
        std::printf("      %7.3f  sum of the parts\n", sum);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    std::string db;
    std::size_t size = 10;
    std::vector<std::string> params, words;
    QueryOptions options;
    po::options_description visible("medsearch-explain --db DIR [options] QUERY...");
    visible.add_options()
        ("help", "show this help")
        ("db", po::value<std::string>(&db)->value_name("DIR"), "published index (medsearch-index --db DIR)")
        ("size", po::value<std::size_t>(&size)->default_value(size)->value_name("N"), "sections shown")
        ("lang", po::value<std::string>(&options.language)->value_name("CODE"), "en or es; default the one the words are in, as /api/search")
        ("param", po::value<std::vector<std::string>>(&params)->value_name("NAME=VALUE"),
         "override a RankingParams weight, as medsearch-bench-relevance --param; repeatable");
    po::options_description all;
    all.add(visible).add_options()("query", po::value<std::vector<std::string>>(&words));
    po::positional_options_description positional;
    positional.add("query", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << visible << "\n";
        return 0;
    }
    if (db.empty() || words.empty()) {
        std::cerr << "medsearch-explain: --db and a query are required\n" << visible << "\n";
        return 2;
    }
    for (const auto& p : params) {
        if (!bench::set_ranking_param(options.ranking, p)) {
            std::cerr << "medsearch-explain: --param: unknown or malformed \"" << p << "\"\n";
            return 2;
        }
    }
    std::string text;
    for (const auto& w : words) text.append(text.empty() ? "" : " ").append(w);
    return explain(db, text, size, options);
} catch (const po::error& e) {
    std::cerr << "medsearch-explain: " << e.what() << "\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "medsearch-explain: " << e.get_description() << "\n";
    return 1;
}
