// The model workloads end to end on the OpenCL device: llm.decode,
// llm.prefill, attention, moe and train.step on their tiny presets through
// the runner (warm-up, timed samples, verification against the host
// reference), and the bakeoff command running the quick suite's OpenCL model
// cases at a reduced size. Every record must be ok and verified. Skips where
// no OpenCL device is present.
#include "common/command_runner.h"
#include "common/opencl_device.h"
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "harness/runner.h"
#include "workloads/attention/attention_workload.h"
#include "workloads/llm/llm_config.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/moe/moe_workload.h"
#include "workloads/train/train_workload.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>

using namespace bakeoff;

namespace {

using bakeoff::testing::opencl_device;

#define REQUIRE_OPENCL_DEVICE()                                                  \
    do {                                                                         \
        if (!opencl_device()) GTEST_SKIP() << "no OpenCL device (or no plugin)"; \
    } while (0)

void expect_verified(const Workload& w, const CaseSpec& c) {
    RunOptions o;
    o.time_budget_s = 0.01;
    o.min_samples = 2;
    const Record r = run_case(*opencl_device(), w, c, 7, o);
    EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
    ASSERT_TRUE(r.verification.has_value()) << c.id();
    EXPECT_TRUE(r.verification->ok) << c.id() << ": " << r.verification->detail;
    EXPECT_FALSE(r.implementation.empty()) << c.id();
}

}  // namespace

TEST(OpenclWorkloads, LlmDecodeAndPrefillVerifyOnTheTinyPreset) {
    REQUIRE_OPENCL_DEVICE();
    const auto* decode = dynamic_cast<const LlmWorkload*>(find_workload("llm.decode"));
    const auto* prefill = dynamic_cast<const LlmWorkload*>(find_workload("llm.prefill"));
    ASSERT_TRUE(decode && prefill);
    const llm::LlmConfig tiny = *llm::find_preset("tiny");
    for (bk_dtype t : {BK_F32, BK_BF16}) {
        // Decode at an odd depth with two sequences; prefill of an odd prompt.
        expect_verified(*decode, decode->make_case(tiny, t, BK_PATH_PORTABLE, 13, 2, ""));
        expect_verified(*prefill, prefill->make_case(tiny, t, BK_PATH_PORTABLE, 9, 1, ""));
    }
}

TEST(OpenclWorkloads, AttentionVerifiesCausalAndGroupedQuery) {
    REQUIRE_OPENCL_DEVICE();
    const auto* w = dynamic_cast<const AttentionWorkload*>(find_workload("attention"));
    ASSERT_TRUE(w);
    for (bk_dtype t : {BK_F32, BK_BF16}) {
        expect_verified(*w, w->make_case(t, BK_PATH_PORTABLE, 1, 4, 2, 45, 32, true));
        expect_verified(*w, w->make_case(t, BK_PATH_PORTABLE, 2, 2, 2, 20, 16, false));
    }
}

TEST(OpenclWorkloads, MoeAndTrainStepVerifyOnTheTinyPresets) {
    REQUIRE_OPENCL_DEVICE();
    const Workload* moe = find_workload("moe");
    const Workload* train = find_workload("train.step");
    ASSERT_TRUE(moe && train);
    for (bk_dtype t : {BK_F32, BK_BF16}) expect_verified(*moe, MoeWorkload::make_case("tiny", 64, t, BK_PATH_PORTABLE));
    expect_verified(*train, TrainStepWorkload::make_case("tiny", 4, BK_PATH_PORTABLE));
}

TEST(OpenclWorkloads, CommandRunsTheQuickModelCasesOnOpencl) {
    REQUIRE_OPENCL_DEVICE();
    namespace ts = bakeoff::testing_support;
    const auto dir = ts::scratch_dir("bakeoff-opencl-nn");
    const auto out = dir / "q.json";
    const auto r = ts::run_binary(BAKEOFF_BINARY_PATH, dir, "",
                                  "run --suite quick --device opencl --workload llm.decode,attention --size 24 "
                                  "--path portable --time-budget 0.01 --quiet --out '" +
                                      out.string() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const auto doc = nlohmann::json::parse(ts::slurp(out));
    int models = 0;
    for (const auto& rec : doc["records"]) {
        EXPECT_EQ(rec["status"], "ok") << rec.dump();
        EXPECT_EQ(rec["verification"]["ok"], true) << rec.dump();
        models += rec["workload"] == "llm.decode" || rec["workload"] == "attention";
    }
    EXPECT_EQ(models, 4) << doc.dump();  // fp32 and bf16 of each
}
