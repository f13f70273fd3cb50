// gemm with MxNxK shapes (--size 128x8192x2048nt): parsing, the cases and
// counts a shape gives, and real runs on the CPU device in both layouts, so a
// layout the workload uploaded wrongly fails verification.
#include "common/cpu_device.h"
#include "harness/runner.h"
#include "workloads/gemm/gemm_workload.h"
#include "workloads/sizes.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(GemmShape, ParsesDimensionsAndLayout) {
    EXPECT_EQ(parse_gemm_shape("128x8192x2048"), (GemmShape{128, 8192, 2048, false}));
    EXPECT_EQ(parse_gemm_shape("128x8192x2048nn"), (GemmShape{128, 8192, 2048, false}));
    EXPECT_EQ(parse_gemm_shape("1x2x3nt"), (GemmShape{1, 2, 3, true}));
    EXPECT_EQ(parse_gemm_shape("1048576x1x1"), (GemmShape{1048576, 1, 1, false}));
}

TEST(GemmShape, RefusesNonsense) {
    for (const char* bad : {"", "x", "1x2", "1x2x", "x2x3", "1x2x3x4", "0x2x3", "1x2x3tn", "1x2x3t", "1xx3",
                            "1048577x1x1", "-1x2x3", "1.5x2x3", "64Mx2x3", "nt", "99999999999x1x1"})
        EXPECT_FALSE(parse_gemm_shape(bad).has_value()) << bad;
}

TEST(GemmShape, FormatsBackToWhatParses) {
    for (const GemmShape s : {GemmShape{7, 5, 3, false}, GemmShape{128, 8192, 2048, true}}) {
        EXPECT_EQ(parse_gemm_shape(format_gemm_shape(s)), s);
    }
    EXPECT_EQ(format_gemm_shape({128, 512, 2048, true}), "128x512x2048nt");
    EXPECT_EQ(format_gemm_shape({3, 4, 5, false}), "3x4x5");
}

namespace {

const GemmWorkload& gemm() {
    static const GemmWorkload w;
    return w;
}

}  // namespace

TEST(GemmShape, ShapesGiveCasesWithTheirOwnCounts) {
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    CaseChoice choice;
    choice.dtypes = {BK_BF16};
    choice.sizes = {64};
    choice.shapes = {{128, 512, 2048, true}};
    const auto cases = gemm().cases(Suite::standard, d, choice);
    ASSERT_EQ(cases.size(), 4u);  // (square 64, the shape) x (vendor, portable)
    EXPECT_EQ(cases[0].size_label, "64");
    const CaseSpec& c = cases[2];
    EXPECT_EQ(c.size_label, "128x512x2048nt");
    EXPECT_EQ(c.params["m"], 128);
    EXPECT_EQ(c.params["n"], 512);
    EXPECT_EQ(c.params["k"], 2048);
    EXPECT_EQ(c.params["trans_b"], true);
    const WorkCounts w = gemm().counts(c);
    EXPECT_DOUBLE_EQ(w.flops, 2.0 * 128 * 512 * 2048);
    EXPECT_DOUBLE_EQ(w.bytes, (128.0 * 2048 + 2048.0 * 512) * 2 + 128.0 * 512 * 4);
    EXPECT_EQ(gemm().device_bytes(c), (128u * 2048 + 2048u * 512) * 2 + 128u * 512 * 4);
    const bk_op_desc op = gemm().ops(c).front();
    EXPECT_EQ(op.u.gemm.m, 128);
    EXPECT_EQ(op.u.gemm.n, 512);
    EXPECT_EQ(op.u.gemm.k, 2048);
    EXPECT_EQ(op.u.gemm.trans_b, 1);
    EXPECT_EQ(op.u.gemm.ldb, 2048);  // B stored n x k
    EXPECT_EQ(op.u.gemm.ldc, 512);
}

TEST(GemmShape, OnlyShapesReplaceTheSuiteSizes) {
    const DeviceInfo& d = bakeoff::testing::cpu_device().info();
    CaseChoice choice;
    choice.dtypes = {BK_F32};
    choice.shapes = {{3, 5, 7, false}};
    const auto cases = gemm().cases(Suite::full, d, choice);
    ASSERT_EQ(cases.size(), 2u);
    for (const auto& c : cases) EXPECT_EQ(c.size_label, "3x5x7");
    // Without --size the suite's square sizes stay.
    EXPECT_EQ(gemm().cases(Suite::standard, d, CaseChoice{{}, {BK_F32}, "", {}}).size(), 6u);
}

TEST(GemmShape, OddShapesVerifyInBothLayoutsOnEveryPath) {
    Device& dev = bakeoff::testing::cpu_device();
    RunOptions opts;
    opts.time_budget_s = 0.01;
    CaseChoice choice;
    choice.dtypes = {BK_F32, BK_BF16};
    // Small enough for the full fp64 check; the second has m <= 16 and a B
    // big enough for the small-m kernel, in both layouts.
    choice.shapes = {{37, 53, 71, false}, {37, 53, 71, true}, {5, 300, 999, true}, {5, 300, 999, false}};
    int ran = 0;
    for (const auto& c : gemm().cases(Suite::smoke, dev.info(), choice)) {
        const Record r = run_case(dev, gemm(), c, 11, opts);
        if (r.status == RecordStatus::unsupported) continue;  // bf16 vendor on CPUs without bf16
        EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
        ++ran;
    }
    EXPECT_GE(ran, 12);
}

TEST(GemmShape, Fp16RunsAndVerifiesOnThePortablePath) {
    // fp16 is offered on request: the workload must generate and check f16
    // inputs (it once failed every fp16 case with "no host input generator").
    Device& dev = bakeoff::testing::cpu_device();
    RunOptions opts;
    opts.time_budget_s = 0.01;
    CaseChoice choice;
    choice.dtypes = {BK_F16};
    choice.shapes = {{37, 53, 71, false}, {5, 300, 999, true}, {1, 4096, 64, true}};
    int ran = 0;
    for (const auto& c : gemm().cases(Suite::smoke, dev.info(), choice)) {
        EXPECT_EQ(c.dtype, BK_F16);
        const Record r = run_case(dev, gemm(), c, 11, opts);
        if (c.path == BK_PATH_VENDOR) {
            EXPECT_EQ(r.status, RecordStatus::unsupported) << c.id();
            EXPECT_NE(r.reason.find("fp16"), std::string::npos) << r.reason;
            continue;
        }
        EXPECT_EQ(r.status, RecordStatus::ok) << c.id() << ": " << r.reason;
        ASSERT_TRUE(r.verification.has_value()) << c.id();
        EXPECT_LE(r.verification->error, r.verification->tolerance) << c.id();
        ++ran;
    }
    EXPECT_EQ(ran, 3);
}
