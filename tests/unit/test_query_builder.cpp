#include <catch2/catch.hpp>

#include "query_builder.hpp"

using namespace medsearch;

namespace {
struct Fixture {
    Analyzer analyzer;
    SynonymMap synonyms;
    Fixture() {
        std::vector<Diagnostic> problems;
        REQUIRE(synonyms.add_solr("neuropathy, nerve pain, neuralgia\n"
                                  "pins and needles => paresthesia, tingling\n"
                                  "MS => multiple sclerosis\n",
                                  "fixture.txt", analyzer, problems));
    }
    std::string describe(std::string_view text, QueryOptions options) {
        auto parsed = parse_query(text, analyzer, &synonyms, options);
        return build_query(parsed, analyzer, options).get_description();
    }
};

QueryOptions body_only(std::string language = "en") {
    QueryOptions o;
    o.field_boosts = false;
    o.language = std::move(language);
    return o;
}
}  // namespace

TEST_CASE("query descriptions: words, phrases, synonyms, stopwords", "[query]") {
    Fixture f;
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"pain", "Query(Zpain)"},
        {"burning feet", "Query((Zburn OR Zfoot))"},
        {"what is the pain", "Query((Zpain AND_MAYBE 1.5 * XKdefinition))"},
        // The cue word matches beside the boost: a section saying only "treated" earns none.
        {"how is pain treated", "Query(((Zpain AND_MAYBE 1.5 * XKtreatment) OR Ztreat))"},
        {"what causes pain", "Query(((Zpain AND_MAYBE 1.5 * XKcauses) OR Zcaus))"},
        {"nerve pain test",
         "Query((((((nerve PHRASE 2 pain) SYNONYM Zneuropathi SYNONYM Zneuralgia) OR 0.25 * (nerve PHRASE 2 pain) OR "
         "0.5 * (Znerv OR Zpain)) AND_MAYBE 1.5 * XKdiagnosis) OR Ztest))"},
        {"treatment", "Query((Ztreatment AND_MAYBE 1.5 * XKtreatment))"},
        {"the", "Query(Zthe)"},
        {"\"burning feet\"", "Query((burning PHRASE 2 feet))"},
        {"nerve pain",
         "Query((((nerve PHRASE 2 pain) SYNONYM Zneuropathi SYNONYM Zneuralgia) OR 0.25 * (nerve PHRASE 2 pain) OR 0.5 * (Znerv OR Zpain)))"},
        // Words that only place a thing in time or space, stand for one unnamed or count it
        // vaguely are function words too.
        {"numb hands after chemo", "Query((Znumb OR Zhand OR Zchemo))"},
        {"something crawling under my skin", "Query((Zcrawl OR Zskin))"},
        {"her feet burn at night", "Query((Zfoot OR Zburn OR Znight))"},  // so are "he", "she", "his", "her"
        {"why do some back operations fail", "Query(((Zback OR Zoper OR Zfail) AND_MAYBE 1.5 * XKcauses))"},
        {"Nerve-Pain at night",
         "Query(((((nerve PHRASE 2 pain) SYNONYM Zneuropathi SYNONYM Zneuralgia) OR 0.25 * (nerve PHRASE 2 pain) OR 0.5 * (Znerv OR Zpain)) OR Znight))"},
        // A one-way rule's targets point at the article at half weight beside the typed words,
        // which count in full (lay_word_weight), unlike an equivalence's loose words above.
        {"pins and needles socks",
         "Query((((pins PHRASE 3 and PHRASE 3 needles) OR 0.5 * (Zparesthesia SYNONYM Ztingl) OR "
         "1 * (Zpin OR Zneedl)) OR Zsock))"},
        // An abbreviation's expansion is an equivalent, though written one way for its case.
        // An abbreviation is its unstemmed term: stemmed, "TENS" would find "ten".
        {"MS", "Query(((ms SYNONYM (multiple PHRASE 2 sclerosis)) OR 0.25 * ms))"},
        {"ms", "Query(Zms)"},
        // The verb of "does X work" or "what helps" asks, it does not name; "how does X work"
        // keeps it (How It Works sections), and so does a query of nothing else.
        {"does gabapentin work for pain", "Query((Zgabapentin OR Zpain))"},
        {"what helps burning feet", "Query(((Zburn OR Zfoot) AND_MAYBE 1.5 * XKtreatment))"},
        {"what fixes burning feet", "Query((Zburn OR Zfoot))"},
        {"how does gabapentin work", "Query(((Zgabapentin OR Zwork) AND_MAYBE 1.5 * XKhow-it-works))"},
        {"help", "Query(Zhelp)"},
        {"can pain spread", "Query((Zpain OR Zspread))"},  // "can", "could", "did" are function words too
        // "how long", "how much", "how many", "how often", "how soon" ask; the word alone names.
        // "How long" asks for the outlook, which a treatment's page gives under What to Expect.
        {"how long does pain last", "Query(((Zpain OR Zlast) AND_MAYBE 1.5 * (XKoutlook OR XKwhat-to-expect)))"},
        {"long pain", "Query((Zlong OR Zpain))"},
        // "know if", "tell whether" ask for the diagnosis; "know" alone is a word like any other.
        {"how do i know if i have shingles", "Query((Zshingl AND_MAYBE 1.5 * XKdiagnosis))"},
        {"how can i tell whether it is shingles", "Query((Zshingl AND_MAYBE 1.5 * XKdiagnosis))"},
        {"what to know about shingles", "Query((Zknow OR Zshingl))"},
    }));
    CAPTURE(text);
    CHECK(f.describe(text, body_only()) == expected);
}

