// ATTENTION and ATTENTION_BWD: grouped-query heads, causal and not, seq_q <
// seq_kv inside a larger KV cache (forward), shapes past one query or key
// block and odd head_dims. Cache slots past seq_kv hold NaN: a kernel that
// reads them shows in the output.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> forward_descriptors() {
    // batch, heads, kv_heads, seq_q, seq_kv, kv_capacity, head_dim, causal
    const std::int64_t attns[][8] = {
        {1, 1, 1, 1, 1, 1, 1, 1},       // the smallest
        {2, 4, 2, 7, 7, 7, 8, 1},       // prefill, grouped-query
        {2, 4, 2, 7, 7, 7, 8, 0},       // the same, not causal
        {1, 8, 2, 1, 63, 80, 64, 1},    // decode: one query, a cache larger than seq_kv
        {1, 2, 1, 5, 130, 140, 16, 1},  // chunked prefill: seq_q < seq_kv, past one key block
        {1, 2, 2, 70, 70, 70, 17, 0},   // past one query block, odd head_dim
        {1, 4, 1, 64, 200, 256, 64, 1}, // large enough to be split across threads
        {2, 4, 4, 40, 40, 40, 32, 0},
    };
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : attns)
            out.push_back(attention_desc(a, attention_shape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7] != 0)));
    return out;
}

// Training shapes: seq_q = seq_kv = kv_capacity, causal and not.
std::vector<bk_op_desc> backward_descriptors() {
    // batch, heads, kv_heads, seq, head_dim
    const std::int64_t attn_bwd[][5] = {{1, 1, 1, 1, 1}, {2, 4, 2, 7, 8}, {1, 2, 1, 33, 17}, {1, 2, 2, 70, 16},
                                        {2, 4, 2, 48, 32}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : attn_bwd)
            for (bool causal : {true, false}) {
                bk_op_desc op = attention_desc(a, attention_shape(s[0], s[1], s[2], s[3], s[3], s[3], s[4], causal));
                op.kind = BK_OP_ATTENTION_BWD;
                out.push_back(op);
            }
    return out;
}

// q, k, v as both directions take them.
struct Qkv {
    std::vector<double> q, k, v;
};

Qkv qkv(const bk_op_desc& op, Gen& g) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_attention_op& a = op.u.attn;
    const std::size_t nq = std::size_t(a.batch * a.seq_q * a.heads * a.head_dim);
    const std::size_t nk = std::size_t(a.batch * a.kv_capacity * a.kv_heads * a.head_dim);
    Qkv t{g.uniform(act, nq, -2, 2), g.uniform(act, nk, -2, 2), g.uniform(act, nk)};
    for (std::int64_t b = 0; b < a.batch; ++b)
        for (std::int64_t j = a.seq_kv; j < a.kv_capacity; ++j)
            for (std::int64_t e = 0; e < a.kv_heads * a.head_dim; ++e) {
                const std::size_t at = std::size_t((b * a.kv_capacity + j) * a.kv_heads * a.head_dim + e);
                t.k[at] = t.v[at] = std::numeric_limits<double>::quiet_NaN();
            }
    return t;
}

void forward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const Qkv t = qkv(op, g);
    std::vector<double> o(t.q.size());
    nnref::attention(t.q.data(), t.k.data(), t.v.data(), o.data(), op.u.attn);
    c.t = {in("q", act, t.q), in("k", act, t.k), in("v", act, t.v), out("o", act, o)};
}

void backward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const Qkv t = qkv(op, g);
    auto dout = g.uniform(act, t.q.size());
    std::vector<double> dq(t.q.size()), dk(t.k.size()), dv(t.k.size());
    nnref::attention_bwd(t.q.data(), t.k.data(), t.v.data(), dout.data(), dq.data(), dk.data(), dv.data(), op.u.attn);
    c.t = {in("q", act, t.q),  in("k", act, t.k),  in("v", act, t.v), in("do", act, dout),
           out("dq", act, dq), out("dk", act, dk), out("dv", act, dv)};
}

std::string shape(const bk_op_desc& op) {
    const bk_attention_op& a = op.u.attn;
    return fmt::format("b={} h={}/{} q={} kv={}/{} d={}{}", a.batch, a.heads, a.kv_heads, a.seq_q, a.seq_kv,
                       a.kv_capacity, a.head_dim, a.causal ? " causal" : "");
}

}  // namespace

bk_attention_op attention_shape(std::int64_t batch, std::int64_t heads, std::int64_t kv_heads, std::int64_t seq_q,
                                std::int64_t seq_kv, std::int64_t kv_capacity, std::int64_t head_dim, bool causal) {
    bk_attention_op a{};
    a.batch = batch, a.heads = heads, a.kv_heads = kv_heads, a.seq_q = seq_q, a.seq_kv = seq_kv;
    a.kv_capacity = kv_capacity, a.head_dim = head_dim, a.causal = causal ? 1 : 0;
    a.scale = 1.0 / std::sqrt(double(head_dim));
    return a;
}

bk_op_desc attention_desc(bk_dtype a, const bk_attention_op& shape) {
    bk_op_desc op = nn_desc(BK_OP_ATTENTION, a);
    op.u.attn = shape;
    return op;
}

NnOpCase attention_case() { return {BK_OP_ATTENTION, forward_descriptors, forward_tolerance, forward, shape}; }
NnOpCase attention_bwd_case() {
    return {BK_OP_ATTENTION_BWD, backward_descriptors, backward_tolerance, backward, shape};
}

}  // namespace bakeoff::conformance
