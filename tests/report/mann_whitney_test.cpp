// The Mann–Whitney U test against values worked out by hand.
#include "report/compare_rank_test.h"

#include <gtest/gtest.h>

#include <vector>

using bakeoff::stats::mann_whitney_u;

TEST(MannWhitney, CompleteSeparationExact) {
    // Every y above every x: U_x = 0. Under the null each of the C(10,5) = 252
    // orderings is equally likely and only one gives U = 0: p = 2 / 252.
    const std::vector<double> x = {5, 1, 3, 2, 4}, y = {6, 10, 8, 7, 9};
    auto r = mann_whitney_u(x, y);
    EXPECT_TRUE(r.exact);
    EXPECT_DOUBLE_EQ(r.u_x, 0);
    EXPECT_DOUBLE_EQ(r.u_y, 25);
    EXPECT_NEAR(r.p_value, 2.0 / 252.0, 1e-12);
    auto s = mann_whitney_u(y, x);  // symmetric
    EXPECT_DOUBLE_EQ(s.u_x, 25);
    EXPECT_NEAR(s.p_value, r.p_value, 1e-15);
}

TEST(MannWhitney, SmallExample) {
    // x = {3, 5, 7}, y = {1, 2, 4, 6}. Pairs with x > y: 3 beats 1, 2 (2);
    // 5 beats 1, 2, 4 (3); 7 beats all four (4): U_x = 9, U_y = 12 - 9 = 3.
    // Null distribution of U for sizes (3, 4): the number of orderings with
    // U = u is the number of partitions of u into at most 3 parts of at most 4:
    // u = 0, 1, 2, 3 -> 1, 1, 2, 3, so P(U <= 3) = 7 / C(7,3) = 7 / 35 and p = 0.4.
    const std::vector<double> x = {3, 5, 7}, y = {1, 2, 4, 6};
    auto r = mann_whitney_u(x, y);
    EXPECT_TRUE(r.exact);
    EXPECT_DOUBLE_EQ(r.u_x, 9);
    EXPECT_DOUBLE_EQ(r.u_y, 3);
    EXPECT_NEAR(r.p_value, 0.4, 1e-12);
}

TEST(MannWhitney, ThreeAgainstThreeCannotReachFivePercent) {
    // Complete separation of 3 and 3: p = 2 / C(6,3) = 0.1. This is why two
    // records of 3 samples each are never declared different.
    auto r = mann_whitney_u(std::vector<double>{100, 101, 102}, std::vector<double>{110, 111, 112});
    EXPECT_NEAR(r.p_value, 0.1, 1e-12);
}

TEST(MannWhitney, TiesUseNormalApproximationWithTieCorrection) {
    // x = {1, 2, 2, 3}, y = {2, 3, 4, 5}. Pooled and ranked: 1 -> 1; the three
    // 2s share ranks 2..4 -> 3; the two 3s share 5..6 -> 5.5; 4 -> 7; 5 -> 8.
    // R_x = 1 + 3 + 3 + 5.5 = 12.5, U_x = 12.5 - 4*5/2 = 2.5, U_y = 13.5.
    // mu = 8; tie groups t = 3 and 2: sum(t^3 - t) = 24 + 6 = 30; N = 8;
    // sigma^2 = 16/12 * (9 - 30/56) = 11.2857142857, sigma = 3.3594217189;
    // z = (|2.5 - 8| - 0.5) / sigma = 1.4883513945; p = erfc(z / sqrt 2) = 0.1366582477.
    const std::vector<double> x = {1, 2, 2, 3}, y = {2, 3, 4, 5};
    auto r = mann_whitney_u(x, y);
    EXPECT_FALSE(r.exact);
    EXPECT_DOUBLE_EQ(r.u_x, 2.5);
    EXPECT_DOUBLE_EQ(r.u_y, 13.5);
    EXPECT_NEAR(r.z, -1.4883513945, 1e-9);
    EXPECT_NEAR(r.p_value, 0.1366582477, 1e-9);
}

TEST(MannWhitney, LargeSamplesUseNormalApproximation) {
    // 40 against 40 without ties, y shifted by 10.5: U_x counts, for each x_i = i,
    // the y_j = j + 10.5 below it (j <= i - 11): max(0, i - 10) for i = 0..39 -> sum 1..29 = 435.
    std::vector<double> x, y;
    for (int i = 0; i < 40; ++i) {
        x.push_back(i);
        y.push_back(i + 10.5);
    }
    auto r = mann_whitney_u(x, y);
    EXPECT_FALSE(r.exact);
    EXPECT_DOUBLE_EQ(r.u_x, 435);
    // mu = 800, sigma^2 = 1600 * 81 / 12 = 10800, z = (365 - 0.5) / 103.9230485 = 3.5074029,
    // p = erfc(z / sqrt 2) = 4.5250349e-4
    EXPECT_NEAR(r.z, -3.5074029, 1e-6);
    EXPECT_NEAR(r.p_value, 4.5250349e-4, 1e-10);
}

TEST(MannWhitney, DegenerateInputs) {
    EXPECT_DOUBLE_EQ(mann_whitney_u(std::vector<double>{}, std::vector<double>{1, 2}).p_value, 1.0);
    auto same = mann_whitney_u(std::vector<double>(50, 7.0), std::vector<double>(50, 7.0));
    EXPECT_DOUBLE_EQ(same.p_value, 1.0);
    EXPECT_DOUBLE_EQ(same.u_x, 1250);
    auto one = mann_whitney_u(std::vector<double>{1}, std::vector<double>{2});
    EXPECT_DOUBLE_EQ(one.p_value, 1.0);  // 2 * P(U <= 0) = 2 * 1/2
}
