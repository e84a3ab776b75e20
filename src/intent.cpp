#include "intent.hpp"

#include <string_view>
#include <unordered_map>
#include <utility>

namespace medsearch {

bool is_medicine_word(std::string_view w) {
    return w == "medicine" || w == "medicines" || w == "medication" || w == "medications" || w == "meds" ||
           w == "pill" || w == "pills" || w == "tablet" || w == "tablets" || w == "medicamento" ||
           w == "medicamentos" || w == "medicina" || w == "medicinas" || w == "pastilla" || w == "pastillas";
}

bool frames_diagnosis_question(std::string_view a, std::string_view b) {
    return (a == "saber" && b == "si") || ((a == "know" || a == "tell") && (b == "if" || b == "whether"));
}

namespace {

// Cue words (folded) → kind. Specific kinds outrank the generic "what is" definition cue.
const std::unordered_map<std::string_view, SectionKind>& cues() {
    static const std::unordered_map<std::string_view, SectionKind> table = {
        // treatment
        {"treat", SectionKind::treatment}, {"treated", SectionKind::treatment},
        {"treating", SectionKind::treatment}, {"treats", SectionKind::treatment}, {"treatment", SectionKind::treatment},
        {"treatments", SectionKind::treatment}, {"treatable", SectionKind::treatment}, {"therapy", SectionKind::treatment},
        {"therapies", SectionKind::treatment}, {"cure", SectionKind::treatment},
        {"cured", SectionKind::treatment}, {"cures", SectionKind::treatment},
        {"remedy", SectionKind::treatment}, {"remedies", SectionKind::treatment},
        {"relieve", SectionKind::treatment}, {"relief", SectionKind::treatment},
        {"manage", SectionKind::treatment}, {"management", SectionKind::treatment},
        {"options", SectionKind::treatment}, {"opciones", SectionKind::treatment},  // "what are my options"
        {"tratamiento", SectionKind::treatment}, {"tratamientos", SectionKind::treatment},
        {"tratar", SectionKind::treatment}, {"trata", SectionKind::treatment},
        {"curar", SectionKind::treatment}, {"remedio", SectionKind::treatment}, {"remedios", SectionKind::treatment},
        {"aliviar", SectionKind::treatment}, {"alivio", SectionKind::treatment},
        // causes
        {"cause", SectionKind::causes}, {"causes", SectionKind::causes},
        {"caused", SectionKind::causes}, {"causing", SectionKind::causes},
        {"why", SectionKind::causes}, {"reason", SectionKind::causes},
        {"causa", SectionKind::causes}, {"causas", SectionKind::causes}, {"causan", SectionKind::causes},
        {"provoca", SectionKind::causes}, {"provocan", SectionKind::causes},
        // symptoms
        {"symptom", SectionKind::symptoms}, {"symptoms", SectionKind::symptoms},
        {"sign", SectionKind::symptoms}, {"signs", SectionKind::symptoms},
        {"sintoma", SectionKind::symptoms}, {"sintomas", SectionKind::symptoms},
        {"signos", SectionKind::symptoms},
        // diagnosis
        {"diagnose", SectionKind::diagnosis}, {"diagnosed", SectionKind::diagnosis},
        {"diagnosis", SectionKind::diagnosis}, {"diagnosing", SectionKind::diagnosis},
        {"test", SectionKind::diagnosis}, {"tests", SectionKind::diagnosis},
        {"tested", SectionKind::diagnosis}, {"testing", SectionKind::diagnosis},
        {"exams", SectionKind::diagnosis}, {"confirm", SectionKind::diagnosis}, {"confirmed", SectionKind::diagnosis},
        {"diagnostico", SectionKind::diagnosis}, {"diagnosticar", SectionKind::diagnosis},
        {"diagnostica", SectionKind::diagnosis}, {"diagnostican", SectionKind::diagnosis},
        {"prueba", SectionKind::diagnosis}, {"pruebas", SectionKind::diagnosis},
        {"examen", SectionKind::diagnosis}, {"examenes", SectionKind::diagnosis},
        {"analisis", SectionKind::diagnosis},
        // inheritance
        {"inherit", SectionKind::inheritance}, {"inherited", SectionKind::inheritance},
        {"inheritance", SectionKind::inheritance}, {"hereditary", SectionKind::inheritance},
        {"genetic", SectionKind::inheritance}, {"hereditaria", SectionKind::inheritance},
        {"hereditario", SectionKind::inheritance}, {"genetica", SectionKind::inheritance},
        {"hereda", SectionKind::inheritance}, {"heredan", SectionKind::inheritance},
        {"heredar", SectionKind::inheritance}, {"heredado", SectionKind::inheritance},
        {"heredada", SectionKind::inheritance}, {"hereditarios", SectionKind::inheritance},
        {"hereditarias", SectionKind::inheritance}, {"genetico", SectionKind::inheritance},
        {"inherits", SectionKind::inheritance}, {"heritable", SectionKind::inheritance},
        // genetic changes: which gene, not how it passes down
        {"gene", SectionKind::genetic_changes}, {"genes", SectionKind::genetic_changes},
        {"mutation", SectionKind::genetic_changes}, {"mutations", SectionKind::genetic_changes},
        {"gen", SectionKind::genetic_changes}, {"mutacion", SectionKind::genetic_changes},
        {"mutaciones", SectionKind::genetic_changes},
        // prevention
        {"prevent", SectionKind::prevention}, {"prevented", SectionKind::prevention},
        {"preventing", SectionKind::prevention}, {"prevention", SectionKind::prevention},
        {"avoid", SectionKind::prevention}, {"prevenir", SectionKind::prevention},
        {"prevencion", SectionKind::prevention}, {"evitar", SectionKind::prevention},
        // outlook
        {"outlook", SectionKind::outlook}, {"prognosis", SectionKind::outlook},
        {"expectancy", SectionKind::outlook}, {"survival", SectionKind::outlook},
        {"pronostico", SectionKind::outlook},
        {"recovery", SectionKind::outlook}, {"recover", SectionKind::outlook},
        {"recovering", SectionKind::outlook}, {"recuperacion", SectionKind::outlook},
        {"recuperarse", SectionKind::outlook},
        // whether it lasts, heals or can be undone is the outlook, not a treatment question
        {"reversed", SectionKind::outlook}, {"reversible", SectionKind::outlook},
        {"reverse", SectionKind::outlook}, {"permanent", SectionKind::outlook},
        {"permanently", SectionKind::outlook}, {"curable", SectionKind::outlook},
        {"lifelong", SectionKind::outlook}, {"permanente", SectionKind::outlook},
        // risk factors
        {"risk", SectionKind::risk_factors}, {"risks", SectionKind::risk_factors},
        {"susceptible", SectionKind::risk_factors}, {"riesgo", SectionKind::risk_factors},
        // complications
        {"complication", SectionKind::complications}, {"complications", SectionKind::complications},
        {"complicaciones", SectionKind::complications},
        // frequency
        {"prevalence", SectionKind::frequency}, {"incidence", SectionKind::frequency},
        {"prevalencia", SectionKind::frequency}, {"frecuencia", SectionKind::frequency},
        // stages: how far a disease has gone, as a cancer's are told
        {"stage", SectionKind::stages}, {"stages", SectionKind::stages}, {"staging", SectionKind::stages},
        {"staged", SectionKind::stages}, {"etapa", SectionKind::stages}, {"etapas", SectionKind::stages},
        {"estadio", SectionKind::stages}, {"estadios", SectionKind::stages},
        // research
        {"research", SectionKind::research}, {"trials", SectionKind::research},
        {"investigacion", SectionKind::research},
    };
    return table;
}

// The verbs of "it runs in families", "viene de familia", "corre en la familia".
bool runs_in(std::string_view w) {
    return w == "run" || w == "runs" || w == "ran" || w == "running" || w == "viene" || w == "vienen" ||
           w == "corre" || w == "corren";
}

// "side effects", "efectos secundarios" ask for a treatment's Side Effects; "does it go away",
// "will it get better", "what will happen", "qué le va a pasar", "se cura sola", "how long",
// "cuánto tiempo" about the outlook (of a treatment: its What to Expect, query_builder.cpp); "por
// qué" (why) and "damage nerves" about causes; "genetic test", "saber si" (to find out whether)
// about the diagnosis; "who gets", "more likely", "a quién le da" about risk factors; "what
// helps", "get rid of" about the treatment; "genetic changes" about them; "how common", "many
// people" about the frequency; "clinical trials" about research; "runs (in the) family", "passed
// down", "viene (de) familia" about the inheritance.
std::optional<SectionKind> two_word_cue(std::string_view a, std::string_view b) {
    if ((a == "side" && (b == "effect" || b == "effects")) ||
        ((a == "efecto" || a == "efectos") &&
         (b == "secundario" || b == "secundarios" || b == "adverso" || b == "adversos")))
        return SectionKind::side_effects;
    if (((a == "go" || a == "goes" || a == "going") && b == "away") ||
        ((a == "get" || a == "gets" || a == "getting") && b == "better") ||
        (a == "cura" && b == "sola") || (a == "se" && b == "quita") ||
        (a == "how" && b == "long") || (a == "cuanto" && (b == "tiempo" || b == "dura")) ||
        (a == "will" && (b == "happen" || b == "happens")) || (a == "va" && b == "pasar"))  // "qué le va a pasar"
        return SectionKind::outlook;
    if (a == "por" && b == "que") return SectionKind::causes;  // "¿por qué?", folded: why
    if ((a == "damage" || a == "damages") && (b == "nerve" || b == "nerves")) return SectionKind::causes;
    if ((a == "genetic" || a == "gene") && (b == "test" || b == "tests" || b == "testing")) return SectionKind::diagnosis;
    if (frames_diagnosis_question(a, b)) return SectionKind::diagnosis;
    // "how common is it", "how many people have it", "¿qué tan común es?"
    if ((a == "how" && (b == "common" || b == "rare")) || (a == "many" && b == "people") ||
        (a == "tan" && (b == "comun" || b == "frecuente")))
        return SectionKind::frequency;
    if (((a == "more" || a == "most") && b == "likely") || (a == "who" && (b == "gets" || b == "get")) ||
        (a == "quien" && (b == "le" || b == "les")))  // "¿a quién le da?"
        return SectionKind::risk_factors;
    if ((a == "what" && (b == "helps" || b == "help")) || (a == "get" && b == "rid") ||
        (a == "que" && (b == "ayuda" || b == "sirve" || b == "sirven" || b == "alivia" ||
                        b == "tomar")))  // "¿qué sirve para ...?", "¿qué tomar para ...?"
        return SectionKind::treatment;
    if ((a == "genetic" && (b == "change" || b == "changes")) ||
        ((a == "cambio" || a == "cambios") && (b == "genetico" || b == "geneticos")))
        return SectionKind::genetic_changes;
    if ((runs_in(a) && (b == "family" || b == "families" || b == "familia" || b == "familias")) ||
        ((a == "pass" || a == "passes" || a == "passed" || a == "passing") && b == "down"))
        return SectionKind::inheritance;
    if ((a == "clinical" && (b == "trial" || b == "trials")) || (a == "ensayos" && (b == "clinicos" || b == "clinico")))
        return SectionKind::research;
    return std::nullopt;
}

// The word after words[i] that completes a two-word cue, past an "else" or "más" between
// ("what else helps", "¿qué más ayuda?"), or the "in the" of "runs in the family" ("de" of
// "viene de familia", "en la" of "corre en la familia"); words.size() if none.
std::size_t cue_partner(const std::vector<std::string>& words, std::size_t i) {
    // "¿para qué sirve la gabapentina?" asks what a treatment is for, not what treats a thing.
    if (i > 0 && words[i - 1] == "para" && words[i] == "que") return words.size();
    std::size_t j = i + 1;
    if (j < words.size() && (words[j] == "else" || words[j] == "mas")) ++j;
    if (words[i] == "va" && j + 1 < words.size() && words[j] == "a") ++j;  // "va a pasar"
    if (runs_in(words[i]) && j < words.size() && (words[j] == "in" || words[j] == "en" || words[j] == "de")) {
        ++j;
        const auto determiner = [](const std::string& w) {
            return w == "the" || w == "my" || w == "our" || w == "your" || w == "his" || w == "her" || w == "their" ||
                   w == "la" || w == "mi" || w == "su" || w == "nuestra" || w == "las";
        };
        if (j < words.size() && determiner(words[j])) ++j;
    }
    return j;
}

// Whether the query asks why, or what for: "why", "¿por qué?", "¿para qué sirve?".
bool asks_why(const std::vector<std::string>& words) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "why") return true;
        if (i + 1 < words.size() && words[i + 1] == "que" &&
            (words[i] == "por" || (words[i] == "para" && i + 2 < words.size() &&
                                   (words[i + 2] == "sirve" || words[i + 2] == "sirven"))))
            return true;
    }
    return false;
}

