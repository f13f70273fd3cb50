// llm.prefill / llm.decode as the harness sees them: cases per suite, FLOP and
// byte counts from the shapes, device bytes (the 8b fp32 model is refused by
// its size before anything is allocated), and whole cases through the runner
// on the CPU device, with random weights and with a checkpoint.
#include "common/command_runner.h"
#include "common/cpu_device.h"
#include "core/host_info.h"
#include "harness/runner.h"
#include "model_writer.h"
#include "st_writer.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/llm/llm_weights.h"

#include <gtest/gtest.h>

#include <set>

using namespace bakeoff;
using namespace bakeoff::llm;

namespace {

const Workload& decode() { return *find_workload("llm.decode"); }
const Workload& prefill() { return *find_workload("llm.prefill"); }
const LlmWorkload& as_llm(const Workload& w) { return dynamic_cast<const LlmWorkload&>(w); }

}  // namespace

TEST(LlmWorkload, SuitesChooseTheDocumentedCases) {
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    EXPECT_TRUE(decode().cases(Suite::smoke, d, {}).empty());
    EXPECT_TRUE(prefill().cases(Suite::quick, d, {}).empty());
    const auto quick = decode().cases(Suite::quick, d, {});
    ASSERT_EQ(quick.size(), 4u);  // small preset, fp32 and bf16, both GEMM paths
    for (const auto& c : quick) EXPECT_EQ(c.params["preset"], "small");
    const auto full = decode().cases(Suite::full, d, CaseChoice{{}, {BK_F32}, "", {}});
    bool has_8b = false, has_batch8 = false;
    for (const auto& c : full) {
        has_8b = has_8b || c.params["preset"] == "8b";
        has_batch8 = has_batch8 || c.params["batch"] == 8;
    }
    EXPECT_TRUE(has_8b);
    EXPECT_TRUE(has_batch8);
    // --size replaces the context depths.
    for (const auto& c : decode().cases(Suite::standard, d, CaseChoice{{64}, {BK_BF16}, "", {}})) EXPECT_EQ(c.size, 64);
}

TEST(LlmWorkload, CountsFollowTheShapes) {
    const LlmConfig t = *find_preset("tiny");
    // One layer's matrices: q and o (64 x 64), k and v (32 x 64), gate, up, down (192 x 64).
    const double layer = 2 * 64 * 64 + 2 * 32 * 64 + 3 * 192 * 64;
    const CaseSpec c = as_llm(decode()).make_case(t, BK_F32, BK_PATH_VENDOR, 3, 1, "");
    const WorkCounts w = decode().counts(c);
    // Decode at depth 3: 1 token through 2 layers, logits (256 x 64), attention
    // over 4 keys with 4 heads of 16 (QK and PV: 4 flop per key and element).
    EXPECT_DOUBLE_EQ(w.flops, 2 * 2 * layer + 2 * 256 * 64 + 4.0 * 64 * 2 * 4);
    EXPECT_DOUBLE_EQ(w.items, 1);
    // Weights once (f32), norms (5 x 64), KV cache read 4 and written 1 position, K and V, f32.
    EXPECT_DOUBLE_EQ(w.bytes, 4 * (2 * layer + 256 * 64) + 4 * 64 * 5 + 2 * 2 * 4 * 32 * (4 + 1));
    EXPECT_DOUBLE_EQ(c.params["bytes_per_token"].get<double>(), w.bytes);

    EXPECT_EQ(c.params["kv_cache_dtype"], "fp32");

    // Prefill of 3 tokens: causal attention sees 1 + 2 + 3 keys. bf16 weights
    // and a bf16 KV cache (2 bytes per element).
    const CaseSpec p = as_llm(prefill()).make_case(t, BK_BF16, BK_PATH_VENDOR, 3, 1, "");
    const WorkCounts wp = prefill().counts(p);
    EXPECT_DOUBLE_EQ(wp.flops, 2 * 3 * 2 * layer + 2 * 256 * 64 + 4.0 * 64 * 2 * 6);
    EXPECT_DOUBLE_EQ(wp.items, 3);
    EXPECT_DOUBLE_EQ(wp.bytes, 2 * (2 * layer + 256 * 64) + 4 * 64 * 5 + 2 * 2 * 2 * 32 * (3 + 3));
    EXPECT_EQ(p.params["kv_cache_dtype"], "bf16");
}

