// Small-m GEMM kernels compiled for AVX2 + FMA (8 f32 lanes). Called only
// when cpuid says AVX2 and FMA work.
#include <cstdint>

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

}  // namespace smallm_avx2

const SmallMKernels* smallm_kernels_avx2() {
    static const SmallMKernels set = smallm_avx2::make_set("avx2+fma");
    return &set;
}

}  // namespace bk_cpu

#pragma GCC pop_options
#else
namespace bk_cpu {
const SmallMKernels* smallm_kernels_avx2() { return nullptr; }
}  // namespace bk_cpu
#endif
