// IEEE binary16 (fp16) <-> float on the host: the conformance reference, the
// llm workloads' f16 weights and activations, and safetensors F16 tensors;
// fp8 E4M3 -> float for safetensors F8_E4M3 tensors.
#pragma once

#include <bit>
#include <cstdint>

namespace bakeoff {

// Round to nearest even, subnormals kept, overflow past 65504 to inf, NaN
// stays NaN (quiet). Branch-free, so loops over whole weight tensors vectorize.
inline std::uint16_t float_to_f16(float f) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7FFFFFFFu;
    // Normal results: rebias the exponent (-112 << 23) and round the 13 dropped
    // bits to nearest even; a carry out of the mantissa bumps the exponent, and
    // past 65504 lands on inf (0x7C00).
    const std::uint32_t normal = (ax + 0xC8000FFFu + ((ax >> 13) & 1u)) >> 13;
    // Below 2^-14 (subnormal or zero): adding 0.5, whose ulp is 2^-24, the
    // smallest subnormal, makes the float addition round to nearest even.
    const std::uint32_t sub = std::bit_cast<std::uint32_t>(std::bit_cast<float>(ax) + 0.5f) - 0x3F000000u;
    // Selects as masks: no branch in a loop of conversions.
    const std::uint32_t is_sub = 0u - std::uint32_t(ax < 0x38800000u), is_inf = 0u - std::uint32_t(ax >= 0x47800000u),
                        is_nan = 0u - std::uint32_t(ax > 0x7F800000u);
    std::uint32_t h = (sub & is_sub) | (normal & ~is_sub);
    h = (0x7C00u & is_inf) | (h & ~is_inf);  // 2^16 and above (inf too)
    h = (0x7E00u & is_nan) | (h & ~is_nan);
    return std::uint16_t(h | sign);
}

// Exact widening; NaN payloads kept. Branch-free as well.
inline float f16_to_float(std::uint16_t h) {
    const std::uint32_t em = std::uint32_t(h & 0x7FFFu) << 13, exp = em & 0x0F800000u;
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t normal = em + 0x38000000u;  // exponent rebiased by 127 - 15
    const std::uint32_t infnan = em + 0x70000000u;  // exponent 31 -> 255
    // Zero and subnormals, m 2^-24: 2^-14 (1 + m / 1024) - 2^-14, exactly.
    const std::uint32_t sub = std::bit_cast<std::uint32_t>(std::bit_cast<float>(em + 0x38800000u) - 0x1p-14f);
    const std::uint32_t is_sub = 0u - std::uint32_t(exp == 0), is_infnan = 0u - std::uint32_t(exp == 0x0F800000u);
    std::uint32_t bits = (sub & is_sub) | (normal & ~is_sub);
    bits = (infnan & is_infnan) | (bits & ~is_infnan);
    return std::bit_cast<float>(bits | sign);
}

// OCP fp8 E4M3 ("e4m3fn", safetensors F8_E4M3) to float, exactly: sign, 4
// exponent bits with bias 7, 3 mantissa bits; exponent 0 is subnormal
// (m 2^-9); no infinities, S.1111.111 is NaN.
inline float f8_e4m3_to_float(std::uint8_t v) {
    const int e = (v >> 3) & 0xF, m = v & 7;
    const float mag = (e == 0xF && m == 7) ? __builtin_nanf("")
                      : e == 0               ? float(m) * 0x1p-9f
                                             : std::bit_cast<float>(std::uint32_t(e + 120) << 23 | std::uint32_t(m) << 20);
    return (v & 0x80) ? -mag : mag;
}

}  // namespace bakeoff
