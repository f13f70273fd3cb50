// The portable GEMM: bakeoff's own tiled kernel, not a tuned one. A 256-thread
// block computes a 64 x 64 tile of C; each thread a 4 x 4 register block
// (rows ty + 16 i, columns tx + 16 j, so that shared-memory reads are
// conflict-free). K advances in slices of 16 staged in shared memory as fp32;
// any transpose, leading dimension and edge is handled at the loads. bf16 and
// fp16 inputs are widened to fp32 on load; accumulation and output are fp32.
#include "cuda_kernels.h"
#include "cuda_tile.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace bakeoff::cuda {

namespace {

constexpr int TM = PortableGemmTile::kTileM, TN = PortableGemmTile::kTileN, TK = PortableGemmTile::kTileK;
constexpr int NT = PortableGemmTile::kThreads;
static_assert(TM == tile::kTile && TN == tile::kTile && NT == tile::kThreads, "the shared 64 x 64 tile");

__device__ __forceinline__ float widen(float v) { return v; }
__device__ __forceinline__ float widen(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float widen(__half v) { return __half2float(v); }

template <typename T>
__global__ void __launch_bounds__(NT) gemm_tiled(const T* __restrict__ A, const T* __restrict__ B,
                                                 float* __restrict__ C, int64_t m, int64_t n, int64_t k, int64_t lda,
                                                 int64_t ldb, int64_t ldc, bool ta, bool tb, float alpha,
                                                 float beta) {
    __shared__ float As[TK][tile::kPad];
    __shared__ float Bs[TK][tile::kPad];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int64_t m0 = int64_t(blockIdx.y) * TM, n0 = int64_t(blockIdx.x) * TN;
    float acc[4][4] = {};
    for (int64_t k0 = 0; k0 < k; k0 += TK) {
#pragma unroll
        for (int t = 0; t < (TM * TK) / NT; ++t) {
            const int e = tid + t * NT;
            // Read along whichever index is contiguous in memory.
            const int kk = ta ? e / TM : e % TK;
            const int i = ta ? e % TM : e / TK;
            const int64_t gi = m0 + i, gk = k0 + kk;
            float v = 0.f;
            if (gi < m && gk < k) v = widen(ta ? A[gk * lda + gi] : A[gi * lda + gk]);
            As[kk][i] = v;
        }
#pragma unroll
        for (int t = 0; t < (TN * TK) / NT; ++t) {
            const int e = tid + t * NT;
            const int kk = tb ? e % TK : e / TN;
            const int j = tb ? e / TK : e % TN;
            const int64_t gj = n0 + j, gk = k0 + kk;
            float v = 0.f;
            if (gj < n && gk < k) v = widen(tb ? B[gj * ldb + gk] : B[gk * ldb + gj]);
            Bs[kk][j] = v;
        }
        __syncthreads();
        tile::fma_slice<TK>(As, Bs, acc, tx, ty);
        __syncthreads();
    }
    tile::store(C, ldc, m0, n0, m, n, acc, tx, ty, alpha, beta);
}

template <typename T>
cudaError_t run(const bk_gemm_op& g, const void* a, const void* b, void* c, cudaStream_t stream) {
    const GemmGrid grid = gemm_grid(g.m, g.n, TM, TN);
    if (grid.y > 65535) return cudaErrorInvalidConfiguration;
    gemm_tiled<T><<<dim3(grid.x, grid.y), NT, 0, stream>>>(
        static_cast<const T*>(a), static_cast<const T*>(b), static_cast<float*>(c), g.m, g.n, g.k, g.lda, g.ldb,
        g.ldc, g.trans_a != 0, g.trans_b != 0, float(g.alpha), float(g.beta));
    return cudaGetLastError();
}

}  // namespace

cudaError_t launch_portable_gemm(uint32_t in_dtype, const bk_gemm_op& g, const void* a, const void* b, void* c,
                                 cudaStream_t stream) {
    if (g.m == 0 || g.n == 0) return cudaSuccess;
    switch (in_dtype) {
        case BK_F32: return run<float>(g, a, b, c, stream);
        case BK_BF16: return run<__nv_bfloat16>(g, a, b, c, stream);
        case BK_F16: return run<__half>(g, a, b, c, stream);
        default: return cudaErrorInvalidValue;
    }
}

}  // namespace bakeoff::cuda
