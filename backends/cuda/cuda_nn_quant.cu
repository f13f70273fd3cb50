// Block-quantized kernels, q8_0 and q4_0 (GGML's layouts, bakeoff/plugin_quant.h):
// the embedding gather that dequantizes table rows to f32, and the GEMM of
// f32 activations with quantized weights [n, k] (C = alpha A B^T + beta C).
//
// Dequantization gives bk_dequantize_row's values exactly: q8_0 d q, q4_0
// d q + (-8 d), with each product and sum rounded on its own (no fma
// contraction, as the C reference rounds them).
//
// GEMV (m <= 8, decode): a warp per weight row walks its blocks; lane l takes
// value l of each 32-value block, so the weight bytes and the row of A are
// read coalesced; each lane keeps m partial sums, added across the warp at
// the end. Tiled (m > 8): 64 x 64 tiles of C with 256 threads, 4 x 4 results
// a thread; each k slice of 32 is one block per weight row, dequantized into
// shared memory next to A's slice.
#include "cuda_nn_device.cuh"
#include "cuda_nn_kernels.h"
#include "cuda_tile.cuh"

namespace bakeoff::cuda {

using namespace nn;

namespace {

constexpr int QK = 32;  // values per q8_0 / q4_0 block

template <int kQ8>
struct Block;
template <>
struct Block<1> {
    static constexpr int kBytes = 34;
};
template <>
struct Block<0> {
    static constexpr int kBytes = 18;
};

// Value e (0..31) of the block at b.
template <int kQ8>
__device__ __forceinline__ float dequant(const uint8_t* __restrict__ b, int e) {
    const float d = __half2float(__ushort_as_half(uint16_t(b[0] | (uint16_t(b[1]) << 8))));
    if (kQ8) return __fmul_rn(d, float(int8_t(b[2 + e])));
    const uint8_t byte = b[2 + (e & 15)];
    const int q = e < 16 ? (byte & 0xF) : (byte >> 4);
    return __fadd_rn(__fmul_rn(d, float(q)), -8.0f * d);
}

template <int kQ8>
__global__ void qgather_kernel(const uint8_t* __restrict__ table, const int32_t* __restrict__ ids,
                               float* __restrict__ y, int64_t dim) {
    const int64_t r = blockIdx.x;
    const int64_t j = int64_t(blockIdx.y) * blockDim.x + threadIdx.x;
    if (j >= dim) return;
    const int64_t row_bytes = dim / QK * Block<kQ8>::kBytes;
    const uint8_t* row = table + int64_t(ids[r]) * row_bytes;
    y[r * dim + j] = dequant<kQ8>(row + (j / QK) * Block<kQ8>::kBytes, int(j % QK));
}

__device__ __forceinline__ void store_c(float* c, float v, float alpha, float beta) {
    // beta == 0: C is not read (it may hold poison).
    *c = beta == 0.f ? alpha * v : alpha * v + beta * *c;
}

template <int kQ8>
__global__ void __launch_bounds__(32 * kQGemvWarps)
    qgemv_kernel(const float* __restrict__ A, const uint8_t* __restrict__ B, float* __restrict__ C, int64_t m,
                 int64_t n, int64_t k, int64_t lda, int64_t ldc, float alpha, float beta) {
    const int lane = threadIdx.x % 32;
    const int64_t col = int64_t(blockIdx.x) * kQGemvWarps + threadIdx.x / 32;
    if (col >= n) return;
    const int64_t blocks = k / QK;
    const uint8_t* row = B + col * blocks * Block<kQ8>::kBytes;
    float acc[kQGemvMaxM] = {};
#pragma unroll 4
    for (int64_t b = 0; b < blocks; ++b) {
        const float w = dequant<kQ8>(row + b * Block<kQ8>::kBytes, lane);
        const int64_t kk = b * QK + lane;
#pragma unroll
        for (int i = 0; i < kQGemvMaxM; ++i)
            if (i < m) acc[i] = fmaf(A[i * lda + kk], w, acc[i]);
    }
#pragma unroll
    for (int i = 0; i < kQGemvMaxM; ++i) {
        if (i >= m) break;
        const float s = warp_sum(acc[i]);
        if (lane == 0) store_c(C + i * ldc + col, s, alpha, beta);
    }
}

template <int kQ8>
__global__ void __launch_bounds__(256)
    qgemm_tiled(const float* __restrict__ A, const uint8_t* __restrict__ B, float* __restrict__ C, int64_t m,
                int64_t n, int64_t k, int64_t lda, int64_t ldc, float alpha, float beta) {
    static_assert(kQTile == tile::kTile, "the shared 64 x 64 tile");
    __shared__ float As[QK][tile::kPad];
    __shared__ float Bs[QK][tile::kPad];
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int64_t m0 = int64_t(blockIdx.y) * kQTile, n0 = int64_t(blockIdx.x) * kQTile;
    const int64_t blocks = k / QK;
    float acc[4][4] = {};
    for (int64_t kb = 0; kb < blocks; ++kb) {
#pragma unroll
        for (int u = 0; u < (kQTile * QK) / 256; ++u) {
            const int e = tid + u * 256, i = e / QK, kk = e % QK;
            const int64_t gi = m0 + i, gj = n0 + i;
            As[kk][i] = gi < m ? A[gi * lda + kb * QK + kk] : 0.f;
            Bs[kk][i] = gj < n ? dequant<kQ8>(B + (gj * blocks + kb) * Block<kQ8>::kBytes, kk) : 0.f;
        }
        __syncthreads();
        tile::fma_slice<QK>(As, Bs, acc, tx, ty);
        __syncthreads();
    }
    tile::store(C, ldc, m0, n0, m, n, acc, tx, ty, alpha, beta);
}

template <int kQ8>
cudaError_t run_qgemm(const bk_gemm_op& g, const float* a, const uint8_t* b, float* c, const QGemmPlan& p,
                      cudaStream_t stream) {
    const float alpha = float(g.alpha), beta = float(g.beta);
    if (p.gemv)
        qgemv_kernel<kQ8><<<p.grid.x, p.grid.threads, 0, stream>>>(a, b, c, g.m, g.n, g.k, g.lda, g.ldc, alpha, beta);
    else
        qgemm_tiled<kQ8><<<dim3(p.grid.x, p.grid.y), p.grid.threads, 0, stream>>>(a, b, c, g.m, g.n, g.k, g.lda,
                                                                                 g.ldc, alpha, beta);
    return cudaGetLastError();
}

}  // namespace

cudaError_t launch_qgather(uint32_t qtype, const void* table, const int32_t* ids, float* y, int64_t rows,
                           int64_t dim, const NnGrid& g, cudaStream_t stream) {
    (void)rows;
    const auto* t = static_cast<const uint8_t*>(table);
    const dim3 grid(g.x, g.y);
    if (qtype == BK_Q8_0) qgather_kernel<1><<<grid, g.threads, 0, stream>>>(t, ids, y, dim);
    else if (qtype == BK_Q4_0) qgather_kernel<0><<<grid, g.threads, 0, stream>>>(t, ids, y, dim);
    else return cudaErrorInvalidValue;
    return cudaGetLastError();
}

cudaError_t launch_qgemm(uint32_t qtype, const bk_gemm_op& g, const void* a, const void* b, void* c,
                         const QGemmPlan& plan, cudaStream_t stream) {
    if (g.m == 0 || g.n == 0) return cudaSuccess;
    const auto* A = static_cast<const float*>(a);
    const auto* B = static_cast<const uint8_t*>(b);
    auto* C = static_cast<float*>(c);
    if (qtype == BK_Q8_0) return run_qgemm<1>(g, A, B, C, plan, stream);
    if (qtype == BK_Q4_0) return run_qgemm<0>(g, A, B, C, plan, stream);
    return cudaErrorInvalidValue;
}

}  // namespace bakeoff::cuda
