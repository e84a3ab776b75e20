#include <catch2/catch.hpp>

#include <string>

#include "stored_section.hpp"

namespace {

using medsearch::Article;
using medsearch::Section;
using medsearch::SectionKind;
using medsearch::StoredSection;

Article sample() {
    Article a;
    a.id = "sciatica";
    a.title = "Sciatica";
    a.also_called = {"sciatic nerve pain"};
    a.language = "en";
    a.sections = {Section{"treatment", "Treatment", "Treatment", SectionKind::treatment, "Heat and walking.",
                          {"what helps leg pain", "sciatica relief"}}};
    return a;
}

}  // namespace

TEST_CASE("a stored section decodes to what was encoded, its searches included", "[stored]") {
    const Article a = sample();
    StoredSection out;
    REQUIRE(medsearch::decode_section(medsearch::encode_section(a, a.sections[0], 3), out));
    CHECK(out.article.id == "sciatica");
    CHECK(out.article.also_called == a.also_called);
    CHECK(out.section.text == "Heat and walking.");
    CHECK(out.section.kind == SectionKind::treatment);
    CHECK(out.section.searches == a.sections[0].searches);
    CHECK(out.order == 3);
}

TEST_CASE("a section stored before searches existed still decodes, with none", "[stored]") {
    Article a = sample();
    a.sections[0].searches.clear();
    std::string data = medsearch::encode_section(a, a.sections[0], 0);
    // Version 1 is version 2 without the searches list, which is one byte when empty (its size).
    const std::size_t empty_list = data.size() - 2;  // before the order's one byte
    REQUIRE(data[empty_list] == '\0');
    data.erase(empty_list, 1);
    data[0] = 1;
    StoredSection out;
    REQUIRE(medsearch::decode_section(data, out));
    CHECK(out.section.text == "Heat and walking.");
    CHECK(out.section.searches.empty());
    // Anything else is not a stored section.
    data[0] = 3;
    CHECK_FALSE(medsearch::decode_section(data, out));
    CHECK_FALSE(medsearch::decode_section("", out));
}
