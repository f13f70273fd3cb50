// STREAM-style kernels (copy, scale, add, triad, dot) compiled once per ISA
// (scalar, AVX2, AVX-512F) from one template body, stream_kernels_body.inc.
// Each kernel works on one thread's contiguous chunk; stream_ops.cpp splits
// the arrays across the OpenMP team and picks the variant by cpuid.
#pragma once

#include <cstdint>

namespace bk_cpu {

enum StreamOpIndex { kStreamCopy = 0, kStreamScale = 1, kStreamAdd = 2, kStreamTriad = 3 };

// out[i] = op(in0[i], in1[i], scalar) for i < n. With `nontemporal`, the
// vector stores bypass the caches (no read-for-ownership of out); the kernel
// fences before returning.
template <class T>
using StreamFn = void (*)(const T* in0, const T* in1, T* out, int64_t n, T scalar, bool nontemporal);
// sum_i in0[i] * in1[i], returned in double (see stream_kernels_body.inc).
template <class T>
using DotFn = double (*)(const T* in0, const T* in1, int64_t n);

struct StreamKernelSet {
    const char* isa;       // "scalar", "avx2", "avx512"
    bool has_nontemporal;  // vector non-temporal stores available
    StreamFn<double> f64[4];
    StreamFn<float> f32[4];
    DotFn<double> dot_f64;
    DotFn<float> dot_f32;
};

// f32 dot products are summed in f32 vector lanes over blocks of this many
// elements; each block's lanes are then added into a double.
constexpr int64_t kDotBlock = 4096;

const StreamKernelSet* stream_kernels_scalar();
const StreamKernelSet* stream_kernels_avx2();    // null where not compiled (non-x86)
const StreamKernelSet* stream_kernels_avx512();  // null where not compiled (non-x86)

}  // namespace bk_cpu
