// Block-quantized GEMM kernels compiled for AVX-512 F/BW/VL + VNNI: two
// blocks of 32 values per 512-bit register, int8 products summed by vpdpbusd
// (u8 x s8 into int32, one instruction where AVX2 needs two). Picked only
// when cpuid says all four are usable (Ice Lake and later, Zen 4 and later).
#include <cstdint>
#include <cstring>

#include "bakeoff/plugin_quant.h"
#include "gemm_quant.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")
// GCC 12 flags the intrinsics' own _mm512_undefined_*() placeholders inside
// the kernels' inlined loops as maybe-uninitialized: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

namespace bk_cpu {
namespace quant_avx512 {

using VI = __m512i;
using VF = __m512;
constexpr int kBlocks = 2;

inline VI load_a(const int8_t* p) { return _mm512_loadu_si512(p); }
// Two blocks' 32 bytes each, block 0 in the low half.
inline VI load_q8(const uint8_t* p, int64_t stride) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + stride));
    return _mm512_inserti64x4(_mm512_zextsi256_si512(lo), hi, 1);
}
// Two blocks' 16 bytes of nibbles: [b0 low | b0 high | b1 low | b1 high] in
// 128-bit lanes, i.e. each block's values 0..31 in order.
inline VI load_q4(const uint8_t* p, int64_t stride) {
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i q1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + stride));
    const __m256i q = _mm256_set_m128i(q1, q0);
    const __m256i m = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(q, m), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m);
    const __m512i z = _mm512_inserti64x4(_mm512_zextsi256_si512(lo), hi, 1);  // b0lo b1lo b0hi b1hi
    return _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));
}
// Sub-blocks 2c (low nibbles) and 2c + 1 (high) of a 32-byte chunk.
inline VI q4k_nibbles(const uint8_t* p, int) {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i m = _mm256_set1_epi8(0x0F);
    return _mm512_inserti64x4(_mm512_zextsi256_si512(_mm256_and_si256(q, m)),
                              _mm256_and_si256(_mm256_srli_epi16(q, 4), m), 1);
}
inline VI dot_us(VI u, VI a, VI init) { return _mm512_dpbusd_epi32(init, u, a); }
// Signed x signed: |w| as the unsigned operand, a negated where w < 0 (A is
// in [-127, 127], so the negation never overflows).
inline VI dot_ss(VI w, VI a) {
    const __mmask64 neg = _mm512_movepi8_mask(w);
    const __m512i sa = _mm512_mask_sub_epi8(a, neg, _mm512_setzero_si512(), a);
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(w), sa);
}
inline VI lane0(int32_t v0, int32_t v1) {
    return _mm512_mask_set1_epi32(_mm512_zextsi128_si512(_mm_cvtsi32_si128(v0)), 0x0100, v1);
}
inline VF fma_scaled(VI p, float s0, float s1, VF acc) {
    const __m512 s = _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps(s0), _mm512_set1_ps(s1));
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), s, acc);
}
inline float hsum(VF v) { return _mm512_reduce_add_ps(v); }

#include "gemm_quant_body.inc"

}  // namespace quant_avx512

const QuantKernels* quant_kernels_avx512() {
    static const QuantKernels set =
        quant_avx512::make_set("avx512-vnni (vpdpbusd, two blocks per 512-bit register)");
    return &set;
}

}  // namespace bk_cpu

#pragma GCC pop_options
#else
namespace bk_cpu {
const QuantKernels* quant_kernels_avx512() { return nullptr; }
}  // namespace bk_cpu
#endif
