// Small-m GEMM kernels compiled for AVX2 + FMA + F16C (8 f32 lanes). Called
// only when cpuid says all three work.
#include <cstdint>
#include <type_traits>
#include <vector>

#include "gemm_smallm.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>
#define BK_SMALLM_AVX2 1

namespace bk_cpu {
namespace smallm_avx2 {

typedef float VF __attribute__((vector_size(32)));
typedef uint16_t VU16 __attribute__((vector_size(16)));
typedef uint32_t VU32 __attribute__((vector_size(32)));

#include "gemm_smallm_body.inc"

// B stored n x k, read as four long sequential streams: the rows [j0, j1)
// are cut into four equal quarters and row t of each quarter is taken
// together, so each stream walks its quarter start to end. Measured on Zen 3
// (2048-wide rows, 2 threads): about 20 % more bandwidth for bf16 and 12 %
// for f32 than eight adjacent rows at a time, whose eight 4-8 KiB streams
// restart every group; the four rows (m <= 16 dot products each) stay in
// L1/L2 across the m rows of A.
//
// bf16 B: 32-byte loads, 16 elements each. The low (even) halves of each
// 32-bit lane become f32 by a shift, the high (odd) halves by masking the low
// bits; A is split the same way once per call (it is m x k, small), so the
// sums need no shuffles.
struct F32Rows {
    // x: 16 elements of A's row as stored.
    static void fma16(const float* x, const float* b, __m256& s0, __m256& s1) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(b), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 8), _mm256_loadu_ps(b + 8), s1);
    }
};
struct Bf16Rows {
    // x: the 16-chunk of A split into its 8 even elements, then its 8 odd ones.
    static void fma16(const float* x, const uint16_t* b, __m256& s0, __m256& s1) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
        const __m256i high = _mm256_set1_epi32(static_cast<int>(0xFFFF0000u));
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 8), _mm256_castsi256_ps(_mm256_and_si256(v, high)), s1);
    }
};

struct F16Rows {
    // x: 16 elements of A's row as stored; B widened by vcvtph2ps.
    static void fma16(const float* x, const f16* b, __m256& s0, __m256& s1) {
        const __m128i* p = reinterpret_cast<const __m128i*>(b);
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_cvtph_ps(_mm_loadu_si128(p)), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + 8), _mm256_cvtph_ps(_mm_loadu_si128(p + 1)), s1);
    }
};

template <class BT, class Rows>
void dot_streams(int64_t m, int64_t k, const float* a, const BT* b, int64_t ldb, int64_t j0, int64_t j1,
                 float* out, int64_t ldo) {
    const int64_t k16 = k / 16 * 16, q = (j1 - j0) / 4;
    if (k16 == 0 || q == 0) return dot_rows<BT>(m, k, a, b, ldb, j0, j1, out, ldo);
    const float* x = a;
    int64_t ldx = k;
    if constexpr (std::is_same_v<BT, uint16_t>) {  // bf16: split A into even and odd halves
        thread_local std::vector<float> split;
        split.resize(static_cast<size_t>(m * k16));
        for (int64_t i = 0; i < m; ++i)
            for (int64_t c = 0; c < k16; c += 16)
                for (int t = 0; t < 8; ++t) {
                    split[static_cast<size_t>(i * k16 + c + t)] = a[i * k + c + 2 * t];
                    split[static_cast<size_t>(i * k16 + c + 8 + t)] = a[i * k + c + 2 * t + 1];
                }
        x = split.data();
        ldx = k16;
    }
    for (int64_t t = 0; t < q; ++t) {
        const BT* bb[4];
        for (int r = 0; r < 4; ++r) bb[r] = b + (j0 + t + r * q) * ldb;
        for (int64_t i = 0; i < m; ++i) {
            const float* xi = x + i * ldx;
            __m256 s[4][2];
            for (int r = 0; r < 4; ++r) s[r][0] = s[r][1] = _mm256_setzero_ps();
            for (int64_t l = 0; l < k16; l += 16)
                for (int r = 0; r < 4; ++r) Rows::fma16(xi + l, bb[r] + l, s[r][0], s[r][1]);
            const float* ai = a + i * k;
            for (int r = 0; r < 4; ++r) {
                float acc = hsum((VF)_mm256_add_ps(s[r][0], s[r][1]));
                for (int64_t l = k16; l < k; ++l) acc += ai[l] * scalar(bb[r][l]);
                out[i * ldo + t + r * q] = acc;
            }
        }
    }
    if (j0 + 4 * q < j1) dot_rows<BT>(m, k, a, b, ldb, j0 + 4 * q, j1, out + 4 * q, ldo);
}

}  // namespace smallm_avx2

const SmallMKernels* smallm_kernels_avx2() {
    static const SmallMKernels set = [] {
        SmallMKernels s = smallm_avx2::make_set("avx2+fma");
        s.dot_f32 = smallm_avx2::dot_streams<float, smallm_avx2::F32Rows>;
        s.dot_bf16 = smallm_avx2::dot_streams<uint16_t, smallm_avx2::Bf16Rows>;
        s.dot_f16 = smallm_avx2::dot_streams<f16, smallm_avx2::F16Rows>;
        return s;
    }();
    return &set;
}

}  // namespace bk_cpu

#pragma GCC pop_options
#else
namespace bk_cpu {
const SmallMKernels* smallm_kernels_avx2() { return nullptr; }
}  // namespace bk_cpu
#endif
