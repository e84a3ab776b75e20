#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "medsearch/article.hpp"
#include "medsearch/result.hpp"

using medsearch::SectionKind;

TEST_CASE("section kinds print as their JSON names and parse back", "[article]") {
    auto [kind, name] = GENERATE(table<SectionKind, std::string>({
        {SectionKind::definition, "definition"},
        {SectionKind::causes, "causes"},
        {SectionKind::risk_factors, "risk-factors"},
        {SectionKind::symptoms, "symptoms"},
        {SectionKind::diagnosis, "diagnosis"},
        {SectionKind::treatment, "treatment"},
        {SectionKind::prevention, "prevention"},
        {SectionKind::outlook, "outlook"},
        {SectionKind::inheritance, "inheritance"},
        {SectionKind::genetic_changes, "genetic-changes"},
        {SectionKind::complications, "complications"},
        {SectionKind::research, "research"},
        {SectionKind::frequency, "frequency"},
        {SectionKind::how_it_works, "how-it-works"},
        {SectionKind::what_to_expect, "what-to-expect"},
        {SectionKind::stages, "stages"},
        {SectionKind::other, "other"},
    }));
    CHECK(medsearch::to_string(kind) == name);
    SectionKind parsed = kind == SectionKind::other ? SectionKind::definition : SectionKind::other;
    REQUIRE(medsearch::parse_section_kind(name, parsed));
    CHECK(parsed == kind);
}

TEST_CASE("parse_section_kind rejects names that are not kinds", "[article]") {
    auto name = GENERATE(as<std::string>{}, "", "risk_factors", "Treatment", "treatments", "kind");
    SectionKind kind = SectionKind::causes;
    CHECK_FALSE(medsearch::parse_section_kind(name, kind));
    CHECK(kind == SectionKind::causes);  // untouched
}

TEST_CASE("kind_from_heading follows the table of docs/content-format.md", "[article]") {
    auto [heading, kind] = GENERATE(table<std::string, SectionKind>({
        // definition
        {"Overview", SectionKind::definition},
        {"What Is Neuropathic Pain?", SectionKind::definition},
        {"What is (are) Diabetic Neuropathy ?", SectionKind::definition},
        {"What Are Nerve Blocks", SectionKind::definition},
        {"Resumen", SectionKind::definition},
        {"¿Qué es la ciática?", SectionKind::definition},
        {"¿QUÉ ES LA CIÁTICA?", SectionKind::definition},
        // causes
        {"Causes", SectionKind::causes},
        {"Cause", SectionKind::causes},
        {"Causes of Sciatica", SectionKind::causes},
        {"Causas", SectionKind::causes},
        // risk factors
        {"Risk Factors", SectionKind::risk_factors},
        {"risk factors", SectionKind::risk_factors},
        {"Who Is at Risk", SectionKind::risk_factors},
        {"Who is at risk for shingles?", SectionKind::risk_factors},
        {"Factores de riesgo", SectionKind::risk_factors},
        // symptoms
        {"Symptoms", SectionKind::symptoms},
        {"Signs and Symptoms", SectionKind::symptoms},
        {"Síntomas", SectionKind::symptoms},
        // diagnosis
        {"Diagnosis", SectionKind::diagnosis},
        {"Tests", SectionKind::diagnosis},
        {"Exams and Tests", SectionKind::diagnosis},
        {"Diagnóstico", SectionKind::diagnosis},
        // treatment
        {"Treatment", SectionKind::treatment},
        {"Treatments", SectionKind::treatment},
        {"Treatment Options", SectionKind::treatment},
        {"TREATMENT", SectionKind::treatment},
        {"Tratamiento", SectionKind::treatment},
        // prevention, outlook, inheritance, complications, research
        {"Prevention", SectionKind::prevention},
        {"Prevención", SectionKind::prevention},
        {"Outlook", SectionKind::outlook},
        {"Prognosis", SectionKind::outlook},
        {"Pronóstico", SectionKind::outlook},
        {"Inheritance", SectionKind::inheritance},
        {"Genetic Changes", SectionKind::genetic_changes},
        {"What It Feels Like", SectionKind::symptoms},
        {"Genetics", SectionKind::genetic_changes},
        {"Causas genéticas", SectionKind::genetic_changes},
        {"Herencia", SectionKind::inheritance},
        {"Complications", SectionKind::complications},
        {"Complicaciones", SectionKind::complications},
        {"Research", SectionKind::research},
        {"Investigación", SectionKind::research},
        {"Frequency", SectionKind::frequency},
        {"How Common Is It?", SectionKind::frequency},
        {"Prevalence", SectionKind::frequency},
        {"Frecuencia", SectionKind::frequency},
        {"How It Works", SectionKind::how_it_works},
        {"Cómo funciona", SectionKind::how_it_works},
        {"What to Expect", SectionKind::what_to_expect},
        {"Qué esperar", SectionKind::what_to_expect},
        {"Stages", SectionKind::stages},
        {"Staging of Lung Cancer", SectionKind::stages},
        {"Etapas", SectionKind::stages},
        {"Estadios del cáncer", SectionKind::stages},
        {"Side Effects", SectionKind::side_effects},
        {"Common Side Effects", SectionKind::side_effects},
        {"Efectos secundarios", SectionKind::side_effects},
        {"Who It Helps", SectionKind::who_it_helps},
        {"Para quién es", SectionKind::who_it_helps},
        {"When to Call Your Doctor", SectionKind::when_to_call},
        {"When to See a Doctor", SectionKind::when_to_call},
        {"Cuándo llamar al médico", SectionKind::when_to_call},
        // anything else, including near misses: only whole leading words count
        {"Sideways", SectionKind::other},
        {"Who Is Affected", SectionKind::other},
        {"Risks", SectionKind::other},
        {"What to Eat", SectionKind::other},
        {"What Causes It?", SectionKind::other},
        {"Testing at Home", SectionKind::other},
        {"Causeway", SectionKind::other},
        {"Genetic Testing", SectionKind::other},
        {"Signals", SectionKind::other},
        {"The Overview", SectionKind::other},
        {"Más información", SectionKind::other},
        {"", SectionKind::other},
    }));
    INFO("heading: " << heading);
    CHECK(medsearch::kind_from_heading(heading) == kind);
}

