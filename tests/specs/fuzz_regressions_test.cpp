// Chip databases and prices files found by fuzzing (fuzz/fuzz_chips_csv.cpp,
// docs/fuzzing.md), minimized and inlined: each must be refused with
// FILE:LINE:COLUMN and the reason, never crash what renders them.
#include "specs/chip_db.h"
#include "report/chip_table.h"
#include "specs/csv.h"
#include "specs/prices.h"

#include <gtest/gtest.h>

#include <string>

using namespace bakeoff::specs;

namespace {

template <typename F>
std::string error_of(F parse) {
    try {
        parse();
    } catch (const ParseError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

// Found: a byte 0xEA in a prices file's source column passed the CSV reader,
// and `bakeoff chips --prices FILE --format json` then died on the JSON
// library's "invalid UTF-8 byte" with no file named.
TEST(CsvFuzzRegressions, InvalidUtf8IsRefusedWhereItIs) {
    const std::string text = "chip,price_usd,price_per_hour_usd,source\nh100-sxm5-80gb,25000,2.49,\"quo\xEA-je\"\n";
    const std::string e = error_of([&] { PriceList::parse(text, "prices.csv", &ChipDatabase::embedded()); });
    EXPECT_EQ(e, "prices.csv:2:31: invalid UTF-8 (byte 0xEA): the file must be UTF-8 text");
}

TEST(CsvFuzzRegressions, Utf8IsCheckedStrictly) {
    const std::string header = "vendor,chip,source,confidence\n";
    // Overlong '/', a UTF-16 surrogate, a code point above U+10FFFF, a stray
    // continuation byte, a sequence cut short by the end of the file.
    for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "\xE4\xB8"}) {
        const std::string e = error_of([&] { ChipDatabase::parse(header + "A,X" + bad, "chips.csv"); });
        EXPECT_NE(e.find("chips.csv:2:4: invalid UTF-8 (byte 0x"), std::string::npos) << e;
    }
    // Well-formed text still reads, columns counting characters: the error
    // after "Ünï,X 中 😀,s," is at column 13 of line 2.
    const auto db = ChipDatabase::parse(header + "Ünï,X 中 😀,s,estimate\n", "chips.csv");
    ASSERT_EQ(db.chips().size(), 1u);
    EXPECT_EQ(db.chips()[0].vendor, "Ünï");
    const std::string e = error_of([&] { ChipDatabase::parse(header + "Ünï,X 中 😀,s,guess\n", "chips.csv"); });
    EXPECT_EQ(e, "chips.csv:2:13: confidence: 'guess' is not one of: vendor datasheet, vendor announcement, press report, third-party estimate");
    // A byte-order mark is no column.
    const std::string b = error_of([&] { ChipDatabase::parse("\xEF\xBB\xBF" "vendor,\xFF", "chips.csv"); });
    EXPECT_EQ(b, "chips.csv:1:8: invalid UTF-8 (byte 0xFF): the file must be UTF-8 text");
}

// Found by reading the code the fuzzer covers: a year of 1e300 was cast to an
// integer before its range was checked (undefined behaviour, reported by the
// sanitizer on the minimized input).
TEST(CsvFuzzRegressions, HugeYearIsRefusedByRangeBeforeAnyCast) {
    const std::string e = error_of(
        [] { ChipDatabase::parse("vendor,chip,source,confidence,year\nA,B,s,estimate,1e300\n", "chips.csv"); });
    EXPECT_EQ(e, "chips.csv:2:16: year: '1e300' is not a year (1950-2100)");
    EXPECT_EQ(ChipDatabase::parse("vendor,chip,source,confidence,year\nA,B,s,estimate,2.024e3\n", "c").chips()[0].year,
              2024);
}
