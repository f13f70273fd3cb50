// fp16 (IEEE binary16) written the slow, obvious way, independent of the
// backend's bit tricks: the value of a pattern with ldexp, and correct
// rounding of a double with nearbyint (ties to even) at the right exponent.
// Shared by the CPU backend's tests and its NN op tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace f16_ref {

inline bool is_nan(uint16_t h) { return (h & 0x7C00u) == 0x7C00u && (h & 0x3FFu) != 0; }

// The value of a pattern; NaN as a quiet f32 NaN keeping the payload (what
// vcvtph2ps gives), so that widened NaNs can be compared bit for bit.
inline float to_float(uint16_t h) {
    const int e = (h >> 10) & 0x1F, m = h & 0x3FF;
    const double s = (h & 0x8000u) ? -1.0 : 1.0;
    if (e == 31 && m != 0) {
        const uint32_t w = (uint32_t(h & 0x8000u) << 16) | 0x7FC00000u | (uint32_t(m) << 13);
        float f;
        std::memcpy(&f, &w, 4);
        return f;
    }
    if (e == 31) return static_cast<float>(s * HUGE_VAL);
    if (e == 0) return static_cast<float>(s * std::ldexp(double(m), -24));
    return static_cast<float>(s * std::ldexp(double(m + 1024), e - 25));
}

// v rounded once to nearest even in fp16 (NaN -> 0x7E00 with v's sign).
inline uint16_t round(double v) {
    const uint16_t sign = std::signbit(v) ? 0x8000u : 0u;
    if (std::isnan(v)) return static_cast<uint16_t>(sign | 0x7E00u);
    const double a = std::fabs(v);
    if (a == 0) return sign;
    if (std::isinf(a)) return static_cast<uint16_t>(sign | 0x7C00u);
    int e2;
    std::frexp(a, &e2);                      // a = f * 2^e2, f in [0.5, 1)
    int e = std::max(e2 - 1, -14);           // exponent of the leading bit, subnormals at -14
    double q = std::nearbyint(std::ldexp(a, 10 - e));  // 11-bit significand, exact scaling
    if (q >= 2048) {
        q /= 2;  // rounded up into the next binade (q is 2048 exactly)
        ++e;
    }
    if (e > 15) return static_cast<uint16_t>(sign | 0x7C00u);
    if (q < 1024) return static_cast<uint16_t>(sign | uint16_t(q));  // subnormal (e == -14)
    return static_cast<uint16_t>(sign | uint16_t((e + 15) << 10) | uint16_t(q - 1024));
}

}  // namespace f16_ref
