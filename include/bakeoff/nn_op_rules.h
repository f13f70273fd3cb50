/* C++ helper for backend plugins: the ABI's rules for the neural-network ops
 * (BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION) in one place — which descriptors are
 * well-formed, and each operand's name and size in bytes — so every backend
 * refuses the same descriptors with the same words and checks its buffers
 * against the same sizes. What a backend runs (dtypes, paths, its own limits)
 * stays its own. Not part of the ABI itself; a plugin in C writes its own.
 * op_rules.h holds the same for the stream ops and GEMM. */
#pragma once

#ifdef __cplusplus
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_dtype.h"
#include "bakeoff/plugin_quant.h"

namespace bk_nn_rules {

struct Operand {
    const char* name;
    uint64_t bytes;  // UINT64_MAX when the size overflows
};

/* Bytes of one element of an activation, id or index type (1 for a value
 * that is not a dtype: the backend refuses the type itself). */
inline uint64_t element_bytes(uint32_t dtype) {
    const uint32_t size = bk_dtype_size(dtype);
    return size ? size : 1;
}

/* The NN ops: BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION (the serving ops
 * ROPE_POS, PAGED_KV_WRITE and PAGED_ATTENTION included). */
inline bool is_nn_op(uint32_t kind) { return kind >= BK_OP_CONVERT && kind <= BK_OP_PAGED_ATTENTION; }

/* The serving ops: packed variable-length rows and a paged KV cache. */
inline bool is_serving_op(uint32_t kind) {
    return kind == BK_OP_ROPE_POS || kind == BK_OP_PAGED_KV_WRITE || kind == BK_OP_PAGED_ATTENTION;
}

/* Bytes of the descriptor union member an NN op reads (u.attn, u.route,
 * u.adamw or u.nn): struct_size must cover it. */
inline std::size_t desc_bytes(uint32_t kind) {
    switch (kind) {
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: return sizeof(bk_attention_op);
        case BK_OP_TOPK_ROUTE: return sizeof(bk_route_op);
        case BK_OP_ADAMW: return sizeof(bk_adamw_op);
        case BK_OP_PAGED_ATTENTION: return sizeof(bk_paged_attention_op);
        default: return sizeof(bk_nn_op);
    }
}

/* The ops whose data are activations (f32, bf16, f16 or f64); the router and
 * the training ops are f32 only. */
inline bool takes_activations(uint32_t kind) {
    switch (kind) {
        case BK_OP_RMSNORM:
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_ROPE_POS:
        case BK_OP_PAGED_KV_WRITE:
        case BK_OP_PAGED_ATTENTION:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_ATTENTION:
        case BK_OP_SCATTER_ADD:
        case BK_OP_EMBEDDING:
        case BK_OP_KV_WRITE: return true;
        default: return false;
    }
}

/* a * b * c elements of `bytes` each, or UINT64_MAX past 2^62 (no factor is
 * negative here: they are checked first). */
inline uint64_t product(int64_t a, int64_t b, int64_t c, uint64_t bytes) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * static_cast<uint64_t>(b);
    p *= static_cast<uint64_t>(c);
    p *= bytes;
    return p > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(p);
}

namespace detail {
inline std::string first_not_positive(std::initializer_list<std::pair<const char*, int64_t>> vals) {
    for (const auto& [name, v] : vals)
        if (v <= 0) return std::string(name) + " must be positive, got " + std::to_string(v);
    return {};
}
}  // namespace detail

/* The activation types of the ABI: f32, bf16, f16 and f64. */
inline bool is_activation_type(uint32_t dtype) {
    return dtype == BK_F32 || dtype == BK_BF16 || dtype == BK_F16 || dtype == BK_F64;
}

/* "" when the op's types are ones the ABI defines for it (dtype_a; CONVERT
 * also dtype_c); else why (one line, without the op's name; backends answer
 * BK_UNSUPPORTED). The router and the training ops run f32 only. */