TEST_CASE("Spanish question verbs are dropped like English ones", "[query]") {
    Fixture f;
    CHECK(f.describe("¿qué medicamentos sirven para el dolor?", body_only("es")) ==
          "Query(((Zmedicament OR Zdolor) AND_MAYBE 1.5 * XKtreatment))");
    CHECK(f.describe("sirve", body_only("es")) == "Query(Zsirv)");
    // "tengo" is a helper verb: a stopword.
    CHECK(f.describe("para saber si tengo ciática", body_only("es")) == "Query((Zciatic AND_MAYBE 1.5 * XKdiagnosis))");
}

TEST_CASE("synonyms switched off leave the typed words alone", "[query]") {
    Fixture f;
    auto options = body_only();
    options.synonyms = false;
    CHECK(f.describe("nerve pain", options) == "Query((Znerv OR Zpain))");
}

TEST_CASE("without a language the query stems for English and Spanish", "[query]") {
    Fixture f;
    CHECK(f.describe("nervios", body_only("")) == "Query((Znervio SYNONYM Znervi))");
    CHECK(f.describe("pain", body_only("")) == "Query(Zpain)");
}

TEST_CASE("field boosts: body, heading, title and searches as one term, plus weighted heading and title terms", "[query]") {
    Fixture f;
    QueryOptions options;
    options.language = "en";
    options.ranking.heading_weight = 1.5;
    options.ranking.title_weight = 2.5;
    options.ranking.name_weight = 2;
    CHECK(f.describe("pain", options) ==
          "Query((((Zpain SYNONYM ZHpain SYNONYM ZSpain SYNONYM ZKpain) OR 1.5 * ZHpain OR 2.5 * ZSpain) OR 2 * XNpain))");
    // A weight of 0 leaves the separate term out.
    options.ranking.heading_weight = 0;
    CHECK(f.describe("pain", options) ==
          "Query((((Zpain SYNONYM ZHpain SYNONYM ZSpain SYNONYM ZKpain) OR 2.5 * ZSpain) OR 2 * XNpain))");
    // Without the searches feature, the section's searches are not part of its text.
    options.searches = false;
    CHECK(f.describe("pain", options) == "Query((((Zpain SYNONYM ZHpain SYNONYM ZSpain) OR 2.5 * ZSpain) OR 2 * XNpain))");
    options.searches = true;
    // Synonyms are expanded in body and heading; in titles only when asked for.
    const std::string plain = f.describe("neuralgia", options);
    CHECK(plain.find("ZHneuropathi") != std::string::npos);
    CHECK(plain.find("ZSneuropathi") == std::string::npos);
    options.ranking.title_synonyms = true;
    CHECK(f.describe("neuralgia", options).find("ZSneuropathi") != std::string::npos);
}

