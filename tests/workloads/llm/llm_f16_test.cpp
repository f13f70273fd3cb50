// fp16 weights: the plan converts to f16 where bf16 models convert to bf16
// (and never mixes the two), counts and memory follow the 16-bit size, the
// tiny model on a device with f16 ops (the OpenCL one) matches the fp64
// forward within the fp16 tolerance, a backend without f16 reports the case
// unsupported with its reason, a checkpoint value f16 cannot hold is refused
// by name, and the command explains a type the model does not run.
#include "common/command_runner.h"
#include "common/cpu_device.h"
#include "common/opencl_device.h"
#include "core/plugin_registry.h"
#include "harness/runner.h"
#include "prompt_split.h"
#include "model_writer.h"
#include "st_writer.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/llm/llm_reference.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/llm/model_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

using namespace bakeoff;
using namespace bakeoff::llm;

namespace {

const LlmConfig kTiny = *find_preset("tiny");

const LlmWorkload& decode() { return dynamic_cast<const LlmWorkload&>(*find_workload("llm.decode")); }
const LlmWorkload& prefill() { return dynamic_cast<const LlmWorkload&>(*find_workload("llm.prefill")); }

using bakeoff::testing::opencl_device;

// Why the OpenCL device cannot run an fp16 model ("" when it can).
std::string no_f16_model(const Device* d) {
    if (!d) return "no OpenCL device (or the OpenCL plugin is not built)";
    const CaseSpec c = prefill().make_case(kTiny, BK_F16, BK_PATH_PORTABLE, 4, 1, "");
    std::string why;
    for (const auto& op : prefill().ops(c))
        if (!d->supports(op, &why)) return "the OpenCL device lacks an f16 op: " + why;
    return {};
}

#define REQUIRE_F16_DEVICE()                                                            \
    do {                                                                                \
        if (auto why = no_f16_model(opencl_device()); !why.empty()) GTEST_SKIP() << why; \
    } while (0)

std::vector<double> to_double(const std::vector<float>& f) { return {f.begin(), f.end()}; }

std::vector<double> run_forward(Device& dev, DeviceModel& m, const std::vector<std::int32_t>& ids, std::int64_t seq,
                                std::int64_t pos) {
    Stream s(dev);
    m.set_tokens(ids, seq);
    m.poison_logits();
    m.launch(s, m.plan(seq, pos));
    s.sync();
    return to_double(m.download(Act::logits, m.batch() * m.config().vocab));
}

std::vector<double> reference(const WeightSource& w, bk_dtype t, std::int64_t batch, std::int64_t seq, std::int64_t pos,
                              const std::vector<std::int32_t>& ids, std::uint64_t cache_seed) {
    const bk_dtype act = reference_act_dtype(t);
    RefForward f{&w, batch, seq, pos, ids, cache_seed, kv_cache_dtype(t), act};
    std::vector<std::int64_t> last;
    for (std::int64_t b = 0; b < batch; ++b) last.push_back(b * seq + seq - 1);
    return ref_logits(w, ref_residual(f, -1, last), {}, act);
}

bool mentions(const bk_op_desc& d, bk_dtype t) { return d.dtype_a == t || d.dtype_b == t || d.dtype_c == t; }

// The CPU backend with every f16 op refused: a backend that lacks f16,
// whatever the CPU backend itself runs.
thread_local std::string g_refusal;
bk_status no_f16_supports(bk_device* d, const bk_op_desc* op) {
    if (mentions(*op, BK_F16)) {
        g_refusal = std::string(bk_op_name(op->kind)) + ": no fp16 on this backend";
        return BK_UNSUPPORTED;
    }
    g_refusal.clear();
    return bakeoff_cpu_backend()->supports(d, op);
}
const char* no_f16_last_error() {
    return g_refusal.empty() ? bakeoff_cpu_backend()->last_error() : g_refusal.c_str();
}
Device& no_f16_device() {
    static bk_backend table = [] {
        bk_backend t = *bakeoff_cpu_backend();
        t.name = "nof16";
        t.supports = no_f16_supports;
        t.last_error = no_f16_last_error;
        return t;
    }();
    static PluginRegistry reg;
    static std::unique_ptr<Device> dev = [] {
        reg.add_builtin(&table);
        return std::make_unique<Device>(reg.devices().at(0));
    }();
    return *dev;
}

RunOptions quick_run() {
    RunOptions o;
    o.time_budget_s = 0.01;
    o.min_samples = 2;
    return o;
}

}  // namespace

