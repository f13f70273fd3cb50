// NN ops: which dtypes each op runs here, the descriptor checks (shapes,
// parameters), the operand list and its sizes, index checks on ids, and the
// dispatch to the kernels. One table of rules so supports(), launch() and
// op_info() always agree.
#include "nn_ops.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cpu_internal.h"

namespace bk_cpu {
namespace {

using Kernel = void (*)(const bk_op_desc&, NnPtrs);

struct Operand {
    const char* name;
    uint64_t bytes;
};

struct Plan {
    std::vector<Operand> operands;
    Kernel kernel = nullptr;
    std::string how;  // for op_info
};

uint64_t esize(uint32_t dt) {
    switch (dt) {
        case BK_F64: return 8;
        case BK_F32:
        case BK_I32: return 4;
        case BK_BF16:
        case BK_F16: return 2;
        default: return 1;
    }
}

// a * b * c elements of `bytes` each, or UINT64_MAX when it overflows (a
// negative factor never reaches here).
uint64_t product(int64_t a, int64_t b, int64_t c, uint64_t bytes) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * static_cast<uint64_t>(b);
    p *= static_cast<uint64_t>(c);
    p *= bytes;
    return p > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(p);
}

bool float_act(uint32_t dt) { return dt == BK_F32 || dt == BK_BF16 || dt == BK_F64; }

std::string dt(uint32_t t) { return dtype_name(t); }

bk_status bad(const bk_op_desc& op, const std::string& why) {
    return fail(BK_INVALID_ARGUMENT, std::string(kind_name(op.kind)) + ": " + why);
}

bk_status unsupported(const bk_op_desc& op, const std::string& why) {
    return fail(BK_UNSUPPORTED, std::string(kind_name(op.kind)) + ": " + why);
}

bk_status need_positive(const bk_op_desc& op, std::initializer_list<std::pair<const char*, int64_t>> vals) {
    for (const auto& [name, v] : vals)
        if (v <= 0) return bad(op, std::string(name) + " must be positive, got " + std::to_string(v));
    return BK_OK;
}

// The activation type rule of each op (dtype_a; CONVERT also dtype_c).
bk_status check_types(const bk_op_desc& op) {
    const uint32_t a = op.dtype_a;
    switch (op.kind) {
        case BK_OP_CONVERT: {
            const uint32_t c = op.dtype_c;
            if (!float_act(a) || !float_act(c))
                return unsupported(op, dt(a) + " -> " + dt(c) + " is not run here (f64, f32 and bf16 are)");
            return BK_OK;  // f64 -> bf16 rounds once (through f32 rounded to odd)
        }
        case BK_OP_RMSNORM:
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_ATTENTION:
        case BK_OP_SCATTER_ADD:
            if (!float_act(a)) return unsupported(op, "activations of " + dt(a) + " are not run here (f32, bf16, f64 are)");
            return BK_OK;
        case BK_OP_EMBEDDING:
        case BK_OP_KV_WRITE:
            if (!float_act(a) && a != BK_F16)
                return unsupported(op, "activations of " + dt(a) + " are not run here (f32, bf16, f16, f64 are)");
            return BK_OK;
        default:  // the training ops and the router: f32
            if (a != BK_F32) return unsupported(op, "runs f32 only here, not " + dt(a));
            return BK_OK;
    }
}

// The shapes and operands of each op, from its ABI comment.
bk_status plan_op(const bk_op_desc& op, Plan* plan) {
    if (op.path == BK_PATH_VENDOR)
        return unsupported(op, "no vendor library runs this op on the CPU (the portable path does)");
    if (op.path != BK_PATH_PORTABLE) return unsupported(op, "unknown path " + std::to_string(op.path));
    if (bk_status st = check_types(op); st != BK_OK) return st;
    const uint64_t ea = esize(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    auto& o = plan->operands;
    const char* math = op.dtype_a == BK_F64 ? "f64 math" : op.dtype_a == BK_BF16 ? "bf16 storage, f32 math" : "f32 math";
    switch (op.kind) {
        case BK_OP_CONVERT:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_RMSNORM: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}}); st != BK_OK) return st;
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op.kind == BK_OP_CONVERT) {
                o = {{"in0", x}, {"out", product(n.rows, n.dim, 1, esize(op.dtype_c))}};
                plan->kernel = nn_convert;
                plan->how = "element-wise conversion, round to nearest even, parallel over elements";
            } else if (op.kind == BK_OP_SOFTMAX) {
                o = {{"x", x}, {"y", x}};
                plan->kernel = nn_softmax;
                plan->how = std::string("one row per iteration, max-subtracted, ") + math + ", parallel over rows";
            } else if (op.kind == BK_OP_SWIGLU) {
                o = {{"g", x}, {"u", x}, {"y", x}};
                plan->kernel = nn_swiglu;
                plan->how = std::string("element-wise, ") + math + ", parallel over elements";
            } else {
                if (!std::isfinite(n.eps) || n.eps < 0) return bad(op, "eps must be finite and >= 0");
                o = {{"x", x}, {"w", product(n.dim, 1, 1, ea)}, {"y", x}};
                plan->kernel = nn_rmsnorm;
                plan->how = std::string("one row per iteration, ") + math + ", parallel over rows";
            }
            return BK_OK;
        }
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"seq", n.seq}, {"heads", n.heads},
                                                  {"head_dim", n.head_dim}});
                st != BK_OK)
                return st;
            if (n.rows % n.seq) return bad(op, "rows (batch * seq) must be a multiple of seq");
            if (n.head_dim % 2) return bad(op, "head_dim must be even (rotate-half pairs i with i + head_dim/2)");
            if (n.dim != n.heads * n.head_dim) return bad(op, "dim must equal heads * head_dim");
            if (n.pos_offset < 0) return bad(op, "pos_offset must be >= 0");
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op.kind == BK_OP_ROPE) {
                if (!(n.theta > 0) || !std::isfinite(n.theta)) return bad(op, "theta must be positive and finite");
                o = {{"x", x}, {"y", x}};
                plan->kernel = nn_rope;
            } else {
                o = {{"x", x}, {"freq", product(n.head_dim / 2, 1, 1, 8)}, {"y", x}};
                plan->kernel = nn_rope_freq;
            }
            plan->how = std::string("angles in f64 once per position, shared by the heads, ") + math +
                        ", parallel over positions";
            return BK_OK;
        }
        case BK_OP_EMBEDDING: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}}); st != BK_OK)
                return st;
            if (n.vocab > INT32_MAX) return bad(op, "vocab must fit an int32 id");
            o = {{"table", product(n.vocab, n.dim, 1, ea)}, {"ids", product(n.rows, 1, 1, 4)},
                 {"y", product(n.rows, n.dim, 1, ea)}};
            plan->kernel = nn_gather_rows;
            plan->how = "row copies, parallel over rows";
            return BK_OK;
        }
        case BK_OP_KV_WRITE: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}, {"seq", n.seq},
                                                  {"capacity", n.capacity}});
                st != BK_OK)
                return st;
            if (n.rows % n.seq) return bad(op, "rows must be a multiple of seq");
            if (n.pos_offset < 0 || n.pos_offset + n.seq > n.capacity)
                return bad(op, "pos_offset + seq (" + std::to_string(n.pos_offset + n.seq) +
                                   ") must lie in [seq, capacity = " + std::to_string(n.capacity) + "]");
            o = {{"x", product(n.rows, n.dim, 1, ea)}, {"y", product(n.rows / n.seq, n.capacity, n.dim, ea)}};
            plan->kernel = nn_kv_write;
            plan->how = "row copies, parallel over rows";
            return BK_OK;
        }
        case BK_OP_SCATTER_ADD: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}}); st != BK_OK)
                return st;
            o = {{"x", product(n.rows, n.dim, 1, ea)}, {"ids", product(n.rows, 1, 1, 4)},
                 {"w", product(n.rows, 1, 1, 4)}, {"y", product(n.vocab, n.dim, 1, ea)}};
            plan->kernel = nn_scatter_add;
            plan->how = std::string("rows added in order of i, ") + math + ", parallel over column blocks";
            return BK_OK;
        }
        case BK_OP_RMSNORM_BWD:
        case BK_OP_SWIGLU_BWD:
        case BK_OP_CROSS_ENTROPY: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}}); st != BK_OK) return st;
            const uint64_t x = product(n.rows, n.dim, 1, 4);
            if (op.kind == BK_OP_RMSNORM_BWD) {
                if (!std::isfinite(n.eps) || n.eps < 0) return bad(op, "eps must be finite and >= 0");
                const uint64_t w = product(n.dim, 1, 1, 4);
                o = {{"x", x}, {"w", w}, {"dy", x}, {"dx", x}, {"dw", w}};
                plan->kernel = nn_rmsnorm_bwd;
                plan->how = "rows split over the team, dw summed per thread then in thread order (deterministic)";
            } else if (op.kind == BK_OP_SWIGLU_BWD) {
                o = {{"g", x}, {"u", x}, {"dy", x}, {"dg", x}, {"du", x}};
                plan->kernel = nn_swiglu_bwd;
                plan->how = "element-wise, f32 math, parallel over elements";
            } else {
                if (n.dim > INT32_MAX) return bad(op, "dim must fit an int32 target");
                o = {{"x", x}, {"t", product(n.rows, 1, 1, 4)}, {"loss", product(n.rows, 1, 1, 4)}, {"dx", x}};
                plan->kernel = nn_cross_entropy;
                plan->how = "one row per iteration, log-sum-exp in f32, parallel over rows";
            }
            return BK_OK;
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op.u.adamw;
            if (bk_status st = need_positive(op, {{"n", a.n}, {"step", a.step}}); st != BK_OK) return st;
            for (double v : {a.lr, a.beta1, a.beta2, a.eps, a.weight_decay})
                if (!std::isfinite(v)) return bad(op, "lr, beta1, beta2, eps and weight_decay must be finite");
            if (a.beta1 < 0 || a.beta1 >= 1 || a.beta2 < 0 || a.beta2 >= 1)
                return bad(op, "beta1 and beta2 must lie in [0, 1)");
            const uint64_t x = product(a.n, 1, 1, 4);
            o = {{"p", x}, {"g", x}, {"m", x}, {"v", x}};
            plan->kernel = nn_adamw;
            plan->how = "element-wise in place, f32 math, bias corrections in f64, parallel over elements";
            return BK_OK;
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op.u.route;
            if (bk_status st = need_positive(op, {{"tokens", r.tokens}, {"experts", r.experts}, {"top_k", r.top_k}});
                st != BK_OK)
                return st;
            if (r.top_k > r.experts) return bad(op, "top_k must not exceed experts");
            if (r.experts > INT32_MAX) return bad(op, "experts must fit an int32 index");
            if (r.score_fn != 0 && r.score_fn != 1) return bad(op, "score_fn must be 0 (softmax) or 1 (sigmoid)");
            o = {{"logits", product(r.tokens, r.experts, 1, 4)}, {"idx", product(r.tokens, r.top_k, 1, 4)},
                 {"weight", product(r.tokens, r.top_k, 1, 4)}};
            plan->kernel = nn_topk_route;
            plan->how = "one token per iteration, top_k selection passes, parallel over tokens";
            return BK_OK;
        }
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op.u.attn;
            if (bk_status st = need_positive(op, {{"batch", a.batch}, {"heads", a.heads}, {"kv_heads", a.kv_heads},
                                                  {"seq_q", a.seq_q}, {"seq_kv", a.seq_kv},
                                                  {"kv_capacity", a.kv_capacity}, {"head_dim", a.head_dim}});
                st != BK_OK)
                return st;
            if (a.heads % a.kv_heads) return bad(op, "heads must be a multiple of kv_heads");
            if (a.seq_kv > a.kv_capacity) return bad(op, "seq_kv must not exceed kv_capacity");
            if (a.causal && a.seq_q > a.seq_kv)
                return bad(op, "causal attention needs seq_q <= seq_kv (a query would see no key)");
            if (!std::isfinite(a.scale)) return bad(op, "scale must be finite");
            const uint64_t q = product(a.batch * a.seq_q, a.heads, a.head_dim, ea);
            const uint64_t kv = product(a.batch * a.kv_capacity, a.kv_heads, a.head_dim, ea);
            if (op.kind == BK_OP_ATTENTION) {
                o = {{"q", q}, {"k", kv}, {"v", kv}, {"o", q}};
                plan->kernel = nn_attention;
                plan->how = std::string("online softmax over key blocks of 64, masked blocks skipped, ") + math +
                            ", parallel over (batch, head, query block)";
            } else {
                if (a.seq_q != a.seq_kv || a.seq_kv != a.kv_capacity)
                    return bad(op, "the backward needs seq_q == seq_kv == kv_capacity");
                o = {{"q", q}, {"k", kv}, {"v", kv}, {"do", q}, {"dq", q}, {"dk", kv}, {"dv", kv}};
                plan->kernel = nn_attention_bwd;
                plan->how = "scores recomputed per query, f32 math, parallel over (batch, kv head)";
            }
            return BK_OK;
        }
        default: return unsupported(op, "not an NN op");
    }
}

