// The NN ops on CUDA (BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION): which types and
// paths each runs, the descriptor and operand checks (the ABI's rules from
// bakeoff/nn_op_rules.h, then this backend's limits), the index checks, and
// the dispatch to bakeoff's own kernels (cuda_nn_kernels.h) with the launch
// plan of cuda_nn_args.h.
//
// Activations: f32, bf16 and f16 storage with fp32 math; f64 is not
// implemented (unsupported, with the reason). The router and the training
// ops are f32, as the ABI has them. EMBEDDING also gathers q8_0 and q4_0
// tables. The vendor path: attention through cuDNN where it is usable
// (cuda_cudnn.cpp); every other NN op has no NVIDIA library kernel and
// answers unsupported there.
#include "bakeoff/nn_op_rules.h"
#include "cuda_internal.h"
#include "cuda_nn_args.h"
#include "cuda_nn_kernels.h"

#include <algorithm>
#include <string>
#include <vector>

namespace bakeoff::cuda {

namespace {

std::string dt(uint32_t t) { return bk_dtype_name(t); }

bk_status bad(const bk_op_desc* op, const std::string& why) {
    return fail(BK_INVALID_ARGUMENT, std::string(bk_op_name(op->kind)) + ": " + why);
}

bk_status unsupported(const bk_op_desc* op, const std::string& why) {
    return fail(BK_UNSUPPORTED, std::string(bk_op_name(op->kind)) + " " + dt(op->dtype_a) + ": " + why);
}

// The ABI's type rule (bk_nn_rules::types), then what the kernels store.
bk_status check_types(const bk_op_desc* op) {
    if (std::string why = bk_nn_rules::types(*op); !why.empty()) return unsupported(op, why);
    const uint32_t a = op->dtype_a;
    if (bk_is_block_type(a)) {  // the ABI allows a block table for EMBEDDING only
        if (a == BK_Q8_0 || a == BK_Q4_0) return BK_OK;
        return unsupported(op, "the cuda backend dequantizes q8_0 and q4_0 tables only (the caller loads other "
                               "types dequantized)");
    }
    if (a == BK_F64 || (op->kind == BK_OP_CONVERT && op->dtype_c == BK_F64))
        return unsupported(op, "f64 is not implemented by the cuda backend's NN kernels (f32, bf16 and f16 are)");
    return BK_OK;
}

// The launch's facts: operands (the ABI's sizes) and the plan.
struct NnCheck {
    std::vector<bk_nn_rules::Operand> operands;
    NnLaunchPlan plan;
};

bk_status check(const bk_device* d, const bk_op_desc* op, NnCheck* c) {
    if (std::string why = bk_plugin::desc_size_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    if (op->path != BK_PATH_VENDOR && op->path != BK_PATH_PORTABLE)
        return fail(BK_INVALID_ARGUMENT, "op descriptor: unknown path " + std::to_string(op->path));
    if ((op->dtype_a >= BK_DTYPE_COUNT && !bk_is_block_type(op->dtype_a)) || op->dtype_c >= BK_DTYPE_COUNT)
        return fail(BK_INVALID_ARGUMENT, "op descriptor: unknown dtype");
    if (std::string why = too_old(d); !why.empty()) return fail(BK_UNSUPPORTED, why);
    if (op->path == BK_PATH_VENDOR) {
        if (op->kind == BK_OP_ATTENTION) return cudnn_attention_check(d, op);
        return unsupported(op, "NVIDIA ships no library kernel for this op; bakeoff's own kernel is the portable path");
    }
    if (bk_status st = check_types(op); st != BK_OK) return st;
    if (const std::string why = bk_nn_rules::check(*op, &c->operands); !why.empty()) return bad(op, why);
    for (const auto& o : c->operands)
        if (o.bytes == UINT64_MAX) return bad(op, std::string("the size of ") + o.name + " overflows");
    c->plan = nn_launch_plan(*op, d->facts.sms);
    if (op->kind == BK_OP_ATTENTION || op->kind == BK_OP_PAGED_ATTENTION) {
        const int64_t hd = op->kind == BK_OP_ATTENTION ? op->u.attn.head_dim : op->u.paged.head_dim;
        if (hd > kAttnMaxHeadDim)
            return unsupported(op, "head_dim " + std::to_string(hd) + " is above the kernel's " +
                                       std::to_string(kAttnMaxHeadDim));
    }
    if (!c->plan.fits)
        return unsupported(op, "the shape needs a launch grid past CUDA's limits (grid.y and grid.z at most 65535: "
                               "batch x kv_heads, or a row of over 16.7 M elements)");
    return BK_OK;
}

// Reads `count` int32 values of a device buffer into host memory, on the op's
// stream (so earlier kernels that wrote them have finished).
std::vector<int32_t> read_ints(bk_stream* s, const bk_buffer* b, int64_t count) {
    std::vector<int32_t> v(static_cast<size_t>(count));
    if (count == 0) return v;
    check_cuda(cudaMemcpyAsync(v.data(), b->ptr, v.size() * sizeof(int32_t), cudaMemcpyDeviceToHost, s->s),
               "index read-back");
    check_cuda(cudaStreamSynchronize(s->s), "index read-back");
    return v;
}

// Ids must index their table: checked before anything is written.
bk_status check_ids(bk_stream* s, const bk_op_desc* op, const bk_buffer* b, int64_t count, int64_t limit,
                    const char* what) {
    const std::vector<int32_t> ids = read_ints(s, b, count);
    for (int64_t i = 0; i < count; ++i)
        if (ids[size_t(i)] < 0 || ids[size_t(i)] >= limit)
            return bad(op, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(ids[size_t(i)]) +
                               " is outside [0, " + std::to_string(limit) + ")");
    return BK_OK;
}

void* ensure_nn_scratch(bk_stream* s, uint64_t bytes) {
    return grow_scratch(&s->nn_scratch, &s->nn_scratch_bytes, bytes, "NN scratch");
}

template <class T>
T* ptr(bk_buffer* b) {
    return static_cast<T*>(b->ptr);
}

// PAGED_ATTENTION: the indices read back and checked, the plan for the
// batch's longest query run and key range, then the kernel.
bk_status launch_paged_attention_op(bk_stream* s, const bk_op_desc* op, bk_buffer* const* o) {
    const bk_paged_attention_op& a = op->u.paged;
    const std::vector<int32_t> q_start = read_ints(s, o[3], a.seqs + 1);
    const std::vector<int32_t> kv_len = read_ints(s, o[4], a.seqs);
    const std::vector<int32_t> table = read_ints(s, o[5], a.seqs * a.max_blocks);
    if (std::string why = bk_nn_rules::check_serving_indices(*op, nullptr, q_start.data(), kv_len.data(),
                                                             table.data());
        !why.empty())
        return bad(op, why);
    int64_t max_q = 0, max_kv = 0;
    for (int64_t i = 0; i < a.seqs; ++i) {
        const int64_t q_len = q_start[size_t(i) + 1] - q_start[size_t(i)];
        if (q_len == 0) continue;  // skipped: its keys are not read
        max_q = std::max(max_q, q_len);
        max_kv = std::max<int64_t>(max_kv, kv_len[size_t(i)]);
    }
    if (max_q == 0) return BK_OK;  // no sequence has a query: nothing is written
    const NnLaunchPlan plan = nn_launch_plan(*op, s->dev->facts.sms, max_q, max_kv);
    void* scratch = plan.scratch_bytes ? ensure_nn_scratch(s, plan.scratch_bytes) : nullptr;
    const PagedIndex idx{ptr<const int32_t>(o[3]), ptr<const int32_t>(o[4]), ptr<const int32_t>(o[5])};
    check_cuda(launch_paged_attention(op->dtype_a, a, o[0]->ptr, o[1]->ptr, o[2]->ptr, idx, o[6]->ptr, plan.attn,
                                      scratch, s->s),
               "paged_attention kernel");
    return BK_OK;
}

bk_status dispatch(bk_stream* s, const bk_op_desc* op, const NnLaunchPlan& plan, bk_buffer* const* o) {
    const bk_nn_op& n = op->u.nn;
    const uint32_t t = op->dtype_a;
    const cudaStream_t st = s->s;
    void* scratch = plan.scratch_bytes ? ensure_nn_scratch(s, plan.scratch_bytes) : nullptr;
    cudaError_t e = cudaSuccess;
    switch (op->kind) {
        case BK_OP_CONVERT:
            e = launch_convert(t, op->dtype_c, o[0]->ptr, o[1]->ptr, n.rows * n.dim, plan.grid, st);
            break;
        case BK_OP_RMSNORM:
            e = launch_rmsnorm(t, o[0]->ptr, o[1]->ptr, o[2]->ptr, n.rows, n.dim, float(n.eps), plan.grid, st);
            break;
        case BK_OP_SOFTMAX: e = launch_softmax(t, o[0]->ptr, o[1]->ptr, n.rows, n.dim, plan.grid, st); break;
        case BK_OP_SWIGLU: e = launch_swiglu(t, o[0]->ptr, o[1]->ptr, o[2]->ptr, n.rows * n.dim, plan.grid, st); break;
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_ROPE_POS: {
            RopeArgs a = rope_args(*op);
            bk_buffer* y = o[1];
            if (op->kind != BK_OP_ROPE) {
                a.freq = ptr<const double>(o[1]);
                y = o[2];
            }
            if (op->kind == BK_OP_ROPE_POS) {
                const std::vector<int32_t> pos = read_ints(s, o[2], n.rows);
                if (std::string why = bk_nn_rules::check_serving_indices(*op, pos.data(), nullptr, nullptr, nullptr);
                    !why.empty())
                    return bad(op, why);
                a.pos = ptr<const int32_t>(o[2]);
                y = o[3];
            }
            e = launch_rope(t, a, o[0]->ptr, y->ptr, plan.grid, st);
            break;
        }
        case BK_OP_EMBEDDING: {
            if (bk_status bs = check_ids(s, op, o[1], n.rows, n.vocab, "ids"); bs != BK_OK) return bs;
            if (bk_is_block_type(t)) {
                e = launch_qgather(t, o[0]->ptr, ptr<const int32_t>(o[1]), ptr<float>(o[2]), n.rows, n.dim, plan.grid,
                                   st);
                break;
            }
            RowCopyArgs a = row_copy_args(*op);
            a.index = ptr<const int32_t>(o[1]);
            e = launch_row_copy(bk_dtype_size(t), a, o[0]->ptr, o[2]->ptr, plan.grid, st);
            break;
        }
        case BK_OP_KV_WRITE:
            e = launch_row_copy(bk_dtype_size(t), row_copy_args(*op), o[0]->ptr, o[1]->ptr, plan.grid, st);
            break;
        case BK_OP_PAGED_KV_WRITE: {
            const std::vector<int32_t> slot = read_ints(s, o[1], n.rows);
            if (std::string why = bk_nn_rules::check_serving_indices(*op, slot.data(), nullptr, nullptr, nullptr);
                !why.empty())
                return bad(op, why);
            RowCopyArgs a = row_copy_args(*op);
            a.index = ptr<const int32_t>(o[1]);
            e = launch_row_copy(bk_dtype_size(t), a, o[0]->ptr, o[2]->ptr, plan.grid, st);
            break;
        }
        case BK_OP_SCATTER_ADD:
            if (bk_status bs = check_ids(s, op, o[1], n.rows, n.vocab, "ids"); bs != BK_OK) return bs;
            e = launch_scatter_add(t, o[0]->ptr, ptr<const int32_t>(o[1]), ptr<const float>(o[2]), o[3]->ptr, n.rows,
                                   n.dim, plan.grid, st);
            break;
        case BK_OP_TOPK_ROUTE:
            e = launch_topk_route(op->u.route, ptr<const float>(o[0]), ptr<int32_t>(o[1]), ptr<float>(o[2]),
                                  plan.grid, st);
            break;
        case BK_OP_RMSNORM_BWD:
            e = launch_rmsnorm_bwd(ptr<const float>(o[0]), ptr<const float>(o[1]), ptr<const float>(o[2]),
                                   ptr<float>(o[3]), ptr<float>(o[4]), static_cast<float*>(scratch), n.rows, n.dim,
                                   float(n.eps), plan.grid, plan.second, st);
            break;
        case BK_OP_SWIGLU_BWD:
            e = launch_swiglu_bwd(ptr<const float>(o[0]), ptr<const float>(o[1]), ptr<const float>(o[2]),
                                  ptr<float>(o[3]), ptr<float>(o[4]), n.rows * n.dim, plan.grid, st);
            break;
        case BK_OP_CROSS_ENTROPY:
            if (bk_status bs = check_ids(s, op, o[1], n.rows, n.dim, "t"); bs != BK_OK) return bs;
            e = launch_cross_entropy(ptr<const float>(o[0]), ptr<const int32_t>(o[1]), ptr<float>(o[2]),
                                     ptr<float>(o[3]), n.rows, n.dim, plan.grid, st);
            break;
        case BK_OP_ADAMW:
            e = launch_adamw(op->u.adamw, ptr<float>(o[0]), ptr<const float>(o[1]), ptr<float>(o[2]),
                             ptr<float>(o[3]), plan.grid, st);
            break;
        case BK_OP_ATTENTION:
            e = launch_attention(t, op->u.attn, o[0]->ptr, o[1]->ptr, o[2]->ptr, o[3]->ptr, plan.attn, scratch, st);
            break;
        case BK_OP_ATTENTION_BWD:
            e = launch_attention_bwd(op->u.attn, ptr<const float>(o[0]), ptr<const float>(o[1]),
                                     ptr<const float>(o[2]), ptr<const float>(o[3]), ptr<float>(o[4]),
                                     ptr<float>(o[5]), ptr<float>(o[6]), static_cast<float*>(scratch), plan.grid,
                                     plan.second, st);
            break;
        case BK_OP_PAGED_ATTENTION: return launch_paged_attention_op(s, op, o);
        default: return unsupported(op, "not an NN op");
    }
    check_cuda(e, (std::string(bk_op_name(op->kind)) + " kernel").c_str());
    return BK_OK;
}

// op_info's description of the kernels.
std::string describe(const bk_op_desc* op, const NnLaunchPlan& p) {
    const std::string math = op->dtype_a == BK_BF16  ? "bf16 storage, fp32 math"
                             : op->dtype_a == BK_F16 ? "f16 storage, fp32 math"
                                                     : "fp32 math";
    const std::string geo = std::to_string(p.grid.x) + " blocks x " + std::to_string(p.grid.threads) + " threads";
    switch (op->kind) {
        case BK_OP_CONVERT:
            return "element-wise " + dt(op->dtype_a) + " -> " + dt(op->dtype_c) + ", round to nearest even, " + geo +
                   " grid-stride";
        case BK_OP_RMSNORM:
        case BK_OP_SOFTMAX:
        case BK_OP_CROSS_ENTROPY: return "one block per row (" + geo + "), warp-shuffle reductions, " + math;
        case BK_OP_RMSNORM_BWD:
            return "dx: one block per row (" + geo + "); dw: one thread per column summing the rows in order; fp32";
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_ROPE_POS:
            return "one thread per (row, rotated pair), angle p f_i formed and reduced mod 2 pi in f64, sin/cos once "
                   "for every head, " + math;
        case BK_OP_EMBEDDING:
            if (bk_is_block_type(op->dtype_a))
                return dt(op->dtype_a) + " rows dequantized to f32 as bk_dequantize_row does, one thread per value; "
                                         "ids read back and checked on the host first";
            return "row copies, one thread per element; ids read back and checked on the host first";
        case BK_OP_KV_WRITE: return "row copies, one thread per element";
        case BK_OP_PAGED_KV_WRITE:
            return "row copies into the slots, one thread per element; slots read back and checked on the host first";
        case BK_OP_SCATTER_ADD:
            return "one thread per column adding the rows in order of i (no atomics), " + math +
                   "; ids read back and checked on the host first";
        case BK_OP_TOPK_ROUTE: return "one thread per token, top_k selection passes, fp32";
        case BK_OP_ATTENTION:
        case BK_OP_PAGED_ATTENTION: {
            const AttnGrid& a = p.attn;
            std::string s = "fused flash-style kernel: online softmax over key tiles of " +
                            std::to_string(a.tile.key_block) + " in shared memory, " + std::to_string(a.tile.rows) +
                            " (query, head) rows of a GQA group per 128-thread block, accumulator in registers, "
                            "masked tiles skipped, no score matrix, " + math;
            if (a.splits > 1) s += "; keys split " + std::to_string(a.splits) + " ways and merged (few query rows)";
            if (op->kind == BK_OP_PAGED_ATTENTION)
                s += "; keys through the block table; q_start, kv_len and block_table read back and checked on the "
                     "host first";
            return s;
        }
        case BK_OP_ATTENTION_BWD:
            return "two kernels, scores recomputed: one block per query row (statistics, dq), then one per key row "
                   "(dk, dv over the group's heads); fp32";
        default: return "element-wise, " + geo + " grid-stride, " + math;
    }
}

}  // namespace

bk_status check_nn_op(const bk_device* d, const bk_op_desc* op) {
    NnCheck c;
    return check(d, op, &c);
}

bk_status launch_nn_op(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n) {
    NnCheck c;
    if (bk_status st = check(s->dev, op, &c); st != BK_OK) return st;
    if (op->path == BK_PATH_VENDOR) return cudnn_attention_launch(s, op, operands, n);
    const std::string name = bk_op_name(op->kind);
    const uint32_t want = uint32_t(c.operands.size());
    if (std::string why = bk_plugin::operand_count_rule(op->kind, want, n); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    if (!operands) return fail(BK_INVALID_ARGUMENT, name + ": operands is NULL");
    for (uint32_t i = 0; i < want; ++i) {
        const bk_buffer* b = operands[i];
        const char* role = c.operands[i].name;
        if (!b) return fail(BK_INVALID_ARGUMENT, name + ": operand " + role + " is NULL");
        if (b->dev != s->dev)
            return fail(BK_INVALID_ARGUMENT, name + ": operand " + role + " belongs to another device");
        if (b->host())
            return fail(BK_INVALID_ARGUMENT,
                        name + ": operand " + role + " is a host buffer; kernels read device memory");
        if (std::string why = bk_plugin::operand_size_rule(role, b->bytes, c.operands[i].bytes); !why.empty())
            return fail(BK_INVALID_ARGUMENT, name + ": " + why);
    }
    use_device(s->dev);
    return dispatch(s, op, c.plan, operands);
}

bk_status nn_op_info(const bk_device* d, const bk_op_desc* op, std::string* out) {
    NnCheck c;
    if (bk_status st = check(d, op, &c); st != BK_OK) return st;
    if (op->path == BK_PATH_VENDOR) return cudnn_attention_info(d, op, out);
    *out = "bakeoff CUDA " + std::string(bk_op_name(op->kind)) + ": " + describe(op, c.plan);
    return BK_OK;
}

}  // namespace bakeoff::cuda