inline std::string types(const bk_op_desc& op) {
    const uint32_t a = op.dtype_a;
    if (op.kind == BK_OP_CONVERT) {
        if (is_activation_type(a) && is_activation_type(op.dtype_c)) return {};
        return std::string(bk_dtype_name(a)) + " -> " + bk_dtype_name(op.dtype_c) +
               " is not a conversion of the ABI (f64, f32, bf16 and f16 are)";
    }
    if (op.kind == BK_OP_EMBEDDING && bk_is_block_type(a)) {
        // A quantized model's token embedding: rows come out dequantized.
        if (op.dtype_c == BK_F32) return {};
        return std::string("a ") + bk_dtype_name(a) + " table gives f32 rows (dtype_c = f32), not " +
               bk_dtype_name(op.dtype_c);
    }
    if (takes_activations(op.kind)) {
        if (is_activation_type(a)) return {};
        return std::string("activations of ") + bk_dtype_name(a) + " are not an ABI type (f32, bf16, f16, f64 are)";
    }
    if (a == BK_F32) return {};
    return std::string("runs f32 only, not ") + bk_dtype_name(a);
}

/* "" and the op's operands, in the ABI's order, when the descriptor of an NN
 * op is well-formed; else why not (one line, without the op's name). The
 * caller has checked that op.kind is an NN op and struct_size covers its
 * union member. */