TEST_CASE("whole-name terms cover runs of parts and their synonyms, without stopwords", "[query]") {
    Fixture f;
    QueryOptions options;
    options.language = "en";
    auto parsed = parse_query("neuropathy of the feet", f.analyzer, &f.synonyms, options);
    auto description = build_query(parsed, f.analyzer, options).get_description();
    CAPTURE(description);
    for (const char* term : {"XNneuropathy", "XNnerve pain", "XNneuralgia", "XNneuropathy feet", "XNfeet"})
        CHECK(description.find(term) != std::string::npos);
    CHECK(name_key({"sciatica", "and", "radiculopathy"}) == "sciatica radiculopathy");
}

TEST_CASE("parsed parts keep what the user typed for explanations", "[query]") {
    Fixture f;
    auto parsed = parse_query("Tingling, PINS and needles in MS", f.analyzer, &f.synonyms, body_only());
    REQUIRE(parsed.parts.size() == 3);
    CHECK(parsed.parts[0].typed == "Tingling");
    CHECK(parsed.parts[1].typed == "PINS and needles");
    CHECK(parsed.parts[1].synonyms.size() == 2);
    CHECK(parsed.parts[2].typed == "MS");
    CHECK(parsed.parts[2].synonyms.size() == 1);
}

TEST_CASE("section intent from cue words, English and Spanish", "[query][intent]") {
    Fixture f;
    auto kind_of = [&](std::string text) -> std::string {
        auto parsed = parse_query(text, f.analyzer, &f.synonyms, QueryOptions{});
        return parsed.intent ? std::string(to_string(*parsed.intent)) : "none";
    };
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"how is trigeminal neuralgia treated", "treatment"},
        {"what causes nerve pain", "causes"},
        {"shingles symptoms", "symptoms"},
        {"is charcot marie tooth inherited", "inheritance"},
        {"is neuropathy genetic", "inheritance"},
        {"does trigeminal neuralgia run in families", "inheritance"},
        {"restless legs runs in my family", "inheritance"},
        {"can CMT be passed down to my kids", "inheritance"},
        {"¿la neuralgia del trigémino viene de familia?", "inheritance"},
        {"¿el túnel carpiano es genético?", "inheritance"},
        {"what are my options for sciatica", "treatment"},
        {"opciones para la ciática", "treatment"},
        {"what does carpal tunnel feel like", "symptoms"},  // how it shows
        {"¿qué se siente la ciática?", "symptoms"},
        {"hands feel like I'm wearing gloves", "none"},  // says how it feels, asks nothing of a kind
        {"I run in the mornings and my feet burn", "none"},  // running, not a family
        {"my family doctor says it is sciatica", "none"},
        {"What are the genetic changes related to CMT?", "genetic-changes"},  // not "genetic" alone
        {"which gene causes charcot marie tooth", "genetic-changes"},
        {"mutaciones de la neuropatía", "genetic-changes"},
        {"outlook for guillain barre", "outlook"},
        {"can diabetic neuropathy be prevented", "prevention"},
        {"how is CIDP diagnosed", "diagnosis"},
        {"how is GBS confirmed", "diagnosis"},
        {"what is allodynia", "definition"},
        {"can neuropathy be reversed", "outlook"},
        {"does phantom pain go away", "outlook"},
        {"is the numbness permanent", "outlook"},
        {"guillain barre recovery time", "outlook"},
        {"¿cuánto tarda la recuperación de la ciática?", "outlook"},
        {"¿la ciática se cura sola?", "outlook"},
        {"¿se quita el dolor del herpes?", "outlook"},
        {"mi papá tiene neuropatía por diabetes, ¿qué le va a pasar?", "outlook"},
        {"what will happen to my feet", "outlook"},
        {"va a la farmacia a pasar la receta", "none"},  // "va a" then another verb
        {"tratamiento de la ciática", "treatment"},
        {"¿por qué me arden los pies?", "causes"},
        {"¿qué provoca la neuropatía?", "causes"},
        {"¿qué análisis piden para la neuropatía?", "diagnosis"},
        {"examen del túnel carpiano", "diagnosis"},
        {"cómo aliviar el dolor de la culebrilla", "treatment"},
        {"me duele porque me caí", "none"},
        {"why does MS hurt", "causes"},
        {"why do I need an EMG", "none"},  // the reason for a test or a treatment, not a cause
        {"why am i on gabapentin", "none"},
        {"why do I have to take it with food", "none"},
        {"¿por qué tomo gabapentina?", "none"},
        {"¿por qué me arde la cara?", "causes"},
        {"síntomas del túnel carpiano", "symptoms"},
        {"¿qué es la neuralgia?", "definition"},
        {"difference between allodynia and hyperalgesia", "definition"},  // what each one is
        {"diferencia entre ciática y neuropatía", "definition"},
        {"CMT type 1 vs type 2", "none"},
        {"clinical trials for small fiber neuropathy", "research"},
        {"ensayos clínicos de neuralgia", "research"},
        {"how common is carpal tunnel syndrome", "frequency"},
        {"How many people are affected by CIDP?", "frequency"},
        {"¿qué tan común es la ciática?", "frequency"},
        {"prevalence of neuropathy", "frequency"},
        {"burning feet", "none"},
        // A medicine asks for the treatment unless another cue says more or it asks why.
        {"medicine for pain after a stroke", "treatment"},
        {"pastillas para el dolor de nervios", "treatment"},
        {"medications that cause neuropathy", "causes"},
        {"why am i on a seizure medicine", "none"},
        // ... wherever it stands and whatever verb says it helps, unless the query asks why.
        {"which pills help carpal tunnel syndrome", "treatment"},
        {"do I need medicine for sciatica", "treatment"},
        {"¿qué medicina sirve para la ciática?", "treatment"},
        {"remedio para la ciática", "treatment"},
        {"¿para qué sirven las pastillas de gabapentina?", "none"},  // what they are for
        // "drug" names a cause as often ("drug-induced"): it asks for the treatment when it helps.
        {"what drugs help phantom limb pain", "treatment"},
        {"drugs for trigeminal neuralgia", "treatment"},
        {"¿qué fármaco sirve para la neuralgia?", "treatment"},
        {"drug induced neuropathy", "none"},
        // What a treatment's page tells under Side Effects, Who It Helps, When to Call Your Doctor.
        {"gabapentin side effects", "side-effects"},
        {"efectos secundarios de la gabapentina", "side-effects"},
        {"who should take gabapentin", "who-it-helps"},
        {"am I a candidate for a spinal cord stimulator", "who-it-helps"},
        {"is a nerve block right for me", "who-it-helps"},
        {"¿quién puede tomar pregabalina?", "who-it-helps"},
        {"who can get shingles", "none"},  // who is at risk, a word away from "who gets"
        {"when should I call my doctor about opioids", "when-to-call"},
        {"should I see a doctor for tingling feet", "when-to-call"},
        {"when is sciatica an emergency", "when-to-call"},
        {"¿cuándo llamar al médico por la ciática?", "when-to-call"},
        {"my doctor says it is sciatica", "none"},
        {"who is more likely to get shingles pain", "risk-factors"},
        {"who gets trigeminal neuralgia", "risk-factors"},
        {"¿a quién le da más el túnel carpiano?", "risk-factors"},
        {"necesito una resonancia para saber si tengo ciática", "diagnosis"},
        {"how do i know if i have sciatica", "diagnosis"},
        {"how can you tell whether it is shingles", "diagnosis"},
        {"what helps burning feet", "treatment"},
        {"what treats nerve pain", "treatment"},
        {"is ms pain treatable", "treatment"},
        {"¿cómo se diagnostica la ciática?", "diagnosis"},
        {"¿cuánto dura la neuralgia posherpética?", "outlook"},
        {"what else helps sciatica", "treatment"},
        {"¿qué sirve para la ciática?", "treatment"},
        {"¿qué tomar para la ciática?", "treatment"},
        {"¿para qué sirve la gabapentina?", "none"},  // what it is for: its own page
        {"además de medicinas, ¿qué más ayuda con el dolor?", "treatment"},
        {"how to get rid of pins and needles", "treatment"},
        {"does ibuprofen help nerve pain", "none"},  // whether it works: its own page answers
        {"how does gabapentin stop nerve pain", "how-it-works"},
        {"how do nerve blocks work", "how-it-works"},
        {"why does exercise help nerve pain", "how-it-works"},
        {"why would a depression pill help nerve pain", "how-it-works"},
        {"how does nerve pain start", "none"},
        {"can vitamin B6 damage nerves", "causes"},
        {"genetic test for CMT", "diagnosis"},  // not "genetic" alone
        {"nerve damage in my feet", "none"},  // a noun: it names what is asked about
        {"¿cómo funciona la gabapentina?", "how-it-works"},
        {"how long does a nerve block last", "outlook"},
        {"¿cuánto tiempo dura la ciática?", "outlook"},
        {"carpal tunnel surgery recovery", "outlook"},
        {"What are the stages of Hodgkin Lymphoma ?", "stages"},
        {"stage 3 colon cancer", "stages"},
        {"estadios del cáncer de pulmón", "stages"},
    }));
    CAPTURE(text);
    CHECK(kind_of(text) == expected);
    QueryOptions off;
    off.intent = false;
    CHECK_FALSE(parse_query(text, f.analyzer, &f.synonyms, off).intent.has_value());
}

