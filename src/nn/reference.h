// Plain fp64 host references for the neural-network ops of the ABI
// (include/bakeoff/backend_abi.h, BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION), written for
// clarity, not speed: conformance checks every backend against them, and the
// model workloads compose them into whole-model references. Each function
// follows the ABI comment of its op exactly (layouts, pairing, masking, tie
// breaking); arrays are dense row-major.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>

namespace bakeoff::nnref {

// y[r,:] = x[r,:] / sqrt(mean(x[r,:]^2) + eps) * w
void rmsnorm(const double* x, const double* w, double* y, std::int64_t rows, std::int64_t dim, double eps);
// Rotate-half rotary embedding of x [batch, seq, heads, head_dim].
void rope(const double* x, double* y, std::int64_t batch, std::int64_t seq, std::int64_t heads,
          std::int64_t head_dim, std::int64_t pos_offset, double theta, bool inverse);
// The same with the frequencies given: f_i = freq[i], i < head_dim / 2 (BK_OP_ROPE_FREQ).
void rope_freq(const double* x, double* y, std::int64_t batch, std::int64_t seq, std::int64_t heads,
               std::int64_t head_dim, std::int64_t pos_offset, const double* freq, bool inverse);
void softmax(const double* x, double* y, std::int64_t rows, std::int64_t dim);
// y = silu(g) * u
void swiglu(const double* g, const double* u, double* y, std::int64_t n);
// y[i,:] = table[ids[i],:]
void embedding(const double* table, const std::int32_t* ids, double* y, std::int64_t rows, std::int64_t dim);
// o = softmax(scale q k^T + causal mask) v with grouped-query heads and a KV cache (see BK_OP_ATTENTION).
void attention(const double* q, const double* k, const double* v, double* o, const bk_attention_op& a);
// idx/weight: tokens x top_k (see BK_OP_TOPK_ROUTE).
void topk_route(const double* logits, std::int32_t* idx, double* weight, const bk_route_op& r);
// y[ids[i],:] += w[i] * x[i,:]
void scatter_add(const double* x, const std::int32_t* ids, const double* w, double* y, std::int64_t rows,
                 std::int64_t dim);
// dx and dw (dw overwritten) of rmsnorm.
void rmsnorm_bwd(const double* x, const double* w, const double* dy, double* dx, double* dw, std::int64_t rows,
                 std::int64_t dim, double eps);
void swiglu_bwd(const double* g, const double* u, const double* dy, double* dg, double* du, std::int64_t n);
// seq_q == seq_kv == kv_capacity (training).
void attention_bwd(const double* q, const double* k, const double* v, const double* dout, double* dq, double* dk,
                   double* dv, const bk_attention_op& a);
// loss[r] and dx = (softmax(x) - onehot(t)) / rows.
void cross_entropy(const double* x, const std::int32_t* t, double* loss, double* dx, std::int64_t rows,
                   std::int64_t dim);
// y[b, pos_offset + s, :] = x[b, s, :] (see BK_OP_KV_WRITE).
void kv_write(const double* x, double* y, std::int64_t rows, std::int64_t dim, std::int64_t seq,
              std::int64_t capacity, std::int64_t pos_offset);
// The serving ops (reference_serving.cpp). Index operands are assumed valid
// (bk_nn_rules::check_serving_indices): the references do not check them.
// Rotary embedding of x [rows, heads, head_dim] with row r at position pos[r]
// and the frequencies given (BK_OP_ROPE_POS).
void rope_pos(const double* x, double* y, std::int64_t rows, std::int64_t heads, std::int64_t head_dim,
              const std::int32_t* pos, const double* freq, bool inverse);
// cache[slot[r], :] = x[r, :] for slot[r] != -1 (BK_OP_PAGED_KV_WRITE).
void paged_kv_write(const double* x, const std::int32_t* slot, double* cache, std::int64_t rows, std::int64_t dim);
// Attention of packed variable-length queries over a paged KV cache
// (BK_OP_PAGED_ATTENTION); o rows no sequence owns are not written.
void paged_attention(const double* q, const double* k_cache, const double* v_cache, const std::int32_t* q_start,
                     const std::int32_t* kv_len, const std::int32_t* block_table, double* o,
                     const bk_paged_attention_op& a);
// One AdamW step in place (see BK_OP_ADAMW).
void adamw(double* p, const double* g, double* m, double* v, const bk_adamw_op& a);
// C = alpha op(A) op(B) + beta C, row-major, as BK_OP_GEMM (fp64).
void gemm(const double* a, const double* b, double* c, const bk_gemm_op& g);

}  // namespace bakeoff::nnref
