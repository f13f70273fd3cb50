// Portable GEMM micro-kernel for any CPU: 128-bit GCC vectors (SSE2 on
// x86-64), 4 x 8 f32, 4 x 4 f64, 4 x 8 i32 tiles, no FMA. No packing
// routines: the driver's scalar loops (gemm_portable.cpp) pack for this set.
#include <cstdint>

#include "gemm_portable.h"

namespace bk_cpu {
namespace gemm_scalar {

typedef float VF32 __attribute__((vector_size(16)));
typedef double VF64 __attribute__((vector_size(16)));
typedef int32_t VI32 __attribute__((vector_size(16)));

#include "gemm_portable_body.inc"

GemmKernelSet make_set() {
    GemmKernelSet s{};
    s.isa = "scalar";
    s.f32 = micro_kernel_entry<float, VF32, 4, 4, 2>();
    s.f64 = micro_kernel_entry<double, VF64, 2, 4, 2>();
    s.i32 = micro_kernel_entry<int32_t, VI32, 4, 4, 2>();
    return s;
}

}  // namespace gemm_scalar

const GemmKernelSet* gemm_kernels_scalar() {
    static const GemmKernelSet set = gemm_scalar::make_set();
    return &set;
}

}  // namespace bk_cpu
