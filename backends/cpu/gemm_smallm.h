// The small-m GEMM path (m <= 16: decode, where a step is a chain of
// activations x weights with m = batch). Memory-bound: B is streamed once,
// split over the OpenMP team by columns of C, and every element of B is used
// for all m rows of A while it is in cache. A is first widened into an f32
// m x k copy (it is small). bf16 B is widened to f32 with a shift in
// registers, f16 B by the F16C conversion where the CPU has it; f32
// multiply-add.
#pragma once

#include <cstdint>
#include <string>

#include "bakeoff/backend_abi.h"
#include "fp16.h"

namespace bk_cpu {

// out[i * ldo + (j - j0)] = sum_l a[i * k + l] * B[j, l] for i < m, j in
// [j0, j1): B stored n x k (trans_b), rows ldb apart.
template <class BT>
using SmallMDotFn = void (*)(int64_t m, int64_t k, const float* a, const BT* b, int64_t ldb, int64_t j0,
                             int64_t j1, float* out, int64_t ldo);
// acc[i * ldo + (j - j0)] += sum_l a[i * k + l] * B[l, j]: B stored k x n.
template <class BT>
using SmallMAxpyFn = void (*)(int64_t m, int64_t k, const float* a, const BT* b, int64_t ldb, int64_t j0,
                              int64_t j1, float* acc, int64_t ldo);

struct SmallMKernels {
    const char* isa;
    SmallMDotFn<float> dot_f32;
    SmallMDotFn<uint16_t> dot_bf16;
    SmallMAxpyFn<float> axpy_f32;
    SmallMAxpyFn<uint16_t> axpy_bf16;
    SmallMDotFn<f16> dot_f16;
    SmallMAxpyFn<f16> axpy_f16;
};

const SmallMKernels* smallm_kernels_scalar();
const SmallMKernels* smallm_kernels_avx2();  // null where not compiled (non-x86)
const SmallMKernels& smallm_kernels();       // the set this CPU runs

constexpr int64_t kSmallM = 16;
constexpr int64_t kSmallMMinB = 1 << 15;  // elements of B

}  // namespace bk_cpu

namespace bk_cpu {

// Portable path, m <= kSmallM, B of at least kSmallMMinB elements, f32, bf16
// or f16 inputs with f32 output.
bool smallm_applies(const bk_op_desc& op);
bk_status smallm_run(const bk_op_desc& op, const void* a, const void* b, void* c);
std::string smallm_info(const bk_op_desc& op);

}  // namespace bk_cpu