// "why do I need an EMG", "why am I on gabapentin", "why does exercise help", "¿por qué tomo
// gabapentina?": the reason for a test or a treatment, which its own page gives, not the causes
// of a condition. Only a question that asks why: "which pills help carpal tunnel" asks for the
// treatment, its "help" is no reason asked for.
bool asks_why_a_treatment(const std::vector<std::string>& words) {
    if (!asks_why(words)) return false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        if (w == "need" || w == "needs" || w == "needed" || w == "help" || w == "helps" || w == "check" ||
            w == "checked" || w == "prescribed" || w == "ordered" || w == "recommended")
            return true;
        if (w == "necesito" || w == "necesita" || w == "tomo" || w == "tomar" || w == "recetaron" ||
            w == "receto" || w == "ayuda" || w == "sirve" || w == "sirven" || w == "mandaron")
            return true;
        if (i + 1 < words.size() && (w == "have" || w == "has") && words[i + 1] == "to") return true;
        if (i + 2 < words.size() && w == "am" && words[i + 1] == "i" && words[i + 2] == "on") return true;
    }
    return false;
}

// A medicine named by a word that names other things too: "drug-induced neuropathy", "chemo drugs"
// ask about a cause, "what drugs help", "drugs for sciatica", "¿qué fármaco sirve para...?" about
// the treatment. Such a word asks for it only when a word saying what it does for follows.
bool asks_what_drug_helps(const std::vector<std::string>& words) {
    const auto drug = [](const std::string& w) {
        return w == "drug" || w == "drugs" || w == "farmaco" || w == "farmacos";
    };
    const auto helps = [](const std::string& w) {
        return w == "help" || w == "helps" || w == "work" || w == "works" || w == "for" || w == "relieve" ||
               w == "relieves" || w == "sirve" || w == "sirven" || w == "ayuda" || w == "ayudan" || w == "para" ||
               w == "alivia" || w == "alivian" || w == "funciona" || w == "funcionan";
    };
    for (std::size_t i = 0; i < words.size(); ++i)
        if (drug(words[i]))
            for (std::size_t j = i + 1; j < words.size(); ++j)
                if (helps(words[j])) return true;
    return false;
}

