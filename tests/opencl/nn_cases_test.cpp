// The NN ops on the OpenCL device through the shared conformance case
// definitions (src/conformance/nn_op_case.h): the same inputs, fp64
// references, poison, guards and tolerances as `bakeoff conformance`, on
// every planned case and on shapes aimed at this backend's kernels —
// attention with grouped heads, a KV cache whose unused slots hold NaN and
// both forward kernels; rope at a position past f32's integers; rmsnorm and
// softmax rows longer than a work-group. Skips where no OpenCL device is present.
#include "common/opencl_device.h"
#include "conformance/conformance.h"
#include "conformance/nn_cases.h"
#include "conformance/nn_op_case.h"
#include "numeric/rng.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>

using namespace bakeoff;
using bakeoff::testing::opencl_device;

namespace {

#define REQUIRE_OPENCL_DEVICE()                                                  \
    do {                                                                         \
        if (!opencl_device()) GTEST_SKIP() << "no OpenCL device (or no plugin)"; \
    } while (0)

// Runs one case as conformance does; it must pass.
void expect_pass(const bk_op_desc& op) {
    const auto r = conformance::run_case(*opencl_device(), op, derive_seed(42, conformance::shape_label(op)));
    EXPECT_EQ(r.outcome, conformance::Outcome::pass) << r.id() << ": " << r.detail;
}

}  // namespace

TEST(OpenclNnCases, EveryPlannedCasePassesOrIsUnsupportedWithAReason) {
    REQUIRE_OPENCL_DEVICE();
    std::set<std::string> passed;
    for (const bk_op_desc& op : conformance::planned_nn_ops()) {
        const auto r = conformance::run_case(*opencl_device(), op, derive_seed(42, conformance::shape_label(op)));
        EXPECT_TRUE(r.outcome == conformance::Outcome::pass || r.outcome == conformance::Outcome::unsupported)
            << r.id() << ": " << r.detail;
        if (r.outcome == conformance::Outcome::unsupported) {
            EXPECT_FALSE(r.detail.empty()) << r.id();
        }
        if (r.outcome == conformance::Outcome::pass) passed.insert(r.op + " " + r.dtype + " " + r.path);
    }
    // Every op runs in f32 on the portable path here.
    for (const conformance::NnOpCase& def : conformance::nn_op_cases()) {
        const std::string name = bk_op_name(def.kind);
        const std::string want = def.kind == BK_OP_CONVERT ? "convert fp32->bf16 portable" : name + " fp32 portable";
        EXPECT_TRUE(passed.count(want)) << want;
    }
}

TEST(OpenclNnCases, AttentionOnOddShapes) {
    REQUIRE_OPENCL_DEVICE();
    // Chunked prefill past one key block, grouped heads (3 per KV head), odd
    // head_dim; decode over a cache larger than seq_kv; not causal, two
    // batches; a head_dim past 128.
    using conformance::attention_shape;
    for (const bk_attention_op& a : {attention_shape(1, 6, 2, 5, 37, 45, 19, true),
                                     attention_shape(1, 8, 2, 1, 70, 96, 64, true),
                                     attention_shape(2, 3, 3, 9, 9, 9, 7, false),
                                     attention_shape(1, 2, 1, 33, 33, 40, 130, true)})
        expect_pass(conformance::attention_desc(BK_F32, a));
}

// The device picks the per-row forward kernel on CPUs and the tiled one
// elsewhere; the environment picks either for a process (read at the
// program's build), so each kernel runs in a child process.
TEST(OpenclNnCases, AttentionOnOddShapesWithEitherKernel) {
    REQUIRE_OPENCL_DEVICE();
    if (std::getenv("BAKEOFF_OPENCL_ATTENTION")) GTEST_SKIP() << "runs only in the parent process";
    char path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    ASSERT_GT(n, 0);
    path[n] = '\0';
    for (const char* kernel : {"tiled", "rows"}) {
        const std::string cmd = std::string("BAKEOFF_OPENCL_ATTENTION=") + kernel + " '" + path +
                                "' --gtest_filter=OpenclNnCases.AttentionOnOddShapes >/dev/null 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << "attention with BAKEOFF_OPENCL_ATTENTION=" << kernel;
    }
}

TEST(OpenclNnCases, RopeKeepsAccuracyAtLargePositions) {
    REQUIRE_OPENCL_DEVICE();
    // Position ~100k: in f32, pos * f_0 alone would be off by ~0.004 rad.
    for (bool inverse : {false, true})
        expect_pass(conformance::rope_desc(BK_OP_ROPE, BK_F32, 2, 3, 3, 10, 99991, 500000, inverse));
}

TEST(OpenclNnCases, RowwiseOpsOnRowsLongerThanAWorkGroup) {
    REQUIRE_OPENCL_DEVICE();
    for (bk_op_kind kind : {BK_OP_RMSNORM, BK_OP_SOFTMAX}) expect_pass(conformance::rowwise_desc(kind, BK_F32, 5, 1031));
}

TEST(OpenclNnCases, PagedAttentionOnRandomLayouts) {
    REQUIRE_OPENCL_DEVICE();
    // Shapes the conformance list does not have: the case draws random
    // sequence lengths that fit (some q_len 0), blocks in random order.
    for (bk_dtype t : {BK_F32, BK_BF16})
        for (const auto& op : {conformance::paged_attention_desc(t, 6, 40, 6, 3, 32, 7, 30, 6, true),
                               conformance::paged_attention_desc(t, 3, 20, 4, 1, 256, 3, 20, 9, false)})
            expect_pass(op);
}
