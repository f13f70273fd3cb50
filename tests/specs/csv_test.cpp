// The strict CSV reader: quoting, line/column tracking, malformed input.
#include "report/output.h"  // csv_field: what the reader reads back
#include "specs/csv.h"

#include <gtest/gtest.h>

using bakeoff::csv_field;
using bakeoff::specs::parse_csv;
using bakeoff::specs::ParseError;

namespace {

// Runs the parser expecting a ParseError; returns it.
ParseError parse_error(std::string_view text) {
    try {
        parse_csv(text, "f.csv");
    } catch (const ParseError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << text;
    return ParseError("", 0, 0, "");
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

TEST(Csv, UnterminatedQuotePointsAtOpeningQuote) {
    const auto e = parse_error("a,b\nc,\"never closed\nmore\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 3u);
    EXPECT_EQ(e.message(), "quoted field is not closed");
}

TEST(Csv, TextAfterClosingQuote) {
    const auto e = parse_error("\"ab\"x,y\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.column(), 5u);
}

TEST(Csv, BlankLineInTheMiddle) {
    const auto e = parse_error("a,b\n\nc,d\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 1u);
    EXPECT_EQ(e.message(), "empty line");
}

TEST(Csv, BareCarriageReturn) {
    const auto e = parse_error("a,b\rc\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.column(), 4u);
}

TEST(Csv, ColumnsCountCharactersNotBytes) {
    // "é" is two bytes but one column: the stray quote is at column 3.
    const auto e = parse_error("\xC3\xA9x\"\n");
    EXPECT_EQ(e.column(), 3u);
}

TEST(Csv, EscapeRoundTrips) {
    const std::string tricky = "a, \"b\"\nc";
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(tricky), "\"a, \"\"b\"\"\nc\"");
    const auto r = parse_csv(csv_field(tricky) + "," + csv_field("x") + "\n", "f.csv");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].fields[0].value, tricky);
    EXPECT_EQ(r[0].fields[1].value, "x");
}
