#include "numeric/rng.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace bakeoff;

TEST(Rng, SameSeedSameValuesWhateverTheThreadCount) {
    std::vector<double> a(300000), b(300000);
    omp_set_num_threads(1);
    fill_uniform(a.data(), a.size(), 99, 0.5, 1.5);
    omp_set_num_threads(2);
    fill_uniform(b.data(), b.size(), 99, 0.5, 1.5);
    EXPECT_EQ(a, b);
}

TEST(Rng, DifferentSeedsDifferAndValuesStayInRange) {
    std::vector<float> a(10000), b(10000);
    fill_uniform(a.data(), a.size(), 1, 0.5f, 1.5f);
    fill_uniform(b.data(), b.size(), 2, 0.5f, 1.5f);
    EXPECT_NE(a, b);
    for (float v : a) {
        ASSERT_GE(v, 0.5f);
        ASSERT_LT(v, 1.5f);
    }
}

TEST(Rng, Int8RangeIsRespectedAndCovered) {
    std::vector<std::int8_t> a(100000);
    fill_uniform_int8(a.data(), a.size(), 5, 0, 127);
    int lo = 255, hi = -255;
    for (auto v : a) {
        lo = std::min<int>(lo, v);
        hi = std::max<int>(hi, v);
    }
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 127);
}

TEST(Rng, DerivedSeedsDependOnTheCaseId) {
    EXPECT_EQ(derive_seed(42, "gemm/fp32/4096/vendor"), derive_seed(42, "gemm/fp32/4096/vendor"));
    EXPECT_NE(derive_seed(42, "gemm/fp32/4096/vendor"), derive_seed(42, "gemm/fp32/4096/portable"));
    EXPECT_NE(derive_seed(42, "gemm/fp32/4096/vendor"), derive_seed(43, "gemm/fp32/4096/vendor"));
}

TEST(Rng, Bf16RoundsToNearestEvenAndWidensExactly) {
    EXPECT_EQ(float_to_bf16(1.0f), 0x3F80);
    EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
    // 1 + 2^-8 lies exactly between two bf16 values: ties go to the even one (1.0).
    EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f), 0x3F80);
    // 1 + 3 * 2^-8 rounds up to 1 + 2^-6.
    EXPECT_EQ(bf16_to_float(float_to_bf16(1.0f + 3 * 0x1p-8f)), 1.0f + 0x1p-6f);
}

TEST(Rng, Bf16KeepsNanAndInfinityInALoopTheCompilerMayVectorize) {
    // A NaN whose payload sits only in the low 16 bits would round to infinity
    // without the NaN guard; the guard must survive vectorization.
    const std::uint32_t bits[] = {0x7f800001u, 0xff800001u, 0x7fc00000u, 0x7f800000u, 0xff800000u, 0x3f800000u,
                                  0x7f7fffffu};
    std::vector<float> in(4096);
    for (std::size_t i = 0; i < in.size(); ++i) std::memcpy(&in[i], &bits[i % 7], 4);
    std::vector<std::uint16_t> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = float_to_bf16(in[i]);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float back = bf16_to_float(out[i]);
        if (std::isnan(in[i])) {
            ASSERT_TRUE(std::isnan(back)) << i;
        } else if (std::isinf(in[i]) || i % 7 == 6) {
            ASSERT_TRUE(std::isinf(back)) << i;  // the largest float rounds up past bf16's largest
            ASSERT_EQ(std::signbit(back), std::signbit(in[i])) << i;
        } else {
            ASSERT_EQ(back, in[i]) << i;
        }
    }
}

TEST(Rng, IndexedDrawsEqualTheSequence) {
    SplitMix64 seq(1234), indexed(1234);
    for (std::uint64_t i = 0; i < 1000; ++i) {
        const std::uint64_t v = seq.next();
        ASSERT_EQ(indexed.at(i), v) << i;
    }
    EXPECT_EQ(indexed.state, 1234u);  // at() does not advance
    EXPECT_EQ(indexed.uniform_at(3), SplitMix64::to_unit(indexed.at(3)));
}
