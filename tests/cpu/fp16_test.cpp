// The plugin SDK's fp16 conversions (bakeoff/plugin_half.h, used by the CPU backend) against the slow reference
// (f16_reference.h): widening of every pattern, narrowing at and around every
// rounding tie, overflow, subnormals and NaN; and, where the CPU has F16C,
// bit for bit against vcvtph2ps / vcvtps2ph, which the vector paths use.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu_internal.h"
#include "f16_reference.h"
#include "fp16.h"

namespace {

uint32_t bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
float from_bits(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

TEST(CpuFp16, WideningIsExactForEveryPattern) {
    for (uint32_t h = 0; h < 0x10000u; ++h) {
        const float got = bk_f16_to_f32(static_cast<uint16_t>(h));
        ASSERT_EQ(bits(got), bits(f16_ref::to_float(static_cast<uint16_t>(h)))) << std::hex << "h=0x" << h;
    }
}

TEST(CpuFp16, NarrowingEdgeCases) {
    struct Case {
        float in;
        uint16_t want;
    };
    const Case cases[] = {
        {1.0f + 0x1p-11f, 0x3C00},             // tie between 1 and 1 + 2^-10: even (1)
        {1.0f + 0x1p-11f + 0x1p-23f, 0x3C01},  // just past the tie: up
        {1.0f + 0x1p-11f - 0x1p-24f, 0x3C00},  // just below it: down
        {1.0f + 3 * 0x1p-11f, 0x3C02},         // tie, odd below: up to even
        {65504.0f, 0x7BFF},                    // the largest finite
        {65519.996f, 0x7BFF},                  // below the tie with 2^16
        {65520.0f, 0x7C00},                    // the tie: even is 2^16, out of range: inf
        {-65520.0f, 0xFC00},
        {1e30f, 0x7C00},
        {HUGE_VALF, 0x7C00},
        {-HUGE_VALF, 0xFC00},
        {0x1p-24f, 0x0001},                    // the smallest subnormal
        {0x1p-25f, 0x0000},                    // half of it: tie to even (zero)
        {0x1p-25f + 0x1p-40f, 0x0001},         // just past: up
        {-0x1p-25f - 0x1p-40f, 0x8001},
        {3 * 0x1p-25f, 0x0002},                // 1.5 units: tie to even (2)
        {0x1p-14f - 0x1p-25f, 0x0400},         // 1023.5 units: even is 1024, the smallest normal
        {0x1p-14f, 0x0400},
        {0x1p-140f, 0x0000},                   // an f32 subnormal: zero
        {-0.0f, 0x8000},
        {0.0f, 0x0000},
        {-2.5f, 0xC100},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(bk_f32_to_f16(c.in), c.want) << std::hexfloat << c.in;
        EXPECT_EQ(f16_ref::round(c.in), c.want) << "reference: " << std::hexfloat << c.in;
    }
}

TEST(CpuFp16, NanStaysNanAndBecomesQuiet) {
    // A signalling NaN whose payload lies only in the dropped bits must not
    // turn into infinity; the sign and the top of the payload are kept.
    const uint32_t nans[] = {0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFF800001u, 0x7FA00000u, 0x7FFFFFFFu};
    for (uint32_t n : nans) {
        const uint16_t h = bk_f32_to_f16(from_bits(n));
        EXPECT_TRUE(f16_ref::is_nan(h)) << std::hex << n << " -> " << h;
        EXPECT_EQ(h & 0x0200u, 0x0200u) << std::hex << n << " -> " << h << " is not quiet";
        EXPECT_EQ(h & 0x8000u, (n >> 16) & 0x8000u) << std::hex << n;
        EXPECT_EQ(h & 0x1FFu, (n >> 13) & 0x1FFu) << std::hex << n;
    }
    // Widening a signalling fp16 NaN gives a quiet f32 NaN.
    const float w = bk_f16_to_f32(0x7C01);
    EXPECT_TRUE(std::isnan(w));
    EXPECT_EQ(bits(w) & 0x00400000u, 0x00400000u);
}

// At every finite fp16 value and every tie between neighbours (and one f32
// step either side of it), and on a sweep of f32 patterns, narrowing equals
// rounding the exact value once.
TEST(CpuFp16, NarrowingMatchesCorrectRoundingAtEveryTie) {
    std::vector<float> probes;
    for (uint32_t h = 0; h < 0x7C00u; ++h) {
        const double lo = f16_ref::to_float(static_cast<uint16_t>(h));
        const double hi = h + 1 < 0x7C00u ? double(f16_ref::to_float(static_cast<uint16_t>(h + 1))) : 65536.0;
        const float mid = static_cast<float>((lo + hi) / 2);  // exact: the tie has 12 bits
        for (float x : {static_cast<float>(lo), mid, std::nextafter(mid, 0.0f), std::nextafter(mid, HUGE_VALF)}) {
            probes.push_back(x);
            probes.push_back(-x);
        }
    }
    for (uint64_t u = 0; u < (1ull << 32); u += 4099) {
        const float x = from_bits(static_cast<uint32_t>(u));
        if (!std::isnan(x)) probes.push_back(x);
    }
    int bad = 0;
    for (float x : probes) {
        const uint16_t got = bk_f32_to_f16(x), want = f16_ref::round(x);
        if (got != want && bad++ < 5)
            ADD_FAILURE() << std::hexfloat << x << ": got 0x" << std::hex << got << ", want 0x" << want;
    }
}

#if defined(__x86_64__)
__attribute__((target("f16c"))) float hw_widen(uint16_t h) {
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}
__attribute__((target("f16c"))) uint16_t hw_narrow(float f) {
    return static_cast<uint16_t>(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(f), _MM_FROUND_TO_NEAREST_INT), 0));
}

TEST(CpuFp16, SoftwareConversionsGiveF16csBits) {
    if (!bk_cpu::cpu_isa().f16c) GTEST_SKIP() << "no F16C";
    for (uint32_t h = 0; h < 0x10000u; ++h)
        ASSERT_EQ(bits(bk_f16_to_f32(static_cast<uint16_t>(h))), bits(hw_widen(static_cast<uint16_t>(h))))
            << std::hex << "h=0x" << h;
    int bad = 0;
    for (uint64_t u = 0; u < (1ull << 32); u += 257) {
        const float x = from_bits(static_cast<uint32_t>(u));
        const uint16_t sw = bk_f32_to_f16(x), hw = hw_narrow(x);
        if (sw != hw && bad++ < 5)
            ADD_FAILURE() << std::hex << "f32 0x" << u << ": software 0x" << sw << ", F16C 0x" << hw;
    }
}
#endif

TEST(CpuFp16, Avx2KernelsAreChosenOnlyWithF16c) {
    // The AVX2 kernel files are compiled for F16C (fp16 packing).
    if (bk_cpu::kernel_isa() == bk_cpu::KernelIsa::avx2) {
        EXPECT_TRUE(bk_cpu::cpu_isa().f16c);
    }
}

}  // namespace
