// The strict CSV reader: quoting, line/column tracking, malformed input.
#include "report/output.h"  // csv_field: what the reader reads back
#include "specs/csv.h"

#include "expect_parse_error.h"

#include <gtest/gtest.h>

using bakeoff::csv_field;
using bakeoff::specs::parse_csv;
using bakeoff::specs::ParseError;

namespace {

// Runs the parser expecting a ParseError; returns it.
ParseError parse_error(std::string_view text) {
    return bakeoff::specs::test_support::expect_parse_error(text, [](std::string_view t) { parse_csv(t, "f.csv"); });
}

}  // namespace

TEST(Csv, PlainFieldsAndPositions) {
    const auto r = parse_csv("a,bb,\nccc,d,e\n", "f.csv");
    ASSERT_EQ(r.size(), 2u);
    ASSERT_EQ(r[0].fields.size(), 3u);
    EXPECT_EQ(r[0].fields[1].value, "bb");
    EXPECT_EQ(r[0].fields[1].column, 3u);
    EXPECT_EQ(r[0].fields[2].value, "");  // trailing empty field
    EXPECT_EQ(r[0].fields[2].column, 6u);
    EXPECT_EQ(r[1].line, 2u);
    EXPECT_EQ(r[1].fields[2].value, "e");
    EXPECT_EQ(r[1].fields[2].column, 7u);
    EXPECT_EQ(r[1].end_column, 8u);
}

TEST(Csv, QuotedCommasQuotesAndNewlines) {
    const auto r = parse_csv("x,\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n", "f.csv");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields[1].value, "a, b");
    EXPECT_TRUE(r[0].fields[1].quoted);
    EXPECT_EQ(r[0].fields[2].value, "say \"hi\"");
    EXPECT_EQ(r[1].fields[0].value, "two\nlines");
    EXPECT_EQ(r[1].line, 2u);
    // The field after the embedded newline starts on line 3, column 8 ("lines\"," is 7 characters).
    EXPECT_EQ(r[1].fields[1].line, 3u);
    EXPECT_EQ(r[1].fields[1].column, 8u);
}

TEST(Csv, CrLfAndTrailingBlankLinesAndBom) {
    const auto r = parse_csv("\xEF\xBB\xBF" "a,b\r\nc,d\r\n\r\n\n", "f.csv");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields[0].value, "a");
    EXPECT_EQ(r[0].fields[0].column, 1u);
    EXPECT_EQ(r[1].fields[1].value, "d");
    EXPECT_TRUE(parse_csv("", "f.csv").empty());
}

TEST(Csv, QuoteInsideUnquotedField) {
    const auto e = parse_error("a,b\nab\"c,d\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 3u);
    EXPECT_EQ(std::string(e.what()).rfind("f.csv:2:3: quote inside an unquoted field", 0), 0u) << e.what();
}

// Each malformed input, and the line, column and message its error names
// (0 / null: not checked).
struct CsvErrorCase {
    const char* name;
    std::string_view text;
    std::size_t line, column;
    const char* message;
};

class CsvError : public ::testing::TestWithParam<CsvErrorCase> {};

TEST_P(CsvError, NamesWhereAndWhat) {
    const auto& c = GetParam();
    const auto e = parse_error(c.text);
    if (c.line) EXPECT_EQ(e.line(), c.line);
    EXPECT_EQ(e.column(), c.column);
    if (c.message) EXPECT_EQ(e.message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Csv, CsvError,
    ::testing::Values(
        CsvErrorCase{"UnterminatedQuotePointsAtOpeningQuote", "a,b\nc,\"never closed\nmore\n", 2, 3,
                     "quoted field is not closed"},
        CsvErrorCase{"TextAfterClosingQuote", "\"ab\"x,y\n", 1, 5, nullptr},
        CsvErrorCase{"BlankLineInTheMiddle", "a,b\n\nc,d\n", 2, 1, "empty line"},
        CsvErrorCase{"BareCarriageReturn", "a,b\rc\n", 1, 4, nullptr},
        // "é" is two bytes but one column: the stray quote is at column 3.
        CsvErrorCase{"ColumnsCountCharactersNotBytes", "\xC3\xA9x\"\n", 0, 3, nullptr}),
    [](const ::testing::TestParamInfo<CsvErrorCase>& i) { return std::string(i.param.name); });

TEST(Csv, EscapeRoundTrips) {
    const std::string tricky = "a, \"b\"\nc";
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(tricky), "\"a, \"\"b\"\"\nc\"");
    const auto r = parse_csv(csv_field(tricky) + "," + csv_field("x") + "\n", "f.csv");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].fields[0].value, tricky);
    EXPECT_EQ(r[0].fields[1].value, "x");
}
