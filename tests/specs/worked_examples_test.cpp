// The worked examples of docs/projections.md, reproduced from public inputs.
// Every expectation is hand arithmetic on the published figures (shown in the
// comments), checked within 5 % -- not a number copied from program output.
#include "specs/chip_db.h"
#include "specs/project_model.h"
#include "specs/project_target.h"
#include "specs/project_training.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace bakeoff::specs;

const Chip& chip(const char* id) {
    const Chip* c = ChipDatabase::embedded().find(id);
    EXPECT_NE(c, nullptr) << id;
    return *c;
}

// |actual / expected - 1| <= 5 %
void expect_within_5pct(double actual, double expected) {
    EXPECT_LE(std::fabs(actual / expected - 1.0), 0.05) << "actual " << actual << ", expected " << expected;
}

TEST(WorkedExamples, DatabaseFiguresUsed) {
    // The examples rest on these database rows (NVIDIA datasheets, sparse halved).
    EXPECT_EQ(*chip("h800-sxm5-80gb").bf16_tflops, 989.5);
    EXPECT_EQ(*chip("h100-sxm5-80gb").bf16_tflops, 989.5);
    EXPECT_EQ(*chip("h800-sxm5-80gb").tdp_w, 700);
}

// DeepSeek-V3 technical report (arXiv 2412.19437): 14.8 T tokens, 37 B activated
// parameters, 2.788 M H800 GPU-hours in all, on a cluster of 2,048 H800s.
TEST(WorkedExamples, DeepSeekV3ImpliedMfuOnH800) {
    TrainInput in;
    in.flops = training_flops(37e9, 14.8e12);
    // 6 x 37e9 x 14.8e12 = 222e9 x 14.8e12 = 3.2856e24 FLOPs
    EXPECT_DOUBLE_EQ(in.flops, 3.2856e24);
    in.reported_chip_hours = 2.788e6;
    const auto t = target_for_chip(chip("h800-sxm5-80gb"), "bf16");
    const auto r = project_training(in, t);
    ASSERT_TRUE(r.implied_mfu);
    // At 100 % of 989.5 TFLOPS: 3.2856e24 / 989.5e12 = 3.3205e9 s = 922,400 h.
    // Implied MFU = 922,400 / 2,788,000 = 0.331 (33 % of the dense BF16 peak; the
    // run used FP8 GEMMs, so against the 1,979 TFLOPS FP8 peak it is half that).
    expect_within_5pct(*r.implied_mfu.value, 0.331);
}

TEST(WorkedExamples, DeepSeekV3DaysOn2048H800) {
    TrainInput in;
    in.flops = training_flops(37e9, 14.8e12);
    in.mfu = 0.331;  // the implied MFU above
    in.devices = 2048;
    in.pue = 1.2;
    const auto r = project_training(in, target_for_chip(chip("h800-sxm5-80gb"), "bf16"));
    ASSERT_TRUE(r.chip_hours && r.days_on_devices && r.energy_mwh);
    // Chip-hours at MFU 0.331: 922,400 / 0.331 = 2.787 M (the reported 2.788 M).
    expect_within_5pct(*r.chip_hours.value, 2.788e6);
    // Days on 2,048: 2.788e6 / 2,048 / 24 = 56.7 days -- the reported "about 57 days"
    // (under two months).
    expect_within_5pct(*r.days_on_devices.value, 57.0);
    // Energy: 2.788e6 h x 700 W x 1.2 = 2.342e9 Wh = 2,342 MWh.
    expect_within_5pct(*r.energy_mwh.value, 2342.0);
}

// Llama 3.1 405B (model card; "The Llama 3 Herd of Models", 2024): about 3.8e25
// training FLOPs, 30.84 M H100-80GB GPU-hours, on up to 16,384 H100s.
TEST(WorkedExamples, Llama31_405bImpliedMfuOnH100) {
    TrainInput in;
    in.flops = 3.8e25;
    in.reported_chip_hours = 30.84e6;
    const auto r = project_training(in, target_for_chip(chip("h100-sxm5-80gb"), "bf16"));
    ASSERT_TRUE(r.implied_mfu);
    // At 100 % of 989.5 TFLOPS: 3.8e25 / 989.5e12 = 3.840e10 s = 1.0668e7 h.
    // Implied MFU = 1.0668e7 / 3.084e7 = 0.346 (the paper reports 38-43 % BF16 MFU
    // during pretraining; the GPU-hours also cover restarts and other phases).
    expect_within_5pct(*r.implied_mfu.value, 0.346);
}

TEST(WorkedExamples, Llama31_405bFlopsFromSixND) {
    // 6 x 405e9 x 15.6e12 tokens (paper) = 2.43e12 x 15.6e12 = 3.79e25 ~ the quoted 3.8e25.
    expect_within_5pct(training_flops(405e9, 15.6e12), 3.8e25);
}

TEST(WorkedExamples, Llama31_405bDaysOn16kH100) {
    TrainInput in;
    in.flops = 3.8e25;
    in.mfu = 0.346;
    in.devices = 16384;
    in.days = 78.4;
    const auto r = project_training(in, target_for_chip(chip("h100-sxm5-80gb"), "bf16"));
    // 30.84e6 h / 16,384 / 24 = 78.4 days of the whole cluster at that MFU.
    expect_within_5pct(*r.days_on_devices.value, 78.4);
    // and so 78.4 days take ceil(30.84e6 / (24 x 78.4)) = 16,391 ~ 16,384 chips.
    expect_within_5pct(*r.devices_for_days.value, 16384);
}

TEST(WorkedExamples, DeepSeekV3OnH20TakesLonger) {
    // The same 3.2856e24 FLOPs at the same MFU on H20s (148 TFLOPS dense BF16):
    // 3.2856e24 / (148e12 x 0.331) / 3600 = 1.863e7 chip-hours, 989.5 / 148 = 6.69x
    // the H800's; on 2,048 H20s: 1.863e7 / 2,048 / 24 = 379 days.
    TrainInput in;
    in.flops = training_flops(37e9, 14.8e12);
    in.mfu = 0.331;
    in.devices = 2048;
    const auto r = project_training(in, target_for_chip(chip("h20"), "bf16"));
    expect_within_5pct(*r.chip_hours.value, 1.863e7);
    expect_within_5pct(*r.days_on_devices.value, 379.0);
}

}  // namespace