// Ids must index the table: checked before anything is written.
bk_status check_ids(const bk_op_desc& op, const unsigned char* ids_bytes, int64_t count, int64_t limit,
                    const char* what) {
    const auto* ids = reinterpret_cast<const int32_t*>(ids_bytes);
    for (int64_t i = 0; i < count; ++i)
        if (ids[i] < 0 || ids[i] >= limit)
            return bad(op, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(ids[i]) +
                               " is outside [0, " + std::to_string(limit) + ")");
    return BK_OK;
}

}  // namespace

bool is_nn_kind(uint32_t kind) { return kind >= BK_OP_CONVERT && kind <= BK_OP_ROPE_FREQ; }

size_t nn_desc_bytes(uint32_t kind) {
    switch (kind) {
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: return sizeof(bk_attention_op);
        case BK_OP_TOPK_ROUTE: return sizeof(bk_route_op);
        case BK_OP_ADAMW: return sizeof(bk_adamw_op);
        default: return sizeof(bk_nn_op);
    }
}

bk_status nn_supports(const bk_op_desc& op) {
    Plan plan;
    return plan_op(op, &plan);
}

bk_status nn_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands) {
    Plan plan;
    if (bk_status st = plan_op(op, &plan); st != BK_OK) return st;
    const size_t want = plan.operands.size();
    if (!operands || n_operands != want)
        return bad(op, "expects " + std::to_string(want) + " operands, got " +
                           std::to_string(operands ? n_operands : 0u));
    for (const Operand& o : plan.operands)
        if (o.bytes == UINT64_MAX) return bad(op, std::string("the size of ") + o.name + " overflows");
    unsigned char* ptrs[8] = {};
    for (size_t i = 0; i < want; ++i) {
        Buffer* b = nullptr;
        if (bk_status st = check_operand(operands, static_cast<uint32_t>(i), plan.operands[i].bytes,
                                         plan.operands[i].name, &b);
            st != BK_OK)
            return st;
        ptrs[i] = b->ptr;
    }
    const bk_nn_op& n = op.u.nn;
    if (op.kind == BK_OP_EMBEDDING)
        if (bk_status st = check_ids(op, ptrs[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
    if (op.kind == BK_OP_SCATTER_ADD)
        if (bk_status st = check_ids(op, ptrs[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
    if (op.kind == BK_OP_CROSS_ENTROPY)
        if (bk_status st = check_ids(op, ptrs[1], n.rows, n.dim, "t"); st != BK_OK) return st;
    plan.kernel(op, ptrs);
    return BK_OK;
}

bk_status nn_info(const bk_op_desc& op, std::string* out) {
    Plan plan;
    if (bk_status st = plan_op(op, &plan); st != BK_OK) return st;
    *out = "bakeoff portable " + std::string(kind_name(op.kind)) + ": " + plan.how + ", " +
           std::to_string(thread_count()) + " OpenMP threads";
    return BK_OK;
}

}  // namespace bk_cpu
