// Portable GEMM micro-kernel compiled for AVX2 + FMA (256-bit): 6 x 16 f32,
// 6 x 8 f64, 6 x 16 i32 tiles. Called only when cpuid says AVX2 and FMA work.
#include <cstdint>

#include "gemm_portable.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace bk_cpu {
namespace gemm_avx2 {

typedef float VF32 __attribute__((vector_size(32)));
typedef double VF64 __attribute__((vector_size(32)));
typedef int32_t VI32 __attribute__((vector_size(32)));

#include "gemm_portable_body.inc"

GemmKernelSet make_set() {
    GemmKernelSet s{};
    s.isa = "avx2+fma";
    s.f32 = micro_kernel_entry<float, VF32, 8, 6, 2>();
    s.f64 = micro_kernel_entry<double, VF64, 4, 6, 2>();
    s.i32 = micro_kernel_entry<int32_t, VI32, 8, 6, 2>();
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
