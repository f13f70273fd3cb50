// Sizes found by fuzzing (fuzz/fuzz_sizes.cpp, docs/fuzzing.md), minimized and
// inlined: `--size` text must be refused, never parsed with an overflow.
#include "workloads/sizes.h"

#include <gtest/gtest.h>

using namespace bakeoff;

// Found: 23 digits; the running value 964090944090964094 was below the 2^60
// limit, and the next "* 10" overflowed a signed 64-bit integer (undefined
// behaviour, reported by the sanitizer) before the limit was checked.
TEST(SizesFuzzRegressions, LongDigitStringIsRefusedWithoutOverflow) {
    EXPECT_EQ(parse_size("09640909440909640944096"), std::nullopt);
    EXPECT_EQ(parse_size("99999999999999999999"), std::nullopt);
    EXPECT_EQ(parse_size("9223372036854775808"), std::nullopt);
}

TEST(SizesFuzzRegressions, LimitIsExactlyTwoToTheSixty) {
    EXPECT_EQ(parse_size("1152921504606846975"), std::int64_t{1152921504606846975});  // 2^60 - 1
    EXPECT_EQ(parse_size("1152921504606846976"), std::nullopt);                        // 2^60
    EXPECT_EQ(parse_size("1073741823G"), std::int64_t{1073741823} << 30);
    EXPECT_EQ(parse_size("1073741824G"), std::nullopt);
    EXPECT_EQ(parse_size("0001KiB"), 1024);
}
