// The 64 x 64 output tile the two tiled GEMM kernels share (the portable GEMM,
// cuda_gemm_kernels.cu, and the block-quantized one, cuda_nn_quant.cu): 256
// threads, each a 4 x 4 register block at rows ty + 16 i and columns tx + 16 j
// (conflict-free shared-memory reads), from k slices staged in shared memory
// as fp32 (As[k][row], Bs[k][column], rows padded to 65).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace bakeoff::cuda::tile {

constexpr int kTile = 64, kPad = kTile + 1, kThreads = 256;

// acc += the slice's K products.
template <int K>
__device__ __forceinline__ void fma_slice(const float (&As)[K][kPad], const float (&Bs)[K][kPad], float (&acc)[4][4],
                                          int tx, int ty) {
#pragma unroll
    for (int kk = 0; kk < K; ++kk) {
        float a[4], b[4];
#pragma unroll
        for (int r = 0; r < 4; ++r) a[r] = As[kk][ty + 16 * r];
#pragma unroll
        for (int c = 0; c < 4; ++c) b[c] = Bs[kk][tx + 16 * c];
#pragma unroll
        for (int r = 0; r < 4; ++r)
#pragma unroll
            for (int c = 0; c < 4; ++c) acc[r][c] = fmaf(a[r], b[c], acc[r][c]);
    }
}

// C = alpha acc + beta C for the thread's results inside m x n; beta == 0
// never reads C (it may hold poison).
__device__ __forceinline__ void store(float* C, int64_t ldc, int64_t m0, int64_t n0, int64_t m, int64_t n,
                                      const float (&acc)[4][4], int tx, int ty, float alpha, float beta) {
#pragma unroll
    for (int r = 0; r < 4; ++r) {
        const int64_t gi = m0 + ty + 16 * r;
        if (gi >= m) continue;
#pragma unroll
        for (int c = 0; c < 4; ++c) {
            const int64_t gj = n0 + tx + 16 * c;
            if (gj >= n) continue;
            float* p = C + gi * ldc + gj;
            *p = beta == 0.f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * *p;
        }
    }
}

}  // namespace bakeoff::cuda::tile