TEST(LlmWorkload, DeviceBytesOfThe1bAnd8bPresets) {
    const CaseSpec c1 = as_llm(decode()).make_case(*find_preset("1b"), BK_F32, BK_PATH_VENDOR, 128, 1, "");
    // Llama 3.2 1B: 1,235,814,400 parameters (tied), 4 bytes each, plus a small cache and activations.
    EXPECT_GT(decode().device_bytes(c1), 4 * 1235814400.0);
    EXPECT_LT(decode().device_bytes(c1), 4 * 1235814400.0 + 60e6);
    const CaseSpec c8 = as_llm(decode()).make_case(*find_preset("8b"), BK_F32, BK_PATH_VENDOR, 4096, 8, "");
    // Llama 3.1 8B: 8,030,261,248 parameters; KV cache 32 layers x 2 x 8 x 4097 x 1024 x 4 bytes.
    const double kv = 32.0 * 2 * 8 * 4097 * 1024 * 4;
    EXPECT_GT(decode().device_bytes(c8), 4 * 8030261248.0 + kv);
    EXPECT_LT(decode().device_bytes(c8), 4 * 8030261248.0 + kv + 200e6);
    // bf16 weights keep a bf16 cache: both halve.
    const CaseSpec b8 = as_llm(decode()).make_case(*find_preset("8b"), BK_BF16, BK_PATH_VENDOR, 4096, 8, "");
    EXPECT_GT(decode().device_bytes(b8), 2 * 8030261248.0 + kv / 2);
    EXPECT_LT(decode().device_bytes(b8), 2 * 8030261248.0 + kv / 2 + 200e6);
}

TEST(LlmWorkload, ThePlanHasEveryOpOfTheForward) {
    const CaseSpec c = as_llm(decode()).make_case(*find_preset("tiny"), BK_BF16, BK_PATH_VENDOR, 10, 2, "");
    std::set<std::uint32_t> kinds;
    for (const auto& op : decode().ops(c)) {
        kinds.insert(op.kind);
        if (op.kind == BK_OP_ATTENTION) {
            EXPECT_EQ(op.u.attn.seq_kv, 11);
            EXPECT_EQ(op.u.attn.seq_q, 1);
            EXPECT_EQ(op.u.attn.kv_heads, 2);
        }
        if (op.kind == BK_OP_GEMM) {
            EXPECT_EQ(op.u.gemm.trans_b, 1);
            EXPECT_EQ(op.dtype_a, BK_BF16);
            EXPECT_EQ(op.dtype_c, BK_F32);
            EXPECT_EQ(op.path, BK_PATH_VENDOR);
        } else {
            EXPECT_EQ(op.path, BK_PATH_PORTABLE);
        }
    }
    // tiny rescales its rope frequencies: ROPE_FREQ (see rope_scaling_test.cpp).
    for (std::uint32_t k : {BK_OP_EMBEDDING, BK_OP_CONVERT, BK_OP_RMSNORM, BK_OP_GEMM, BK_OP_ROPE_FREQ,
                            BK_OP_KV_WRITE, BK_OP_ATTENTION, BK_OP_ADD, BK_OP_SWIGLU})
        EXPECT_TRUE(kinds.count(k)) << bk_op_name(k);
}

TEST(LlmWorkload, TheCacheAndAttentionTakeTheWeightsType) {
    // bf16 weights: q, k, v are converted once, the cache and attention are bf16
    // and attention writes the o GEMM's bf16 input; fp32 keeps everything f32.
    for (bk_dtype t : {BK_F32, BK_BF16}) {
        const auto plan = plan_forward(*find_preset("tiny"), t, BK_PATH_PORTABLE, {2, 3, 4, 8, 1, false});
        auto act = [](const Operand& o) { return o.kind == Operand::act ? Act(o.index) : Act::count; };
        int kv_writes = 0, attention = 0;
        std::set<Act> converted;
        Act attention_out = Act::count, o_gemm_in = Act::count;
        for (const auto& st : plan) {
            if (st.op.kind == BK_OP_KV_WRITE || st.op.kind == BK_OP_ATTENTION) {
                EXPECT_EQ(st.op.dtype_a, t) << bk_op_name(st.op.kind);
                EXPECT_EQ(st.op.dtype_c, t) << bk_op_name(st.op.kind);
            }
            if (st.op.kind == BK_OP_KV_WRITE) {
                ++kv_writes;
                if (t == BK_BF16) {
                    EXPECT_TRUE(converted.count(act(st.operands[0]))) << "kv_write of an unconverted input";
                }
            }
            if (st.op.kind == BK_OP_CONVERT && st.op.dtype_c == BK_BF16) converted.insert(act(st.operands[1]));
            if (st.op.kind == BK_OP_ATTENTION) {
                ++attention;
                if (t == BK_BF16) {
                    EXPECT_TRUE(converted.count(act(st.operands[0]))) << "attention of an unconverted q";
                }
                attention_out = act(st.operands[3]);
            }
            if (st.op.kind == BK_OP_GEMM && attention == 1 && o_gemm_in == Act::count) o_gemm_in = act(st.operands[0]);
        }
        EXPECT_EQ(kv_writes, 2);
        EXPECT_EQ(attention, 1);
        EXPECT_EQ(attention_out, t == BK_F32 ? Act::ao : Act::aob);
        EXPECT_EQ(o_gemm_in, attention_out) << "the o projection reads attention's output directly";
    }
}