TEST_CASE("the coordination repeats each part's text query without the exact bonus", "[query]") {
    // The bonus twice under the OP_AND (in the part and in the coordination) made Xapian 1.4
    // re-read document lengths thousands of times a query: 52 ms instead of 5 for "What are the
    // symptoms of Human T-cell leukemia virus type 2 ?" on MedQuAD.
    Fixture f;
    QueryOptions options;
    options.language = "en";
    const std::string description = f.describe("nerve pain socks", options);
    CAPTURE(description);
    auto count = [&](const std::string& needle) {
        std::size_t n = 0;
        for (auto at = description.find(needle); at != std::string::npos; at = description.find(needle, at + 1)) ++n;
        return n;
    };
    CHECK(count(" AND ") == 1);  // the coordination is there
    CHECK(count("0.25 * ((nerve PHRASE 2 pain) SYNONYM (Hnerve PHRASE 2 Hpain) SYNONYM (Snerve PHRASE 2 Spain) SYNONYM "
                "(Knerve PHRASE 2 Kpain))") == 1);  // once
    // The synonym group: in the part and in the coordination.
    CHECK(count("(Knerve PHRASE 2 Kpain)) SYNONYM (Zneuropathi") == 2);
}

TEST_CASE("filler words and helper verbs are no parts of the query", "[query]") {
    Fixture f;
    auto parts_of = [&](std::string text) {
        std::vector<std::string> out;
        for (const auto& p : parse_query(text, f.analyzer, &f.synonyms, QueryOptions{}).parts) out.push_back(p.typed);
        return out;
    };
    using Parts = std::vector<std::string>;
    CHECK(parts_of("my toes are kinda numb") == Parts{"toes", "numb"});
    CHECK(parts_of("la pregabalina da sueño") == Parts{"pregabalina", "sueño"});
    CHECK(parts_of("cómo sabe el médico si tengo dolor neuropático") == Parts{"médico", "dolor", "neuropático"});
}