// "difference between X and Y" asks what each one is; "X vs Y" often asks something else
// ("CMT type 1 vs type 2", "CBD oil vs smoking for pain how much to take"), so "vs" is no cue.
bool is_definition_word(std::string_view w) {
    return w == "meaning" || w == "define" || w == "definition" || w == "significa" || w == "difference" ||
           w == "differences" || w == "diferencia" || w == "diferencias";
}

// "how does gabapentin stop nerve pain", "how do nerve blocks work", "why does exercise help",
// "¿cómo funciona la gabapentina?": how a treatment acts.
bool asks_how_it_works(const std::vector<std::string>& words) {
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "como" && (words[i + 1] == "funciona" || words[i + 1] == "funcionan")) return true;
    // "why would X help" asks the same as "why does X help"; "how would X work" too.
    const auto auxiliary = [](const std::string& w) { return w == "does" || w == "do" || w == "would"; };
    if (words.size() < 3 || !((words[0] == "how" || words[0] == "why") && auxiliary(words[1]))) return false;
    for (std::size_t i = 2; i < words.size(); ++i) {
        const auto& w = words[i];
        if (w == "work" || w == "works" || w == "help" || w == "helps" ||
            (words[0] == "how" && (w == "stop" || w == "stops" || w == "relieve" || w == "relieves" ||
                                   w == "block" || w == "blocks" || w == "ease" || w == "eases")))
            return true;
    }
    return false;
}

