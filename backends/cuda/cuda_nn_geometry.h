// Launch geometry of the CUDA backend's NN kernels, as pure host logic (no
// CUDA header) so tests/cuda checks it without a GPU. The kernels
// (cuda_nn_*.cu) launch exactly what these return; cuda_nn_ops.cpp refuses a
// descriptor whose geometry does not fit CUDA's grid limits.
#pragma once

#include <cstdint>

namespace bakeoff::cuda {

// A kernel launch: grid (x, y, z) blocks of `threads`, dynamic shared memory.
struct NnGrid {
    uint32_t x = 1, y = 1, z = 1;
    uint32_t threads = 1;
    uint32_t smem_bytes = 0;
};

// CUDA's limits: grid.x up to 2^31 - 1, grid.y and grid.z up to 65535.
constexpr int64_t kGridXMax = 2147483647;
constexpr int64_t kGridYZMax = 65535;
// Shared memory a block may take without opting in (every sm_80+ GPU).
constexpr uint32_t kSmemDefault = 48 * 1024;
bool fits_grid(const NnGrid& g);

// One block per row (rmsnorm, softmax, cross-entropy, the rmsnorm backward's
// dx): rows in grid.x; threads a power of two in [32, 1024] giving each
// thread about 8 elements of the row.
NnGrid row_grid(int64_t rows, int64_t dim);

// Grid-stride element-wise kernels over n items (convert, swiglu, adamw, the
// rope pairs, one thread per column or per token): 256 threads, blocks to
// cover n, at most 16 per SM (grid-stride beyond).
NnGrid elem_grid(int64_t n, int sms);

// Row copies (embedding, kv_write, paged_kv_write): grid.x one row each,
// grid.y the 256-thread chunks of the row's elements.
NnGrid rowcopy_grid(int64_t rows, int64_t row_elems);

// --------------------------------------------------------------- attention
//
// The fused forward kernel: a block takes `rows` (query, head) rows that read
// one KV head (the query heads of a GQA group, query after query) and walks
// the keys in blocks of `key_block` through shared memory with an online
// softmax; the output accumulator stays in registers (rows * head_dim /
// threads per thread, at most kAttnAccPerThread).
constexpr int kAttnThreads = 128;
constexpr int kAttnMaxHeadDim = 256;
constexpr int kAttnAccPerThread = 16;

struct AttnTile {
    int rows = 0;       // (query, head) rows per block; 0: head_dim is not supported
    int key_block = 0;  // keys per shared-memory tile
    uint32_t smem_bytes = 0;
};
// Shared memory of a tile: q rows x D, k tile x (D + 1) (padded: a thread
// reads a row), v tile x D, scores rows x key_block, and per row its running
// max, running sum and rescale factor.
uint32_t attn_smem_bytes(int rows, int key_block, int64_t head_dim);
AttnTile attention_tile(int64_t head_dim);

// The grid of one attention launch: x the row tiles of a (batch, KV head)
// pair, y those pairs, z the key splits. When the tiles alone leave SMs idle
// (decode: one query) the keys are split into `splits` ranges of
// keys_per_split (a multiple of key_block), each written as a partial
// (unnormalised output, max, sum) and merged by a second kernel.
struct AttnGrid {
    NnGrid grid;
    AttnTile tile;
    int splits = 1;
    int64_t keys_per_split = 0;
    uint64_t scratch_bytes = 0;  // partials when splits > 1
};
constexpr int kAttnMaxSplits = 32;
// pairs = batch * kv_heads (or seqs * kv_heads), group_rows = seq_q * (heads /
// kv_heads) (the longest sequence's), seq_kv the longest key range.
AttnGrid attention_grid(int64_t pairs, int64_t group_rows, int64_t seq_kv, int64_t head_dim, int sms);

// The backward: one block of kAttnBwdThreads per query row (row statistics
// and dq), then one per key row (dk and dv over the group's query heads).
constexpr int kAttnBwdThreads = 128;
NnGrid attention_bwd_query_grid(int64_t batch, int64_t heads, int64_t seq, int64_t head_dim);
NnGrid attention_bwd_key_grid(int64_t batch, int64_t kv_heads, int64_t seq, int64_t head_dim);

// ------------------------------------------------------- block-quantized GEMM
//
// f32 activations x Q8_0 / Q4_0 weights. m <= kQGemvMaxM: the GEMV kernel, one
// warp per weight row (output column), kQGemvWarps warps a block, every row
// of A at once; larger m: the tiled kernel, 64 x 64 tiles of C, the weights
// dequantized into shared memory one 32-value block per row and k slice.
constexpr int64_t kQGemvMaxM = 8;
constexpr int kQGemvWarps = 4;
constexpr int kQTile = 64;
struct QGemmPlan {
    bool gemv = false;
    NnGrid grid;
};
QGemmPlan qgemm_plan(int64_t m, int64_t n);

}  // namespace bakeoff::cuda
