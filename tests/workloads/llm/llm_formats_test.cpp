// The decoder with per-tensor weight formats: block-quantized matrices and
// tables in the plan, Qwen2's q/k/v biases, the load-time dequantization a
// device without a kernel gets (and the record saying so), and the quality
// gate's arithmetic and verdicts.
#include "common/cpu_device.h"
#include "harness/runner.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/llm/llm_reference.h"
#include "workloads/llm/llm_workload.h"
#include "model_writer.h"

#include <bakeoff/plugin_quant.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::llm;

namespace {

const LlmConfig kTiny = *find_preset("tiny");

const LlmWorkload& decode() { return dynamic_cast<const LlmWorkload&>(*find_workload("llm.decode")); }

LlmConfig tiny_qwen() {
    LlmConfig c = kTiny;
    c.name = "tiny-qwen";
    c.qkv_bias = true;
    return c;
}

// Prefill logits of the last position of each sequence against the fp64 forward.
double prefill_error(const WeightSource& w, const ModelTypes& types, std::int64_t seq) {
    DeviceModel m(bakeoff::testing::cpu_device(), w, types, BK_PATH_PORTABLE, 1, seq, seq);
    const auto ids = random_tokens(seq, w.config().vocab, 5);
    m.set_tokens(ids, seq);
    Stream s(bakeoff::testing::cpu_device());
    m.launch(s, m.plan(seq, 0));
    s.sync();
    const auto f = m.download(Act::logits, w.config().vocab);
    RefForward r{&w, 1, seq, 0, ids, 0, types.kv};
    return relative_error({f.begin(), f.end()}, ref_logits(w, ref_residual(r, -1, {seq - 1}), {}));
}

}  // namespace

TEST(LlmFormats, ModelTypesFollowTheMainTypeAndRefuseMixedHalfTypes) {
    const ModelTypes q = ModelTypes::uniform(kTiny, BK_Q4_0);
    EXPECT_EQ(q.kv, BK_F16);     // quantized models keep an f16 cache
    EXPECT_EQ(q.lowp, BK_F32);   // and feed f32 activations to the block GEMMs
    const auto infos = model_tensors(kTiny);
    double blocks = 0, vectors = 0;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        EXPECT_EQ(q.tensor[i], infos[i].is_norm() ? BK_F32 : BK_Q4_0) << infos[i].hf_name;
        if (infos[i].is_norm())
            vectors += 4.0 * double(infos[i].elements());
        else
            blocks += double(infos[i].elements()) / 32 * 18;
    }
    EXPECT_DOUBLE_EQ(double(q.weight_bytes(kTiny)), blocks + vectors);

    auto mixed = ModelTypes::uniform(kTiny, BK_BF16).tensor;
    mixed[2] = BK_F16;
    EXPECT_THROW(ModelTypes::of(kTiny, BK_BF16, mixed), std::invalid_argument);
    auto norm_in_bf16 = ModelTypes::uniform(kTiny, BK_F32).tensor;
    norm_in_bf16[1] = BK_BF16;  // attn_norm of layer 0
    EXPECT_THROW(ModelTypes::of(kTiny, BK_F32, norm_in_bf16), std::invalid_argument);
}

TEST(LlmFormats, APlanOverBlockMatricesTakesF32RowsAndAnF16Cache) {
    const auto plan = plan_forward(kTiny, ModelTypes::uniform(kTiny, BK_Q8_0), BK_PATH_PORTABLE, {1, 4, 0, 4, -1, true});
    int gemms = 0, gathers = 0;
    for (const auto& st : plan) {
        const bk_op_desc& d = st.op;
        if (d.kind == BK_OP_GEMM) {
            ++gemms;
            EXPECT_EQ(d.dtype_a, BK_F32);
            EXPECT_EQ(d.dtype_b, BK_Q8_0);
            EXPECT_EQ(d.dtype_c, BK_F32);
            EXPECT_EQ(d.u.gemm.block_abi, BK_BLOCK_ABI_VERSION);
            EXPECT_EQ(d.u.gemm.trans_b, 1);
        }
        if (d.kind == BK_OP_EMBEDDING && d.dtype_a == BK_Q8_0) {
            ++gathers;
            EXPECT_EQ(d.dtype_c, BK_F32);  // the gather dequantizes
        }
        if (d.kind == BK_OP_ATTENTION || d.kind == BK_OP_KV_WRITE) EXPECT_EQ(d.dtype_a, BK_F16) << bk_op_name(d.kind);
    }
    EXPECT_EQ(gemms, 7 * int(kTiny.layers) + 1);  // q k v o gate up down, and the tied head
    EXPECT_EQ(gathers, 1);
}