TEST_CASE("slugify keeps lowercase ASCII letters and digits joined by '-'", "[article]") {
    auto [text, slug] = GENERATE(table<std::string, std::string>({
        {"Risk Factors", "risk-factors"},
        {"Who Is at Risk?", "who-is-at-risk"},
        {"  Treatment -- Options  ", "treatment-options"},
        {"Vitamin B12 & Folate", "vitamin-b12-folate"},
        {"Parkinson's Disease", "parkinsons-disease"},
        {"'quoted'", "quoted"},
        {"Diagnóstico", "diagnostico"},
        {"Guillain–Barré", "guillain-barre"},
        {"Guillain\xE2\x80\x93" "Barre\xCC\x81", "guillain-barre"},  // combining acute accent
        {"¿Qué es la ciática?", "que-es-la-ciatica"},
        {"Straße", "strasse"},
        {"ﬁbromyalgia", "fibromyalgia"},
        {"Parkinson’s Disease", "parkinsons-disease"},
        {"β-blockers", "b-blockers"},
        {"!!!", ""},
        {"", ""},
    }));
    INFO("text: " << text);
    CHECK(medsearch::slugify(text) == slug);
}

TEST_CASE("slugify is safe to call from several threads at once", "[article]") {
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&results, i] {
            std::string last;
            for (int n = 0; n < 200; ++n) last = medsearch::slugify("Síntomas de Guillain–Barré");
            results[i] = last;
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& r : results) CHECK(r == "sintomas-de-guillain-barre");
}

TEST_CASE("article and section paths", "[article]") {
    CHECK(medsearch::article_path("neuropathic-pain") == "/articles/neuropathic-pain");
    CHECK(medsearch::section_path("neuropathic-pain", "treatment") ==
          "/articles/neuropathic-pain#treatment");
}

TEST_CASE("error codes have stable names", "[article]") {
    using medsearch::Errc;
    CHECK(std::string(medsearch::to_string(Errc::invalid_input)) == "invalid_input");
    CHECK(std::string(medsearch::to_string(Errc::not_found)) == "not_found");
    CHECK(std::string(medsearch::to_string(Errc::io)) == "io");
    CHECK(std::string(medsearch::to_string(Errc::index_corrupt)) == "index_corrupt");
    CHECK(std::string(medsearch::to_string(Errc::locked)) == "locked");
    CHECK(std::string(medsearch::to_string(Errc::internal)) == "internal");
}