TEST(LlmF16, ThePlanConvertsToTheWeightsTypeAndNeverToTheOther16BitType) {
    for (bk_dtype t : {BK_F32, BK_BF16, BK_F16}) {
        const bk_dtype other = t == BK_F16 ? BK_BF16 : BK_F16;
        for (const ForwardShape& s : {ForwardShape{2, 3, 4, 8, -1, true}, ForwardShape{1, 1, 9, 10, -1, true}}) {
            const auto plan = plan_forward(kTiny, t, BK_PATH_PORTABLE, s);
            std::map<std::uint32_t, int> kinds;
            int to_t = 0, from_t = 0;
            for (const auto& st : plan) {
                const bk_op_desc& d = st.op;
                ++kinds[d.kind];
                EXPECT_FALSE(mentions(d, other)) << dtype_name(t) << " plan: " << bk_op_name(d.kind);
                if (t == BK_F32) {
                    EXPECT_FALSE(mentions(d, BK_BF16) || mentions(d, BK_F16)) << bk_op_name(d.kind);
                }
                if (d.kind == BK_OP_CONVERT) {
                    to_t += d.dtype_a == BK_F32 && d.dtype_c == t;
                    from_t += d.dtype_a == t && d.dtype_c == BK_F32;
                }
                if (d.kind == BK_OP_GEMM) {
                    EXPECT_EQ(d.dtype_a, t);
                    EXPECT_EQ(d.dtype_b, t);
                    EXPECT_EQ(d.dtype_c, BK_F32);
                }
                if (d.kind == BK_OP_KV_WRITE || d.kind == BK_OP_ATTENTION) {
                    EXPECT_EQ(d.dtype_a, kv_cache_dtype(t)) << bk_op_name(d.kind);
                    EXPECT_EQ(d.dtype_c, kv_cache_dtype(t)) << bk_op_name(d.kind);
                }
            }
            if (t == BK_F32) {
                EXPECT_EQ(kinds[BK_OP_CONVERT], 0);
            } else {
                // Per layer: attention input, q, k, v into the cache, ffn input,
                // down input; then the head's input. And the embedding rows back to f32.
                EXPECT_EQ(to_t, 6 * int(kTiny.layers) + 1) << dtype_name(t);
                EXPECT_EQ(from_t, 1) << dtype_name(t);
            }
        }
    }
    EXPECT_EQ(kv_cache_dtype(BK_F16), BK_F16);
}

TEST(LlmF16, ThePlanRefusesWeightTypesTheModelDoesNotRun) {
    for (bk_dtype t : {BK_I8, BK_F8_E4M3, BK_TF32, BK_F64}) {
        EXPECT_FALSE(runs_weight_dtype(t)) << dtype_name(t);
        EXPECT_THROW(plan_forward(kTiny, t, BK_PATH_PORTABLE, {}), std::invalid_argument) << dtype_name(t);
    }
}

TEST(LlmF16, BytesPerTokenAndMemoryAreThoseOfBf16) {
    for (const LlmWorkload* w : {&decode(), &prefill()})
        for (const char* preset : {"tiny", "1b", "8b"}) {
            const LlmConfig m = *find_preset(preset);
            const CaseSpec h = w->make_case(m, BK_F16, BK_PATH_PORTABLE, 128, 1, "");
            const CaseSpec b = w->make_case(m, BK_BF16, BK_PATH_PORTABLE, 128, 1, "");
            const CaseSpec f = w->make_case(m, BK_F32, BK_PATH_PORTABLE, 128, 1, "");
            EXPECT_DOUBLE_EQ(h.params["bytes_per_token"].get<double>(), b.params["bytes_per_token"].get<double>());
            EXPECT_LT(h.params["bytes_per_token"].get<double>(), 0.6 * f.params["bytes_per_token"].get<double>());
            EXPECT_DOUBLE_EQ(w->counts(h).flops, w->counts(b).flops);
            EXPECT_EQ(w->device_bytes(h), w->device_bytes(b)) << preset;
            EXPECT_EQ(h.params["weight_dtype"], "fp16");
            EXPECT_EQ(h.params["kv_cache_dtype"], "fp16");
            EXPECT_EQ(h.dtype, BK_F16);
        }
}

