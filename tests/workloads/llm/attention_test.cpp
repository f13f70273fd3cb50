// The attention workload: FLOP counts of causal and non-causal cases, its
// suites, and cases through the runner on the CPU device (fp32, bf16, grouped
// query), with a run that wrote nothing failing verification.
#include "common/cpu_device.h"
#include "harness/runner.h"
#include "workloads/attention/attention_workload.h"

#include <gtest/gtest.h>

using namespace bakeoff;

namespace {
const AttentionWorkload& attention() { return dynamic_cast<const AttentionWorkload&>(*find_workload("attention")); }
}  // namespace

TEST(Attention, CausalCountsOnlyVisiblePairs) {
    EXPECT_DOUBLE_EQ(AttentionWorkload::visible_pairs(4, 4, false), 16);
    EXPECT_DOUBLE_EQ(AttentionWorkload::visible_pairs(4, 4, true), 1 + 2 + 3 + 4);
    EXPECT_DOUBLE_EQ(AttentionWorkload::visible_pairs(2, 5, true), 4 + 5);  // queries at positions 3 and 4
    const CaseSpec c = attention().make_case(BK_F32, BK_PATH_PORTABLE, 2, 8, 2, 64, 32, true);
    const WorkCounts w = attention().counts(c);
    EXPECT_DOUBLE_EQ(w.flops, 4.0 * 2 * 8 * 32 * (64 * 65 / 2));
    // q and o: 2 x 64 x 8 x 32; k and v: 2 x 64 x 2 x 32; 4 bytes each.
    EXPECT_DOUBLE_EQ(w.bytes, 4.0 * (2 * 2 * 64 * 8 * 32 + 2 * 2 * 64 * 2 * 32));
    const CaseSpec n = attention().make_case(BK_F32, BK_PATH_PORTABLE, 1, 4, 4, 100, 64, false);
    EXPECT_DOUBLE_EQ(attention().counts(n).flops, 4.0 * 4 * 100 * 100 * 64);
}

TEST(Attention, Suites) {
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    EXPECT_TRUE(attention().cases(Suite::smoke, d, {}).empty());
    EXPECT_EQ(attention().cases(Suite::quick, d, CaseChoice{{}, {BK_F32}, "", {}}).size(), 2u);  // one shape, two paths
    bool gqa = false, causal = false, plain = false;
    for (const auto& c : attention().cases(Suite::standard, d, {})) {
        gqa = gqa || c.params["kv_heads"] != c.params["heads"];
        causal = causal || c.params["causal"] == true;
        plain = plain || c.params["causal"] == false;
    }
    EXPECT_TRUE(gqa && causal && plain);
}

TEST(Attention, CasesRunAndVerifyOnTheCpu) {
    RunOptions o;
    o.time_budget_s = 0.01;
    for (bk_dtype t : {BK_F32, BK_BF16})
        for (bool causal : {false, true}) {
            const CaseSpec c = attention().make_case(t, BK_PATH_PORTABLE, 2, 8, 2, 77, 64, causal);
            const Record r = run_case(bakeoff::testing::cpu_device(), attention(), c, 42, o);
            EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
        }
}

TEST(Attention, ARunThatWroteNothingFails) {
    const CaseSpec c = attention().make_case(BK_F32, BK_PATH_PORTABLE, 1, 4, 4, 32, 32, true);
    auto inst = attention().prepare(bakeoff::testing::cpu_device(), c, 1);
    inst->poison();
    const Verification v = inst->verify();
    EXPECT_FALSE(v.ok);
    EXPECT_FALSE(v.detail.empty());
}
