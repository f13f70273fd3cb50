// The leaderboard and the `reproduced` rule on hand-made rows: ranking, the
// 5 % agreement, what makes two runs independent (host or date), and what
// must be the same (device model, tool major version, case).
#include "registry/leaderboard.h"

#include <gtest/gtest.h>

using namespace bakeoff::registry;

namespace {

FlatRow row(std::int64_t run, const std::string& model, double value, const std::string& host = "h1",
            const std::string& date = "2026-01-01", int major = 0, const std::string& case_id = "gemm/fp32/1024/vendor") {
    FlatRow r;
    r.run = run;
    r.model = model;
    r.device = model;
    r.value = value;
    r.ci_low = value * 0.99;
    r.ci_high = value * 1.01;
    r.host = host;
    r.date = date;
    r.tool_major = major;
    r.case_id = case_id;
    r.workload = "gemm";
    r.dtype = "fp32";
    r.status = "ok";
    r.unit = "GFLOP/s";
    return r;
}

const LeaderboardEntry& entry(const std::vector<LeaderboardEntry>& b, const std::string& model) {
    for (const auto& e : b)
        if (e.model == model) return e;
    throw std::runtime_error("no entry for " + model);
}

}  // namespace

TEST(Leaderboard, RanksModelsByTheirBestVerifiedFigure) {
    std::vector<FlatRow> rows = {row(1, "slow", 100), row(2, "fast", 300), row(3, "mid", 200), row(4, "slow", 150)};
    FlatRow failed = row(5, "slow", 0);
    failed.status = "failed";
    failed.value.reset();
    rows.push_back(failed);
    FlatRow other = row(6, "other-workload", 9999);
    other.workload = "membw.triad";
    rows.push_back(other);
    const auto b = leaderboard(rows, "gemm", "fp32");
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].model, "fast");
    EXPECT_EQ(b[1].model, "mid");
    EXPECT_EQ(b[2].model, "slow");
    EXPECT_EQ(*b[2].best.value, 150);
    EXPECT_EQ(b[2].best.run, 4);
}

TEST(Leaderboard, LowerIsBetterRanksTheSmallestFirst) {
    std::vector<FlatRow> rows = {row(1, "a", 5), row(2, "b", 2), row(3, "a", 3)};
    for (auto& r : rows) r.lower_is_better = true;
    const auto b = leaderboard(rows, "gemm", "");
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].model, "b");
    EXPECT_EQ(*b[1].best.value, 3);
}

TEST(Leaderboard, TwoHostsWithinFivePercentReproduce) {
    const auto b = leaderboard({row(1, "m", 100, "h1"), row(2, "m", 96, "h2")}, "gemm", "fp32");
    const auto& e = entry(b, "m");
    EXPECT_EQ(e.runs, 2);
    EXPECT_EQ(e.agree, 2);
    EXPECT_TRUE(e.reproduced);
    EXPECT_NEAR(e.spread_percent, 4.0, 1e-9);
}

TEST(Leaderboard, MoreThanFivePercentApartIsOnlyReported) {
    const auto& e = entry(leaderboard({row(1, "m", 100, "h1"), row(2, "m", 94, "h2")}, "gemm", "fp32"), "m");
    EXPECT_EQ(e.runs, 2);
    EXPECT_EQ(e.agree, 1);
    EXPECT_FALSE(e.reproduced);
    EXPECT_TRUE(figures_agree(100, 95));
    EXPECT_FALSE(figures_agree(100, 94.9));
}

TEST(Leaderboard, OneHostOnOneDateCountsOnceOnAnotherDateTwice) {
    auto same_day = leaderboard({row(1, "m", 100, "h1", "2026-01-01"), row(2, "m", 99, "h1", "2026-01-01")}, "gemm", "fp32");
    EXPECT_EQ(entry(same_day, "m").runs, 1);
    EXPECT_FALSE(entry(same_day, "m").reproduced);
    auto next_day = leaderboard({row(1, "m", 100, "h1", "2026-01-01"), row(2, "m", 99, "h1", "2026-01-02")}, "gemm", "fp32");
    EXPECT_TRUE(entry(next_day, "m").reproduced);
}

TEST(Leaderboard, AnotherModelToolMajorOrCaseDoesNotReproduce) {
    EXPECT_FALSE(entry(leaderboard({row(1, "m", 100, "h1"), row(2, "n", 100, "h2")}, "gemm", "fp32"), "m").reproduced);
    EXPECT_FALSE(
        entry(leaderboard({row(1, "m", 100, "h1", "2026-01-01", 0), row(2, "m", 100, "h2", "2026-01-01", 1)}, "gemm", "fp32"),
              "m")
            .reproduced);
    EXPECT_FALSE(entry(leaderboard({row(1, "m", 100, "h1"), row(2, "m", 100, "h2", "2026-01-01", 0, "gemm/fp32/512/vendor")},
                                   "gemm", "fp32"),
                       "m")
                     .reproduced);
}

TEST(Leaderboard, CacheResidentMemoryFiguresAreLeftOff) {
    FlatRow cached = row(1, "m", 5000);
    cached.cache_resident = true;
    const auto b = leaderboard({cached, row(2, "m", 100)}, "gemm", "fp32");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(*b[0].best.value, 100);
}
