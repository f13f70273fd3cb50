// Sorting chips by a numeric column and comparing chips side by side.
#include "specs/chip_query.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace bakeoff::specs;

namespace {
ChipDatabase small() {
    return ChipDatabase::parse("id,vendor,chip,bf16_tflops,tdp_w,source,confidence\n"
                               "a,V,A,100,300,s,vendor datasheet\n"
                               "b,V,B,,200,s,press report\n"
                               "c,V,C,400,,s,estimate\n"
                               "d,V,D,100,400,s,vendor announcement\n",
                               "small.csv");
}
std::string ids(const std::vector<const Chip*>& v) {
    std::string s;
    for (const Chip* c : v) s += c->id;
    return s;
}
}  // namespace

TEST(ChipQuery, SortByANumericColumn) {
    const auto db = small();
    EXPECT_EQ(ids(sort_chips(db, "bf16_tflops")), "cadb");        // largest first, stable on ties, unknown last
    EXPECT_EQ(ids(sort_chips(db, "bf16_tflops", true)), "adcb");  // smallest first, unknown still last
    EXPECT_EQ(ids(sort_chips(db, "tdp_w")), "dabc");
    EXPECT_EQ(ids(sort_chips(db, "tpp")), "cadb");                // derived: 400x16, 100x16, ...
    try {
        sort_chips(db, "vendor");
        ADD_FAILURE();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("cannot sort by 'vendor'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("fp4_tflops"), std::string::npos);
    }
    const auto& all = ChipDatabase::embedded();
    const auto by_fp4 = sort_chips(all, "fp4_tflops");
    EXPECT_EQ(by_fp4.front()->id, "gb300");  // 15000
}

TEST(ChipQuery, CompareWithRatiosToTheFirst) {
    const std::vector<std::string> want{"h100-sxm5-80gb", "B200", "H20 (HGX H20)"};
    const auto cmp = compare_chips(ChipDatabase::embedded(), want);
    ASSERT_EQ(cmp.chips.size(), 3u);
    EXPECT_EQ(cmp.chips[1]->id, "b200");
    EXPECT_EQ(cmp.confidence[2], Confidence::press_report);
    const ComparisonRow* bf16 = nullptr;
    for (const auto& r : cmp.rows) {
        EXPECT_NE(r.column, "year");  // claimed figures only
        if (r.column == "bf16_tflops") bf16 = &r;
    }
    ASSERT_NE(bf16, nullptr);
    EXPECT_EQ(bf16->unit, "TFLOPS");
    EXPECT_DOUBLE_EQ(*bf16->ratios[0], 1.0);
    EXPECT_DOUBLE_EQ(*bf16->ratios[1], 2250 / 989.5);
    EXPECT_DOUBLE_EQ(*bf16->ratios[2], 148 / 989.5);
    for (const auto& r : cmp.rows) {
        if (r.column == "fp4_tflops") {
            EXPECT_FALSE(r.ratios[1]);  // H100 has no FP4: no ratio
        }
    }
    const std::vector<std::string> bad{"h100-sxm5-80gb", "ascend-910b"};
    EXPECT_THROW(compare_chips(ChipDatabase::embedded(), bad), UnknownChipError);
}