// The words of "what does X feel like" (the query ends on "feel like") or "¿qué se siente...?",
// which ask how a thing shows, its symptoms: [begin, end) in `words`, empty (begin == end) when
// there are none. Not "hands feel like I'm wearing gloves", which says how it feels.
std::pair<std::size_t, std::size_t> asks_how_it_feels(const std::vector<std::string>& words) {
    const std::size_t n = words.size();
    if (n >= 2 && (words[n - 2] == "feel" || words[n - 2] == "feels") && words[n - 1] == "like") return {n - 2, n};
    for (std::size_t i = 0; i + 2 < n; ++i)
        if (words[i] == "que" && words[i + 1] == "se" && words[i + 2] == "siente") return {i, i + 3};
    return {n, n};
}

// "when should I call my doctor", "should I see a doctor", "is it an emergency", "¿cuándo llamar
// al médico?" ask when to get help, which treatment pages tell under When to Call Your Doctor:
// [begin, end) in `words`, empty when the query does not ask it.
std::pair<std::size_t, std::size_t> asks_when_to_call(const std::vector<std::string>& words) {
    constexpr std::size_t kReach = 3;  // "call", "my", "pain", "doctor"
    const auto calls = [](const std::string& w) {
        return w == "call" || w == "calling" || w == "see" || w == "contact" || w == "phone" || w == "llamar" ||
               w == "llamo" || w == "ver" || w == "consultar" || w == "acudir";
    };
    const auto help = [](const std::string& w) {
        return w == "doctor" || w == "doctors" || w == "physician" || w == "gp" || w == "medico" || w == "doctora" ||
               w == "hospital";
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "emergency" || words[i] == "emergencia" || words[i] == "urgencias") return {i, i + 1};
        if (!calls(words[i])) continue;
        for (std::size_t j = i + 1; j < words.size() && j <= i + kReach; ++j)
            if (help(words[j])) return {i, j + 1};
    }
    return {words.size(), words.size()};
}

