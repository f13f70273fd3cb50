#include "cuda_nn_args.h"

#include <algorithm>

namespace bakeoff::cuda {

namespace {

// The attention forwards: their grid, and the key-split scratch.
void attention_plan(NnLaunchPlan* p, int64_t pairs, int64_t group_rows, int64_t seq_kv, int64_t head_dim, int sms) {
    p->attn = attention_grid(pairs, group_rows, seq_kv, head_dim, sms);
    p->grid = p->attn.grid;
    p->scratch_bytes = p->attn.scratch_bytes;
    p->fits = p->attn.tile.rows > 0;
}

}  // namespace

RopeArgs rope_args(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    RopeArgs a;
    a.rows = n.rows;
    a.heads = n.heads;
    a.head_dim = n.head_dim;
    a.inverse = n.inverse != 0;
    a.theta = n.theta;
    if (op.kind != BK_OP_ROPE_POS) {  // ROPE_POS reads neither seq nor pos_offset
        a.seq = n.seq;
        a.pos_offset = n.pos_offset;
    }
    return a;
}

RowCopyArgs row_copy_args(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    RowCopyArgs a;
    a.rows = n.rows;
    a.dim = n.dim;
    switch (op.kind) {
        case BK_OP_KV_WRITE:
            a.map = RowMap::kv_write;
            a.seq = n.seq;
            a.capacity = n.capacity;
            a.pos_offset = n.pos_offset;
            break;
        case BK_OP_PAGED_KV_WRITE:
            a.map = RowMap::slots;
            a.capacity = n.capacity;
            break;
        default: a.map = RowMap::gather; break;
    }
    return a;
}

NnLaunchPlan nn_launch_plan(const bk_op_desc& op, int sms, int64_t max_q_len, int64_t max_kv_len) {
    NnLaunchPlan p;
    const bk_nn_op& n = op.u.nn;
    switch (op.kind) {
        case BK_OP_RMSNORM:
        case BK_OP_SOFTMAX:
        case BK_OP_CROSS_ENTROPY: p.grid = row_grid(n.rows, n.dim); break;
        case BK_OP_RMSNORM_BWD:
            p.grid = row_grid(n.rows, n.dim);
            p.second = elem_grid(n.dim, sms);
            p.scratch_bytes = uint64_t(n.rows) * sizeof(float);  // 1/rms of each row
            break;
        case BK_OP_CONVERT:
        case BK_OP_SWIGLU:
        case BK_OP_SWIGLU_BWD: p.grid = elem_grid(n.rows * n.dim, sms); break;
        case BK_OP_ADAMW: p.grid = elem_grid(op.u.adamw.n, sms); break;
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_ROPE_POS: p.grid = elem_grid(n.rows * (n.head_dim / 2), sms); break;
        case BK_OP_EMBEDDING:
        case BK_OP_KV_WRITE:
        case BK_OP_PAGED_KV_WRITE: p.grid = rowcopy_grid(n.rows, n.dim); break;
        case BK_OP_SCATTER_ADD: p.grid = elem_grid(n.dim, sms); break;
        case BK_OP_TOPK_ROUTE: p.grid = elem_grid(op.u.route.tokens, sms); break;
        case BK_OP_ATTENTION: {
            const bk_attention_op& a = op.u.attn;
            attention_plan(&p, a.batch * a.kv_heads, a.seq_q * (a.heads / a.kv_heads), a.seq_kv, a.head_dim, sms);
            break;
        }
        case BK_OP_PAGED_ATTENTION: {
            const bk_paged_attention_op& a = op.u.paged;
            const int64_t q_len = max_q_len > 0 ? max_q_len : a.tokens;
            const int64_t kv_len = max_kv_len > 0 ? max_kv_len : a.max_blocks * a.block_size;
            attention_plan(&p, a.seqs * a.kv_heads, q_len * (a.heads / a.kv_heads), kv_len, a.head_dim, sms);
            break;
        }
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op.u.attn;
            p.grid = attention_bwd_query_grid(a.batch, a.heads, a.seq_q, a.head_dim);
            p.second = attention_bwd_key_grid(a.batch, a.kv_heads, a.seq_q, a.head_dim);
            p.scratch_bytes = uint64_t(a.batch * a.heads * a.seq_q) * 3 * sizeof(float);  // M, l, sum p dp per row
            break;
        }
        default: p.fits = false; break;
    }
    p.fits = p.fits && fits_grid(p.grid) && fits_grid(p.second);
    return p;
}

}  // namespace bakeoff::cuda