TEST(LlmF16, StorageRoundsToNearestEvenAndOverflowsToInf) {
    std::vector<float> v{1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65504.0f,   65519.0f,        65520.0f,
                         -70000.0f,       0x1p-24f,            0x1p-26f,   0.1f,            3 * 0x1p-25f,
                         0x1p-25f,        0x1.000002p-25f,     -0x1.8p-20f, NAN};
    round_to_storage(BK_F16, v.data(), std::int64_t(v.size()));
    EXPECT_EQ(v[0], 1.0f);               // tie to even (down)
    EXPECT_EQ(v[1], 1.0f + 0x1p-9f);     // tie to even (up)
    EXPECT_EQ(v[2], 65504.0f);
    EXPECT_EQ(v[3], 65504.0f);           // below the midpoint to 65536
    EXPECT_TRUE(std::isinf(v[4]) && v[4] > 0);
    EXPECT_TRUE(std::isinf(v[5]) && v[5] < 0);
    EXPECT_EQ(v[6], 0x1p-24f);           // the smallest subnormal survives
    EXPECT_EQ(v[7], 0.0f);
    EXPECT_EQ(v[8], 0.0999755859375f);   // 0x2E66
    EXPECT_EQ(v[9], 0x1p-23f);           // subnormal tie (1.5 units) to even: 2 units
    EXPECT_EQ(v[10], 0.0f);              // half a unit: to even, zero
    EXPECT_EQ(v[11], 0x1p-24f);          // just above half a unit
    EXPECT_EQ(v[12], -0x1.8p-20f);       // a subnormal f16 value, exact
    EXPECT_TRUE(std::isnan(v[13]));      // poison stays poison
    // bf16 keeps its own rounding: 0.1 is 0.10009765625 there.
    float b = 0.1f;
    round_to_storage(BK_BF16, &b, 1);
    EXPECT_EQ(b, 0.10009765625f);
    // Random f16 weights are f16 values already: a second rounding changes nothing.
    auto w = random_weights(kTiny, BK_F16, 5);
    std::vector<float> row(static_cast<std::size_t>(kTiny.dim));
    w->rows(0, 7, 8, row.data());
    auto again = row;
    round_to_storage(BK_F16, again.data(), std::int64_t(again.size()));
    EXPECT_EQ(row, again);
    bool any_differs = false;  // and they are not bf16 values
    for (float x : row) {
        float y = x;
        round_to_storage(BK_BF16, &y, 1);
        any_differs = any_differs || y != x;
    }
    EXPECT_TRUE(any_differs);
}

TEST(LlmF16, Fp16RunsInTheFullSuiteAndOnRequestOnly) {
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    auto dtypes_of = [](const std::vector<CaseSpec>& cs) {
        std::set<bk_dtype> s;
        for (const auto& c : cs) s.insert(c.dtype);
        return s;
    };
    EXPECT_EQ(dtypes_of(decode().cases(Suite::quick, d, {})), (std::set<bk_dtype>{BK_F32, BK_BF16}));
    EXPECT_EQ(dtypes_of(prefill().cases(Suite::standard, d, {})), (std::set<bk_dtype>{BK_F32, BK_BF16}));
    EXPECT_EQ(dtypes_of(decode().cases(Suite::full, d, {})), (std::set<bk_dtype>{BK_F32, BK_BF16, BK_F16}));
    EXPECT_EQ(dtypes_of(prefill().cases(Suite::full, d, {})), (std::set<bk_dtype>{BK_F32, BK_BF16, BK_F16}));
    EXPECT_EQ(dtypes_of(decode().cases(Suite::quick, d, CaseChoice{{}, {BK_F16}, "", {}})),
              (std::set<bk_dtype>{BK_F16}));
    EXPECT_EQ(dtypes_of(decode().cases(Suite::quick, d, CaseChoice{{}, {BK_F16, BK_I8}, "", {}})),
              (std::set<bk_dtype>{BK_F16}));
    EXPECT_TRUE(decode().cases(Suite::quick, d, CaseChoice{{}, {BK_I8}, "", {}}).empty());
}

TEST(LlmF16, TinyDecodeAndPrefillMatchFp64OnAnF16Device) {
    REQUIRE_F16_DEVICE();
    Device& dev = *opencl_device();
    for (std::uint64_t seed : {11, 12, 13}) {
        auto w = random_weights(kTiny, BK_F16, seed);
        // Prefill: batch 2, 7 tokens each.
        DeviceModel p(dev, *w, BK_F16, BK_PATH_PORTABLE, 2, 7, 7);
        const auto ids = random_tokens(14, kTiny.vocab, seed + 1);
        const auto got = run_forward(dev, p, ids, 7, 0);
        EXPECT_LE(relative_error(got, reference(*w, BK_F16, 2, 7, 0, ids, 0)), llm_tolerance(BK_F16)) << seed;
        auto other = ids;  // one token changed must not pass
        other[3] = (other[3] + 1) % std::int32_t(kTiny.vocab);
        EXPECT_GT(relative_error(got, reference(*w, BK_F16, 2, 7, 0, other, 0)), llm_tolerance(BK_F16)) << seed;
        // Decode: batch 3 over 40 pre-filled f16 positions.
        DeviceModel d(dev, *w, BK_F16, BK_PATH_PORTABLE, 3, 41, 1);
        d.fill_cache(99, 40);
        const auto next = random_tokens(3, kTiny.vocab, seed + 2);
        const auto step = run_forward(dev, d, next, 1, 40);
        EXPECT_LE(relative_error(step, reference(*w, BK_F16, 3, 1, 40, next, 99)), llm_tolerance(BK_F16)) << seed;
        EXPECT_GT(relative_error(step, reference(*w, BK_F16, 3, 1, 40, next, 98)), llm_tolerance(BK_F16)) << seed;
    }
}

