// The serving figures against values computed by hand (numpy's "linear"
// percentile: rank p/100 (n - 1), interpolated).
#include "numeric/serving_stats.h"

#include <gtest/gtest.h>

#include <vector>

namespace bakeoff::serving {
namespace {

TEST(ServingStats, PercentileInterpolatesBetweenOrderStatistics) {
    const std::vector<double> x{4, 1, 3, 2};  // unsorted on purpose
    EXPECT_DOUBLE_EQ(percentile(x, 50), 2.5);   // rank 1.5
    EXPECT_DOUBLE_EQ(percentile(x, 90), 3.7);   // rank 2.7
    EXPECT_DOUBLE_EQ(percentile(x, 99), 3.97);  // rank 2.97
    EXPECT_DOUBLE_EQ(percentile(x, 0), 1);
    EXPECT_DOUBLE_EQ(percentile(x, 100), 4);
    EXPECT_DOUBLE_EQ(percentile(std::vector<double>{7}, 90), 7);
    EXPECT_DOUBLE_EQ(percentile(std::vector<double>{}, 50), 0);
}

RequestTimes req(double arrival, std::vector<double> tokens) {
    RequestTimes r;
    r.arrival_s = arrival;
    r.token_s = std::move(tokens);
    r.first_token_s = r.token_s.front();
    r.done_s = r.token_s.back();
    r.output_tokens = std::int64_t(r.token_s.size());
    return r;
}

TEST(ServingStats, PerRequestLatencies) {
    const RequestTimes r = req(1.0, {1.5, 1.6, 1.8, 2.1});
    EXPECT_DOUBLE_EQ(ttft_s(r), 0.5);
    EXPECT_DOUBLE_EQ(e2e_s(r), 1.1);
    EXPECT_NEAR(tpot_s(r), 0.2, 1e-12);  // (2.1 - 1.5) / 3
    EXPECT_DOUBLE_EQ(tpot_s(req(0, {0.3})), 0.0);  // one token: no time per output token
}

TEST(ServingStats, SummaryCountsGoodputAgainstBothBounds) {
    // a: TTFT 100 ms, TPOT 50 ms (meets both); b: TTFT 300 ms (misses TTFT);
    // c: TTFT 100 ms, TPOT 150 ms (misses TPOT).
    const std::vector<RequestTimes> rs{req(0.0, {0.1, 0.15, 0.2}), req(0.0, {0.3, 0.35}), req(0.5, {0.6, 0.75, 0.9})};
    const Summary s = summarize(rs, 2.0, Slo{200, 100});
    EXPECT_EQ(s.requests, 3);
    EXPECT_EQ(s.output_tokens, 8);
    EXPECT_DOUBLE_EQ(s.output_tokens_per_s, 4.0);
    EXPECT_DOUBLE_EQ(s.requests_per_s, 1.5);
    EXPECT_DOUBLE_EQ(s.goodput_rps, 0.5);
    EXPECT_NEAR(s.goodput_fraction, 1.0 / 3.0, 1e-12);
    // TTFT ms {100, 300, 100}: p50 100, mean 166.67.
    EXPECT_NEAR(s.ttft_ms.p50, 100, 1e-9);
    EXPECT_NEAR(s.ttft_ms.mean, 500.0 / 3.0, 1e-9);
    // TPOT ms {50, 50, 150}: p50 50 -> 20 tokens/s per user.
    EXPECT_NEAR(s.tpot_ms.p50, 50, 1e-9);
    EXPECT_NEAR(s.tokens_per_s_per_user, 20, 1e-9);
    // ITL ms {50, 50, 50, 150, 150}: p90 at rank 3.6 -> 150.
    EXPECT_NEAR(s.itl_ms.p90, 150, 1e-9);
    EXPECT_NEAR(s.itl_ms.p50, 50, 1e-9);
    // E2E ms {200, 350, 400}.
    EXPECT_NEAR(s.e2e_ms.p50, 350, 1e-9);
}

}  // namespace
}  // namespace bakeoff::serving
