// Block-quantized GEMM kernels compiled for AVX2 (+ F16C for the blocks' f16
// scales): one block of 32 values per 256-bit register, int8 products by
// vpmaddubsw (u8 x s8 pairs into int16: at most 2 * 255 * 127, no
// saturation for a nibble or an absolute value) and vpmaddwd. Zen 3 and
// every AVX2 CPU run this; CPUs with AVX-512 VNNI take gemm_quant_avx512.cpp.
#include <cstdint>
#include <cstring>

#include "bakeoff/plugin_quant.h"
#include "gemm_quant.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

namespace bk_cpu {
namespace quant_avx2 {

using VI = __m256i;
using VF = __m256;
constexpr int kBlocks = 1;

inline VI load_a(const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline VI load_q8(const uint8_t* p, int64_t) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline VI load_q4(const uint8_t* p, int64_t) {
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);  // values 0..15 | 16..31
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}
inline VI q4k_nibbles(const uint8_t* p, int h) {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm256_and_si256(h ? _mm256_srli_epi16(q, 4) : q, _mm256_set1_epi8(0x0F));
}
inline VI dot_us(VI u, VI a, VI init) {
    const __m256i pairs = _mm256_maddubs_epi16(u, a);
    return _mm256_add_epi32(init, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}
// Signed x signed: |w| as the unsigned operand, a with w's sign.
inline VI dot_ss(VI w, VI a) { return dot_us(_mm256_abs_epi8(w), _mm256_sign_epi8(a, w), _mm256_setzero_si256()); }
inline VI lane0(int32_t v0, int32_t) { return _mm256_zextsi128_si256(_mm_cvtsi32_si128(v0)); }
inline VF fma_scaled(VI p, float s0, float, VF acc) {
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(s0), acc);
}
inline float hsum(VF v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#include "gemm_quant_body.inc"

}  // namespace quant_avx2

const QuantKernels* quant_kernels_avx2() {
    static const QuantKernels set =
        quant_avx2::make_set("avx2 (vpmaddubsw + vpmaddwd, one block per 256-bit register)");
    return &set;
}

}  // namespace bk_cpu

#pragma GCC pop_options
#else
namespace bk_cpu {
const QuantKernels* quant_kernels_avx2() { return nullptr; }
}  // namespace bk_cpu
#endif
