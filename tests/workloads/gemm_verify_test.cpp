#include "numeric/rng.h"
#include "workloads/gemm/gemm_verify.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace bakeoff;

namespace {
// C = A B computed naively in the output type.
template <typename T>
HostMatrix naive(const HostMatrix& a, const HostMatrix& b, bk_dtype out) {
    HostMatrix c(out, a.rows, b.cols);
    T* p = reinterpret_cast<T*>(c.bytes.data());
    for (std::int64_t i = 0; i < a.rows; ++i)
        for (std::int64_t j = 0; j < b.cols; ++j) {
            T s = 0;
            for (std::int64_t l = 0; l < a.cols; ++l) s += T(a.at(i, l)) * T(b.at(l, j));
            p[i * b.cols + j] = s;
        }
    return c;
}

HostMatrix random_f32(std::int64_t r, std::int64_t c, std::uint64_t seed) {
    HostMatrix m(BK_F32, r, c);
    fill_uniform(reinterpret_cast<float*>(m.bytes.data()), std::size_t(r * c), seed, -1.0f, 1.0f);
    return m;
}
}  // namespace

TEST(GemmVerify, AcceptsACorrectFp32Product) {
    auto a = random_f32(37, 53, 1), b = random_f32(53, 29, 2);
    auto v = verify_gemm(a, b, naive<float>(a, b, BK_F32), 3);
    EXPECT_TRUE(v.ok) << v.detail;
    EXPECT_LE(v.error, v.tolerance);
    EXPECT_GT(v.error, 0);  // fp32 rounding is visible against fp64
}

TEST(GemmVerify, CatchesOneWrongElement) {
    auto a = random_f32(64, 64, 1), b = random_f32(64, 64, 2);
    auto c = naive<float>(a, b, BK_F32);
    reinterpret_cast<float*>(c.bytes.data())[17 * 64 + 40] += 0.01f;
    auto v = verify_gemm(a, b, c, 3);
    EXPECT_FALSE(v.ok);
}

TEST(GemmVerify, CatchesATransposedResult) {
    auto a = random_f32(48, 48, 1), b = random_f32(48, 48, 2);
    auto c = naive<float>(a, b, BK_F32);
    HostMatrix t(BK_F32, 48, 48);
    for (int i = 0; i < 48; ++i)
        for (int j = 0; j < 48; ++j)
            reinterpret_cast<float*>(t.bytes.data())[j * 48 + i] = reinterpret_cast<float*>(c.bytes.data())[i * 48 + j];
    EXPECT_FALSE(verify_gemm(a, b, t, 3).ok);
}

TEST(GemmVerify, CatchesAnUnwrittenElementByItsPoison) {
    auto a = random_f32(32, 32, 1), b = random_f32(32, 32, 2);
    auto c = naive<float>(a, b, BK_F32);
    const std::uint32_t poison = 0x7FF87FF8u;
    std::memcpy(c.bytes.data() + 4 * 100, &poison, 4);
    auto v = verify_gemm(a, b, c, 3);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.detail.find("not written"), std::string::npos);
}

TEST(GemmVerify, Int8IsExactAndAnOffByOneFails) {
    HostMatrix a(BK_I8, 40, 70), b(BK_I8, 70, 30);
    fill_uniform_int8(reinterpret_cast<std::int8_t*>(a.bytes.data()), 40 * 70, 1, 0, 127);
    fill_uniform_int8(reinterpret_cast<std::int8_t*>(b.bytes.data()), 70 * 30, 2, -128, 127);
    auto c = naive<std::int32_t>(a, b, BK_I32);
    auto v = verify_gemm(a, b, c, 3);
    EXPECT_TRUE(v.ok) << v.detail;
    EXPECT_EQ(v.error, 0.0);
    EXPECT_EQ(v.tolerance, 0.0);
    reinterpret_cast<std::int32_t*>(c.bytes.data())[5] += 1;
    EXPECT_FALSE(verify_gemm(a, b, c, 3).ok);
}

TEST(GemmVerify, ToleranceGrowsWithKAndShrinksWithPrecision) {
    EXPECT_LT(gemm_tolerance(BK_F64, 1024), gemm_tolerance(BK_F32, 1024));
    EXPECT_LT(gemm_tolerance(BK_F32, 128), gemm_tolerance(BK_F32, 4096));
    // gamma_k = k u / (1 - k u) for fp32 at k = 1024, plus the fp64 reference term.
    const double ku = 1024 * 0x1p-24;
    EXPECT_NEAR(gemm_tolerance(BK_F32, 1024), ku / (1 - ku) + 4 * 1026 * 0x1p-53, 1e-15);
}
