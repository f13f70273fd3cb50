// Building ABI op descriptors in one place, so that shapes, leading
// dimensions and transposes are spelled out once: the zeroed, sized, typed
// header every op starts from; the stream-shaped ops (a count n and a scalar)
// that the membw and latency workloads and the conformance plan launch; and
// (namespace nnop) the GEMM and NN ops the model workloads (llm, moe,
// train.step) launch. Row-major throughout (see include/bakeoff/backend_abi.h).
//
// A model case's path (vendor or portable) names the GEMM implementation,
// where the work is; every other op runs on the portable path, bakeoff's own
// kernels, which every backend with these ops has (no vendor library has them
// all on every platform).
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <cstring>

namespace bakeoff {

// All fields zero, struct_size set, kind, path and operand types filled in.
inline bk_op_desc blank_op(bk_op_kind kind, bk_path path, bk_dtype a, bk_dtype b, bk_dtype c) {
    bk_op_desc d;
    std::memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.kind = kind;
    d.path = path;
    d.dtype_a = a;
    d.dtype_b = b;
    d.dtype_c = c;
    return d;
}

// An op over n elements of type t (all operands), with the stream scalar:
// the membw kernels, and EMPTY (n launches) and TRANSFER (n bytes) with u8.
inline bk_op_desc stream_op(bk_op_kind kind, bk_dtype t, bk_path path, std::int64_t n, double scalar = 0.0) {
    bk_op_desc d = blank_op(kind, path, t, t, t);
    d.u.stream.n = n;
    d.u.stream.scalar = scalar;
    return d;
}

}  // namespace bakeoff

namespace bakeoff::nnop {

constexpr bk_path kNnPath = BK_PATH_PORTABLE;

inline bk_op_desc blank(bk_op_kind kind, bk_path path, bk_dtype a, bk_dtype b, bk_dtype c) {
    return blank_op(kind, path, a, b, c);
}

// C[m,n] = alpha op(A) op(B) + beta C. A is m x k (stored k x m when trans_a),
// B is k x n (stored n x k when trans_b); the leading dimensions follow the
// stored layout. A linear layer y = x W^T with W [out, in] is
// gemm(T, out, in, trans_b = true).
// The shape alone, as the host references (nnref::gemm) take it too.
inline bk_gemm_op gemm_shape(std::int64_t m, std::int64_t n, std::int64_t k, bool trans_a, bool trans_b,
                             double beta = 0.0) {
    bk_gemm_op g;
    std::memset(&g, 0, sizeof g);
    g.m = m;
    g.n = n;
    g.k = k;
    g.trans_a = trans_a ? 1 : 0;
    g.trans_b = trans_b ? 1 : 0;
    g.lda = trans_a ? m : k;
    g.ldb = trans_b ? k : n;
    g.ldc = n;
    g.alpha = 1.0;
    g.beta = beta;
    return g;
}
inline bk_op_desc gemm(bk_path path, bk_dtype in, bk_dtype out, std::int64_t m, std::int64_t n, std::int64_t k,
                       bool trans_a, bool trans_b, double beta = 0.0) {
    bk_op_desc d = blank(BK_OP_GEMM, path, in, in, out);
    d.u.gemm = gemm_shape(m, n, k, trans_a, trans_b, beta);
    return d;
}

// Row-wise and element-wise ops: rows x dim elements of `act`, the output in
// `out` (CONVERT's target type; the others keep `act`).
inline bk_op_desc nn(bk_op_kind kind, bk_dtype act, std::int64_t rows, std::int64_t dim, bk_dtype out) {
    bk_op_desc d = blank(kind, kNnPath, act, act, out);
    d.u.nn.rows = rows;
    d.u.nn.dim = dim;
    return d;
}
inline bk_op_desc nn(bk_op_kind kind, bk_dtype act, std::int64_t rows, std::int64_t dim) {
    return nn(kind, act, rows, dim, act);
}

// Element-wise stream op (ADD): n elements of f32.
inline bk_op_desc add(std::int64_t n) {
    bk_op_desc d = blank(BK_OP_ADD, kNnPath, BK_F32, BK_F32, BK_F32);
    d.u.stream.n = n;
    return d;
}

inline bk_op_desc convert(bk_dtype from, bk_dtype to, std::int64_t n) {
    bk_op_desc d = blank(BK_OP_CONVERT, kNnPath, from, from, to);
    d.u.nn.rows = n;
    d.u.nn.dim = 1;
    return d;
}

inline bk_op_desc rmsnorm(bk_op_kind kind, std::int64_t rows, std::int64_t dim, double eps) {
    bk_op_desc d = nn(kind, BK_F32, rows, dim);
    d.u.nn.eps = eps;
    return d;
}

// table [vocab, dim] of `act`, ids I32: a row gather (EMBEDDING) or a
// weighted row scatter (SCATTER_ADD, f32).
inline bk_op_desc rows_op(bk_op_kind kind, bk_dtype act, std::int64_t rows, std::int64_t dim,
                          std::int64_t vocab) {
    bk_op_desc d = nn(kind, act, rows, dim);
    d.dtype_b = BK_I32;
    d.u.nn.vocab = vocab;
    return d;
}

// x [batch, seq, heads, head_dim]; inverse rotates backwards (the gradient).
inline bk_op_desc rope(std::int64_t batch, std::int64_t seq, std::int64_t heads, std::int64_t head_dim,
                       double theta, bool inverse) {
    bk_op_desc d = nn(BK_OP_ROPE, BK_F32, batch * seq, heads * head_dim);
    d.u.nn.heads = heads;
    d.u.nn.head_dim = head_dim;
    d.u.nn.seq = seq;
    d.u.nn.theta = theta;
    d.u.nn.inverse = inverse ? 1 : 0;
    return d;
}

// Causal self-attention over whole sequences (seq_q == seq_kv == capacity).
inline bk_op_desc attention(bk_op_kind kind, std::int64_t batch, std::int64_t seq, std::int64_t heads,
                            std::int64_t head_dim, double scale) {
    bk_op_desc d = blank(kind, kNnPath, BK_F32, BK_F32, BK_F32);
    auto& a = d.u.attn;
    a.batch = batch;
    a.heads = a.kv_heads = heads;
    a.seq_q = a.seq_kv = a.kv_capacity = seq;
    a.head_dim = head_dim;
    a.causal = 1;
    a.scale = scale;
    return d;
}

inline bk_op_desc topk_route(std::int64_t tokens, std::int64_t experts, std::int64_t top_k,
                             int score_fn, bool normalize) {
    bk_op_desc d = blank(BK_OP_TOPK_ROUTE, kNnPath, BK_F32, BK_I32, BK_F32);
    d.u.route = {.tokens = tokens, .experts = experts, .top_k = top_k, .score_fn = score_fn,
                 .normalize = normalize ? 1 : 0};
    return d;
}

inline bk_op_desc cross_entropy(std::int64_t rows, std::int64_t vocab) {
    bk_op_desc d = nn(BK_OP_CROSS_ENTROPY, BK_F32, rows, vocab);
    d.dtype_b = BK_I32;
    return d;
}

inline bk_op_desc adamw(std::int64_t n, std::int64_t step, double lr, double beta1, double beta2,
                        double eps, double weight_decay) {
    bk_op_desc d = blank(BK_OP_ADAMW, kNnPath, BK_F32, BK_F32, BK_F32);
    d.u.adamw = {.n = n, .step = step, .lr = lr, .beta1 = beta1, .beta2 = beta2, .eps = eps,
                 .weight_decay = weight_decay};
    return d;
}

}  // namespace bakeoff::nnop
