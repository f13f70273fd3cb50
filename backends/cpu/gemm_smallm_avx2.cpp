// Small-m GEMM kernels compiled for AVX2 + FMA (8 f32 lanes). Called only
// when cpuid says AVX2 and FMA work.
#include <cstdint>
#include <vector>

#include "gemm_smallm.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>
#define BK_SMALLM_AVX2 1

namespace bk_cpu {
namespace smallm_avx2 {

typedef float VF __attribute__((vector_size(32)));
typedef uint16_t VU16 __attribute__((vector_size(16)));
typedef uint32_t VU32 __attribute__((vector_size(32)));

#include "gemm_smallm_body.inc"

// bf16 B with 32-byte loads: 16 elements per load, one instruction fewer per
// 8 elements than vpmovzxwd + shift. The low (even) halves of each 32-bit
// lane become f32 by a shift, the high (odd) halves by masking the low bits;
// A is split the same way once per call (it is m x k, small), so the sums
// need no shuffles.
void dot_rows_bf16_pairs(int64_t m, int64_t k, const float* a, const uint16_t* b, int64_t ldb, int64_t j0,
                         int64_t j1, float* out, int64_t ldo) {
    const int64_t k16 = k / 16 * 16;
    if (k16 == 0) return dot_rows<uint16_t>(m, k, a, b, ldb, j0, j1, out, ldo);
    // Per row of A, per 16-chunk: 8 even elements, then 8 odd ones.
    thread_local std::vector<float> split;
    split.resize(static_cast<size_t>(m * k16));
    for (int64_t i = 0; i < m; ++i)
        for (int64_t c = 0; c < k16; c += 16)
            for (int t = 0; t < 8; ++t) {
                split[static_cast<size_t>(i * k16 + c + t)] = a[i * k + c + 2 * t];
                split[static_cast<size_t>(i * k16 + c + 8 + t)] = a[i * k + c + 2 * t + 1];
            }
    const __m256i high = _mm256_set1_epi32(static_cast<int>(0xFFFF0000u));
    int64_t j = j0;
    for (; j + 8 <= j1; j += 8) {
        const uint16_t* bb[8];
        for (int r = 0; r < 8; ++r) bb[r] = b + (j + r) * ldb;
        for (int64_t i = 0; i < m; ++i) {
            const float* xi = split.data() + i * k16;
            __m256 s[8];
            for (int r = 0; r < 8; ++r) s[r] = _mm256_setzero_ps();
            for (int64_t l = 0; l < k16; l += 16) {
                const __m256 xe = _mm256_loadu_ps(xi + l), xo = _mm256_loadu_ps(xi + l + 8);
                for (int r = 0; r < 8; ++r) {
                    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bb[r] + l));
                    s[r] = _mm256_fmadd_ps(xe, _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)), s[r]);
                    s[r] = _mm256_fmadd_ps(xo, _mm256_castsi256_ps(_mm256_and_si256(v, high)), s[r]);
                }
            }
            const float* ai = a + i * k;
            for (int r = 0; r < 8; ++r) {
                float acc = hsum((VF)s[r]);
                for (int64_t l = k16; l < k; ++l) acc += ai[l] * scalar(bb[r][l]);
                out[i * ldo + (j - j0) + r] = acc;
            }
        }
    }
    if (j < j1) dot_rows<uint16_t>(m, k, a, b, ldb, j, j1, out + (j - j0), ldo);
}

}  // namespace smallm_avx2

const SmallMKernels* smallm_kernels_avx2() {
    static const SmallMKernels set = [] {
        SmallMKernels s = smallm_avx2::make_set("avx2+fma");
        s.dot_bf16 = smallm_avx2::dot_rows_bf16_pairs;
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
