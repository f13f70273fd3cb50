// The decoder on the CPU device against the fp64 host forward, end to end on
// the tiny preset: prefill logits (fp32 and bf16 weights, batch 2, grouped-query
// heads), decode after prefill equal to the full-sequence forward, decode over
// a pre-filled cache, and the case verification (full and sampled) passing on
// a good run and failing on a run that wrote nothing.
#include "common/cpu_device.h"
#include "prompt_split.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_reference.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::llm;

namespace {

const LlmConfig kTiny = *find_preset("tiny");

std::vector<double> to_double(const std::vector<float>& f) { return {f.begin(), f.end()}; }

// Prefill of `seq` tokens per sequence on the device; logits [batch, vocab].
std::vector<double> device_prefill(DeviceModel& m, const std::vector<std::int32_t>& ids, std::int64_t seq) {
    Stream s(bakeoff::testing::cpu_device());
    m.set_tokens(ids, seq);
    m.poison_logits();
    m.launch(s, m.plan(seq, 0));
    s.sync();
    return to_double(m.download(Act::logits, m.batch() * m.config().vocab));
}

std::vector<double> reference(const WeightSource& w, std::int64_t batch, std::int64_t seq, std::int64_t pos,
                              const std::vector<std::int32_t>& ids, std::uint64_t cache_seed) {
    RefForward f{&w, batch, seq, pos, ids, cache_seed};
    std::vector<std::int64_t> last;
    for (std::int64_t b = 0; b < batch; ++b) last.push_back(b * seq + seq - 1);
    return ref_logits(w, ref_residual(f, -1, last), {});
}

}  // namespace

TEST(LlmModel, TinyPrefillMatchesFp64ForwardAndTheCheckHasTeeth) {
    for (bk_dtype t : {BK_F32, BK_BF16}) {
        auto w = random_weights(kTiny, t, 11);
        DeviceModel m(bakeoff::testing::cpu_device(), *w, t, BK_PATH_PORTABLE, 2, 7, 7);
        const auto ids = random_tokens(14, kTiny.vocab, 3);
        const auto dev = device_prefill(m, ids, 7);
        const auto ref = reference(*w, 2, 7, 0, ids, 0);
        const double err = relative_error(dev, ref);
        EXPECT_LE(err, llm_tolerance(t)) << dtype_name(t);
        // Another prompt's logits (one token changed) must not pass.
        auto other = ids;
        other[3] = (other[3] + 1) % std::int32_t(kTiny.vocab);
        EXPECT_GT(relative_error(dev, reference(*w, 2, 7, 0, other, 0)), llm_tolerance(t)) << dtype_name(t);
    }
}

TEST(LlmModel, DecodeAfterPrefillEqualsTheFullSequenceForward) {
    auto w = random_weights(kTiny, BK_F32, 12);
    const std::int64_t batch = 2, P = 5;
    const auto ids = random_tokens(batch * (P + 1), kTiny.vocab, 4);
    const auto [prompt, next] = llm_test::split_prompt(ids, batch, P);
    // Full forward of P + 1 tokens.
    DeviceModel full(bakeoff::testing::cpu_device(), *w, BK_F32, BK_PATH_VENDOR, batch, P + 1, P + 1);
    const auto want = device_prefill(full, ids, P + 1);
    // Prefill P, then one decode step at position P in the same cache.
    DeviceModel inc(bakeoff::testing::cpu_device(), *w, BK_F32, BK_PATH_VENDOR, batch, P + 1, P);
    device_prefill(inc, prompt, P);
    Stream s(bakeoff::testing::cpu_device());
    inc.set_tokens(next, 1);
    inc.poison_logits();
    inc.launch(s, inc.plan(1, P));
    s.sync();
    const auto got = to_double(inc.download(Act::logits, batch * kTiny.vocab));
    EXPECT_LE(relative_error(got, want), 1e-5);
    EXPECT_LE(relative_error(got, reference(*w, batch, P + 1, 0, ids, 0)), 1e-4);
}

TEST(LlmModel, DecodeOverAPrefilledCacheMatchesFp64) {
    auto w = random_weights(kTiny, BK_F32, 13);
    const std::int64_t batch = 3, depth = 40;
    DeviceModel m(bakeoff::testing::cpu_device(), *w, BK_F32, BK_PATH_PORTABLE, batch, depth + 1, 1);
    m.fill_cache(99, depth);
    const auto ids = random_tokens(batch, kTiny.vocab, 5);
    m.set_tokens(ids, 1);
    Stream s(bakeoff::testing::cpu_device());
    m.launch(s, m.plan(1, depth));
    s.sync();
    const auto got = to_double(m.download(Act::logits, batch * kTiny.vocab));
    EXPECT_LE(relative_error(got, reference(*w, batch, 1, depth, ids, 99)), 1e-4);
    // The cache contents matter: another cache seed gives other logits.
    EXPECT_GT(relative_error(got, reference(*w, batch, 1, depth, ids, 98)), 1e-3);
}

TEST(LlmModel, CaseVerificationFullAndSampledPassAndAPoisonedRunFails) {
    for (double limit : {5e8, 0.0}) {  // full fp64 forward; sampled head + layer 0
        for (bk_dtype t : {BK_F32, BK_BF16}) {
            LlmRunSetup s;
            s.config = kTiny;
            s.weight_dtype = t;
            s.gemm_path = BK_PATH_PORTABLE;
            s.batch = 2;
            s.seq = limit > 0 ? 1 : 9;
            s.pos = limit > 0 ? 30 : 0;
            s.capacity = s.pos + s.seq;
            s.full_reference_limit = limit;
            auto c = make_llm_case(bakeoff::testing::cpu_device(), s, 21);
            Stream st(bakeoff::testing::cpu_device());
            c->poison();
            c->run(st);
            st.sync();
            const Verification v = c->verify();
            EXPECT_TRUE(v.ok) << v.method << ": " << v.detail << " error " << v.error;
            EXPECT_EQ(v.method.find("full") != std::string::npos, limit > 0) << v.method;
            c->poison();  // a run that wrote nothing
            const Verification bad = c->verify();
            EXPECT_FALSE(bad.ok);
            EXPECT_NE(bad.detail.find("logit"), std::string::npos) << bad.detail;
        }
    }
}

TEST(LlmModel, PoisonMakesASkippedOpShowInTheLogits) {
    auto w = random_weights(kTiny, BK_F32, 14);
    DeviceModel m(bakeoff::testing::cpu_device(), *w, BK_F32, BK_PATH_PORTABLE, 1, 9, 1);
    m.fill_cache(7, 8);
    m.set_tokens(random_tokens(1, kTiny.vocab, 6), 1);
    Stream s(bakeoff::testing::cpu_device());
    const auto plan = m.plan(1, 8);
    m.launch(s, plan);  // a good run leaves every intermediate behind
    s.sync();
    for (std::uint32_t skipped : {BK_OP_ATTENTION, BK_OP_KV_WRITE, BK_OP_SWIGLU}) {
        std::vector<Step> without;
        for (const auto& st : plan)
            if (st.op.kind != skipped) without.push_back(st);
        m.poison(1, 8);
        m.launch(s, without);
        s.sync();
        const auto logits = m.download(Act::logits, kTiny.vocab);
        bool all_finite = true;
        for (float x : logits) all_finite = all_finite && std::isfinite(x);
        EXPECT_FALSE(all_finite) << bk_op_name(skipped);
    }
}
