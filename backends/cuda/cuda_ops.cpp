// Op checks and launches. check_op() answers supports() and is repeated at
// launch(), which also checks the operand list: count, device or host memory,
// sizes. Kernels run on the caller's stream. The NN ops are cuda_nn_ops.cpp's.
#include "bakeoff/nn_op_rules.h"
#include "cuda_internal.h"
#include "cuda_kernels.h"
#include "cuda_nn_kernels.h"

#include <string>

namespace bakeoff::cuda {

namespace {

using bk_plugin::is_stream_op;
using bk_plugin::stream_operand_count;

// The most empty kernels one launch() may enqueue (a guard against a garbage n).
constexpr int64_t kMaxEmptyLaunches = 10'000'000;

StreamGeometry geometry_for(const bk_device* d, int64_t n, size_t elem) {
    const int threads = 256;
    const int per_sm = d->facts.max_threads_per_sm > 0 ? d->facts.max_threads_per_sm / threads : 8;
    return stream_geometry(n, elem, d->facts.sms, per_sm, threads, 4);
}

bk_status check_buffer(const bk_buffer* b, uint64_t need, const char* role, bool host_ok) {
    if (!b) return fail(BK_INVALID_ARGUMENT, "launch: operand ", role, " is NULL");
    if (!host_ok && b->host())
        return fail(BK_INVALID_ARGUMENT, "launch: operand ", role,
                    " is a host buffer; kernels read and write device memory");
    if (std::string why = bk_plugin::operand_size_rule(role, b->bytes, need); !why.empty())
        return fail(BK_INVALID_ARGUMENT, "launch: ", why);
    return BK_OK;
}

// f32 activations x q8_0 / q4_0 weights on the portable path (the ABI's
// layout rules first).
bk_status check_block_gemm(const bk_op_desc* op) {
    const std::string label = bk_plugin::gemm_label(*op);
    std::string why;
    if (bk_status st = bk_plugin::gemm_block_rule(*op, &why); st != BK_OK) return fail(st, why);
    if (op->path == BK_PATH_VENDOR)
        return fail(BK_UNSUPPORTED, label,
                    ": cuBLASLt has no GGML block types; the portable path runs q8_0 and q4_0 weights");
    if (op->dtype_b != BK_Q8_0 && op->dtype_b != BK_Q4_0)
        return fail(BK_UNSUPPORTED, label, ": the cuda backend runs q8_0 and q4_0 weights only (the caller loads other "
                                           "types dequantized)");
    if (!fits_grid(qgemm_plan(op->u.gemm.m, op->u.gemm.n).grid))
        return fail(BK_UNSUPPORTED, label, ": m is too large for one launch grid");
    return BK_OK;
}

}  // namespace

bk_status check_op(const bk_device* d, const bk_op_desc* op) {
    if (bk_nn_rules::is_nn_op(op->kind)) return check_nn_op(d, op);  // the whole descriptor
    if (std::string why = bk_plugin::desc_size_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    if (op->dtype_a >= BK_DTYPE_COUNT || (op->dtype_b >= BK_DTYPE_COUNT && !bk_is_block_type(op->dtype_b)) || op->dtype_c >= BK_DTYPE_COUNT)
        return fail(BK_INVALID_ARGUMENT, "op descriptor: unknown dtype");
    if (op->path != BK_PATH_VENDOR && op->path != BK_PATH_PORTABLE)
        return fail(BK_INVALID_ARGUMENT, "op descriptor: unknown path " + std::to_string(op->path));
    const std::string name = bk_op_name(op->kind);
    // The plugin's kernels (including the fill that poisons outputs) are built
    // for sm_80 and newer; an older GPU has no image to run.
    if (std::string why = too_old(d); !why.empty()) return fail(BK_UNSUPPORTED, why);
    bk_plugin::StreamBytes bytes;
    if (is_stream_op(op->kind)) {
        if (op->path == BK_PATH_VENDOR)
            return fail(BK_UNSUPPORTED, name + ": no vendor library kernel on CUDA; bakeoff's own kernel is the portable path");
        if (op->dtype_a != BK_F32 && op->dtype_a != BK_F64)
            return fail(BK_UNSUPPORTED, name, ": ", bk_dtype_name(op->dtype_a), " is not implemented (f32 and f64 are)");
        if (std::string why = bk_plugin::stream_types_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
        if (std::string why = bk_plugin::check_stream(*op, &bytes); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
        return BK_OK;
    }
    switch (op->kind) {
        case BK_OP_TRANSFER:
            if (std::string why = bk_plugin::check_stream(*op, &bytes); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
            return BK_OK;
        case BK_OP_EMPTY:
            if (op->u.stream.n < 0 || op->u.stream.n > kMaxEmptyLaunches)
                return fail(BK_INVALID_ARGUMENT, "empty: n must be in [0, " + std::to_string(kMaxEmptyLaunches) + "]");
            return BK_OK;
        case BK_OP_GEMM: {
            // The ABI's rules (bakeoff/op_rules.h), then CUDA's 32-bit limit.
            if (std::string why = check_gemm_shape(op->u.gemm); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
            if (std::string why = bk_plugin::gemm_types_rule(*op); !why.empty()) return fail(BK_UNSUPPORTED, why);
            // Before the vendor check: cuBLASLt has no GGML block types.
            if (bk_is_block_type(op->dtype_b)) return check_block_gemm(op);
            if (op->path == BK_PATH_VENDOR) return blaslt_check(d, op);
            if (op->dtype_a != BK_F32 && op->dtype_a != BK_BF16 && op->dtype_a != BK_F16)
                return fail(BK_UNSUPPORTED, "gemm portable: ", bk_dtype_name(op->dtype_a),
                            " is not implemented on CUDA (f32, bf16 and f16 inputs are)");
            if (op->dtype_c != BK_F32)
                return fail(BK_UNSUPPORTED, "gemm portable: output ", bk_dtype_name(op->dtype_c),
                            " is not implemented (f32 is)");
            const GemmGrid grid = gemm_grid(op->u.gemm.m, op->u.gemm.n, PortableGemmTile::kTileM, PortableGemmTile::kTileN);
            if (grid.y > 65535) return fail(BK_UNSUPPORTED, "gemm portable: m is too large for one launch grid");
            return BK_OK;
        }
        default:
            return fail(BK_UNSUPPORTED, name + " (op " + std::to_string(op->kind) + ") is not implemented by the cuda backend");
    }
}

bk_status launch_op(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n) {
    if (bk_nn_rules::is_nn_op(op->kind)) return launch_nn_op(s, op, operands, n);  // checks it itself
    if (bk_status st = check_op(s->dev, op); st != BK_OK) return st;
    const std::string name = bk_op_name(op->kind);
    const uint32_t want = op->kind == BK_OP_GEMM ? 3 : stream_operand_count(op->kind);
    if (std::string why = bk_plugin::operand_count_rule(op->kind, want, n); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    if (want > 0 && !operands) return fail(BK_INVALID_ARGUMENT, name + ": operands is NULL");
    for (uint32_t i = 0; i < n; ++i)
        if (operands[i] && operands[i]->dev != s->dev)
            return fail(BK_INVALID_ARGUMENT, name + ": operand " + std::to_string(i) + " belongs to another device");

    bk_plugin::StreamBytes bytes;
    if (is_stream_op(op->kind) || op->kind == BK_OP_TRANSFER) bk_plugin::check_stream(*op, &bytes);  // checked above
    if (is_stream_op(op->kind)) {
        const size_t es = bk_dtype_size(op->dtype_a);
        const int64_t count = op->u.stream.n;
        const bool dot = op->kind == BK_OP_DOT;
        const uint32_t inputs = n - 1;
        for (uint32_t i = 0; i < inputs; ++i)
            if (bk_status st = check_buffer(operands[i], bytes.in, i == 0 ? "in0" : "in1", false); st != BK_OK) return st;
        if (bk_status st = check_buffer(operands[n - 1], bytes.out, "out", false); st != BK_OK) return st;
        const StreamGeometry g = geometry_for(s->dev, count, es);
        use_device(s->dev);
        void* partials =
            dot ? grow_scratch(&s->scratch, &s->scratch_bytes, kMaxDotPartials * sizeof(double), "dot partials")
                : nullptr;
        // An empty dot still runs (one block, a zero partial) so that out[0] = 0.
        if (count == 0 && !dot) return BK_OK;
        check_cuda(launch_stream(op->kind, op->dtype_a, operands[0]->ptr, inputs > 1 ? operands[1]->ptr : nullptr,
                                 operands[n - 1]->ptr, count, op->u.stream.scalar, g, partials, s->s),
                   (name + " kernel").c_str());
        return BK_OK;
    }
    switch (op->kind) {
        case BK_OP_EMPTY:
            use_device(s->dev);
            check_cuda(launch_empty(op->u.stream.n, s->s), "empty kernel");
            return BK_OK;
        case BK_OP_TRANSFER: {
            if (bk_status st = check_buffer(operands[0], bytes.in, "in0", true); st != BK_OK) return st;
            if (bk_status st = check_buffer(operands[1], bytes.out, "out", true); st != BK_OK) return st;
            std::string why;
            if (transfer_direction(operands[0]->host(), operands[1]->host(), &why).empty())
                return fail(BK_INVALID_ARGUMENT, why);
            if (bytes.in == 0) return BK_OK;
            use_device(s->dev);
            check_cuda(cudaMemcpyAsync(operands[1]->ptr, operands[0]->ptr, bytes.in, cudaMemcpyDefault, s->s),
                       "cudaMemcpyAsync");
            return BK_OK;
        }
        case BK_OP_GEMM: {
            bk_plugin::GemmSpans sp;
            std::string why;
            if (bk_status st = bk_plugin::check_gemm(*op, &sp, &why); st != BK_OK) return fail(st, why);
            if (bk_status st = check_buffer(operands[0], sp.a, "A", false); st != BK_OK) return st;
            if (bk_status st = check_buffer(operands[1], sp.b, "B", false); st != BK_OK) return st;
            if (bk_status st = check_buffer(operands[2], sp.c, "C", false); st != BK_OK) return st;
            use_device(s->dev);
            if (op->path == BK_PATH_VENDOR) {
                blaslt_gemm(s, op, operands[0], operands[1], operands[2]);
                return BK_OK;
            }
            if (bk_is_block_type(op->dtype_b)) {
                check_cuda(launch_qgemm(op->dtype_b, op->u.gemm, operands[0]->ptr, operands[1]->ptr, operands[2]->ptr,
                                        qgemm_plan(op->u.gemm.m, op->u.gemm.n), s->s),
                           "block-quantized gemm kernel");
                return BK_OK;
            }
            check_cuda(launch_portable_gemm(op->dtype_a, op->u.gemm, operands[0]->ptr, operands[1]->ptr,
                                            operands[2]->ptr, s->s), "portable gemm kernel");
            return BK_OK;
        }
        default: return fail(BK_UNSUPPORTED, name + " is not implemented by the cuda backend");
    }
}

bk_status op_info(bk_device* d, const bk_op_desc* op, std::string* out) {
    if (bk_nn_rules::is_nn_op(op->kind)) return nn_op_info(d, op, out);  // checks it itself
    if (bk_status st = check_op(d, op); st != BK_OK) return st;
    if (is_stream_op(op->kind)) {
        const size_t es = bk_dtype_size(op->dtype_a);
        const StreamGeometry g = geometry_for(d, op->u.stream.n, es);
        *out = std::string("bakeoff CUDA kernel: ") + (es == 8 ? "double2" : "float4") + " loads, " +
               std::to_string(g.blocks) + " blocks x " + std::to_string(g.threads) +
               " threads grid-stride, scalar tail of " + std::to_string(g.tail) + ", built with -fmad=false";
        if (op->kind == BK_OP_DOT) *out += "; per-block partials then a one-block final sum";
        return BK_OK;
    }
    switch (op->kind) {
        case BK_OP_EMPTY: *out = "empty kernel <<<1, 1>>> launched n times back to back"; return BK_OK;
        case BK_OP_TRANSFER: *out = "cudaMemcpyAsync on a non-blocking stream (copy engine)"; return BK_OK;
        case BK_OP_GEMM:
            if (op->path == BK_PATH_VENDOR) {
                std::lock_guard<std::mutex> lock(d->mu);
                auto it = d->op_infos.find(blaslt_key(op));
                *out = it != d->op_infos.end() ? it->second : blaslt_version();
                return BK_OK;
            }
            if (bk_is_block_type(op->dtype_b)) {
                const QGemmPlan p = qgemm_plan(op->u.gemm.m, op->u.gemm.n);
                *out = std::string("bakeoff CUDA ") + bk_dtype_name(op->dtype_b) +
                       (p.gemv ? " GEMV: one warp per weight row, lane l takes value l of each block (coalesced), "
                                 "every row of A at once, warp-shuffle sums"
                               : " GEMM: 64x64 tiles, weights dequantized into shared memory one block per row and "
                                 "k slice of 32, 4x4 register blocks, 256 threads") +
                       "; A stays f32 (not requantized), fp32 accumulation";
                return BK_OK;
            }
            *out = "bakeoff tiled CUDA GEMM: 64x64 tiles, k slices of 16 in shared memory, 4x4 register blocks, "
                   "256 threads, fp32 accumulation";
            return BK_OK;
        default: return fail(BK_UNSUPPORTED, "no op_info for this op");
    }
}

}  // namespace bakeoff::cuda
