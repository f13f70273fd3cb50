// Roofline, serving and model-shape arithmetic, expectations by hand.
#include "specs/chip_db.h"
#include "specs/project_model.h"
#include "specs/project_roofline.h"
#include "specs/project_serving.h"
#include "specs/project_target.h"
#include "specs/project_training.h"

#include <gtest/gtest.h>

namespace {

using namespace bakeoff::specs;

const Chip& chip(const char* id) { return *ChipDatabase::embedded().find(id); }

TEST(ProjectModel, ParseCount) {
    EXPECT_EQ(*parse_count("4096"), 4096);
    EXPECT_EQ(*parse_count("70B"), 70e9);
    EXPECT_EQ(*parse_count("14.8T"), 14.8e12);
    EXPECT_EQ(*parse_count("2.788M"), 2.788e6);
    EXPECT_EQ(*parse_count("1e3"), 1000);
    for (const char* bad : {"", "abc", "-1", "0", "1.5X", "B", "1,000", " 5", "inf", "nan"})
        EXPECT_FALSE(parse_count(bad)) << bad;
}

TEST(ProjectModel, Presets) {
    const auto* l8 = find_model_preset("LLAMA-3.1-8B");
    ASSERT_NE(l8, nullptr);
    // 2 (K, V) x 32 layers x 8 KV heads x 128 = 65,536 elements/token; bf16 = 128 KiB.
    EXPECT_EQ(*l8->kv_elements_per_token(), 65536);
    const auto* ds = find_model_preset("deepseek-v3");
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(ds->total_params, 671e9);
    EXPECT_EQ(ds->active_params, 37e9);
    // MLA: 61 layers x (512 latent + 64 RoPE key) = 35,136 elements/token.
    EXPECT_EQ(*ds->kv_elements_per_token(), 35136);
    EXPECT_EQ(find_model_preset("gpt-5"), nullptr);
    EXPECT_EQ(*dtype_bytes("BF16"), 2);
    EXPECT_EQ(*dtype_bytes("int4"), 0.5);
    EXPECT_FALSE(dtype_bytes("fp7"));
}

TEST(ProjectRoofline, LargeGemmIsComputeBound) {
    // 8192^3 bf16 on H100: 2 x 8192^3 = 1.0995e12 FLOPs / 989.5e12 = 1.111 ms;
    // bytes = 3 x 8192^2 x 2 = 4.027e8 / 3.35e12 = 0.120 ms -> compute bound.
    const auto t = target_for_chip(chip("h100-sxm5-80gb"), "bf16");
    const auto r = roofline(gemm_flops(8192, 8192, 8192), gemm_bytes(8192, 8192, 8192, 2), t);
    EXPECT_EQ(r.bound, "compute");
    EXPECT_NEAR(*r.time_s.value, 1.0995e12 / 989.5e12, 1e-6);  // within 1 us
    EXPECT_NEAR(*r.memory_s.value, 4.0265e8 / 3.35e12, 1e-9);
    EXPECT_NEAR(*r.achieved_tflops.value, 989.5, 1e-6);
    // Ridge: 989.5e12 / 3.35e12 = 295.4 FLOP/byte.
    EXPECT_NEAR(*r.ridge.value, 295.37, 0.01);
}

TEST(ProjectRoofline, SkinnyGemmAndCopyAreMemoryBound) {
    const auto t = target_for_chip(chip("h20"), "bf16");
    // m = 1 (a decode GEMV) 1 x 8192 x 8192: bytes ~ 8192^2 x 2 = 1.342e8 / 4.0e12 = 33.6 us.
    const auto r = roofline(gemm_flops(1, 8192, 8192), gemm_bytes(1, 8192, 8192, 2), t);
    EXPECT_EQ(r.bound, "memory");
    EXPECT_NEAR(*r.time_s.value, (8192.0 * 8192 + 2 * 8192) * 2 / 4.0e12, 1e-12);
    // A pure copy of 1e9 bytes needs no peak at all: 1e9 / 4.0e12 = 0.25 ms.
    const auto c = roofline(0, 1e9, t);
    EXPECT_EQ(c.bound, "memory");
    EXPECT_DOUBLE_EQ(*c.time_s.value, 2.5e-4);
}

TEST(ProjectRoofline, MissingPeakIsUnknownNotZero) {
    const auto t = target_for_chip(chip("ascend-910c"), "bf16");  // only an FP16 peak is published
    const auto r = roofline(gemm_flops(4096, 4096, 4096), gemm_bytes(4096, 4096, 4096, 2), t);
    EXPECT_FALSE(r.time_s);
    EXPECT_EQ(r.time_s.missing, "no bf16 peak in the database");
    EXPECT_EQ(r.bound, "");
    // A memory-only op still works: 1e9 / 3.2e12 = 0.3125 ms.
    EXPECT_DOUBLE_EQ(*roofline(0, 1e9, t).time_s.value, 1e9 / 3.2e12);
}

TEST(ProjectServing, Llama70bDecodeOnH100) {
    ServeInput in;
    in.model = *find_model_preset("llama-3.1-70b");
    in.context = 4096;
    in.batch = 1;
    const auto r = project_serving(in, target_for_chip(chip("h100-sxm5-80gb"), "bf16"));
    // Weights: 70.6e9 x 2 = 141.2 GB; KV: 2 x 80 x 8 x 128 x 2 B = 327,680 B/token,
    // x 4096 = 1.342 GB; total 142.54 GB -> ceil(142.54 / 80) = 2 H100s.
    EXPECT_DOUBLE_EQ(r.weight_bytes_total, 141.2e9);
    EXPECT_DOUBLE_EQ(*r.kv_bytes_per_token, 327680);
    EXPECT_EQ(*r.devices.value, 2);
    EXPECT_TRUE(r.devices_from_capacity);
    // Decode: 2 x 3.35e12 / 142.54e9 = 47.0 tokens/s.
    const double step = 141.2e9 + 4096.0 * 327680;
    EXPECT_NEAR(*r.decode_tokens_s.value, 2 * 3.35e12 / step, 1e-9);
    EXPECT_EQ(r.decode_bound, "memory");
    // Prefill: 2 x 989.5e12 / (2 x 70.6e9) = 14,016 tokens/s.
    EXPECT_NEAR(*r.prefill_tokens_s.value, 2 * 989.5e12 / (2 * 70.6e9), 1e-6);
}

TEST(ProjectServing, MoeReadsOnlyActiveWeightsAtBatchOne) {
    ServeInput in;
    in.model = *find_model_preset("deepseek-v3");
    in.weight_bytes = 1;  // fp8
    in.kv_bytes = 2;
    in.context = 8192;
    in.batch = 1;
    in.devices = 8;
    const auto r = project_serving(in, target_for_chip(chip("h20"), "fp8"));
    // Stored: 671 GB fp8 + 8192 x 35,136 x 2 = 0.576 GB KV = 671.6 GB <= 8 x 96 GB.
    EXPECT_EQ(r.fits, "yes");
    // Read per step: 37e9 x 1 + 0.5756e9 = 37.576e9 B; 8 x 4.0e12 / 37.576e9 = 851.6 tok/s.
    const double step = 37e9 + 8192.0 * 35136 * 2;
    EXPECT_NEAR(*r.decode_tokens_s.value, 8 * 4.0e12 / step, 1e-6);
    // At batch 64 every expert is read: min(671e9, 64 x 37e9) = 671e9.
    in.batch = 64;
    const auto b = project_serving(in, target_for_chip(chip("h20"), "fp8"));
    EXPECT_NEAR(*b.bytes_per_step.value, 671e9 + 64 * 8192.0 * 35136 * 2, 1);
    // 671 + 64 x 8192 x 35,136 x 2 / 1e9 = 671 + 36.8 = 707.8 GB <= 768 GB: fits.
    EXPECT_EQ(b.fits, "yes");
    // Batch 256: 671 + 147.4 = 818.4 GB > 768; ceil(818.4 / 96) = 9 H20s needed.
    in.batch = 256;
    EXPECT_EQ(project_serving(in, target_for_chip(chip("h20"), "fp8")).fits, "no (needs 9)");
}

TEST(ProjectServing, UnknownBandwidthOrGeometryIsSaid) {
    ServeInput in;
    in.model.name = "custom";
    in.model.total_params = in.model.active_params = 7e9;  // no KV geometry
    const auto r = project_serving(in, target_for_chip(chip("h100-sxm5-80gb"), "bf16"));
    EXPECT_FALSE(r.decode_tokens_s);
    EXPECT_NE(r.decode_tokens_s.missing.find("KV-cache geometry"), std::string::npos);
}

TEST(ProjectTraining, MissingTdpAndPeakAreNamed) {
    TrainInput in;
    in.flops = 1e24;
    const auto bf = project_training(in, target_for_chip(chip("ascend-910c"), "bf16"));
    EXPECT_FALSE(bf.chip_hours);
    EXPECT_EQ(bf.chip_hours.missing, "no bf16 peak in the database");
    const auto fp = project_training(in, target_for_chip(chip("ascend-910c"), "fp16"));
    // 1e24 / (752e12 x 0.4) / 3600 = 923,463 chip-hours.
    EXPECT_NEAR(*fp.chip_hours.value, 1e24 / (752e12 * 0.4) / 3600, 1e-3);
    EXPECT_FALSE(fp.energy_mwh);
    EXPECT_EQ(fp.energy_mwh.missing, "no TDP in the database");
    EXPECT_FALSE(fp.cost_usd);
    EXPECT_EQ(fp.cost_usd.missing, "no price per chip-hour given");
}

TEST(ProjectTraining, CostFromUserPrice) {
    TrainInput in;
    in.flops = 1e24;
    PriceSource price;
    price.flat_per_hour = 2.0;
    const auto r = project_training(in, target_for_chip(chip("h100-sxm5-80gb"), "bf16", price));
    // 1e24 / (989.5e12 x 0.4) / 3600 = 701,814 h x $2 = $1.404 M.
    EXPECT_NEAR(*r.cost_usd.value, 2.0 * 1e24 / (989.5e12 * 0.4) / 3600, 1e-3);
}

}  // namespace
