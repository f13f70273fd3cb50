/* 16-bit floating-point storage for backend plugins, in C and C++: exact
 * conversions between f32 and IEEE binary16 (f16) or bfloat16 (bf16) bit
 * patterns, for hosts without conversion instructions and for scalar tails.
 * They give the same bits as x86 F16C (vcvtph2ps / vcvtps2ph, round to
 * nearest even), so a vector path may use those instead: widening is exact
 * for every pattern (subnormals included, a NaN keeps its payload and comes
 * back quiet); narrowing rounds to nearest even, past the largest finite
 * value to infinity, NaN to a quiet NaN. Not part of the ABI itself. */
#ifndef BAKEOFF_PLUGIN_HALF_H
#define BAKEOFF_PLUGIN_HALF_H

#include <stdint.h>
#include <string.h>

static inline float bk_f16_to_f32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t em = h & 0x7FFFu; /* exponent and mantissa fields */
    uint32_t w;
    float out;
    if (em >= 0x7C00u) { /* inf, or NaN made quiet */
        w = 0x7F800000u | ((em & 0x3FFu) << 13) | (em > 0x7C00u ? 0x00400000u : 0u);
    } else if (em >= 0x0400u) { /* normal: rebias the exponent from 15 to 127 */
        w = (em << 13) + 0x38000000u;
    } else { /* zero or subnormal: m * 2^-24, a normal f32 (exact) */
        const float f = (float)em * 0x1p-24f;
        memcpy(&w, &f, 4);
    }
    w |= sign;
    memcpy(&out, &w, 4);
    return out;
}

static inline uint16_t bk_f32_to_f16(float v) {
    uint32_t w, h;
    memcpy(&w, &v, 4);
    const uint32_t sign = (w >> 16) & 0x8000u;
    const uint32_t a = w & 0x7FFFFFFFu;
    if (a > 0x7F800000u) { /* NaN: quiet, the top of the payload kept */
        h = 0x7E00u | ((a >> 13) & 0x3FFu);
    } else if (a >= 0x477FF000u) { /* 65520 (the tie past 65504, even is up) and beyond */
        h = 0x7C00u;
    } else if (a >= 0x38800000u) { /* normal (>= 2^-14): rebias, round the 13 dropped bits */
        h = (a - 0x38000000u + 0xFFFu + ((a >> 13) & 1u)) >> 13;
    } else {
        /* Subnormal or zero: adding 0.5 puts the unit of the last place at
         * 2^-24, fp16's subnormal step, so the add itself rounds to nearest
         * even (the default mode); a carry gives 0x400, the smallest normal. */
        float f;
        uint32_t g;
        memcpy(&f, &a, 4);
        f += 0.5f;
        memcpy(&g, &f, 4);
        h = g - 0x3F000000u;
    }
    return (uint16_t)(sign | h);
}

/* bf16 is the high half of an f32: widening is a shift. */
static inline float bk_bf16_to_f32(uint16_t bits) {
    const uint32_t w = (uint32_t)bits << 16;
    float f;
    memcpy(&f, &w, 4);
    return f;
}

/* Round to nearest even on the 16 dropped bits; NaN stays a (quiet) NaN. */
static inline uint16_t bk_f32_to_bf16(float v) {
    uint32_t w;
    memcpy(&w, &v, 4);
    const uint32_t rounded = (w + 0x7FFFu + ((w >> 16) & 1u)) >> 16;
    const int nan = (w & 0x7FFFFFFFu) > 0x7F800000u;
    return (uint16_t)(nan ? ((w >> 16) | 0x40u) : rounded);
}

#endif /* BAKEOFF_PLUGIN_HALF_H */
