// IEEE binary16 (fp16) <-> float on the host: the conformance reference, the
// llm workloads' f16 weights and activations, and safetensors F16 tensors.
#pragma once

#include <bit>
#include <cstdint>

namespace bakeoff {

// Round to nearest even, subnormals kept, overflow past 65504 to inf, NaN
// stays NaN (quiet).
inline std::uint16_t float_to_f16(float f) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const std::uint16_t sign = std::uint16_t((x >> 16) & 0x8000u);
    const std::uint32_t ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) return std::uint16_t(sign | (ax > 0x7F800000u ? 0x7E00u : 0x7C00u));  // NaN, inf
    if (ax >= 0x477FF000u) return std::uint16_t(sign | 0x7C00u);  // rounds past 65504: inf
    if (ax < 0x33000001u) return sign;                             // below half the smallest subnormal: zero
    const int exp = int(ax >> 23) - 127;
    std::uint32_t mant = (ax & 0x7FFFFFu) | 0x800000u;  // 24 significant bits
    // Bits to drop: 13 for normals (24 -> 11 bits), more below 2^-14 (subnormal).
    const int shift = exp >= -14 ? 13 : 13 + (-14 - exp);
    const std::uint32_t half = 1u << (shift - 1), rest = mant & ((1u << shift) - 1);
    std::uint32_t q = mant >> shift;
    if (rest > half || (rest == half && (q & 1u))) ++q;  // round to nearest even
    // Normals: q has 11 bits with the implicit one; the exponent field adds on
    // (a carry out of the mantissa bumps the exponent, as it should).
    const std::uint32_t bits = exp >= -14 ? (std::uint32_t(exp + 14) << 10) + q : q;
    return std::uint16_t(sign | bits);
}

// Exact widening.
inline float f16_to_float(std::uint16_t h) {
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1Fu, man = h & 0x3FFu, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            do {
                ++e;
                man <<= 1;
            } while (!(man & 0x400u));
            bits = sign | std::uint32_t(127 - 15 - e) << 23 | (man & 0x3FFu) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | man << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    return std::bit_cast<float>(bits);
}

}  // namespace bakeoff
