#include "numeric/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

using namespace bakeoff;

TEST(Statistics, HandComputedFiveSamples) {
    const std::vector<double> x{3, 1, 4, 1, 5};
    EXPECT_DOUBLE_EQ(stats::min(x), 1);
    EXPECT_DOUBLE_EQ(stats::max(x), 5);
    EXPECT_DOUBLE_EQ(stats::mean(x), 2.8);
    EXPECT_DOUBLE_EQ(stats::median(x), 3);
    // Squared deviations 0.04 + 3.24 + 1.44 + 3.24 + 4.84 = 12.8; / (n - 1) = 3.2.
    EXPECT_NEAR(stats::stddev(x), std::sqrt(3.2), 1e-12);
    EXPECT_NEAR(stats::cv(x), std::sqrt(3.2) / 2.8, 1e-12);
}

TEST(Statistics, MedianOfEvenCountAveragesTheMiddlePair) {
    EXPECT_DOUBLE_EQ(stats::median(std::vector<double>{8, 2, 6, 4}), 5);
}

TEST(Statistics, StddevOfOneSampleIsZeroAndEmptyThrows) {
    EXPECT_DOUBLE_EQ(stats::stddev(std::vector<double>{7}), 0);
    EXPECT_THROW(stats::median(std::vector<double>{}), std::invalid_argument);
}

TEST(Statistics, MedianCiFiveSamplesIsMinMaxWithTrueCoverage) {
    // n = 5 cannot reach 95 %: [min, max] covers 1 - 2/32.
    auto ci = stats::median_ci(std::vector<double>{3, 1, 4, 1, 5});
    EXPECT_DOUBLE_EQ(ci.low, 1);
    EXPECT_DOUBLE_EQ(ci.high, 5);
    EXPECT_DOUBLE_EQ(ci.coverage, 1.0 - 2.0 / 32);
}

TEST(Statistics, MedianCiTenSamplesUsesRanksTwoAndNine) {
    // P(B<=1) = 11/1024 -> coverage of [x(2), x(9)] = 1 - 22/1024 >= 0.95;
    // P(B<=2) = 56/1024 -> [x(3), x(8)] only covers 0.89.
    std::vector<double> x(10);
    std::iota(x.begin(), x.end(), 1.0);
    std::swap(x[0], x[9]);  // order must not matter
    auto ci = stats::median_ci(x);
    EXPECT_EQ(ci.rank_low, 2u);
    EXPECT_EQ(ci.rank_high, 9u);
    EXPECT_DOUBLE_EQ(ci.low, 2);
    EXPECT_DOUBLE_EQ(ci.high, 9);
    EXPECT_NEAR(ci.coverage, 1.0 - 22.0 / 1024, 1e-12);
}

TEST(Statistics, MedianCiTwentySamplesUsesRanksSixAndFifteen) {
    // P(B<=5) = 21700/2^20 -> coverage 0.9586; P(B<=6) = 60460/2^20 -> 0.885.
    std::vector<double> x(20);
    std::iota(x.begin(), x.end(), 1.0);
    auto ci = stats::median_ci(x);
    EXPECT_EQ(ci.rank_low, 6u);
    EXPECT_EQ(ci.rank_high, 15u);
    EXPECT_NEAR(ci.coverage, 1.0 - 2.0 * 21700 / 1048576, 1e-12);
}

TEST(Statistics, RelativeHalfWidthUsesTheWiderSide) {
    // n = 5: CI [1, 5] around median 3 -> max(2, 2) / 3.
    EXPECT_NEAR(stats::relative_ci_halfwidth(std::vector<double>{3, 1, 4, 1, 5}), 2.0 / 3.0, 1e-12);
    // Identical samples: a zero-width interval.
    EXPECT_DOUBLE_EQ(stats::relative_ci_halfwidth(std::vector<double>{2, 2, 2, 2, 2, 2}), 0.0);
}
