// GEMM with block-quantized weights (f32 x q* -> f32, B the weights [n, k] in
// GGML blocks, bakeoff/plugin_quant.h).
//
// Decode shapes (m <= kQuantSmallM) of Q8_0, Q4_0 and Q4_K run integer dot
// products, as llama.cpp does: A is rounded once per call to 8-bit blocks of
// 32 values with an f32 scale each (QuantA), every weight block is unpacked
// in registers and multiplied with all m rows of A while it is there
// (AVX-512 VNNI vpdpbusd two blocks per 512-bit register; AVX2 vpmaddubsw +
// vpmaddwd one block per 256-bit register), and each block's integer sum is
// scaled in f32. B is streamed once, split by rows over the OpenMP team.
// Every other case dequantizes B into f32 and reuses the f32 kernels: small
// m through the small-m dot kernel (a few rows of B at a time, in cache),
// large m (prefill) in panels through the portable blocked GEMM (its packing
// and micro-kernel), A then not rounded.
#pragma once

#include <cstdint>
#include <string>

#include "bakeoff/backend_abi.h"

namespace bk_cpu {

// A rounded to 8-bit blocks of 32: x ~= d[b] * q[32 b + l]. Rows are ldq
// bytes apart (k plus padding: a kernel holding two blocks per register may
// read one block past a row's end, and scales it by 0).
struct QuantA {
    int64_t m = 0, k = 0, nb = 0;  // nb = k / 32 blocks per row
    int64_t ldq = 0;
    const int8_t* q = nullptr;     // m x ldq
    const float* d = nullptr;      // m x nb scales
    const int32_t* s = nullptr;    // m x nb sums of q (offsets and mins)
    const float* ds = nullptr;     // m x nb: d * s
};

// out[i * ldo + (j - j0)] = sum_l A[i, l] * dequant(B)[j, l] for i < m and
// j in [j0, j1): B's row j starts at b + j * row_bytes.
using QuantRowsFn = void (*)(const QuantA& a, const uint8_t* b, uint64_t row_bytes, int64_t j0, int64_t j1,
                             float* out, int64_t ldo);

struct QuantKernels {
    const char* isa;  // for op_info
    QuantRowsFn q8_0, q4_0, q4_k;
};

// Null where the ISA was not compiled in (non-x86).
const QuantKernels* quant_kernels_avx2();
const QuantKernels* quant_kernels_avx512();  // needs AVX-512 F/BW/VL/VNNI
// The set this CPU runs (capped by BAKEOFF_CPU_ISA), or null: scalar.
const QuantKernels* quant_kernels();

constexpr int64_t kQuantSmallM = 8;

// Rounds the rows of A (m x k, rows lda apart, k a multiple of 32) into
// 8-bit blocks; the storage lives in `store` (thread-local scratch).
QuantA quantize_a(const float* a, int64_t m, int64_t k, int64_t lda);

bk_status quant_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c);
std::string quant_gemm_info(const bk_op_desc& op);

}  // namespace bk_cpu
