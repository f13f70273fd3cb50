// NN ops: which dtypes each op runs here, the descriptor checks and operand
// sizes (the ABI's rules, bakeoff/nn_op_rules.h), index checks on ids and on
// the serving ops' indices, and the
// dispatch to the kernels. One plan per descriptor so supports(), launch() and
// op_info() always agree.
#include "nn_ops.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "bakeoff/nn_op_rules.h"
#include "bakeoff/plugin_quant.h"
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

bk_status bad(const bk_op_desc& op, const std::string& why) {
    return fail(BK_INVALID_ARGUMENT, std::string(kind_name(op.kind)) + ": " + why);
}

bk_status unsupported(const bk_op_desc& op, const std::string& why) {
    return fail(BK_UNSUPPORTED, std::string(kind_name(op.kind)) + ": " + why);
}

// The activation type rule of each op: the ABI's (bk_nn_rules::types); the
// cpu backend runs every type the ABI has.
bk_status check_types(const bk_op_desc& op) {
    if (std::string why = bk_nn_rules::types(op); !why.empty()) return unsupported(op, why);
    return BK_OK;  // f64 -> bf16 or f16 rounds once (through f32 rounded to odd)
}

// The shapes and operands of each op, from its ABI comment.
bk_status plan_op(const bk_op_desc& op, Plan* plan) {
    if (op.path == BK_PATH_VENDOR)
        return unsupported(op, "no vendor library runs this op on the CPU (the portable path does)");
    if (op.path != BK_PATH_PORTABLE) return unsupported(op, "unknown path " + std::to_string(op.path));
    if (bk_status st = check_types(op); st != BK_OK) return st;
    // Shapes, parameters and operand sizes: the ABI's rules, shared by the backends.
    std::vector<bk_nn_rules::Operand> operands;
    if (const std::string why = bk_nn_rules::check(op, &operands); !why.empty()) return bad(op, why);
    for (const auto& o : operands) plan->operands.push_back({o.name, o.bytes});
    const std::string math = op.dtype_a == BK_F64    ? "f64 math"
                             : op.dtype_a == BK_BF16 ? "bf16 storage, f32 math"
                             : op.dtype_a == BK_F16  ? "f16 storage, f32 math"
                                                     : "f32 math";
    auto set = [&](Kernel k, std::string how) {
        plan->kernel = k;
        plan->how = std::move(how);
        return BK_OK;
    };
    switch (op.kind) {
        case BK_OP_CONVERT:
            return set(nn_convert, "element-wise conversion, round to nearest even, parallel over elements");
        case BK_OP_SOFTMAX: return set(nn_softmax, "one row per iteration, max-subtracted, " + math + ", parallel over rows");
        case BK_OP_SWIGLU: return set(nn_swiglu, "element-wise, " + math + ", parallel over elements");
        case BK_OP_RMSNORM: return set(nn_rmsnorm, "one row per iteration, " + math + ", parallel over rows");
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
            return set(op.kind == BK_OP_ROPE ? nn_rope : nn_rope_freq,
                       "angles in f64 once per position, shared by the heads, " + math + ", parallel over positions");
        case BK_OP_EMBEDDING:
            if (bk_is_block_type(op.dtype_a))
                return set(nn_gather_rows_quant, std::string("rows of ") + bk_dtype_name(op.dtype_a) +
                                                     " blocks dequantized to f32 (reference dequantization), "
                                                     "parallel over rows");
            return set(nn_gather_rows, "row copies, parallel over rows");
        case BK_OP_KV_WRITE: return set(nn_kv_write, "row copies, parallel over rows");
        case BK_OP_SCATTER_ADD:
            return set(nn_scatter_add, "rows added in order of i, " + math + ", parallel over column blocks");
        case BK_OP_RMSNORM_BWD:
            return set(nn_rmsnorm_bwd,
                       "rows split over the team, dw summed per thread then in thread order (deterministic)");
        case BK_OP_SWIGLU_BWD: return set(nn_swiglu_bwd, "element-wise, f32 math, parallel over elements");
        case BK_OP_CROSS_ENTROPY:
            return set(nn_cross_entropy, "one row per iteration, log-sum-exp in f32, parallel over rows");
        case BK_OP_ADAMW:
            return set(nn_adamw, "element-wise in place, f32 math, bias corrections in f64, parallel over elements");
        case BK_OP_TOPK_ROUTE:
            return set(nn_topk_route, "one token per iteration, top_k selection passes, parallel over tokens");
        case BK_OP_ATTENTION:
            return set(nn_attention, "online softmax over key blocks of 64, masked blocks skipped, " + math +
                                         ", parallel over (batch, head, query block)");
        case BK_OP_ATTENTION_BWD:
            return set(nn_attention_bwd, "scores recomputed per query, f32 math, parallel over (batch, kv head)");
        case BK_OP_ROPE_POS:
            return set(nn_rope_pos, "angles in f64 once per row from its position, shared by the heads, " + math +
                                        ", parallel over rows; positions checked on the host first");
        case BK_OP_PAGED_KV_WRITE:
            return set(nn_paged_kv_write, "row copies into their slots, padding rows skipped, parallel over rows; "
                                          "slots checked first");
        case BK_OP_PAGED_ATTENTION:
            return set(nn_paged_attention,
                       "online softmax over key chunks of 64 gathered through the block table, masked keys "
                       "skipped, " + math +
                           ", parallel over (sequence, kv head, tile of 16 query rows); indices checked first");
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

// The serving ops' positions, slots, query ranges, key counts and block
// table: the ABI's rules, checked before anything is written.
bk_status check_serving(const bk_op_desc& op, unsigned char* const* ptrs) {
    auto i32 = [&](int i) { return reinterpret_cast<const int32_t*>(ptrs[i]); };
    std::string why;
    if (op.kind == BK_OP_PAGED_ATTENTION)
        why = bk_nn_rules::check_serving_indices(op, nullptr, i32(3), i32(4), i32(5));
    else
        why = bk_nn_rules::check_serving_indices(op, i32(op.kind == BK_OP_ROPE_POS ? 2 : 1), nullptr, nullptr, nullptr);
    return why.empty() ? BK_OK : bad(op, why);
}

}  // namespace

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
    if (bk_nn_rules::is_serving_op(op.kind))
        if (bk_status st = check_serving(op, ptrs); st != BK_OK) return st;
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
