// Launchers of bakeoff's own NN kernels (cuda_nn_rowwise.cu, cuda_nn_train.cu,
// cuda_nn_attention.cu, cuda_nn_quant.cu). Each enqueues on `stream` with the
// geometry cuda_nn_geometry.h computed and returns the launch status. Types:
// activations BK_F32, BK_BF16 or BK_F16 (fp32 math); the training ops f32.
// The callers (cuda_nn_ops.cpp) have checked descriptors, operands and
// indices.
#pragma once

#include "bakeoff/backend_abi.h"
#include "cuda_nn_args.h"
#include "cuda_nn_geometry.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace bakeoff::cuda {

// ------------------------------------------------ cuda_nn_rowwise.cu
cudaError_t launch_convert(uint32_t in, uint32_t out, const void* x, void* y, int64_t n, const NnGrid& g,
                           cudaStream_t stream);
cudaError_t launch_rmsnorm(uint32_t t, const void* x, const void* w, void* y, int64_t rows, int64_t dim, float eps,
                           const NnGrid& g, cudaStream_t stream);
cudaError_t launch_softmax(uint32_t t, const void* x, void* y, int64_t rows, int64_t dim, const NnGrid& g,
                           cudaStream_t stream);
cudaError_t launch_swiglu(uint32_t t, const void* gate, const void* up, void* y, int64_t n, const NnGrid& g,
                          cudaStream_t stream);

cudaError_t launch_rope(uint32_t t, const RopeArgs& a, const void* x, void* y, const NnGrid& g, cudaStream_t stream);

// Row copies of elem_bytes-sized elements (RowCopyArgs, cuda_nn_args.h).
cudaError_t launch_row_copy(size_t elem_bytes, const RowCopyArgs& a, const void* src, void* dst, const NnGrid& g,
                            cudaStream_t stream);
cudaError_t launch_scatter_add(uint32_t t, const void* x, const int32_t* ids, const float* w, void* y, int64_t rows,
                               int64_t dim, const NnGrid& g, cudaStream_t stream);
cudaError_t launch_topk_route(const bk_route_op& r, const float* logits, int32_t* idx, float* weight,
                              const NnGrid& g, cudaStream_t stream);

// ------------------------------------------------ cuda_nn_train.cu (f32)
// rinv: rows floats of scratch (1/rms of each row) for the dw kernel.
cudaError_t launch_rmsnorm_bwd(const float* x, const float* w, const float* dy, float* dx, float* dw, float* rinv,
                               int64_t rows, int64_t dim, float eps, const NnGrid& rows_grid,
                               const NnGrid& cols_grid, cudaStream_t stream);
cudaError_t launch_swiglu_bwd(const float* gate, const float* up, const float* dy, float* dg, float* du, int64_t n,
                              const NnGrid& g, cudaStream_t stream);
cudaError_t launch_cross_entropy(const float* x, const int32_t* t, float* loss, float* dx, int64_t rows, int64_t dim,
                                 const NnGrid& g, cudaStream_t stream);
cudaError_t launch_adamw(const bk_adamw_op& a, float* p, const float* g, float* m, float* v, const NnGrid& grid,
                         cudaStream_t stream);

// ------------------------------------------------ cuda_nn_attention.cu
// scratch: AttnGrid::scratch_bytes when splits > 1.
cudaError_t launch_attention(uint32_t t, const bk_attention_op& a, const void* q, const void* k, const void* v,
                             void* o, const AttnGrid& g, void* scratch, cudaStream_t stream);
// q_start, kv_len, block_table in device memory (checked on the host first).
struct PagedIndex {
    const int32_t* q_start = nullptr;
    const int32_t* kv_len = nullptr;
    const int32_t* block_table = nullptr;
};
cudaError_t launch_paged_attention(uint32_t t, const bk_paged_attention_op& a, const void* q, const void* k_cache,
                                   const void* v_cache, const PagedIndex& idx, void* o, const AttnGrid& g,
                                   void* scratch, cudaStream_t stream);
// f32; stats: batch * heads * seq * 3 floats of scratch (max, sum, sum p dp);
// gq, gk: the query and key kernels' grids.
cudaError_t launch_attention_bwd(const bk_attention_op& a, const float* q, const float* k, const float* v,
                                 const float* dout, float* dq, float* dk, float* dv, float* stats,
                                 const NnGrid& gq, const NnGrid& gk, cudaStream_t stream);

// ------------------------------------------------ cuda_nn_quant.cu
// Rows of a q8_0 / q4_0 table dequantized to f32 (bk_dequantize_row's values).
cudaError_t launch_qgather(uint32_t qtype, const void* table, const int32_t* ids, float* y, int64_t rows,
                           int64_t dim, const NnGrid& g, cudaStream_t stream);
// C = alpha A B^T + beta C with A f32 [m, k] (lda), B q8_0 / q4_0 [n, k]
// blocks, C f32 (ldc); beta == 0 never reads C.
cudaError_t launch_qgemm(uint32_t qtype, const bk_gemm_op& g, const void* a, const void* b, void* c,
                         const QGemmPlan& plan, cudaStream_t stream);

}  // namespace bakeoff::cuda
