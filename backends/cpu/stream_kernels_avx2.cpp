// Stream kernels with AVX2 intrinsics (256-bit), compiled for AVX2 whatever
// the project's baseline; only called when cpuid says AVX2 is usable.
#include <cstdint>

#include "stream_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2")

namespace bk_cpu {
namespace stream_avx2 {

struct VF64 {
    using T = double;
    using reg = __m256d;
    static constexpr int W = 4;
    static constexpr bool nt = true;
    static reg load(const T* p) { return _mm256_loadu_pd(p); }
    static void store(T* p, reg r) { _mm256_storeu_pd(p, r); }
    static void stream(T* p, reg r) { _mm256_stream_pd(p, r); }
    static void fence() { _mm_sfence(); }
    static reg set1(T v) { return _mm256_set1_pd(v); }
    static reg zero() { return _mm256_setzero_pd(); }
    static reg add(reg x, reg y) { return _mm256_add_pd(x, y); }
    static reg mul(reg x, reg y) { return _mm256_mul_pd(x, y); }
    static double hsum(reg r) {
        alignas(32) double t[4];
        _mm256_store_pd(t, r);
        return ((t[0] + t[1]) + t[2]) + t[3];
    }
};

struct VF32 {
    using T = float;
    using reg = __m256;
    static constexpr int W = 8;
    static constexpr bool nt = true;
    static reg load(const T* p) { return _mm256_loadu_ps(p); }
    static void store(T* p, reg r) { _mm256_storeu_ps(p, r); }
    static void stream(T* p, reg r) { _mm256_stream_ps(p, r); }
    static void fence() { _mm_sfence(); }
    static reg set1(T v) { return _mm256_set1_ps(v); }
    static reg zero() { return _mm256_setzero_ps(); }
    static reg add(reg x, reg y) { return _mm256_add_ps(x, y); }
    static reg mul(reg x, reg y) { return _mm256_mul_ps(x, y); }
    static double hsum(reg r) {
        alignas(32) float t[8];
        _mm256_store_ps(t, r);
        double s = 0;
        for (int i = 0; i < 8; ++i) s += t[i];
        return s;
    }
};

#include "stream_kernels_body.inc"

StreamKernelSet make_set() { return make_stream_kernel_set("avx2"); }

}  // namespace stream_avx2
}  // namespace bk_cpu

#pragma GCC pop_options

namespace bk_cpu {
const StreamKernelSet* stream_kernels_avx2() {
    static const StreamKernelSet set = stream_avx2::make_set();
    return &set;
}
}  // namespace bk_cpu

#else
namespace bk_cpu {
const StreamKernelSet* stream_kernels_avx2() { return nullptr; }
}  // namespace bk_cpu
#endif
