// Reproducible random inputs. Arrays are filled in fixed chunks, each from its
// own generator seeded by (seed, chunk index), so the values depend only on the
// seed and never on the thread count. Values are never all zero: every
// generator draws from a range that excludes a degenerate input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bakeoff {

// SplitMix64: a small, well-mixed 64-bit generator (Steele, Lea, Flood 2014).
struct SplitMix64 {
    std::uint64_t state;
    explicit SplitMix64(std::uint64_t seed) : state(seed) {}
    static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;
    std::uint64_t next() { return mix(state += kGamma); }
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return to_unit(next()); }
    // The i-th value next() would return (i = 0 first) without advancing: a
    // loop over i has no carried state, so it vectorizes and splits freely.
    std::uint64_t at(std::uint64_t i) const { return mix(state + (i + 1) * kGamma); }
    double uniform_at(std::uint64_t i) const { return to_unit(at(i)); }

    static std::uint64_t mix(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    static double to_unit(std::uint64_t v) { return double(v >> 11) * 0x1.0p-53; }
};

// A seed for one case, derived from the run's seed and the case's id so a case
// gets the same data whatever else runs.
std::uint64_t derive_seed(std::uint64_t run_seed, std::string_view case_id);

// Uniform values in [lo, hi).
void fill_uniform(double* out, std::size_t n, std::uint64_t seed, double lo, double hi);
void fill_uniform(float* out, std::size_t n, std::uint64_t seed, float lo, float hi);
// Uniform integers in [lo, hi], stored as int8.
void fill_uniform_int8(std::int8_t* out, std::size_t n, std::uint64_t seed, int lo, int hi);

// bfloat16 helpers: round-to-nearest-even from float, exact widening to float.
// Inline and branch-free so loops over whole weight tensors vectorize (model
// set-up converts billions of values).
inline std::uint16_t float_to_bf16(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    const bool nan = (u & 0x7fffffffu) > 0x7f800000u;
    const std::uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    return std::uint16_t(nan ? ((u >> 16) | 0x40u) : rounded);  // keep NaN a NaN
}
inline float bf16_to_float(std::uint16_t h) {
    const std::uint32_t u = std::uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

}  // namespace bakeoff
