// Host-side arithmetic of the moe workload: the load-imbalance figures, FLOP
// counts against hand counts, presets and their parameters, the suites' cases.
#include "common/expect_throw.h"
#include "harness/runner.h"
#include "workloads/moe/moe_config.h"
#include "workloads/moe/moe_workload.h"
#include "workloads/moe/moe_verify.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

using namespace bakeoff;
using namespace bakeoff::moe;

TEST(MoeImbalance, HandComputedExample) {
    // Tokens per expert 4, 0, 2, 2: mean 2, max 4; deviations 2, -2, 0, 0,
    // variance 8 / 4 = 2, so cv = sqrt(2) / 2.
    const std::vector<std::int64_t> counts{4, 0, 2, 2};
    const Imbalance im = routing_imbalance(counts);
    EXPECT_DOUBLE_EQ(im.max_over_mean, 2.0);
    EXPECT_NEAR(im.cv, std::sqrt(2.0) / 2, 1e-12);
    EXPECT_EQ(im.max_tokens, 4);
    EXPECT_EQ(im.idle_experts, 1);
}

TEST(MoeImbalance, PerfectBalanceAndNoTokens) {
    const std::vector<std::int64_t> even{3, 3, 3};
    const Imbalance a = routing_imbalance(even);
    EXPECT_DOUBLE_EQ(a.max_over_mean, 1.0);
    EXPECT_DOUBLE_EQ(a.cv, 0.0);
    EXPECT_EQ(a.idle_experts, 0);
    const std::vector<std::int64_t> none{0, 0};
    const Imbalance b = routing_imbalance(none);  // no division by a zero mean
    EXPECT_EQ(b.max_over_mean, 0.0);
    EXPECT_EQ(b.cv, 0.0);
}

TEST(MoeFlops, TinyPresetByHand) {
    auto s = *moe_preset("tiny");
    s.tokens = 64;
    const MoeFlops f = moe_flops(s);
    EXPECT_DOUBLE_EQ(f.router, 2.0 * 64 * 64 * 8);            // 2 T d E
    EXPECT_DOUBLE_EQ(f.routed, 64.0 * 2 * 3 * 2 * 64 * 32);   // T k 3 (2 d f)
    EXPECT_DOUBLE_EQ(f.shared, 3.0 * 2 * 64 * 64 * 32);       // 3 (2 T d f_shared)
    EXPECT_DOUBLE_EQ(f.total(), 65536.0 + 1572864.0 + 786432.0);
}

TEST(MoeFlops, DeepSeekV3LayerPerToken) {
    // DeepSeek-V3: d 7168, 256 experts, top-8, f 2048, one shared expert. Per
    // token: router 2*7168*256, nine SwiGLU MLPs of 3 * 2 * 7168 * 2048.
    auto s = *moe_preset("v3-layer");
    s.tokens = 1;
    EXPECT_DOUBLE_EQ(moe_flops(s).total(), 3670016.0 + 9 * 88080384.0);
}

TEST(MoeConfig, V3LayerNeedsItsWeightsInDeviceMemory) {
    auto s = *moe_preset("v3-layer");
    s.tokens = 1024;
    // Routed experts alone: 256 * 3 * 7168 * 2048 weights.
    const double experts = 256.0 * 3 * 7168 * 2048;
    EXPECT_GE(double(moe_device_bytes(s, 4)), experts * 4);
    EXPECT_GE(double(moe_device_bytes(s, 2)), experts * 2);
    EXPECT_LT(double(moe_device_bytes(s, 2)), experts * 2 * 1.1);
}

TEST(MoeConfig, V3LayerIsRefusedWhereItDoesNotFit) {
    MoeWorkload w;
    DeviceInfo cpu;
    std::strcpy(cpu.props.kind, "cpu");
    const CaseSpec c = MoeWorkload::make_case("v3-layer", 1024, BK_F32, BK_PATH_VENDOR);
    const std::uint64_t gib = 1ull << 30;
    const std::string why = memory_refusal(w, c, cpu, 23 * gib);
    EXPECT_NE(why.find("GiB"), std::string::npos) << why;
    EXPECT_TRUE(memory_refusal(w, MoeWorkload::make_case("small", 1024, BK_F32, BK_PATH_VENDOR), cpu, 23 * gib).empty());
}

TEST(MoeConfig, ParamsRoundTripAndBadInput) {
    auto s = *moe_preset("small");
    s.tokens = 256;
    const MoeShape back = moe_shape_from_params(moe_params(s));
    EXPECT_EQ(back.dim, 1024);
    EXPECT_EQ(back.experts, 64);
    EXPECT_EQ(back.top_k, 6);
    EXPECT_EQ(back.expert_ffn, 512);
    EXPECT_EQ(back.shared, 1);
    EXPECT_EQ(back.tokens, 256);

    auto p = moe_params(s);
    p.erase("dim");
    bktest::expect_invalid_argument_naming([&] { moe_shape_from_params(p); }, "'dim'", "missing dim accepted");
    p = moe_params(s);
    p["top_k"] = 65;
    EXPECT_THROW(moe_shape_from_params(p), std::invalid_argument);
    EXPECT_FALSE(moe_preset("huge").has_value());
}

TEST(MoeConfig, SampledTokensStayInRangeAndShrinkWithTheLayer) {
    auto tiny = *moe_preset("tiny");
    tiny.tokens = 40;
    EXPECT_EQ(sampled_tokens(tiny).size(), 40u);  // few tokens: every one
    auto v3 = *moe_preset("v3-layer");
    v3.tokens = 4096;
    const auto rows = sampled_tokens(v3);
    ASSERT_GE(rows.size(), 8u);
    EXPECT_LE(rows.size(), 64u);
    EXPECT_EQ(rows.front(), 0);
    EXPECT_EQ(rows.back(), 4095);
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i], rows[i - 1]);
}

TEST(MoeWorkloadCases, SuitesAndFilters) {
    MoeWorkload w;
    DeviceInfo d;
    EXPECT_TRUE(w.cases(Suite::quick, d, {}).empty());
    const auto standard = w.cases(Suite::standard, d, {});
    ASSERT_FALSE(standard.empty());
    for (const auto& c : standard) {
        EXPECT_EQ(c.params.at("preset"), "small");
        EXPECT_EQ(c.size, 1024);
        EXPECT_TRUE(c.dtype == BK_F32 || c.dtype == BK_BF16);
    }
    bool has_v3 = false;
    for (const auto& c : w.cases(Suite::full, d, {})) has_v3 = has_v3 || c.params.at("preset") == "v3-layer";
    EXPECT_TRUE(has_v3);
    EXPECT_TRUE(w.cases(Suite::standard, d, CaseChoice{{}, {BK_F64}, "", {}}).empty());
    const auto sized = w.cases(Suite::standard, d, CaseChoice{{512}, {BK_BF16}, "", {}});
    ASSERT_FALSE(sized.empty());
    for (const auto& c : sized) {
        EXPECT_EQ(c.size, 512);
        EXPECT_EQ(c.dtype, BK_BF16);
    }
    // The metric counts tokens; the FLOPs are the hand formula's.
    const CaseSpec c = MoeWorkload::make_case("tiny", 64, BK_F32, BK_PATH_PORTABLE);
    EXPECT_EQ(w.metric(c).basis, "items");
    EXPECT_EQ(w.counts(c).items, 64.0);
    EXPECT_DOUBLE_EQ(w.counts(c).flops, 65536.0 + 1572864.0 + 786432.0);
}
