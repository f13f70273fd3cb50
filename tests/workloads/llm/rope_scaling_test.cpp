// Llama 3's rope frequency rescaling: the frequencies against values worked
// out by hand for Llama 3.2 1B's config, the plan's use of ROPE_FREQ, the
// config's round trip through a case's params, and the rescaling reaching the
// logits (a model without it gives other values).
#include "common/cpu_device.h"
#include "workloads/llm/llm_config.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/llm/llm_reference.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/workload.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::llm;

TEST(RopeScaling, FrequenciesOfLlama32OneB) {
    // theta 500000, head_dim 64, factor 32, low 1, high 4, original 8192:
    // wavelength 2 pi 500000^(i/32) is below 2048 for i <= 14 (kept), above
    // 8192 for i >= 18 (divided by 32), and between for i = 15, 16, 17.
    const LlmConfig c = *find_preset("1b");
    const auto f = rope_frequencies(c);
    ASSERT_EQ(f.size(), 32u);
    auto plain = [](int i) { return std::pow(500000.0, -double(i) / 32.0); };
    for (int i = 0; i <= 14; ++i) EXPECT_DOUBLE_EQ(f[std::size_t(i)], plain(i)) << i;
    for (int i = 18; i < 32; ++i) EXPECT_DOUBLE_EQ(f[std::size_t(i)], plain(i) / 32) << i;
    for (int i = 15; i <= 17; ++i) {
        EXPECT_LT(f[std::size_t(i)], plain(i)) << i;
        EXPECT_GT(f[std::size_t(i)], plain(i) / 32) << i;
    }
    // i = 16: f = 500000^-1/2 = 1/707.1067812, wavelength 4442.882938, so the
    // blend weight is s = (8192 / 4442.882938 - 1) / 3 = 0.2812826052 and
    // f' = f ((1 - s) / 32 + s) = 4.29556797e-4.
    EXPECT_NEAR(f[16], 4.29556797e-4, 1e-12);
    for (std::size_t i = 1; i < f.size(); ++i) EXPECT_LT(f[i], f[i - 1]) << i;

    // Without rope_scaling the frequencies are theta's.
    const auto small = rope_frequencies(*find_preset("small"));
    for (int i = 0; i < 32; ++i) EXPECT_DOUBLE_EQ(small[std::size_t(i)], plain(i)) << i;
}

TEST(RopeScaling, PresetsCarryTheReleasedConfigs) {
    EXPECT_EQ(find_preset("1b")->rope_scaling.factor, 32);
    EXPECT_EQ(find_preset("8b")->rope_scaling.factor, 8);
    EXPECT_EQ(find_preset("8b")->rope_scaling.original_max_positions, 8192);
    EXPECT_EQ(find_preset("small")->rope_scaling.factor, 0);
}

TEST(RopeScaling, ThePlanUsesRopeFreqOnlyWhenTheModelRescales) {
    for (const char* name : {"tiny", "small"}) {
        const LlmConfig c = *find_preset(name);
        const bool scaled = c.rope_scaling.factor > 0;
        int ropes = 0;
        for (const auto& st : plan_forward(c, BK_F32, BK_PATH_PORTABLE, {1, 2, 0, 2, 1, false})) {
            if (st.op.kind != BK_OP_ROPE && st.op.kind != BK_OP_ROPE_FREQ) continue;
            ++ropes;
            EXPECT_EQ(st.op.kind, scaled ? BK_OP_ROPE_FREQ : BK_OP_ROPE) << name;
            ASSERT_EQ(st.operands.size(), scaled ? 3u : 2u) << name;
            if (scaled) {
                EXPECT_EQ(st.operands[1].kind, Operand::rope_freq) << name;
            }
        }
        EXPECT_EQ(ropes, 2) << name;  // q and k
    }
}

TEST(RopeScaling, TheCaseParamsRoundTripTheScaling) {
    const auto& w = dynamic_cast<const LlmWorkload&>(*find_workload("llm.decode"));
    const CaseSpec c = w.make_case(*find_preset("1b"), BK_BF16, BK_PATH_PORTABLE, 128, 1, "");
    EXPECT_EQ(c.params["rope_scaling"]["rope_type"], "llama3");
    const LlmConfig back = llm_case_config(c);
    EXPECT_EQ(back.rope_scaling.factor, 32);
    EXPECT_EQ(back.rope_scaling.high_freq_factor, 4);
    EXPECT_EQ(rope_frequencies(back), rope_frequencies(*find_preset("1b")));
    const CaseSpec s = w.make_case(*find_preset("small"), BK_BF16, BK_PATH_PORTABLE, 128, 1, "");
    EXPECT_TRUE(s.params["rope_scaling"].is_null());
    EXPECT_EQ(llm_case_config(s).rope_scaling.factor, 0);
}

TEST(RopeScaling, TheRescalingReachesTheLogits) {
    // tiny rescales (factor 8 over 64 positions). Its device logits after 30
    // positions match the fp64 reference of the same config, and not the
    // reference of the same weights with plain rope.
    const LlmConfig tiny = *find_preset("tiny");
    ASSERT_GT(tiny.rope_scaling.factor, 0);
    LlmConfig plain = tiny;
    plain.rope_scaling = RopeScaling{};
    auto w = random_weights(tiny, BK_F32, 31);
    auto w_plain = random_weights(plain, BK_F32, 31);  // the same weights: rows depend on the seed only
    DeviceModel m(bakeoff::testing::cpu_device(), *w, BK_F32, BK_PATH_PORTABLE, 1, 31, 1);
    m.fill_cache(5, 30);
    const auto ids = random_tokens(1, tiny.vocab, 8);
    m.set_tokens(ids, 1);
    Stream s(bakeoff::testing::cpu_device());
    m.launch(s, m.plan(1, 30));
    s.sync();
    const auto got_f = m.download(Act::logits, tiny.vocab);
    const std::vector<double> got(got_f.begin(), got_f.end());
    auto ref = [&](const WeightSource& ws) {
        RefForward f{&ws, 1, 1, 30, ids, 5};
        return ref_logits(ws, ref_residual(f, -1, {0}), {});
    };
    EXPECT_LE(relative_error(got, ref(*w)), 1e-4);
    EXPECT_GT(relative_error(got, ref(*w_plain)), 1e-2);
}
