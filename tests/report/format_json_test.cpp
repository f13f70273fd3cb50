// The JSON format: an array of objects in column order, numbers as numbers,
// unknown as null, invalid UTF-8 replaced rather than thrown on.
#include "report/output_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace bakeoff;

TEST(FormatJson, ArrayOfObjectsKeyedByColumn) {
    const std::string out = render_json(testing_support::sample_table());
    EXPECT_EQ(out.back(), '\n');
    const auto j = nlohmann::ordered_json::parse(out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0].dump(), R"({"id":"a|b, \"c\"","gbs":1234.5,"note":"long text"})");
    EXPECT_EQ(j[1]["id"], "é");
    EXPECT_TRUE(j[1]["gbs"].is_null());
    EXPECT_TRUE(j[1]["note"].is_null());
}

TEST(FormatJson, EmptyAndBadUtf8) {
    Table t;
    t.columns = {"x"};
    EXPECT_EQ(render(t, Format::json), "[]\n");
    t.rows = {{std::string("bad \xFF byte")}};
    EXPECT_NO_THROW(nlohmann::json::parse(render(t, Format::json)));
}

TEST(Formats, EverySpellingParses) {
    for (const char* s : {"text", "table"}) EXPECT_EQ(parse_format(s), Format::text) << s;
    for (const char* s : {"markdown", "md"}) EXPECT_EQ(parse_format(s), Format::markdown) << s;
    EXPECT_EQ(parse_format("csv"), Format::csv);
    EXPECT_EQ(parse_format("json"), Format::json);
    for (const char* s : {"", "xml", "JSON", "tab"}) EXPECT_FALSE(parse_format(s).has_value()) << s;
    EXPECT_EQ(format_choices(), "text (or table), markdown (or md), csv, json");
    for (Format f : {Format::text, Format::markdown, Format::csv, Format::json})
        EXPECT_EQ(parse_format(format_name(f)), f);
}
