// The moe workload end to end on the built-in CPU backend: the tiny preset
// runs and verifies in both precisions, and verification catches a wrong
// output row, a wrong routing choice, a repeated expert and a wrong weight.
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"
#include "harness/runner.h"
#include "workloads/moe/moe_case.h"
#include "workloads/moe/moe_data.h"
#include "workloads/moe/moe_verify.h"
#include "workloads/moe/moe_workload.h"

#include "common/cpu_device.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace bakeoff;
using namespace bakeoff::moe;

namespace {

Device& cpu() { return bakeoff::testing::cpu_device(); }

constexpr std::uint64_t kSeed = 1234;

struct Ran {
    MoeShape shape;
    MoeOutputs out;
};

// One run of the tiny layer at 48 tokens on the CPU, its outputs downloaded.
Ran run_tiny(bk_dtype t) {
    Ran r;
    r.shape = *moe_preset("tiny");
    r.shape.tokens = 48;
    auto c = make_moe_case(cpu(), r.shape, t, BK_PATH_PORTABLE, kSeed);
    Stream st(cpu());
    c->poison();
    c->run(st);
    st.sync();
    r.out = moe_outputs(*c);
    return r;
}

Verification check(const Ran& r, bk_dtype t, const MoeOutputs& o) {
    return verify_moe(MoeData(r.shape, t, kSeed), o.x, o.y, o.idx, o.weight);
}

}  // namespace

TEST(MoeCpu, TinyPresetVerifiesThroughTheRunner) {
    MoeWorkload w;
    RunOptions opts;
    opts.time_budget_s = 0.01;
    int ran = 0;
    for (bk_dtype t : {BK_F32, BK_BF16})
        for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) {
            const CaseSpec c = MoeWorkload::make_case("tiny", 64, t, p);
            const Record r = run_case(cpu(), w, c, 7, opts);
            // bf16 GEMMs may lack a vendor library; the portable path runs everything.
            if (r.status == RecordStatus::unsupported && p == BK_PATH_VENDOR) continue;
            ++ran;
            EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
            ASSERT_TRUE(r.verification.has_value()) << c.id();
            EXPECT_TRUE(r.verification->ok) << r.verification->detail;
            EXPECT_LE(r.verification->error, r.verification->tolerance);
            EXPECT_NE(r.verification->detail.find("routing load"), std::string::npos) << r.verification->detail;
            // The imbalance is also a field of the record: max/mean >= 1, and
            // the busiest expert holds at least the mean share of T*k tokens.
            ASSERT_TRUE(r.params.contains("measured")) << r.params.dump();
            const auto& routing = r.params["measured"]["routing"];
            EXPECT_GE(routing["max_over_mean"].get<double>(), 1.0);
            EXPECT_GE(routing["cv"].get<double>(), 0.0);
            EXPECT_GE(routing["max_tokens"].get<double>() * 8, 64.0 * 2);
        }
    EXPECT_GE(ran, 2);
}

TEST(MoeCpu, EveryTokenGoesToTopKDistinctExperts) {
    const Ran r = run_tiny(BK_F32);
    std::int64_t total = 0;
    for (auto n : r.out.tokens_per_expert) total += n;
    EXPECT_EQ(total, r.shape.tokens * r.shape.top_k);
    for (std::int64_t t = 0; t < r.shape.tokens; ++t) {
        double sum = 0;
        for (std::int64_t j = 0; j < r.shape.top_k; ++j) sum += r.out.weight[std::size_t(t * r.shape.top_k + j)];
        EXPECT_NEAR(sum, 1.0, 1e-5) << "token " << t;  // normalised over the chosen experts
    }
    EXPECT_TRUE(check(r, BK_F32, r.out).ok);
}

TEST(MoeCpu, WrongOutputElementFails) {
    const Ran r = run_tiny(BK_F32);
    MoeOutputs o = r.out;
    o.y[5 * std::size_t(r.shape.dim) + 7] += 0.05f;
    const Verification v = check(r, BK_F32, o);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.detail.find("token 5"), std::string::npos) << v.detail;
}

TEST(MoeCpu, OutputLeftPoisonedFails) {
    const Ran r = run_tiny(BK_BF16);
    MoeOutputs o = r.out;
    std::fill(o.y.begin(), o.y.end(), std::nanf(""));
    EXPECT_FALSE(check(r, BK_BF16, o).ok);
}

TEST(MoeCpu, WrongRoutingChoiceFails) {
    const Ran r = run_tiny(BK_F32);
    const std::int64_t k = r.shape.top_k, E = r.shape.experts;
    // Token 3's first (best) expert replaced by an expert it did not choose:
    // with sigmoid scores spread over (0, 1), the best and a non-chosen one
    // differ by far more than the score tolerance for this seed.
    MoeOutputs o = r.out;
    std::int32_t* chosen = o.idx.data() + 3 * k;
    std::int32_t other = 0;
    while (std::find(chosen, chosen + k, other) != chosen + k) ++other;
    ASSERT_LT(other, E);
    chosen[0] = other;
    const Verification v = check(r, BK_F32, o);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.detail.find("token 3"), std::string::npos) << v.detail;
}

TEST(MoeCpu, RepeatedExpertAndWrongWeightFail) {
    const Ran r = run_tiny(BK_F32);
    const std::int64_t k = r.shape.top_k;
    MoeOutputs dup = r.out;
    dup.idx[std::size_t(2 * k + 1)] = dup.idx[std::size_t(2 * k)];
    const Verification a = check(r, BK_F32, dup);
    EXPECT_FALSE(a.ok);
    EXPECT_NE(a.detail.find("chosen twice"), std::string::npos) << a.detail;

    MoeOutputs wrong = r.out;
    wrong.weight[std::size_t(4 * k)] += 0.01f;
    const Verification b = check(r, BK_F32, wrong);
    EXPECT_FALSE(b.ok);
    EXPECT_NE(b.detail.find("routing weight"), std::string::npos) << b.detail;
}
