// IEEE binary16 (fp16) storage: the type and its exact conversions to and
// from f32 in plain C++, for CPUs without F16C and for scalar tails. They give
// the same bits as F16C's vcvtph2ps and vcvtps2ph (round to nearest even), so
// a vector path may use those instead: widening is exact for every pattern
// (subnormals included, a NaN keeps its payload and comes back quiet);
// narrowing rounds to nearest even, past 65504 to infinity, NaN to a quiet NaN.
#pragma once

#include <cstdint>
#include <cstring>

namespace bk_cpu {

// An fp16 value as its bit pattern; a type of its own so that overloads and
// templates tell it from bf16 (also 16 bits).
struct f16 {
    uint16_t bits;
};
static_assert(sizeof(f16) == 2, "f16 is stored as 2 bytes");

inline float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t em = h & 0x7FFFu;  // exponent and mantissa fields
    uint32_t w;
    if (em >= 0x7C00u) {  // inf, or NaN made quiet
        w = 0x7F800000u | ((em & 0x3FFu) << 13) | (em > 0x7C00u ? 0x00400000u : 0u);
    } else if (em >= 0x0400u) {  // normal: rebias the exponent from 15 to 127
        w = (em << 13) + 0x38000000u;
    } else {  // zero or subnormal: m * 2^-24, a normal f32 (exact)
        const float f = static_cast<float>(em) * 0x1p-24f;
        std::memcpy(&w, &f, 4);
    }
    w |= sign;
    float out;
    std::memcpy(&out, &w, 4);
    return out;
}

inline uint16_t f32_to_f16(float v) {
    uint32_t w;
    std::memcpy(&w, &v, 4);
    const uint32_t sign = (w >> 16) & 0x8000u;
    const uint32_t a = w & 0x7FFFFFFFu;
    uint32_t h;
    if (a > 0x7F800000u) {  // NaN: quiet, the top of the payload kept
        h = 0x7E00u | ((a >> 13) & 0x3FFu);
    } else if (a >= 0x477FF000u) {  // 65520 (the tie past 65504, even is up) and beyond
        h = 0x7C00u;
    } else if (a >= 0x38800000u) {  // normal (>= 2^-14): rebias, round the 13 dropped bits
        h = (a - 0x38000000u + 0xFFFu + ((a >> 13) & 1u)) >> 13;
    } else {
        // Subnormal or zero: adding 0.5 puts the unit of the last place at
        // 2^-24, fp16's subnormal step, so the add itself rounds to nearest
        // even (the default mode); a carry gives 0x400, the smallest normal.
        float f;
        std::memcpy(&f, &a, 4);
        f += 0.5f;
        uint32_t g;
        std::memcpy(&g, &f, 4);
        h = g - 0x3F000000u;
    }
    return static_cast<uint16_t>(sign | h);
}

}  // namespace bk_cpu
