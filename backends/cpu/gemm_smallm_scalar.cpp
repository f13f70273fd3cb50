// Small-m GEMM kernels for the baseline ISA (SSE2 on x86-64: 4 f32 lanes).
#include <cstdint>

#include "gemm_smallm.h"

namespace bk_cpu {
namespace smallm_scalar {

typedef float VF __attribute__((vector_size(16)));
typedef uint16_t VU16 __attribute__((vector_size(8)));
typedef uint32_t VU32 __attribute__((vector_size(16)));

#include "gemm_smallm_body.inc"

}  // namespace smallm_scalar

const SmallMKernels* smallm_kernels_scalar() {
    static const SmallMKernels set = smallm_scalar::make_set("scalar");
    return &set;
}

}  // namespace bk_cpu
