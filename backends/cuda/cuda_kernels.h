// bakeoff's own CUDA kernels, called from host code through these launchers.
// Each enqueues on `stream` and returns the launch status (cudaGetLastError).
#pragma once

#include "cuda_host.h"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace bakeoff::cuda {

// copy / scale / add / triad / dot (cuda_stream_kernels.cu, built with
// -fmad=false). kind is a bk_op_kind, dtype BK_F32 or BK_F64. Dot writes one
// partial per block into `partials` (geometry.blocks elements), then a second
// kernel adds them into out[0].
cudaError_t launch_stream(uint32_t kind, uint32_t dtype, const void* in0, const void* in1, void* out, int64_t n,
                          double scalar, const StreamGeometry& g, void* partials, cudaStream_t stream);

// cuda_misc_kernels.cu
cudaError_t launch_empty(int64_t count, cudaStream_t stream);
cudaError_t launch_fill_u32(void* dst, uint64_t words, uint32_t pattern, cudaStream_t stream);
// Column-major copy of a 1-byte matrix: dst(r, c) = trans_src ? src[r*lds + c]
// : src[c*lds + r], for r < rows, c < cols; dst has leading dimension ldd.
cudaError_t launch_pack_bytes(const void* src, int64_t lds, bool trans_src, int64_t rows, int64_t cols, void* dst,
                              int64_t ldd, cudaStream_t stream);

// The portable GEMM (cuda_gemm_kernels.cu): row-major C = alpha op(A) op(B) +
// beta C, inputs of type in_dtype (BK_F32, BK_BF16, BK_F16), fp32 accumulation
// and output. beta == 0 never reads C.
struct PortableGemmTile {
    static constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kThreads = 256;
};
cudaError_t launch_portable_gemm(uint32_t in_dtype, const bk_gemm_op& g, const void* a, const void* b, void* c,
                                 cudaStream_t stream);

}  // namespace bakeoff::cuda
