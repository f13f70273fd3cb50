// Portable GEMM micro-kernel compiled for AVX-512F (512-bit): 8 x 32 f32,
// 8 x 16 f64, 8 x 32 i32 tiles. Called only when cpuid and XCR0 say AVX-512F
// is usable.
#include <cstdint>

#include "cpu_internal.h"
#include "gemm_portable.h"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx512f")

namespace bk_cpu {
namespace gemm_avx512 {

typedef float VF32 __attribute__((vector_size(64)));
typedef double VF64 __attribute__((vector_size(64)));
typedef int32_t VI32 __attribute__((vector_size(64)));

#include "gemm_portable_body.inc"

GemmKernelSet make_set() {
    GemmKernelSet s{};
    s.isa = "avx512f";
    s.f32 = micro_kernel_entry<float, VF32, 16, 8, 2>();
    s.f64 = micro_kernel_entry<double, VF64, 8, 8, 2>();
    s.i32 = micro_kernel_entry<int32_t, VI32, 16, 8, 2>();
    return s;
}

}  // namespace gemm_avx512
}  // namespace bk_cpu

#pragma GCC pop_options

namespace bk_cpu {
const GemmKernelSet* gemm_kernels_avx512() {
    static const GemmKernelSet set = [] {
        GemmKernelSet s = gemm_avx512::make_set();
        // Packing is loads, shuffles (and for f16 vcvtph2ps) and stores that
        // the AVX2 routines do nearly as fast as 512-bit ones would; they take
        // any sliver width (mr 8, nr 32 here), and every AVX-512F CPU has AVX2
        // and F16C (that file is compiled for both, so both are checked).
        const CpuIsa& isa = cpu_isa();
        const GemmKernelSet* a = isa.avx2 && isa.fma && isa.f16c ? gemm_kernels_avx2() : nullptr;
        if (a) {
            s.pack_f32 = a->pack_f32;
            s.pack_bf16 = a->pack_bf16;
            s.pack_f16 = a->pack_f16;
        }
        return s;
    }();
    return &set;
}
}  // namespace bk_cpu

#else
namespace bk_cpu {
const GemmKernelSet* gemm_kernels_avx512() { return nullptr; }
}  // namespace bk_cpu
#endif