TEST(LlmFormats, QkvBiasesRunOnTheDeviceAsInTheReference) {
    const LlmConfig c = tiny_qwen();
    auto w = random_weights(c, BK_F32, 3);
    const ModelTypes t = ModelTypes::uniform(c, BK_F32);
    // The bias is filled in by a one-row gather, then the GEMM adds (beta 1).
    int fills = 0;
    for (const auto& st : plan_forward(c, t, BK_PATH_PORTABLE, {1, 5, 0, 5, -1, true}))
        if (st.op.kind == BK_OP_GEMM && st.op.u.gemm.beta == 1.0) ++fills;
    EXPECT_EQ(fills, 3 * int(c.layers));
    EXPECT_LE(prefill_error(*w, t, 5), 1e-4);
    // A device that skipped the biases (no fill, beta 0) is caught by the same check.
    DeviceModel m(bakeoff::testing::cpu_device(), *w, t, BK_PATH_PORTABLE, 1, 5, 5);
    const auto ids = random_tokens(5, c.vocab, 5);
    m.set_tokens(ids, 5);
    std::vector<Step> without;
    for (auto st : m.plan(5, 0)) {
        if (st.op.kind == BK_OP_EMBEDDING && st.op.u.nn.vocab == 1) continue;
        if (st.op.kind == BK_OP_GEMM) st.op.u.gemm.beta = 0;
        without.push_back(st);
    }
    Stream s(bakeoff::testing::cpu_device());
    m.launch(s, without);
    s.sync();
    const auto f = m.download(Act::logits, c.vocab);
    RefForward r{w.get(), 1, 5, 0, ids, 0};
    EXPECT_GT(relative_error({f.begin(), f.end()}, ref_logits(*w, ref_residual(r, -1, {4}), {})), 1e-3);
}

TEST(LlmFormats, DequantizedAtLoadTheDeviceAndReferenceSeeTheSameValues) {
    // Every matrix stored in q4_0, held by the device in bf16 (a device
    // without a q4_0 kernel): rows() rounds the dequantized values to bf16.
    auto stored = random_weights(kTiny, BK_Q4_0, 9);
    std::vector<float> q(64), as_bf16(64);
    stored->rows(2, 0, 1, q.data());
    const ModelTypes held = ModelTypes::of(kTiny, BK_Q4_0, ModelTypes::uniform(kTiny, BK_BF16).tensor);
    auto loaded = loaded_weights(random_weights(kTiny, BK_Q4_0, 9), BK_Q4_0, held.tensor);
    loaded->rows(2, 0, 1, as_bf16.data());
    round_to_storage(BK_BF16, q.data(), 64);
    EXPECT_EQ(q, as_bf16);
    EXPECT_EQ(loaded->format(2), BK_BF16);
    EXPECT_LE(prefill_error(*loaded, held, 6), llm_tolerance(BK_BF16));
    // Requantizing to another block type is refused, not done quietly.
    auto other = ModelTypes::uniform(kTiny, BK_Q8_0).tensor;
    EXPECT_THROW(loaded_weights(random_weights(kTiny, BK_Q4_0, 9), BK_Q4_0, other), std::invalid_argument);
}

TEST(LlmFormats, BlockModelsRunNativelyWhereTheirRowsAreWholeBlocks) {
    for (bk_dtype t : {BK_Q8_0, BK_Q4_0}) {
        auto w = random_weights(kTiny, t, 4);
        std::vector<std::uint8_t> raw(std::size_t(format_row_bytes(t, kTiny.dim)));
        std::vector<float> rows(std::size_t(kTiny.dim)), back(rows.size());
        w->raw_rows(2, 1, 2, raw.data());
        w->rows(2, 1, 2, rows.data());
        bk_dequantize_row(t, raw.data(), back.data(), kTiny.dim);
        EXPECT_EQ(rows, back) << dtype_name(t);  // the blocks the device gets are the values the reference reads
    }
    // tiny's rows (64, 192) are not whole 256-value blocks: no q4_k case for it.
    CaseChoice k;
    k.dtypes = {BK_Q4_K};
    k.sizes = {8};
    const auto cases = decode().cases(Suite::quick, bakeoff::testing::cpu_device().info(), k);
    ASSERT_FALSE(cases.empty());  // small (512, 1536) holds them
    for (const auto& c : cases) EXPECT_EQ(c.params["preset"], "small");
}

