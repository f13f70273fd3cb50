// The conformance reference itself: fp16 conversion, and check_gemm on
// transposes, padded leading dimensions, alpha/beta, poison and padding.
#include "conformance/gemm_reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace bakeoff::conformance {
namespace {

TEST(ConformanceReference, F16RoundTripAndRounding) {
    EXPECT_EQ(float_to_f16(1.0f), 0x3C00);
    EXPECT_EQ(float_to_f16(-2.0f), 0xC000);
    EXPECT_EQ(float_to_f16(65504.0f), 0x7BFF);
    EXPECT_EQ(float_to_f16(70000.0f), 0x7C00);
    EXPECT_EQ(float_to_f16(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
    EXPECT_EQ(float_to_f16(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
    EXPECT_EQ(float_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3C00);      // tie -> even
    EXPECT_EQ(float_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);  // tie -> even (up)
    for (std::uint32_t h = 0; h < 0x7C00; ++h) {
        EXPECT_EQ(float_to_f16(f16_to_float(std::uint16_t(h))), h);
        EXPECT_EQ(float_to_f16(-f16_to_float(std::uint16_t(h))), h | 0x8000u);
    }
}

TEST(ConformanceReference, NarrowingFromDoubleRoundsOnce) {
    // Just above a bf16 / f16 tie: correct rounding goes up; rounding through
    // float first lands on the tie and then goes to even (down).
    std::uint16_t h = 0;
    store_element(BK_BF16, &h, 0, 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40));
    EXPECT_EQ(h, 0x3F81);
    store_element(BK_BF16, &h, 0, -(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40)));
    EXPECT_EQ(h, 0xBF81);
    store_element(BK_F16, &h, 0, 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40));
    EXPECT_EQ(h, 0x3C01);
    // Exact ties and values a float holds are unchanged by the detour.
    store_element(BK_BF16, &h, 0, 1.0 + std::ldexp(1.0, -8));
    EXPECT_EQ(h, 0x3F80);
    store_element(BK_F16, &h, 0, 1.0 + 3 * std::ldexp(1.0, -11));
    EXPECT_EQ(h, 0x3C02);
    store_element(BK_F16, &h, 0, 1e6);  // past f16's range
    EXPECT_EQ(h, 0x7C00);
}

constexpr std::uint32_t kPoison = 0x7FF87FF8u;

// A 2x3x2 fp64 GEMM with transposed A, padded ldc, alpha and beta.
struct Fixture {
    bk_op_desc op{};
    std::vector<unsigned char> a, b, c0, c;
    Fixture() {
        op.struct_size = sizeof op;
        op.kind = BK_OP_GEMM;
        op.dtype_a = op.dtype_b = op.dtype_c = BK_F64;
        auto& g = op.u.gemm;
        g.m = 2, g.n = 3, g.k = 2, g.trans_a = 1, g.lda = 2, g.ldb = 3, g.ldc = 4, g.alpha = 2, g.beta = -1;
        // op(A) = [[1, 2], [3, 4]] stored transposed: A = [[1, 3], [2, 4]].
        const double av[] = {1, 3, 2, 4}, bv[] = {1, 0, 2, 0, 1, 1};
        a.resize(sizeof av), std::memcpy(a.data(), av, sizeof av);
        b.resize(sizeof bv), std::memcpy(b.data(), bv, sizeof bv);
        c0.resize(2 * 4 * 8);
        for (std::size_t w = 0; w < c0.size(); w += 4) std::memcpy(c0.data() + w, &kPoison, 4);
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) store_element(BK_F64, c0.data(), std::size_t(i * 4 + j), 10.0 * i + j);
        // op(A) B = [[1, 2, 4], [3, 4, 10]]; 2 (op(A) B) - C0.
        c = c0;
        const double want[2][3] = {{2 - 0, 4 - 1, 8 - 2}, {6 - 10, 8 - 11, 20 - 12}};
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) store_element(BK_F64, c.data(), std::size_t(i * 4 + j), want[i][j]);
    }
};

TEST(ConformanceReference, GemmWithTransposePaddingAlphaBetaPasses) {
    Fixture f;
    const auto r = check_gemm(f.op, f.a, f.b, f.c0, f.c, kPoison);
    EXPECT_TRUE(r.ok) << r.detail;
    EXPECT_EQ(r.error, 0);
}

TEST(ConformanceReference, GemmWrongEntryFails) {
    Fixture f;
    store_element(BK_F64, f.c.data(), 4 + 2, 8.5);
    const auto r = check_gemm(f.op, f.a, f.b, f.c0, f.c, kPoison);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("C[1][2]"), std::string::npos) << r.detail;
}

TEST(ConformanceReference, GemmPaddingWrittenFails) {
    Fixture f;
    store_element(BK_F64, f.c.data(), 3, 0.0);
    const auto r = check_gemm(f.op, f.a, f.b, f.c0, f.c, kPoison);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("padding"), std::string::npos) << r.detail;
}

TEST(ConformanceReference, GemmUnwrittenFails) {
    Fixture f;
    f.c = f.c0;
    f.op.u.gemm.beta = 0;  // C0 is then ignored; the NaN poison stays
    for (std::size_t w = 0; w < f.c.size(); w += 4) std::memcpy(f.c.data() + w, &kPoison, 4);
    const auto r = check_gemm(f.op, f.a, f.b, f.c0, f.c, kPoison);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.detail.find("not written"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace bakeoff::conformance