inline std::string check(const bk_op_desc& op, std::vector<Operand>* out) {
    std::vector<Operand>& o = *out;
    o.clear();
    const uint64_t ea = element_bytes(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    std::string why;
    switch (op.kind) {
        case BK_OP_CONVERT:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_RMSNORM: {
            if (!(why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}})).empty()) return why;
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op.kind == BK_OP_CONVERT) {
                o = {{"in0", x}, {"out", product(n.rows, n.dim, 1, element_bytes(op.dtype_c))}};
            } else if (op.kind == BK_OP_SOFTMAX) {
                o = {{"x", x}, {"y", x}};
            } else if (op.kind == BK_OP_SWIGLU) {
                o = {{"g", x}, {"u", x}, {"y", x}};
            } else {
                if (!std::isfinite(n.eps) || n.eps < 0) return "eps must be finite and >= 0";
                o = {{"x", x}, {"w", product(n.dim, 1, 1, ea)}, {"y", x}};
            }
            return {};
        }
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ: {
            why = detail::first_not_positive(
                {{"rows", n.rows}, {"seq", n.seq}, {"heads", n.heads}, {"head_dim", n.head_dim}});
            if (!why.empty()) return why;
            if (n.rows % n.seq) return "rows (batch * seq) must be a multiple of seq";
            if (n.head_dim % 2) return "head_dim must be even (rotate-half pairs i with i + head_dim/2)";
            if (n.dim != n.heads * n.head_dim) return "dim must equal heads * head_dim";
            if (n.pos_offset < 0) return "pos_offset must be >= 0";
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op.kind == BK_OP_ROPE) {
                if (!(n.theta > 0) || !std::isfinite(n.theta)) return "theta must be positive and finite";
                o = {{"x", x}, {"y", x}};
            } else {
                o = {{"x", x}, {"freq", product(n.head_dim / 2, 1, 1, 8)}, {"y", x}};
            }
            return {};
        }
        case BK_OP_ROPE_POS: {
            why = detail::first_not_positive({{"rows", n.rows}, {"heads", n.heads}, {"head_dim", n.head_dim}});
            if (!why.empty()) return why;
            if (n.head_dim % 2) return "head_dim must be even (rotate-half pairs i with i + head_dim/2)";
            if (n.dim != n.heads * n.head_dim) return "dim must equal heads * head_dim";
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            o = {{"x", x}, {"freq", product(n.head_dim / 2, 1, 1, 8)}, {"pos", product(n.rows, 1, 1, 4)}, {"y", x}};
            return {};
        }
        case BK_OP_PAGED_KV_WRITE: {
            why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}, {"capacity", n.capacity}});
            if (!why.empty()) return why;
            if (n.capacity > INT32_MAX) return "capacity must fit an int32 slot";
            o = {{"x", product(n.rows, n.dim, 1, ea)}, {"slot", product(n.rows, 1, 1, 4)},
                 {"cache", product(n.capacity, n.dim, 1, ea)}};
            return {};
        }
        case BK_OP_PAGED_ATTENTION: {
            const bk_paged_attention_op& a = op.u.paged;
            why = detail::first_not_positive({{"seqs", a.seqs},
                                              {"tokens", a.tokens},
                                              {"heads", a.heads},
                                              {"kv_heads", a.kv_heads},
                                              {"head_dim", a.head_dim},
                                              {"block_size", a.block_size},
                                              {"num_blocks", a.num_blocks},
                                              {"max_blocks", a.max_blocks}});
            if (!why.empty()) return why;
            if (a.heads % a.kv_heads) return "heads must be a multiple of kv_heads";
            if (a.tokens > INT32_MAX || a.num_blocks > INT32_MAX) return "tokens and num_blocks must fit int32 indices";
            if (product(a.max_blocks, a.block_size, 1, 1) > uint64_t(INT32_MAX))
                return "max_blocks * block_size must fit an int32 length";
            if (!std::isfinite(a.scale)) return "scale must be finite";
            const uint64_t q = product(a.tokens, a.heads, a.head_dim, ea);
            const uint64_t kv = product(a.num_blocks * a.block_size, a.kv_heads, a.head_dim, ea);
            o = {{"q", q},
                 {"k_cache", kv},
                 {"v_cache", kv},
                 {"q_start", product(a.seqs + 1, 1, 1, 4)},
                 {"kv_len", product(a.seqs, 1, 1, 4)},
                 {"block_table", product(a.seqs, a.max_blocks, 1, 4)},
                 {"o", q}};
            return {};
        }
        case BK_OP_EMBEDDING: {
            if (!(why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}})).empty())
                return why;
            if (n.vocab > INT32_MAX) return "vocab must fit an int32 id";
            if (bk_is_block_type(op.dtype_a)) {
                const uint64_t row = bk_block_row_bytes(op.dtype_a, n.dim);
                if (row == 0)
                    return "dim=" + std::to_string(n.dim) + " is not a multiple of the " + bk_dtype_name(op.dtype_a) +
                           " block size " + std::to_string(bk_block_elems(op.dtype_a));
                o = {{"table", product(n.vocab, 1, 1, row)}, {"ids", product(n.rows, 1, 1, 4)},
                     {"y", product(n.rows, n.dim, 1, 4)}};
                return {};
            }
            o = {{"table", product(n.vocab, n.dim, 1, ea)}, {"ids", product(n.rows, 1, 1, 4)},
                 {"y", product(n.rows, n.dim, 1, ea)}};
            return {};
        }
        case BK_OP_KV_WRITE: {
            why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}, {"seq", n.seq}, {"capacity", n.capacity}});
            if (!why.empty()) return why;
            if (n.rows % n.seq) return "rows must be a multiple of seq";
            if (n.pos_offset < 0 || n.pos_offset + n.seq > n.capacity)
                return "pos_offset + seq (" + std::to_string(n.pos_offset + n.seq) + ") must lie in [seq, capacity = " +
                       std::to_string(n.capacity) + "]";
            o = {{"x", product(n.rows, n.dim, 1, ea)}, {"y", product(n.rows / n.seq, n.capacity, n.dim, ea)}};
            return {};
        }
        case BK_OP_SCATTER_ADD: {
            if (!(why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}})).empty())
                return why;
            o = {{"x", product(n.rows, n.dim, 1, ea)}, {"ids", product(n.rows, 1, 1, 4)},
                 {"w", product(n.rows, 1, 1, 4)}, {"y", product(n.vocab, n.dim, 1, ea)}};
            return {};
        }
        case BK_OP_RMSNORM_BWD:
        case BK_OP_SWIGLU_BWD:
        case BK_OP_CROSS_ENTROPY: {
            if (!(why = detail::first_not_positive({{"rows", n.rows}, {"dim", n.dim}})).empty()) return why;
            const uint64_t x = product(n.rows, n.dim, 1, 4);
            if (op.kind == BK_OP_RMSNORM_BWD) {
                if (!std::isfinite(n.eps) || n.eps < 0) return "eps must be finite and >= 0";
                const uint64_t w = product(n.dim, 1, 1, 4);
                o = {{"x", x}, {"w", w}, {"dy", x}, {"dx", x}, {"dw", w}};
            } else if (op.kind == BK_OP_SWIGLU_BWD) {
                o = {{"g", x}, {"u", x}, {"dy", x}, {"dg", x}, {"du", x}};
            } else {
                if (n.dim > INT32_MAX) return "dim must fit an int32 target";
                o = {{"x", x}, {"t", product(n.rows, 1, 1, 4)}, {"loss", product(n.rows, 1, 1, 4)}, {"dx", x}};
            }
            return {};
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op.u.adamw;
            if (!(why = detail::first_not_positive({{"n", a.n}, {"step", a.step}})).empty()) return why;
            for (double v : {a.lr, a.beta1, a.beta2, a.eps, a.weight_decay})
                if (!std::isfinite(v)) return "lr, beta1, beta2, eps and weight_decay must be finite";
            if (a.beta1 < 0 || a.beta1 >= 1 || a.beta2 < 0 || a.beta2 >= 1) return "beta1 and beta2 must lie in [0, 1)";
            const uint64_t x = product(a.n, 1, 1, 4);
            o = {{"p", x}, {"g", x}, {"m", x}, {"v", x}};
            return {};
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op.u.route;
            why = detail::first_not_positive({{"tokens", r.tokens}, {"experts", r.experts}, {"top_k", r.top_k}});
            if (!why.empty()) return why;
            if (r.top_k > r.experts) return "top_k must not exceed experts";
            if (r.experts > INT32_MAX) return "experts must fit an int32 index";
            if (r.score_fn != 0 && r.score_fn != 1) return "score_fn must be 0 (softmax) or 1 (sigmoid)";
            o = {{"logits", product(r.tokens, r.experts, 1, 4)}, {"idx", product(r.tokens, r.top_k, 1, 4)},
                 {"weight", product(r.tokens, r.top_k, 1, 4)}};
            return {};
        }
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op.u.attn;
            why = detail::first_not_positive({{"batch", a.batch},
                                              {"heads", a.heads},
                                              {"kv_heads", a.kv_heads},
                                              {"seq_q", a.seq_q},
                                              {"seq_kv", a.seq_kv},
                                              {"kv_capacity", a.kv_capacity},
                                              {"head_dim", a.head_dim}});
            if (!why.empty()) return why;
            if (a.heads % a.kv_heads) return "heads must be a multiple of kv_heads";
            if (a.seq_kv > a.kv_capacity) return "seq_kv must not exceed kv_capacity";
            if (a.causal && a.seq_q > a.seq_kv) return "causal attention needs seq_q <= seq_kv (a query would see no key)";
            if (!std::isfinite(a.scale)) return "scale must be finite";
            const uint64_t q = product(a.batch * a.seq_q, a.heads, a.head_dim, ea);
            const uint64_t kv = product(a.batch * a.kv_capacity, a.kv_heads, a.head_dim, ea);
            if (op.kind == BK_OP_ATTENTION) {
                o = {{"q", q}, {"k", kv}, {"v", kv}, {"o", q}};
            } else {
                if (a.seq_q != a.seq_kv || a.seq_kv != a.kv_capacity)
                    return "the backward needs seq_q == seq_kv == kv_capacity";
                o = {{"q", q}, {"k", kv}, {"v", kv}, {"do", q}, {"dq", q}, {"dk", kv}, {"dv", kv}};
            }
            return {};
        }
        default: return "not an NN op";
    }
}