TEST(LlmFormats, AQuantizedCaseRunsVerifiesAndSaysWhatTheDeviceHeld) {
    // The CPU backend runs q4_0 on its portable path; no vendor library runs
    // GGML blocks, so the vendor path dequantizes at load, and says so.
    RunOptions o;
    o.time_budget_s = 0.01;
    for (bk_path path : {BK_PATH_PORTABLE, BK_PATH_VENDOR}) {
        const CaseSpec c = decode().make_case(kTiny, BK_Q4_0, path, 20, 2, "");
        const Record r = run_case(bakeoff::testing::cpu_device(), decode(), c, 42, o);
        ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
        EXPECT_EQ(r.params["weights_format"], "random q4_0");
        EXPECT_EQ(r.params["kv_cache_dtype"], "fp16");
        const auto& a = r.params["adapted"];
        if (path == BK_PATH_PORTABLE) {
            EXPECT_FALSE(a.contains("dequantized"));
            EXPECT_EQ(a["weights_loaded_as"], "q4_0");
            EXPECT_EQ(a["bytes_per_token"], r.params["bytes_per_token"]);
            EXPECT_TRUE(r.warnings.empty());
        } else {
            ASSERT_TRUE(a.contains("dequantized"));
            EXPECT_EQ(a["weights_loaded_as"], a["dequantized"]["q4_0"]["to"]);
            EXPECT_FALSE(a["dequantized"]["q4_0"]["reason"].get<std::string>().empty());
            EXPECT_GT(a["bytes_per_token"].get<double>(), r.params["bytes_per_token"].get<double>());
            ASSERT_EQ(r.warnings.size(), 1u);  // next to the figure, not only in the params
            EXPECT_NE(r.warnings[0].find("q4_0 weights run dequantized"), std::string::npos) << r.warnings[0];
        }
        const auto& g = r.params["measured"]["quality_gate"];
        EXPECT_EQ(g["positions"], 64);
        EXPECT_LE(g["kl_mean"].get<double>(), g["kl_mean_limit"].get<double>());
    }
}

TEST(LlmFormats, GateFiguresAreKlAndTop1OverDecisivePositions) {
    const std::int64_t V = 4;
    // Position 0: decisive (leads by 2), the device agrees. Position 1: a near
    // tie the device breaks the other way: not counted for top-1.
    const std::vector<double> ref{3, 1, 0, 0, 1.0, 1.05, 0, 0};
    std::vector<double> dev = ref;
    dev[4] = 1.06;
    GateFigures g = gate_figures(ref, dev, V);
    EXPECT_EQ(g.positions, 2);
    EXPECT_EQ(g.top1_positions, 1);
    EXPECT_DOUBLE_EQ(g.top1, 1.0);
    // KL by hand for position 1 (position 0 is identical: 0).
    auto softmax = [](std::vector<double> x) {
        double s = 0;
        for (double& v : x) s += (v = std::exp(v));
        for (double& v : x) v /= s;
        return x;
    };
    const auto p = softmax({1.0, 1.05, 0, 0}), q = softmax({1.06, 1.05, 0, 0});
    double kl = 0;
    for (int j = 0; j < 4; ++j) kl += p[j] * std::log(p[j] / q[j]);
    EXPECT_NEAR(g.kl_mean, kl / 2, 1e-15);
    EXPECT_NEAR(g.kl_max, kl, 1e-15);
    // A decisive position the device gets wrong halves the agreement.
    dev = ref;
    dev[1] = 3.5;
    g = gate_figures(ref, dev, V);
    EXPECT_DOUBLE_EQ(g.top1, 0.0);
    EXPECT_GT(g.kl_mean, 0.1);
    EXPECT_THROW(gate_figures(ref, {1, 2, 3}, V), std::invalid_argument);
}

