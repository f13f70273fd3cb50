// The CSV format: RFC 4180 quoting, keys as the header, every column, numbers
// exact, unknown empty, no lines for people.
#include "report/output_fixture.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(FormatCsv, QuotesKeysNumbersAndUnknown) {
    EXPECT_EQ(render_csv(testing_support::sample_table()),
              "id,gbs,note\n"
              "\"a|b, \"\"c\"\"\",1234.5,long text\n"
              "é,,\n");
}

TEST(FormatCsv, FieldQuoting) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b \"c\""), "\"a,b \"\"c\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(FormatCsv, NumbersReadBackExactly) {
    Table t;
    t.columns = {"x"};
    t.rows = {{Cell::of_number(0.1 + 0.2, "0.3")}, {Cell::of_number(1e-5, "0")}};
    EXPECT_EQ(render(t, Format::csv), "x\n0.30000000000000004\n1e-05\n");
}
