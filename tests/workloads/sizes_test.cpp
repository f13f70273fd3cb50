#include "workloads/sizes.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(Sizes, ParsesPlainAndSuffixedValues) {
    EXPECT_EQ(parse_size("4096"), 4096);
    EXPECT_EQ(parse_size("64M"), 64ll << 20);
    EXPECT_EQ(parse_size("64MiB"), 64ll << 20);
    EXPECT_EQ(parse_size("1GB"), 1ll << 30);
    EXPECT_EQ(parse_size("2k"), 2048);
    EXPECT_EQ(parse_size("512B"), 512);
}

TEST(Sizes, RefusesNonsense) {
    for (const char* bad : {"", "0", "-5", "abc", "12X", "1Gx", "99999999999999999999", "2000000T", "4BB"})
        EXPECT_FALSE(parse_size(bad).has_value()) << bad;
}

TEST(Sizes, FormatsWithTheLargestExactUnit) {
    EXPECT_EQ(format_bytes(64ull << 20), "64MiB");
    EXPECT_EQ(format_bytes(3ull << 30), "3GiB");
    EXPECT_EQ(format_bytes(1000), "1000B");
    EXPECT_EQ(format_bytes(1536), "1536B");  // not a whole KiB
}
