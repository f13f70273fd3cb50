// bakeoff's own GEMM kernel: the register-blocked micro-kernel, compiled once
// per ISA (scalar/SSE2, AVX2+FMA, AVX-512F) from gemm_portable_body.inc with
// GCC vector types, so it is plain C++ that the compiler vectorises for each
// target. The driver (packing, cache blocking, OpenMP) is gemm_portable.cpp.
#pragma once

#include <cstdint>

#include "fp16.h"

namespace bk_cpu {

// C[0:mc, 0:nc] = alpha * Apacked * Bpacked + (beta_zero ? 0 : beta * C) over
// one kc-deep slice. Apacked holds ceil(mc/mr) slivers of mr rows x kc
// (element (p, r) of a sliver at [p*mr + r], rows past mc zero); Bpacked holds
// ceil(nc/nr) slivers of kc x nr (element (p, j) at [p*nr + j]).
template <class T>
using GemmBlockFn = void (*)(int64_t mc, int64_t nc, int64_t kc, const T* apacked,
                             const T* bpacked, T* c, int64_t ldc, T alpha, T beta, bool beta_zero);

template <class T>
struct GemmMicroKernel {
    int mr = 0, nr = 0;
    GemmBlockFn<T> block = nullptr;
};

// Packs one sliver w lanes wide (w = the kernel's mr for A, nr for B) and kc
// deep from a source with ld elements between its lines, widening S to T;
// lanes [valid, w) are zero. Two source layouts:
//  - lines: lane r is source line r, depth runs along it:
//      dst[p*w + r] = src[r*ld + p]   (A as stored, B transposed: n x k)
//  - across: depth step p is source line p, lanes run along it:
//      dst[p*w + r] = src[p*ld + r]   (A transposed, B as stored)
// bf16 sources are passed as their bit patterns (uint16_t), f16 ones as f16.
template <class S, class T>
using GemmPackFn = void (*)(T* dst, const S* src, int64_t ld, int valid, int64_t kc, int w);

template <class S, class T>
struct GemmPackers {
    GemmPackFn<S, T> lines = nullptr;   // null: the driver's scalar loop
    GemmPackFn<S, T> across = nullptr;  // null: the driver's scalar loop
};

struct GemmKernelSet {
    const char* isa;  // "scalar", "avx2+fma", "avx512f"
    GemmMicroKernel<double> f64;
    GemmMicroKernel<float> f32;      // also bf16 and f16 inputs, widened to f32 when packed
    GemmMicroKernel<int32_t> i32;    // i8 inputs, widened to i32 when packed
    // Vector packing where the ISA file has it (the scalar set has none).
    GemmPackers<float, float> pack_f32;
    GemmPackers<uint16_t, float> pack_bf16;
    GemmPackers<f16, float> pack_f16;
};

const GemmKernelSet* gemm_kernels_scalar();
const GemmKernelSet* gemm_kernels_avx2();    // null where not compiled (non-x86)
const GemmKernelSet* gemm_kernels_avx512();  // null where not compiled (non-x86)

}  // namespace bk_cpu