TEST(LlmWorkload, CasesRunAndVerifyThroughTheRunner) {
    RunOptions o;
    o.time_budget_s = 0.01;
    const LlmConfig tiny = *find_preset("tiny");
    for (const Workload* w : {&decode(), &prefill()})
        for (bk_dtype t : {BK_F32, BK_BF16}) {
            const CaseSpec c = as_llm(*w).make_case(tiny, t, BK_PATH_PORTABLE, 24, w == &decode() ? 2 : 1, "");
            const Record r = run_case(bakeoff::testing::cpu_device(), *w, c, 42, o);
            EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
            ASSERT_TRUE(r.verification.has_value()) << c.id();
            EXPECT_TRUE(r.verification->ok);
        }
}

TEST(LlmWorkload, The8bFp32ModelIsRefusedByItsSize) {
    const CaseSpec c = as_llm(decode()).make_case(*find_preset("8b"), BK_F32, BK_PATH_VENDOR, 128, 1, "");
    const double need = 2.0 * double(decode().device_bytes(c));
    if (double(host_available_memory()) > need / 0.9) GTEST_SKIP() << "this host could hold the 8b fp32 model";
    const Record r = run_case(bakeoff::testing::cpu_device(), decode(), c, 42, RunOptions{});
    EXPECT_EQ(r.status, RecordStatus::skipped);
    EXPECT_NE(r.reason.find("GiB"), std::string::npos) << r.reason;
}

TEST(LlmWorkload, CommandRunsACheckpointAndRefusesABadOne) {
    namespace ts = bakeoff::testing_support;
    const auto dir = ts::scratch_dir("bakeoff-llm-cli");
    // A tiny checkpoint from seeded weights, all F32.
    auto src = random_weights(*find_preset("tiny"), BK_F32, 8);
    std::vector<st_test::Tensor> ts_;
    for (std::size_t i = 0; i < src->tensors().size(); ++i) {
        const TensorInfo& t = src->tensors()[i];
        std::vector<float> v(static_cast<std::size_t>(t.elements()));
        src->rows(i, 0, row_count(t), v.data());
        ts_.push_back({t.hf_name, "F32",
                       t.is_norm() ? std::vector<std::int64_t>{t.rows} : std::vector<std::int64_t>{t.rows, t.cols},
                       st_test::f32_bytes(v)});
    }
    const auto good = dir / "tiny.safetensors";
    st_test::write(good, ts_);
    model_test::write_text(dir / "config.json", model_test::hf_config_json(src->config()).dump());
    const auto out = dir / "ckpt.json";
    auto r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                            "run --suite quick --device cpu --workload llm.decode --dtype fp32 --path vendor --size 16 --quiet "
                            "--time-budget 0.01 --weights '" + good.string() + "' --out '" + out.string() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const auto doc = nlohmann::json::parse(ts::slurp(out));
    ASSERT_EQ(doc["records"].size(), 1u);
    const auto& rec = doc["records"][0];
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    EXPECT_EQ(rec["params"]["preset"], dir.filename().string());  // the model's folder
    EXPECT_EQ(rec["params"]["dim"], 64);
    EXPECT_EQ(rec["params"]["weights"], good.string());

    ts_[5].shape = {32, 128};  // layer 0 o_proj, [64, 64] in the preset
    const auto bad = dir / "bad.safetensors";
    st_test::write(bad, ts_);
    r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                       "run --suite quick --workload llm.decode --quiet --weights '" + bad.string() + "'");
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(ts::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(bad.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(ts_[5].name), std::string::npos) << r.err;
}
