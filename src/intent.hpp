// Internal: the section kind a query asks for ("how is X treated" → treatment), in English and
// Spanish, from cue words. Used as a ranking boost, never as a filter.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medsearch/article.hpp"

namespace medsearch {

// `words` are folded query words in order (stopwords included: "what is" needs them). The first
// cue decides; "how does X work" and "medicine for X" are read apart (intent.cpp).
std::optional<SectionKind> detect_intent(const std::vector<std::string>& words);

// A medicine named ("medicine for pain after a stroke", "which pills help carpal tunnel",
// "medicina para la ciática") asks for the treatment, unless the query asks why ("why am I on a
// seizure medicine"); any other cue says more ("medications that cause neuropathy": causes).
bool is_medicine_word(std::string_view word);

// Whether `a` followed by `b` frames a question about the diagnosis: "know if", "tell whether",
// "saber si" ("how do I know if I have X"). A diagnosis cue, and `a` is no word to search.
bool frames_diagnosis_question(std::string_view a, std::string_view b);

// Which of `words` are cues detect_intent reads ("causes", "treated", "meaning", "clinical
// trials"), so the rest of a query can be read as the thing it asks about.
std::vector<bool> intent_cues(const std::vector<std::string>& words);

}  // namespace medsearch
