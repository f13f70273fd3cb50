// The NN ops' descriptors mapped to kernel arguments and launch plans, as pure
// host logic (no CUDA header; tests/cuda checks it without a GPU). One plan
// per descriptor, so supports(), launch() and op_info() agree.
#pragma once

#include "bakeoff/backend_abi.h"
#include "cuda_nn_geometry.h"

#include <cstdint>

namespace bakeoff::cuda {

// Rotate-half rope. Frequencies: freq (f64, head_dim/2) when given, else
// theta^(-2i/head_dim). Positions: pos[row] when given (ROPE_POS), else
// pos_offset + row % seq. One thread per (row, i), looping over the heads.
struct RopeArgs {
    int64_t rows = 0, heads = 0, head_dim = 0, seq = 1, pos_offset = 0;
    bool inverse = false;
    double theta = 10000;
    const double* freq = nullptr;  // set by the caller (ROPE_FREQ, ROPE_POS)
    const int32_t* pos = nullptr;  // set by the caller (ROPE_POS)
};
// ROPE, ROPE_FREQ, ROPE_POS (seq 1 and no offset: positions come from pos).
RopeArgs rope_args(const bk_op_desc& op);

// Row copies: gather (dst row r <- src row index[r]: EMBEDDING), kv_write (dst
// row b*capacity + pos_offset + s <- src row r = b*seq + s: KV_WRITE), slots
// (dst row index[r] <- src row r, skipped when index[r] = -1: PAGED_KV_WRITE).
enum class RowMap { gather, kv_write, slots };
struct RowCopyArgs {
    RowMap map = RowMap::gather;
    int64_t rows = 0, dim = 0, seq = 1, capacity = 0, pos_offset = 0;
    const int32_t* index = nullptr;  // set by the caller
};
RowCopyArgs row_copy_args(const bk_op_desc& op);

// The launches of one NN op: `grid` for its (first) kernel, `second` for the
// rmsnorm backward's dw kernel, `attn` for the attention forwards, `scratch`
// device bytes the launch needs (attention key splits, the backwards'
// statistics). PAGED_ATTENTION's grid depends on the longest query run and
// key range of the batch, known after its indices are read: pass them, or 0
// for the descriptor's worst case (tokens, max_blocks * block_size).
struct NnLaunchPlan {
    NnGrid grid, second;
    AttnGrid attn;
    uint64_t scratch_bytes = 0;
    bool fits = true;  // every grid within CUDA's limits
};
NnLaunchPlan nn_launch_plan(const bk_op_desc& op, int sms, int64_t max_q_len = 0, int64_t max_kv_len = 0);

}  // namespace bakeoff::cuda