TEST(LlmF16, DecodeAfterPrefillEqualsTheFullSequenceForward) {
    REQUIRE_F16_DEVICE();
    Device& dev = *opencl_device();
    auto w = random_weights(kTiny, BK_F16, 12);
    const std::int64_t batch = 2, P = 5;
    const auto ids = random_tokens(batch * (P + 1), kTiny.vocab, 4);
    const auto [prompt, next] = llm_test::split_prompt(ids, batch, P);
    DeviceModel full(dev, *w, BK_F16, BK_PATH_PORTABLE, batch, P + 1, P + 1);
    const auto want = run_forward(dev, full, ids, P + 1, 0);
    DeviceModel inc(dev, *w, BK_F16, BK_PATH_PORTABLE, batch, P + 1, P);
    run_forward(dev, inc, prompt, P, 0);
    const auto got = run_forward(dev, inc, next, 1, P);
    // Rows computed in another order may round to f16 one unit (2^-11) apart
    // and carry that on (~1e-4 on tiny); a wrong position or cache is O(1).
    EXPECT_LE(relative_error(got, want), 5e-4);
    EXPECT_LE(relative_error(got, reference(*w, BK_F16, batch, P + 1, 0, ids, 0)), llm_tolerance(BK_F16));
}

TEST(LlmF16, CasesRunAndVerifyThroughTheRunnerOnAnF16Device) {
    REQUIRE_F16_DEVICE();
    for (const LlmWorkload* w : {&decode(), &prefill()}) {
        const CaseSpec c = w->make_case(kTiny, BK_F16, BK_PATH_PORTABLE, 13, w == &decode() ? 2 : 1, "");
        const Record r = run_case(*opencl_device(), *w, c, 7, quick_run());
        EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
        ASSERT_TRUE(r.verification.has_value()) << c.id();
        EXPECT_TRUE(r.verification->ok) << c.id() << ": " << r.verification->detail;
        EXPECT_EQ(r.verification->tolerance, llm_tolerance(BK_F16));
    }
}

TEST(LlmF16, ABackendWithoutF16ReportsTheCaseUnsupportedWithItsReason) {
    for (const LlmWorkload* w : {&decode(), &prefill()}) {
        const CaseSpec c = w->make_case(kTiny, BK_F16, BK_PATH_PORTABLE, 8, 1, "");
        const Record r = run_case(no_f16_device(), *w, c, 7, quick_run());
        EXPECT_EQ(r.status, RecordStatus::unsupported) << c.id() << ": " << r.reason;
        EXPECT_NE(r.reason.find("no fp16 on this backend"), std::string::npos) << r.reason;
        // The same backend runs the bf16 model.
        const CaseSpec b = w->make_case(kTiny, BK_BF16, BK_PATH_PORTABLE, 8, 1, "");
        EXPECT_EQ(run_case(no_f16_device(), *w, b, 7, quick_run()).status, RecordStatus::ok) << b.id();
    }
    // The CPU backend itself: fp16 either runs and verifies, or is unsupported with its reason.
    const CaseSpec c = decode().make_case(kTiny, BK_F16, BK_PATH_PORTABLE, 8, 1, "");
    const Record r = run_case(bakeoff::testing::cpu_device(), decode(), c, 7, quick_run());
    if (r.status == RecordStatus::unsupported) {
        EXPECT_FALSE(r.reason.empty());
    } else {
        EXPECT_EQ(r.status, RecordStatus::ok) << r.reason;
    }
}