// "who should take gabapentin", "who can have a nerve block", "am I a candidate for a stimulator",
// "is it right for me", "¿quién puede tomar...?" ask whom a treatment is for, told under Who It
// Helps: [begin, end) in `words`. Not "who can get shingles", the risk factors.
std::pair<std::size_t, std::size_t> asks_who_it_helps(const std::vector<std::string>& words) {
    const auto may = [](const std::string& w) {
        return w == "should" || w == "can" || w == "may" || w == "puede" || w == "pueden" || w == "debe" ||
               w == "deberia";
    };
    const auto use = [](const std::string& w) {
        return w == "take" || w == "have" || w == "use" || w == "try" || w == "tomar" || w == "usar" || w == "recibir";
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        if (w == "candidate" || w == "candidates" || w == "candidato" || w == "candidata") return {i, i + 1};
        if ((w == "who" || w == "quien") && i + 2 < words.size() && may(words[i + 1]) && use(words[i + 2]))
            return {i, i + 3};
        if (w == "right" && i + 2 < words.size() && words[i + 1] == "for" && words[i + 2] == "me") return {i, i + 3};
    }
    return {words.size(), words.size()};
}

}  // namespace

std::optional<SectionKind> detect_intent(const std::vector<std::string>& words) {
    if (asks_how_it_works(words)) return SectionKind::how_it_works;
    if (const auto [begin, end] = asks_how_it_feels(words); begin < end) return SectionKind::symptoms;
    if (const auto [begin, end] = asks_when_to_call(words); begin < end) return SectionKind::when_to_call;
    if (const auto [begin, end] = asks_who_it_helps(words); begin < end) return SectionKind::who_it_helps;
    const bool why_treated = asks_why_a_treatment(words);
    // The first cue of the query decides; a two-word cue counts from its first word ("genetic
    // changes" before "genetic").
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        const std::size_t j = cue_partner(words, i);
        if (j < words.size() && !(why_treated && w == "por" && words[j] == "que"))
            if (auto kind = two_word_cue(w, words[j])) return kind;
        if (w == "why" && why_treated) continue;
        if (auto it = cues().find(w); it != cues().end()) return it->second;
    }
    if (!why_treated)
        for (const auto& w : words)
            if (is_medicine_word(w)) return SectionKind::treatment;
    if (!why_treated && asks_what_drug_helps(words)) return SectionKind::treatment;
    // "what is X", "what are X", "qué es X", "meaning of X": a definition.
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const auto& a = words[i];
        const auto& b = words[i + 1];
        if ((a == "what" && (b == "is" || b == "are")) || (a == "que" && b == "es")) return SectionKind::definition;
    }
    for (const auto& w : words)
        if (is_definition_word(w)) return SectionKind::definition;
    return std::nullopt;
}

std::vector<bool> intent_cues(const std::vector<std::string>& words) {
    std::vector<bool> cue(words.size(), false);
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (cues().count(words[i]) || is_definition_word(words[i])) cue[i] = true;
        const std::size_t j = cue_partner(words, i);
        if (j < words.size() && two_word_cue(words[i], words[j]))
            for (std::size_t k = i; k <= j; ++k) cue[k] = true;
    }
    for (const auto& asks : {asks_how_it_feels, asks_when_to_call, asks_who_it_helps}) {
        const auto [begin, end] = asks(words);
        for (std::size_t k = begin; k < end; ++k) cue[k] = true;
    }
    // "How many people are affected by X?": "affected" belongs to the question, not to X.
    for (std::size_t i = 2; i < words.size(); ++i)
        if (words[i] == "affected" && cue[i - 2] && words[i - 2] == "people") cue[i] = true;
    return cue;
}

}  // namespace medsearch