TEST_CASE("cue words are read in the whole query, before function words are dropped", "[query][intent]") {
    Fixture f;
    auto cues_of = [&](std::string text) {
        const auto parsed = parse_query(text, f.analyzer, &f.synonyms, QueryOptions{});
        std::vector<std::pair<std::string, std::vector<bool>>> out;
        for (const auto& p : parsed.parts) out.emplace_back(p.typed, p.cues);
        return out;
    };
    using Cues = std::vector<std::pair<std::string, std::vector<bool>>>;
    // "many people" is a cue only beside "many", which is dropped as a question word; "affected"
    // belongs to the question, so "nerve pain" alone is what it is asked about.
    CHECK(cues_of("How many people are affected by nerve pain?") ==
          Cues{{"people", {true}}, {"affected", {true}}, {"nerve pain", {false, false}}});
    CHECK(cues_of("people affected by nerve pain") ==
          Cues{{"people", {false}}, {"affected", {false}}, {"nerve pain", {false, false}}});
    CHECK(cues_of("\"pain treatment\" leaflet") == Cues{{"pain treatment", {false, false}}, {"leaflet", {false}}});
    // "else" between the words of "what helps" belongs to the question: sciatica is what is asked about.
    CHECK(cues_of("what else helps sciatica") == Cues{{"sciatica", {false}}});
    // "runs in families" asks whether it is inherited: nerve pain is what is asked about.
    CHECK(cues_of("does nerve pain run in families") ==
          Cues{{"nerve pain", {false, false}}, {"run", {true}}, {"families", {true}}});
}