/* The index operands of the serving ops, read by the backend into host
 * memory (they are small): "" when every index is in range, else the first
 * that is not, named (one line; launch() then returns BK_INVALID_ARGUMENT
 * before writing anything). Pass the arrays the op has and nullptr for the
 * others: ROPE_POS pos (rows); PAGED_KV_WRITE slot (rows); PAGED_ATTENTION
 * q_start (seqs + 1), kv_len (seqs), block_table (seqs * max_blocks). */
inline std::string check_serving_indices(const bk_op_desc& op, const int32_t* pos_or_slot, const int32_t* q_start,
                                         const int32_t* kv_len, const int32_t* block_table) {
    auto at = [](const char* name, int64_t i, int64_t v, const std::string& rule) {
        return std::string(name) + "[" + std::to_string(i) + "] = " + std::to_string(v) + ": " + rule;
    };
    const bk_nn_op& n = op.u.nn;
    switch (op.kind) {
        case BK_OP_ROPE_POS:
            for (int64_t r = 0; r < n.rows; ++r)
                if (pos_or_slot[r] < 0) return at("pos", r, pos_or_slot[r], "a position must be >= 0");
            return {};
        case BK_OP_PAGED_KV_WRITE: {
            // (slot, row) of the rows that write, sorted: a repeated slot is
            // adjacent to its first writer. The cost follows rows, not the
            // cache's capacity (which may be 2^31 slots).
            // Rows are checked in order: the first row out of range or
            // repeating an earlier row's slot is the one named.
            std::vector<std::pair<int32_t, int64_t>> writes;
            int64_t out_of_range = -1;
            for (int64_t r = 0; r < n.rows && out_of_range < 0; ++r) {
                const int32_t sl = pos_or_slot[r];
                if (sl == -1) continue;
                if (sl < 0 || sl >= n.capacity) out_of_range = r;
                else writes.emplace_back(sl, r);
            }
            std::sort(writes.begin(), writes.end());
            int64_t first_repeat = -1;  // the first row whose slot an earlier row writes
            for (std::size_t i = 1; i < writes.size(); ++i)
                if (writes[i].first == writes[i - 1].first && (first_repeat < 0 || writes[i].second < first_repeat))
                    first_repeat = writes[i].second;
            if (first_repeat >= 0)
                return at("slot", first_repeat, pos_or_slot[first_repeat], "names a slot an earlier row writes");
            if (out_of_range >= 0)
                return at("slot", out_of_range, pos_or_slot[out_of_range],
                          "must lie in [0, capacity = " + std::to_string(n.capacity) + ") or be -1");
            return {};
        }
        case BK_OP_PAGED_ATTENTION: {
            const bk_paged_attention_op& a = op.u.paged;
            if (q_start[0] != 0) return at("q_start", 0, q_start[0], "must be 0");
            for (int64_t s = 0; s < a.seqs; ++s) {
                const int64_t b = q_start[s], e = q_start[s + 1];
                if (e < b || e > a.tokens)
                    return at("q_start", s + 1, e,
                              "must lie in [q_start[" + std::to_string(s) + "] = " + std::to_string(b) +
                                  ", tokens = " + std::to_string(a.tokens) + "]");
                const int64_t len = kv_len[s];
                if (len < e - b || len > a.max_blocks * a.block_size)
                    return at("kv_len", s, len,
                              "must lie in [q_len = " + std::to_string(e - b) +
                                  ", max_blocks * block_size = " + std::to_string(a.max_blocks * a.block_size) + "]");
                if (e == b) continue;  // a skipped sequence: its blocks are not read
                const int64_t blocks = (len + a.block_size - 1) / a.block_size;
                for (int64_t j = 0; j < blocks; ++j) {
                    const int32_t blk = block_table[s * a.max_blocks + j];
                    if (blk < 0 || blk >= a.num_blocks)
                        return at("block_table", s * a.max_blocks + j, blk,
                                  "must lie in [0, num_blocks = " + std::to_string(a.num_blocks) + ")");
                }
            }
            return {};
        }
        default: return {};
    }
}

}  // namespace bk_nn_rules
#endif
