// Portable GEMM micro-kernel compiled for AVX2 + FMA (256-bit): 6 x 16 f32,
// 6 x 8 f64, 6 x 16 i32 tiles, and the f32 / bf16 / f16 packing routines (the
// AVX-512 set borrows those too). Called only when cpuid says AVX2, FMA and
// F16C work (every AVX2 CPU has F16C; the f16 packing needs it).
#include <cstdint>
#include <cstring>

#include "cpu_internal.h"
#include "gemm_portable.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")

namespace bk_cpu {
namespace gemm_avx2 {

typedef float VF32 __attribute__((vector_size(32)));
typedef double VF64 __attribute__((vector_size(32)));
typedef int32_t VI32 __attribute__((vector_size(32)));

#include "gemm_portable_body.inc"

// ---------------------------------------------------------------------------
// Packing (see GemmPackFn in gemm_portable.h). The scalar loops this replaces
// gathered one element per source line per depth step; reading B stored
// n x k that way cost as much as a third of a bf16 GEMM. Here every source
// line is read 8 elements at a time and 8 x 8 blocks are transposed in
// registers.

// 8 source elements as 8 f32. bf16 is the top half of an f32: zero-extend
// each 16-bit pattern to 32 bits (vpmovzxwd) and shift it up. f16 widens
// with vcvtph2ps, exact (the same bits as f16_to_f32).
inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}
inline __m256 load8(const f16* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline __m128 load4(const float* p) { return _mm_loadu_ps(p); }
inline __m128 load4(const uint16_t* p) {
    const __m128i h = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_castsi128_ps(_mm_slli_epi32(_mm_cvtepu16_epi32(h), 16));
}
inline __m128 load4(const f16* p) {
    return _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline float widen1(float v) { return v; }
inline float widen1(uint16_t v) { return bk_bf16_to_f32(v); }
inline float widen1(f16 v) { return bk_f16_to_f32(v.bits); }

// In-register transpose: r[i] holds line i, elements 0..7; afterwards r[q]
// holds element q of lines 0..7.
inline void transpose8x8(__m256 r[8]) {
    // Interleave pairs of lines: t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7.
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    // Quads: s0 = a0 b0 c0 d0 | a4 b4 c4 d4, s1 = a1 .. d1 | a5 .. d5, ...
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    // Join the 128-bit halves of lines a..d and e..h.
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Stores the first `lanes` of v. L is lanes when known at compile time (8:
// a B sliver, 6: an A sliver of the 6-row kernel), 0 otherwise. Never writes
// past the lanes: the next sliver may belong to another thread.
template <int L>
inline void store_lanes(float* d, __m256 v, int lanes) {
    if constexpr (L == 8) {
        _mm256_storeu_ps(d, v);
    } else if constexpr (L == 6) {
        _mm_storeu_ps(d, _mm256_castps256_ps128(v));
        _mm_storel_pi(reinterpret_cast<__m64*>(d + 4), _mm256_extractf128_ps(v, 1));
    } else {
        alignas(32) float t[8];
        _mm256_store_ps(t, v);
        for (int i = 0; i < lanes; ++i) d[i] = t[i];
    }
}

// Lanes [0, lanes) of a "lines" sliver (lanes <= 8): dst[p*w + r] =
// src[r*ld + p]; source lines [rows, lanes) are not read, their lanes are zero.
template <class S, int L>
void pack_lines_group(float* dst, const S* src, int64_t ld, int rows, int lanes, int64_t kc, int w) {
    if constexpr (L != 0) lanes = L;
    int64_t p = 0;
    if (rows == 8) {  // the common full group: no per-line tests
        for (; p + 8 <= kc; p += 8) {
            __m256 r[8];
            // The source (weights, for B stored n x k) usually comes from
            // memory, in runs of only kc elements per line: fetch the same
            // run of the next 8 lines (the next group, or the next sliver,
            // which the same thread packs next) while this group is done.
            // Prefetches past the matrix are harmless: they do not fault.
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i)
                _mm_prefetch(reinterpret_cast<const char*>(src + (i + 8) * ld + p), _MM_HINT_T0);
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i) r[i] = load8(src + i * ld + p);
            transpose8x8(r);
#pragma GCC unroll 8
            for (int q = 0; q < 8; ++q) store_lanes<L>(dst + (p + q) * w, r[q], lanes);
        }
    } else {
        for (; p + 8 <= kc; p += 8) {
            __m256 r[8];
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i) r[i] = i < rows ? load8(src + i * ld + p) : _mm256_setzero_ps();
            transpose8x8(r);
#pragma GCC unroll 8
            for (int q = 0; q < 8; ++q) store_lanes<L>(dst + (p + q) * w, r[q], lanes);
        }
    }
    for (; p < kc; ++p)  // depth tail (kc not a multiple of 8)
        for (int i = 0; i < lanes; ++i) dst[p * w + i] = i < rows ? widen1(src[i * ld + p]) : 0.0f;
}

template <class S>
void pack_lines(float* dst, const S* src, int64_t ld, int valid, int64_t kc, int w) {
    for (int g = 0; g < w; g += 8) {
        const int lanes = w - g < 8 ? w - g : 8;
        const int rows = valid - g < 0 ? 0 : valid - g > lanes ? lanes : valid - g;
        const S* s = src + static_cast<int64_t>(g) * ld;
        if (lanes == 8)
            pack_lines_group<S, 8>(dst + g, s, ld, rows, lanes, kc, w);
        else if (lanes == 6)
            pack_lines_group<S, 6>(dst + g, s, ld, rows, lanes, kc, w);
        else
            pack_lines_group<S, 0>(dst + g, s, ld, rows, lanes, kc, w);
    }
}

// dst[p*w + j] = src[p*ld + j]: a widening copy of `valid` elements per line.
template <class S>
void pack_across(float* dst, const S* src, int64_t ld, int valid, int64_t kc, int w) {
    for (int64_t p = 0; p < kc; ++p) {
        const S* s = src + p * ld;
        float* d = dst + p * w;
        int j = 0;
        for (; j + 8 <= valid; j += 8) _mm256_storeu_ps(d + j, load8(s + j));
        for (; j + 4 <= valid; j += 4) _mm_storeu_ps(d + j, load4(s + j));
        for (; j < valid; ++j) d[j] = widen1(s[j]);
        for (; j < w; ++j) d[j] = 0.0f;
    }
}

GemmKernelSet make_set() {
    GemmKernelSet s{};
    s.isa = "avx2+fma";
    s.f32 = micro_kernel_entry<float, VF32, 8, 6, 2>();
    s.f64 = micro_kernel_entry<double, VF64, 4, 6, 2>();
    s.i32 = micro_kernel_entry<int32_t, VI32, 8, 6, 2>();
    s.pack_f32 = {&pack_lines<float>, &pack_across<float>};
    s.pack_bf16 = {&pack_lines<uint16_t>, &pack_across<uint16_t>};
    s.pack_f16 = {&pack_lines<f16>, &pack_across<f16>};
    return s;
}

}  // namespace gemm_avx2
}  // namespace bk_cpu

#pragma GCC pop_options

namespace bk_cpu {
const GemmKernelSet* gemm_kernels_avx2() {
    static const GemmKernelSet set = gemm_avx2::make_set();
    return &set;
}
}  // namespace bk_cpu

#else
namespace bk_cpu {
const GemmKernelSet* gemm_kernels_avx2() { return nullptr; }
}  // namespace bk_cpu
#endif