TEST_CASE("a spelling correction gets no exact bonus over the word as typed beside it", "[query][spelling]") {
    // "carpal tunn" corrected to "carpal turn": the bonus would put "turn" above "carpal", and
    // sections saying "turned" first.
    Fixture f;
    auto parsed = parse_query("carpal turn", f.analyzer, &f.synonyms, body_only());
    REQUIRE(parsed.parts.size() == 2);
    SynonymMap::Expansion typed;
    typed.phrase.words = {"tunn"};
    typed.as_typed = true;
    parsed.parts[1].synonyms.push_back(typed);
    const std::string description = build_query(parsed, f.analyzer, body_only()).get_description();
    CAPTURE(description);
    CHECK(description.find("(Zturn SYNONYM Ztunn)") != std::string::npos);
    CHECK(description.find("0.25 *") == std::string::npos);
    // With an equivalent beside it, the corrected word keeps its bonus over the equivalent.
    auto nerve = parse_query("neuropathy", f.analyzer, &f.synonyms, body_only());
    nerve.parts[0].synonyms.push_back(typed);
    CHECK(build_query(nerve, f.analyzer, body_only()).get_description().find("0.25 * Zneuropathi") != std::string::npos);
}

TEST_CASE("a quoted term keeps its equivalents, not what a one-way rule points it at", "[query][synonyms]") {
    Fixture f;
    // "pins and needles => paresthesia, tingling": a lay description's pointers are no exact term.
    const auto pins = parse_query("\"pins and needles\"", f.analyzer, &f.synonyms, body_only());
    REQUIRE(pins.parts.size() == 1);
    CHECK(pins.parts[0].synonyms.empty());
    // "neuropathy, nerve pain, ...": another name of the same thing is still searched.
    const auto nerve = parse_query("\"nerve pain\"", f.analyzer, &f.synonyms, body_only());
    REQUIRE(nerve.parts.size() == 1);
    CHECK(nerve.parts[0].synonyms.size() == 2);
    // Unquoted, the pointers stay.
    CHECK_FALSE(parse_query("pins and needles", f.analyzer, &f.synonyms, body_only()).parts[0].synonyms.empty());
}

TEST_CASE("typographic quotation marks quote a phrase like straight ones", "[query]") {
    Fixture f;
    const std::string straight = f.describe("\"burning feet\" at night", body_only());
    // Curly, low-high (German), guillemets (Spanish) and fullwidth marks, as phones and word
    // processors type them.
    for (std::string_view text : {"“burning feet” at night", "„burning feet“ at night", "«burning feet» at night",
                                  "＂burning feet＂ at night"})
        CHECK(f.describe(text, body_only()) == straight);
    // Single quotes are left alone: the closing one is also the apostrophe ("can’t").
    const auto parsed = parse_query("‘burning feet’", f.analyzer, &f.synonyms, body_only());
    REQUIRE_FALSE(parsed.parts.empty());
    CHECK_FALSE(parsed.parts[0].quoted);
}
