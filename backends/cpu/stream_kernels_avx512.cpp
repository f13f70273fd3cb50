// Stream kernels with AVX-512F intrinsics (512-bit), compiled for AVX-512F whatever
// the project's baseline; only called when cpuid (and XCR0) say AVX-512F is usable.
#include <cstdint>

#include "stream_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx512f")

namespace bk_cpu {
namespace stream_avx512 {

struct VF64 {
    using T = double;
    using reg = __m512d;
    static constexpr int W = 8;
    static constexpr bool nt = true;
    static reg load(const T* p) { return _mm512_loadu_pd(p); }
    static void store(T* p, reg r) { _mm512_storeu_pd(p, r); }
    static void stream(T* p, reg r) { _mm512_stream_pd(p, r); }
    static void fence() { _mm_sfence(); }
    static reg set1(T v) { return _mm512_set1_pd(v); }
    static reg zero() { return _mm512_setzero_pd(); }
    static reg add(reg x, reg y) { return _mm512_add_pd(x, y); }
    static reg mul(reg x, reg y) { return _mm512_mul_pd(x, y); }
    static double hsum(reg r) {
        alignas(64) double t[8];
        _mm512_store_pd(t, r);
        double s = 0;
        for (int i = 0; i < 8; ++i) s += t[i];
        return s;
    }
};

struct VF32 {
    using T = float;
    using reg = __m512;
    static constexpr int W = 16;
    static constexpr bool nt = true;
    static reg load(const T* p) { return _mm512_loadu_ps(p); }
    static void store(T* p, reg r) { _mm512_storeu_ps(p, r); }
    static void stream(T* p, reg r) { _mm512_stream_ps(p, r); }
    static void fence() { _mm_sfence(); }
    static reg set1(T v) { return _mm512_set1_ps(v); }
    static reg zero() { return _mm512_setzero_ps(); }
    static reg add(reg x, reg y) { return _mm512_add_ps(x, y); }
    static reg mul(reg x, reg y) { return _mm512_mul_ps(x, y); }
    static double hsum(reg r) {
        alignas(64) float t[16];
        _mm512_store_ps(t, r);
        double s = 0;
        for (int i = 0; i < 16; ++i) s += t[i];
        return s;
    }
};

#include "stream_kernels_body.inc"

StreamKernelSet make_set() { return make_stream_kernel_set("avx512"); }

}  // namespace stream_avx512
}  // namespace bk_cpu

#pragma GCC pop_options

namespace bk_cpu {
const StreamKernelSet* stream_kernels_avx512() {
    static const StreamKernelSet set = stream_avx512::make_set();
    return &set;
}
}  // namespace bk_cpu

#else
namespace bk_cpu {
const StreamKernelSet* stream_kernels_avx512() { return nullptr; }
}  // namespace bk_cpu
#endif