TEST(LlmF16, ACheckpointValueOutsideTheF16RangeIsRefusedByName) {
    const auto dir = model_test::fresh_dir("f16-overflow");
    model_test::write_text(dir / "config.json", model_test::hf_config_json(kTiny).dump());
    auto src = random_weights(kTiny, BK_F32, 8);
    std::vector<st_test::Tensor> ts;
    std::size_t down = 0;
    for (std::size_t i = 0; i < src->tensors().size(); ++i) {
        const TensorInfo& t = src->tensors()[i];
        std::vector<float> v(static_cast<std::size_t>(t.elements()));
        src->rows(i, 0, row_count(t), v.data());
        if (t.kind == TensorKind::wdown && t.layer == 1) {
            down = i;
            v[100] = 65519.0f;  // rounds to 65504: representable
            v[131] = -70000.0f;
        }
        ts.push_back({t.hf_name, "F32",
                      t.is_norm() ? std::vector<std::int64_t>{t.rows} : std::vector<std::int64_t>{t.rows, t.cols},
                      st_test::f32_bytes(v)});
    }
    const auto file = dir / "overflow.safetensors";
    st_test::write(file, ts);
    const ModelFile m = open_model(file.string());
    const std::string name = src->tensors()[down].hf_name;
    const TensorInfo& t = src->tensors()[down];
    std::vector<float> rows(static_cast<std::size_t>(t.elements()));
    try {
        m.weights(BK_F16)->rows(down, 0, row_count(t), rows.data());
        ADD_FAILURE() << "no error for -70000 in fp16";
    } catch (const ModelError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(name), std::string::npos) << what;
        EXPECT_NE(what.find(file.string()), std::string::npos) << what;
        EXPECT_NE(what.find("fp16"), std::string::npos) << what;
        EXPECT_NE(what.find("131"), std::string::npos) << what;  // the element
    }
    // bf16 holds the value; f16 holds every other tensor of the file.
    EXPECT_NO_THROW(m.weights(BK_BF16)->rows(down, 0, row_count(t), rows.data()));
    EXPECT_NO_THROW(m.weights(BK_F16)->rows(down - 1, 0, 1, rows.data()));
    // A case fails to prepare, naming the tensor, instead of running with inf.
    LlmRunSetup s;
    s.config = kTiny;
    s.weight_dtype = BK_F16;
    s.gemm_path = BK_PATH_PORTABLE;
    s.seq = 4;
    s.capacity = 4;
    s.weights_file = file.string();
    try {
        make_llm_case(bakeoff::testing::cpu_device(), s, 1);
        ADD_FAILURE() << "the fp16 case prepared";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
}

TEST(LlmF16, TheCommandExplainsATypeTheModelDoesNotRun) {
    namespace ts = bakeoff::testing_support;
    const auto dir = ts::scratch_dir("bakeoff-llm-f16-cli");
    auto r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                            "run --suite standard --device cpu --workload llm --dtype int8 --quiet");
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(ts::count_lines(r.err), 1) << r.err;
    for (const char* s : {"int8", "llm.prefill", "llm.decode", "fp32", "bf16", "fp16"})
        EXPECT_NE(r.err.find(s), std::string::npos) << s << " in: " << r.err;
    // With another workload that runs int8, it runs and the line stays a note.
    const auto out = dir / "int8.json";
    r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                       "run --device cpu --workload gemm,llm.decode --dtype int8 --path vendor --size 64 "
                       "--time-budget 0.01 --quiet --out '" + out.string() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("llm.decode has no int8 case"), std::string::npos) << r.err;
    const auto doc = nlohmann::json::parse(ts::slurp(out));
    ASSERT_FALSE(doc["records"].empty());
    for (const auto& rec : doc["records"]) {
        EXPECT_EQ(rec["workload"], "gemm");
        EXPECT_EQ(rec["dtype"], "int8");
    }
    // Workloads selected by default stay quiet about a type only some run.
    r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                       "run --suite smoke --device cpu --dtype int8 --size 64 --time-budget 0.01 --quiet --out '" +
                           (dir / "all.json").string() + "'");
    EXPECT_EQ(r.err.find("has no int8"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("have no int8"), std::string::npos) << r.err;
}

TEST(LlmF16, TheCommandRunsFp16OnTheOpenclDevice) {
    REQUIRE_F16_DEVICE();
    namespace ts = bakeoff::testing_support;
    const auto dir = ts::scratch_dir("bakeoff-llm-f16-cli");
    const auto out = dir / "f16.json";
    const auto r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                                  "run --device opencl --workload llm.decode --dtype fp16 --path portable --size 24 "
                                  "--time-budget 0.01 --quiet --out '" + out.string() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const auto doc = nlohmann::json::parse(ts::slurp(out));
    ASSERT_EQ(doc["records"].size(), 1u) << doc.dump();
    const auto& rec = doc["records"][0];
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    EXPECT_EQ(rec["dtype"], "fp16");
    EXPECT_EQ(rec["params"]["kv_cache_dtype"], "fp16");
    EXPECT_EQ(rec["verification"]["ok"], true) << rec.dump();
}