TEST(LlmFormats, AnHonestRunPassesTheGateAndTheVerdictFollowsTheLimits) {
    LlmRunSetup s;
    s.config = kTiny;
    s.weight_dtype = BK_F32;
    s.gemm_path = BK_PATH_PORTABLE;
    s.seq = 1;
    s.pos = 8;
    s.capacity = 9;  // the gate's 16 positions need more: the model makes room
    s.gate_positions = 16;
    auto ok = make_llm_case(bakeoff::testing::cpu_device(), s, 5);
    Stream st(bakeoff::testing::cpu_device());
    ok->poison();
    ok->run(st);
    st.sync();
    const Verification good = ok->verify();
    EXPECT_TRUE(good.ok) << good.detail;
    const auto g = ok->measured()["quality_gate"];
    EXPECT_EQ(g["positions"], 16);
    EXPECT_LE(g["kl_mean"].get<double>(), gate_thresholds(BK_F32).kl_mean);

    const GateThresholds th = gate_thresholds(BK_Q4_0);
    GateFigures f;
    f.positions = 64;
    f.top1_positions = 10;
    f.top1 = 1.0;
    f.kl_mean = th.kl_mean / 2;
    EXPECT_TRUE(gate_passes(f, th));
    f.kl_mean = th.kl_mean * 2;
    EXPECT_FALSE(gate_passes(f, th));
    f.kl_mean = std::nan("");
    EXPECT_FALSE(gate_passes(f, th));
    f.kl_mean = 0;
    f.top1 = th.top1 - 0.01;
    EXPECT_FALSE(gate_passes(f, th));
    f.top1_positions = 0;  // nothing decisive: top-1 is not judged
    EXPECT_TRUE(gate_passes(f, th));
}

TEST(LlmFormats, AModelFileFixesTheShapeAndTypeAndTheQuickSuiteAddsItsPrefill) {
    const auto dir = model_test::fresh_dir("formats-cases");
    const auto path = (dir / "mymodel-q8_0.gguf").string();
    model_test::gguf_model(*random_weights(kTiny, BK_F32, 2), BK_Q8_0).write(path);
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    CaseChoice choice;
    choice.weights = path;
    const auto& prefill = dynamic_cast<const LlmWorkload&>(*find_workload("llm.prefill"));
    for (const Workload* w : {static_cast<const Workload*>(&decode()), static_cast<const Workload*>(&prefill)}) {
        const auto cases = w->cases(Suite::quick, d, choice);
        ASSERT_EQ(cases.size(), 2u) << w->id();  // the file's own type, both paths
        for (const auto& c : cases) {
            EXPECT_EQ(c.dtype, BK_Q8_0);
            EXPECT_EQ(c.params["preset"], "mymodel-q8_0");
            EXPECT_EQ(c.params["weights_format"], "gguf q8_0");
            EXPECT_EQ(c.params["dim"], kTiny.dim);
        }
    }
    // --dtype converts to a float type, never requantizes to another block type.
    choice.dtypes = {BK_BF16, BK_Q4_0};
    const auto conv = decode().cases(Suite::quick, d, choice);
    ASSERT_FALSE(conv.empty());
    for (const auto& c : conv) EXPECT_EQ(c.dtype, BK_BF16);
    // Without a file the quick suite has no prefill case.
    EXPECT_TRUE(prefill.cases(Suite::quick, d, {}).empty());
}

TEST(LlmFormats, An8bModelInQ4_0NeedsItsQuantizedBytesNotFloatOnes) {
    // About 4.7 GB of blocks: it must be admitted on a 24 GiB machine, where
    // the same model in bf16 (16 GB) or fp32 (32 GB) needs far more.
    const LlmConfig b8 = *find_preset("8b");
    const CaseSpec q = decode().make_case(b8, BK_Q4_0, BK_PATH_PORTABLE, 1024, 1, "");
    const CaseSpec f = decode().make_case(b8, BK_BF16, BK_PATH_PORTABLE, 1024, 1, "");
    const double gq = double(decode().device_bytes(q)) / 1e9, gf = double(decode().device_bytes(f)) / 1e9;
    EXPECT_GT(gq, 4.3);
    EXPECT_LT(gq, 5.5);
    EXPECT_GT(gf, 3 * gq);
    // Bytes per token follow the blocks too: 18 bytes per 32 weights.
    EXPECT_NEAR(q.params["bytes_per_token"].get<double>() / f.params["bytes_per_token"].get<double>(), 18.0 / 64, 0.02);
}
