// The neural-network ops on OpenCL (BK_OP_CONVERT .. BK_OP_KV_WRITE): which
// activation types each runs, the descriptor and operand checks, the NN
// programs (one per activation type, built at first use and cached with the
// others), and the launches. The kernels are in opencl_nn_kernels.cpp.
//
// Activations: f32, bf16 (16-bit storage, f32 math), f16 (vload_half /
// vstore_half_rte, f32 math) and f64 where the device has cl_khr_fp64; the
// router and the training ops run f32, as the ABI documents them. There is no
// vendor library on OpenCL: the vendor path answers BK_UNSUPPORTED.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "opencl_internal.h"
#include "opencl_nn_kernels.h"

namespace bakeoff::opencl {
namespace {

constexpr int kAttnMaxHeadDim = 256;  // DMAX of the attention kernel
constexpr int kAttnMaxKeyTile = 64;
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

uint64_t esize(uint32_t t) {
    switch (t) {
        case BK_F64: return 8;
        case BK_F32:
        case BK_I32: return 4;
        default: return 2;
    }
}

std::string dt(uint32_t t) {
    static const char* const names[] = {"f64", "f32", "tf32", "bf16", "f16", "f8_e4m3", "i8", "u8", "i32"};
    return t < BK_DTYPE_COUNT ? names[t] : "unknown dtype";
}

bool act_type(uint32_t t) { return t == BK_F32 || t == BK_BF16 || t == BK_F16 || t == BK_F64; }

Variant variant_of(uint32_t t) {
    switch (t) {
        case BK_F64: return V_NN_F64;
        case BK_BF16: return V_NN_BF16;
        case BK_F16: return V_NN_F16;
        default: return V_NN_F32;
    }
}

// a * b * c elements of `bytes` each, or UINT64_MAX when it overflows.
uint64_t product(int64_t a, int64_t b, int64_t c, uint64_t bytes) {
    unsigned __int128 p = static_cast<unsigned __int128>(a) * static_cast<uint64_t>(b);
    p *= static_cast<uint64_t>(c);
    p *= bytes;
    return p > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(p);
}

bk_status bad(const bk_op_desc* op, const std::string& why) {
    return fail(BK_INVALID_ARGUMENT, std::string(bk_op_name(op->kind)) + ": " + why);
}

bk_status unsupported(const bk_op_desc* op, const std::string& why) {
    return fail(BK_UNSUPPORTED, std::string(bk_op_name(op->kind)) + " " + dt(op->dtype_a) + ": " + why);
}

bk_status need_positive(const bk_op_desc* op, std::initializer_list<std::pair<const char*, int64_t>> vals) {
    for (const auto& [name, v] : vals)
        if (v <= 0) return bad(op, std::string(name) + " must be positive, got " + std::to_string(v));
    return BK_OK;
}

size_t desc_bytes(uint32_t kind) {
    switch (kind) {
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: return sizeof(bk_attention_op);
        case BK_OP_TOPK_ROUTE: return sizeof(bk_route_op);
        case BK_OP_ADAMW: return sizeof(bk_adamw_op);
        default: return sizeof(bk_nn_op);
    }
}

// The activation type rule of each op (dtype_a; CONVERT also dtype_c).
bk_status check_types(const bk_device* d, const bk_op_desc* op) {
    const uint32_t a = op->dtype_a;
    const char* no_fp64 = "the device has no fp64 (cl_khr_fp64)";
    switch (op->kind) {
        case BK_OP_CONVERT: {
            const uint32_t c = op->dtype_c;
            if (!act_type(a) || !act_type(c))
                return unsupported(op, dt(a) + " -> " + dt(c) + " is not implemented (f64, f32, bf16 and f16 are)");
            if ((a == BK_F64 || c == BK_F64) && !d->caps.fp64) return unsupported(op, no_fp64);
            // f64 -> bf16/f16 rounds once: through f32 rounded to odd.
            return BK_OK;
        }
        case BK_OP_RMSNORM:
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_ATTENTION:
        case BK_OP_SCATTER_ADD:
        case BK_OP_EMBEDDING:
        case BK_OP_KV_WRITE:
            if (!act_type(a))
                return unsupported(op, "activations of " + dt(a) + " are not implemented (f32, bf16, f16, f64 are)");
            if (a == BK_F64 && !d->caps.fp64) return unsupported(op, no_fp64);
            if (op->kind == BK_OP_ROPE_FREQ && !d->caps.fp64)
                return unsupported(op, "its frequencies are f64 and the device has no fp64 (cl_khr_fp64)");
            return BK_OK;
        default:  // the router and the training ops: f32, as the ABI documents them
            if (a != BK_F32) return unsupported(op, "runs f32 only");
            return BK_OK;
    }
}

void set_operands(Plan* plan, std::initializer_list<uint64_t> bytes) {
    plan->nn_operands = 0;
    for (uint64_t b : bytes) plan->nn_bytes[plan->nn_operands++] = b;
}

// Local memory of the attention kernel for a key tile of kb keys.
uint64_t attn_local_bytes(int64_t aq, int64_t d, int64_t kb, uint64_t acc) {
    return uint64_t(aq * d + kb * (d + 1) + kb * d + aq * kb) * acc;
}

// The attention kernel's AQ for a device (before compiling: the device's limit).
void attn_shape(const bk_device* d, int* al, int* aq) {
    const bool cpu = (d->caps.type & CL_DEVICE_TYPE_CPU) != 0;
    *al = cpu ? 8 : 16;
    *aq = 16;
    while (*aq > 1 && static_cast<size_t>(*al * *aq) > d->caps.max_wg) *aq /= 2;
    while (*al > 1 && static_cast<size_t>(*al * *aq) > d->caps.max_wg) *al /= 2;
}

// The largest key tile (a power of two <= 64) whose local memory fits.
int attn_key_tile(const bk_device* d, int aq, int64_t head_dim, uint64_t acc) {
    const uint64_t budget = d->caps.local_mem > 1024 ? d->caps.local_mem - 1024 : 0;
    for (int kb = kAttnMaxKeyTile; kb >= 1; kb /= 2)
        if (attn_local_bytes(aq, head_dim, kb, acc) <= budget) return kb;
    return 0;
}

}  // namespace

bool is_nn_op(uint32_t kind) { return kind >= BK_OP_CONVERT && kind <= BK_OP_ROPE_FREQ; }

// ------------------------------------------------------------ op checking

bk_status check_nn_op(const bk_device* d, const bk_op_desc* op, Plan* plan) {
    const size_t need = offsetof(bk_op_desc, u) + desc_bytes(op->kind);
    if (op->struct_size < need)
        return fail(BK_INVALID_ARGUMENT, std::string("op descriptor struct_size ") + std::to_string(op->struct_size) +
                                             " does not cover the " + bk_op_name(op->kind) + " parameters");
    if (op->path == BK_PATH_VENDOR) return unsupported(op, "no vendor library on OpenCL (portable path only)");
    if (op->path != BK_PATH_PORTABLE) return fail(BK_INVALID_ARGUMENT, "unknown path " + std::to_string(op->path));
    if (op->dtype_a >= BK_DTYPE_COUNT || op->dtype_c >= BK_DTYPE_COUNT)
        return fail(BK_INVALID_ARGUMENT, "unknown dtype in op descriptor");
    if (bk_status st = check_types(d, op); st != BK_OK) return st;
    plan->variant = variant_of(op->dtype_a);
    const uint64_t ea = esize(op->dtype_a);
    const bk_nn_op& n = op->u.nn;
    switch (op->kind) {
        case BK_OP_CONVERT:
        case BK_OP_SOFTMAX:
        case BK_OP_SWIGLU:
        case BK_OP_RMSNORM: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}}); st != BK_OK) return st;
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op->kind == BK_OP_CONVERT) {
                set_operands(plan, {x, product(n.rows, n.dim, 1, esize(op->dtype_c))});
            } else if (op->kind == BK_OP_SOFTMAX) {
                set_operands(plan, {x, x});
            } else if (op->kind == BK_OP_SWIGLU) {
                set_operands(plan, {x, x, x});
            } else {
                if (!std::isfinite(n.eps) || n.eps < 0) return bad(op, "eps must be finite and >= 0");
                set_operands(plan, {x, product(n.dim, 1, 1, ea), x});
            }
            break;
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
            if (op->kind == BK_OP_ROPE && (!(n.theta > 0) || !std::isfinite(n.theta)))
                return bad(op, "theta must be positive and finite");
            if (n.dim > kIntMax) return unsupported(op, "heads * head_dim above 2^31 is not implemented");
            const uint64_t x = product(n.rows, n.dim, 1, ea);
            if (op->kind == BK_OP_ROPE)
                set_operands(plan, {x, x});
            else
                set_operands(plan, {x, product(n.head_dim / 2, 1, 1, 8), x});
            break;
        }
        case BK_OP_EMBEDDING: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}}); st != BK_OK)
                return st;
            if (n.vocab > kIntMax) return bad(op, "vocab must fit an int32 id");
            set_operands(plan, {product(n.vocab, n.dim, 1, ea), product(n.rows, 1, 1, 4), product(n.rows, n.dim, 1, ea)});
            break;
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
            set_operands(plan, {product(n.rows, n.dim, 1, ea), product(n.rows / n.seq, n.capacity, n.dim, ea)});
            break;
        }
        case BK_OP_SCATTER_ADD: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}, {"vocab", n.vocab}}); st != BK_OK)
                return st;
            set_operands(plan, {product(n.rows, n.dim, 1, ea), product(n.rows, 1, 1, 4), product(n.rows, 1, 1, 4),
                                product(n.vocab, n.dim, 1, ea)});
            break;
        }
        case BK_OP_RMSNORM_BWD:
        case BK_OP_SWIGLU_BWD:
        case BK_OP_CROSS_ENTROPY: {
            if (bk_status st = need_positive(op, {{"rows", n.rows}, {"dim", n.dim}}); st != BK_OK) return st;
            const uint64_t x = product(n.rows, n.dim, 1, 4);
            if (op->kind == BK_OP_RMSNORM_BWD) {
                if (!std::isfinite(n.eps) || n.eps < 0) return bad(op, "eps must be finite and >= 0");
                const uint64_t w = product(n.dim, 1, 1, 4);
                set_operands(plan, {x, w, x, x, w});
            } else if (op->kind == BK_OP_SWIGLU_BWD) {
                set_operands(plan, {x, x, x, x, x});
            } else {
                if (n.dim > kIntMax) return bad(op, "dim must fit an int32 target");
                set_operands(plan, {x, product(n.rows, 1, 1, 4), product(n.rows, 1, 1, 4), x});
            }
            break;
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op->u.adamw;
            if (bk_status st = need_positive(op, {{"n", a.n}, {"step", a.step}}); st != BK_OK) return st;
            for (double v : {a.lr, a.beta1, a.beta2, a.eps, a.weight_decay})
                if (!std::isfinite(v)) return bad(op, "lr, beta1, beta2, eps and weight_decay must be finite");
            if (a.beta1 < 0 || a.beta1 >= 1 || a.beta2 < 0 || a.beta2 >= 1)
                return bad(op, "beta1 and beta2 must lie in [0, 1)");
            const uint64_t x = product(a.n, 1, 1, 4);
            set_operands(plan, {x, x, x, x});
            break;
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op->u.route;
            if (bk_status st = need_positive(op, {{"tokens", r.tokens}, {"experts", r.experts}, {"top_k", r.top_k}});
                st != BK_OK)
                return st;
            if (r.top_k > r.experts) return bad(op, "top_k must not exceed experts");
            if (r.experts > kIntMax) return bad(op, "experts must fit an int32 index");
            if (r.score_fn != 0 && r.score_fn != 1) return bad(op, "score_fn must be 0 (softmax) or 1 (sigmoid)");
            if (r.tokens > kIntMax) return unsupported(op, "more than 2^31 tokens is not implemented");
            set_operands(plan, {product(r.tokens, r.experts, 1, 4), product(r.tokens, r.top_k, 1, 4),
                                product(r.tokens, r.top_k, 1, 4)});
            break;
        }
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op->u.attn;
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
            if (a.kv_capacity > kIntMax || a.seq_q * a.heads > kIntMax || a.batch * a.heads > kIntMax)
                return unsupported(op, "sequence or head counts above 2^31 are not implemented");
            if (op->kind == BK_OP_ATTENTION) {
                if (a.head_dim > kAttnMaxHeadDim)
                    return unsupported(op, "head_dim " + std::to_string(a.head_dim) + " is above the kernel's " +
                                               std::to_string(kAttnMaxHeadDim));
                int al = 1, aq = 1;
                attn_shape(d, &al, &aq);
                if (attn_key_tile(d, aq, a.head_dim, op->dtype_a == BK_F64 ? 8 : 4) == 0)
                    return unsupported(op, "the device's local memory (" + std::to_string(d->caps.local_mem) +
                                               " bytes) cannot hold a query block and a key tile");
                set_operands(plan, {q, kv, kv, q});
            } else {
                if (a.seq_q != a.seq_kv || a.seq_kv != a.kv_capacity)
                    return bad(op, "the backward needs seq_q == seq_kv == kv_capacity");
                if (q / 4 > uint64_t(kIntMax) || kv / 4 > uint64_t(kIntMax))
                    return unsupported(op, "tensors above 2^31 elements are not implemented");
                set_operands(plan, {q, kv, kv, q, q, kv, kv});
            }
            break;
        }
        default: return unsupported(op, "not an NN op");
    }
    for (uint32_t i = 0; i < plan->nn_operands; ++i)
        if (plan->nn_bytes[i] == UINT64_MAX) return bad(op, "operand " + std::to_string(i) + "'s size overflows");
    return BK_OK;
}

bk_status check_nn_operands(const bk_device* d, const bk_op_desc* op, const Plan& plan, bk_buffer* const* operands,
                            uint32_t n_operands) {
    const std::string what = bk_op_name(op->kind);
    const uint32_t want = plan.nn_operands;
    if (n_operands != want || !operands)
        return fail(BK_INVALID_ARGUMENT,
                    what + ": expects " + std::to_string(want) + " operands, got " + std::to_string(n_operands));
    for (uint32_t i = 0; i < want; ++i) {
        if (!operands[i]) return fail(BK_INVALID_ARGUMENT, what + ": operand " + std::to_string(i) + " is NULL");
        if (operands[i]->dev != d)
            return fail(BK_INVALID_ARGUMENT, what + ": operand " + std::to_string(i) + " belongs to another device");
        if (operands[i]->bytes < plan.nn_bytes[i])
            return fail(BK_INVALID_ARGUMENT, what + ": operand " + std::to_string(i) + " holds " +
                                                 std::to_string(operands[i]->bytes) + " bytes, needs " +
                                                 std::to_string(plan.nn_bytes[i]));
    }
    return BK_OK;
}

// ------------------------------------------------------------ the program

namespace {

const char* act_define(Variant v) {
    switch (v) {
        case V_NN_F64: return "ACT_F64";
        case V_NN_BF16: return "ACT_BF16";
        case V_NN_F16: return "ACT_F16";
        default: return "ACT_F32";
    }
}

bk_status compile_nn(bk_device* d, Variant v, Program& p) {
    const cl_device_id dev = d->entry.device;
    std::string opts = std::string("-cl-std=CL1.2 -D") + act_define(v);
    if (d->caps.fp64) opts += " -DBK_FP64";
    opts += " -DAL=" + std::to_string(p.attn_lanes) + " -DAQ=" + std::to_string(p.attn_rows) +
            " -DDMAX=" + std::to_string(kAttnMaxHeadDim);
    if (!d->extra_options.empty()) opts += " " + d->extra_options;
    const char* src = kNnKernelSource;
    cl_int err = CL_SUCCESS;
    cl_program prog = clCreateProgramWithSource(d->ctx, 1, &src, nullptr, &err);
    if (err != CL_SUCCESS) return cl_fail(err, "clCreateProgramWithSource");
    err = clBuildProgram(prog, 1, &dev, opts.c_str(), nullptr, nullptr);
    if (err != CL_SUCCESS) {
        size_t size = 0;
        std::string log;
        if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) == CL_SUCCESS && size > 0) {
            log.resize(size);
            clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr);
        }
        clReleaseProgram(prog);
        return fail(BK_DEVICE_ERROR, std::string("OpenCL compiler failed on the ") + kVariantName[v] +
                                         " kernels (" + cl_error_name(err) + "): " + log_excerpt(log, 4, 600));
    }
    p.prog = prog;
    std::vector<const char*> names = {"bk_convert_to_f32", "bk_convert_to_bf16", "bk_convert_to_f16", "bk_rmsnorm",
                                      "bk_softmax", "bk_rope", "bk_swiglu", "bk_gather_rows", "bk_kv_write",
                                      "bk_scatter_add", "bk_attention", "bk_attention_rows"};
    if (d->caps.fp64) names.insert(names.end(), {"bk_convert_to_f64", "bk_rope_freq"});
    if (v == V_NN_F32)
        names.insert(names.end(), {"bk_topk_route", "bk_rmsnorm_bwd_rows", "bk_rmsnorm_bwd_dw", "bk_swiglu_bwd",
                                   "bk_cross_entropy", "bk_adamw", "bk_attention_bwd_q", "bk_attention_bwd_kv"});
    for (const char* name : names) {
        cl_kernel k = clCreateKernel(prog, name, &err);
        if (err != CL_SUCCESS) return cl_fail(err, std::string("clCreateKernel(") + name + ")");
        p.kernels[name] = k;
    }
    return BK_OK;
}

}  // namespace

bk_status build_nn_program(bk_device* d, Variant v, Program& p) {
    const DeviceCaps& c = d->caps;
    const bool cpu = (c.type & CL_DEVICE_TYPE_CPU) != 0;
    attn_shape(d, &p.attn_lanes, &p.attn_rows);
    // The attention kernel requires its work-group shape: where the compiled
    // kernel allows fewer work-items, fewer query rows per group.
    for (;;) {
        if (bk_status st = compile_nn(d, v, p); st != BK_OK) return st;
        const size_t lim = kernel_wg_size(p.kernels["bk_attention"], d->entry.device);
        if (lim >= static_cast<size_t>(p.attn_lanes * p.attn_rows)) break;
        release_program(p);
        if (p.attn_rows > 1) {
            p.attn_rows /= 2;
        } else if (p.attn_lanes > 1) {
            p.attn_lanes /= 2;
        } else {
            return fail(BK_UNSUPPORTED, "the NN kernels cannot run a work-group on this device");
        }
    }
    auto pick = [&](std::initializer_list<const char*> kernels, size_t target) {
        size_t lim = c.max_wg;
        for (const char* k : kernels)
            if (p.kernels.count(k)) lim = std::min(lim, kernel_wg_size(p.kernels[k], d->entry.device));
        return pow2_floor(std::max<size_t>(1, std::min(target, lim)));
    };
    // CPU devices run a work-group's work-items as loops: moderate groups
    // keep the barrier-separated loops short; GPUs take 256.
    p.row_wg = pick({"bk_rmsnorm", "bk_softmax", "bk_cross_entropy", "bk_rmsnorm_bwd_rows"}, cpu ? 64 : 256);
    p.elem_wg = pick({"bk_convert_to_f32", "bk_swiglu", "bk_gather_rows", "bk_kv_write", "bk_rope", "bk_scatter_add",
                      "bk_adamw", "bk_swiglu_bwd", "bk_topk_route", "bk_rmsnorm_bwd_dw"},
                     256);
    p.bwd_wg = pick({"bk_attention_bwd_q", "bk_attention_bwd_kv"}, cpu ? 64 : 128);
    // Attention: the per-row kernel on CPU devices, the tiled one elsewhere;
    // BAKEOFF_OPENCL_ATTENTION=tiled or =rows picks one.
    p.attn_per_row = cpu;
    if (const char* e = std::getenv("BAKEOFF_OPENCL_ATTENTION")) {
        if (std::strcmp(e, "tiled") == 0) p.attn_per_row = false;
        if (std::strcmp(e, "rows") == 0) p.attn_per_row = true;
    }
    p.attn_row_wg = pick({"bk_attention_rows"}, 8);
    return BK_OK;
}

// ------------------------------------------------------------- launching

namespace {

size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

size_t pow2_ceil(size_t v) {
    size_t p = 1;
    while (p < v) p *= 2;
    return p;
}

// Enqueues the kernels of one op, keeping the first and last events for
// kernel-event timing.
struct Launcher {
    bk_stream* s;
    bool track;
    cl_event first = nullptr, last = nullptr;

    bk_status run(Program& p, const char* name, const LaunchGeom& g,
                  std::initializer_list<std::pair<size_t, const void*>> args) {
        auto it = p.kernels.find(name);
        if (it == p.kernels.end()) return fail(BK_INTERNAL_ERROR, std::string("kernel ") + name + " was not built");
        if (bk_status st = set_args(it->second, args); st != BK_OK) return st;
        cl_event ev = nullptr;
        if (bk_status st = enqueue(s, it->second, g, track ? &ev : nullptr, name); st != BK_OK) return st;
        if (ev) {
            if (!first) {
                first = ev;
                clRetainEvent(ev);
            }
            release_event(last);
            last = ev;
        }
        return BK_OK;
    }
    ~Launcher() {
        if (track && first) note_kernels(s, first, last);
        release_event(first);
        release_event(last);
    }
};

// One work-item per element, n elements.
LaunchGeom elem_geom(const Program& p, int64_t n) {
    LaunchGeom g;
    g.local[0] = std::min(p.elem_wg, pow2_ceil(static_cast<size_t>(n)));
    g.global[0] = round_up(static_cast<size_t>(n), g.local[0]);
    return g;
}

// Work-items (column, row): cols x rows.
LaunchGeom cols_rows_geom(const Program& p, int64_t cols, int64_t rows) {
    LaunchGeom g;
    g.dims = 2;
    g.local[0] = std::min(p.elem_wg, pow2_ceil(static_cast<size_t>(cols)));
    g.global[0] = round_up(static_cast<size_t>(cols), g.local[0]);
    g.global[1] = static_cast<size_t>(rows);
    return g;
}

// One work-group of wg work-items per row.
LaunchGeom rows_geom(size_t wg, int64_t rows) {
    LaunchGeom g;
    g.local[0] = wg;
    g.global[0] = wg * static_cast<size_t>(rows);
    return g;
}

// A buffer of at least `need` bytes for the op's intermediates, on the stream.
bk_status scratch(bk_stream* s, size_t need, cl_mem* out) {
    if (s->nn_scratch_bytes < need) {
        // A released buffer lives on until the commands using it finish.
        if (s->nn_scratch) clReleaseMemObject(s->nn_scratch);
        s->nn_scratch = nullptr;
        s->nn_scratch_bytes = 0;
        cl_int err = CL_SUCCESS;
        s->nn_scratch = clCreateBuffer(s->dev->ctx, CL_MEM_READ_WRITE, need, nullptr, &err);
        if (err != CL_SUCCESS) return cl_fail(err, "clCreateBuffer(NN scratch)");
        s->nn_scratch_bytes = need;
    }
    *out = s->nn_scratch;
    return BK_OK;
}

// Ids or targets must lie in [0, limit): read back (after the stream's
// earlier work, which may have produced them) and checked before any kernel.
bk_status check_ids(bk_stream* s, const bk_op_desc* op, cl_mem ids, int64_t count, int64_t limit, const char* what) {
    std::vector<int32_t> host(static_cast<size_t>(count));
    const cl_int err = clEnqueueReadBuffer(s->q, ids, CL_TRUE, 0, host.size() * sizeof(int32_t), host.data(), 0,
                                           nullptr, nullptr);
    if (err != CL_SUCCESS) return cl_fail(err, std::string("clEnqueueReadBuffer(") + what + ")");
    for (size_t i = 0; i < host.size(); ++i)
        if (host[i] < 0 || host[i] >= limit)
            return bad(op, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(host[i]) +
                               " is outside [0, " + std::to_string(limit) + ")");
    return BK_OK;
}

// f_i = theta^(-2i/head_dim) as fractions of a turn in 2^-64 units, cached per device.
bk_status rope_turns(bk_device* d, double theta, int64_t head_dim, cl_mem* out) {
    const auto key = std::make_pair(theta, head_dim);
    if (auto it = d->rope_turns.find(key); it != d->rope_turns.end()) {
        *out = it->second;
        return BK_OK;
    }
    const int64_t half = head_dim / 2;
    std::vector<cl_ulong> turns(static_cast<size_t>(half));
    for (int64_t i = 0; i < half; ++i) {
        const double f = std::pow(theta, -2.0 * double(i) / double(head_dim));
        double g = f / (2.0 * M_PI);
        g -= std::floor(g);
        const double scaled = std::ldexp(g, 64);
        turns[size_t(i)] = scaled >= 18446744073709551616.0 ? 0 : static_cast<cl_ulong>(scaled);
    }
    cl_int err = CL_SUCCESS;
    cl_mem m = clCreateBuffer(d->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, turns.size() * sizeof(cl_ulong),
                              turns.data(), &err);
    if (err != CL_SUCCESS) return cl_fail(err, "clCreateBuffer(rope frequencies)");
    d->rope_turns[key] = m;
    *out = m;
    return BK_OK;
}

const char* convert_kernel(uint32_t to) {
    switch (to) {
        case BK_F64: return "bk_convert_to_f64";
        case BK_BF16: return "bk_convert_to_bf16";
        case BK_F16: return "bk_convert_to_f16";
        default: return "bk_convert_to_f32";
    }
}

}  // namespace

void release_nn_tables(bk_device* d) {
    for (auto& [key, m] : d->rope_turns) clReleaseMemObject(m);
    d->rope_turns.clear();
}

bk_status launch_nn(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p, bk_buffer* const* ops,
                    bool track) {
    bk_device* d = s->dev;
    const bk_nn_op& n = op->u.nn;
    const bool f64 = plan.variant == V_NN_F64;
    const size_t acc = f64 ? sizeof(double) : sizeof(float);
    // Scalars of type ACC (double for f64 activations, else float).
    auto acc_arg = [&](double v, double* dv, float* fv) -> std::pair<size_t, const void*> {
        *dv = v;
        *fv = static_cast<float>(v);
        return f64 ? std::pair<size_t, const void*>{sizeof(double), dv} : std::pair<size_t, const void*>{sizeof(float), fv};
    };
    cl_mem m[8] = {};
    for (uint32_t i = 0; i < plan.nn_operands; ++i) m[i] = ops[i]->mem;
    const cl_long rows = n.rows, dim = n.dim;
    const cl_long count = rows * dim;
    Launcher L{s, track};
    switch (op->kind) {
        case BK_OP_CONVERT:
            return L.run(p, convert_kernel(op->dtype_c), elem_geom(p, count),
                         {{sizeof(cl_mem), &m[0]}, {sizeof(cl_mem), &m[1]}, {sizeof count, &count}});
        case BK_OP_RMSNORM: {
            double dv;
            float fv;
            return L.run(p, "bk_rmsnorm", rows_geom(p.row_wg, rows),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof dim, &dim},
                          acc_arg(n.eps, &dv, &fv),
                          {p.row_wg * acc, nullptr}});
        }
        case BK_OP_SOFTMAX:
            return L.run(p, "bk_softmax", rows_geom(p.row_wg, rows),
                         {{sizeof(cl_mem), &m[0]}, {sizeof(cl_mem), &m[1]}, {sizeof dim, &dim}, {p.row_wg * acc, nullptr}});
        case BK_OP_SWIGLU:
            return L.run(p, "bk_swiglu", elem_geom(p, count),
                         {{sizeof(cl_mem), &m[0]}, {sizeof(cl_mem), &m[1]}, {sizeof(cl_mem), &m[2]}, {sizeof count, &count}});
        case BK_OP_ROPE: {
            cl_mem turns = nullptr;
            if (bk_status st = rope_turns(d, n.theta, n.head_dim, &turns); st != BK_OK) return st;
            const cl_int heads = static_cast<cl_int>(n.heads), hd = static_cast<cl_int>(n.head_dim);
            const cl_int inv = n.inverse ? 1 : 0;
            const cl_long seq = n.seq, pos = n.pos_offset;
            return L.run(p, "bk_rope", cols_rows_geom(p, n.heads * (n.head_dim / 2), rows),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &turns},
                          {sizeof heads, &heads},
                          {sizeof hd, &hd},
                          {sizeof seq, &seq},
                          {sizeof pos, &pos},
                          {sizeof inv, &inv}});
        }
        case BK_OP_ROPE_FREQ: {
            const cl_int heads = static_cast<cl_int>(n.heads), hd = static_cast<cl_int>(n.head_dim);
            const cl_int inv = n.inverse ? 1 : 0;
            const cl_long seq = n.seq, pos = n.pos_offset;
            return L.run(p, "bk_rope_freq", cols_rows_geom(p, n.heads * (n.head_dim / 2), rows),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof heads, &heads},
                          {sizeof hd, &hd},
                          {sizeof seq, &seq},
                          {sizeof pos, &pos},
                          {sizeof inv, &inv}});
        }
        case BK_OP_EMBEDDING: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
            return L.run(p, "bk_gather_rows", cols_rows_geom(p, n.dim, rows),
                         {{sizeof(cl_mem), &m[0]}, {sizeof(cl_mem), &m[1]}, {sizeof(cl_mem), &m[2]}, {sizeof dim, &dim}});
        }
        case BK_OP_KV_WRITE: {
            const cl_long seq = n.seq, cap = n.capacity, pos = n.pos_offset;
            return L.run(p, "bk_kv_write", cols_rows_geom(p, n.dim, rows),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof dim, &dim},
                          {sizeof seq, &seq},
                          {sizeof cap, &cap},
                          {sizeof pos, &pos}});
        }
        case BK_OP_SCATTER_ADD: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
            return L.run(p, "bk_scatter_add", elem_geom(p, n.dim),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof rows, &rows},
                          {sizeof dim, &dim}});
        }
        case BK_OP_ATTENTION: {
            const bk_attention_op& a = op->u.attn;
            if (p.attn_per_row) {
                const cl_int heads = cl_int(a.heads), kvh = cl_int(a.kv_heads), sq = cl_int(a.seq_q),
                             skv = cl_int(a.seq_kv), cap = cl_int(a.kv_capacity), D = cl_int(a.head_dim),
                             causal = a.causal ? 1 : 0;
                double dv;
                float fv;
                LaunchGeom g;
                g.dims = 2;
                g.local[0] = std::min(p.attn_row_wg, pow2_ceil(size_t(a.seq_q)));
                g.global[0] = round_up(size_t(a.seq_q), g.local[0]);
                g.global[1] = size_t(a.batch * a.heads);
                return L.run(p, "bk_attention_rows", g,
                             {{sizeof(cl_mem), &m[0]},
                              {sizeof(cl_mem), &m[1]},
                              {sizeof(cl_mem), &m[2]},
                              {sizeof(cl_mem), &m[3]},
                              {sizeof heads, &heads},
                              {sizeof kvh, &kvh},
                              {sizeof sq, &sq},
                              {sizeof skv, &skv},
                              {sizeof cap, &cap},
                              {sizeof D, &D},
                              {sizeof causal, &causal},
                              acc_arg(a.scale, &dv, &fv)});
            }
            const int al = p.attn_lanes, aq = p.attn_rows;
            const int kb = attn_key_tile(d, aq, a.head_dim, acc);
            if (kb == 0) return unsupported(op, "the device's local memory cannot hold a key tile");
            const cl_int heads = cl_int(a.heads), kvh = cl_int(a.kv_heads), sq = cl_int(a.seq_q),
                         skv = cl_int(a.seq_kv), cap = cl_int(a.kv_capacity), D = cl_int(a.head_dim),
                         causal = a.causal ? 1 : 0, kbi = kb;
            double dv;
            float fv;
            LaunchGeom g;
            g.dims = 2;
            g.local[0] = size_t(al);
            g.local[1] = size_t(aq);
            const size_t blocks = (size_t(a.seq_q * (a.heads / a.kv_heads)) + size_t(aq) - 1) / size_t(aq);
            g.global[0] = blocks * size_t(al);
            g.global[1] = size_t(a.batch * a.kv_heads) * size_t(aq);
            return L.run(p, "bk_attention", g,
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof heads, &heads},
                          {sizeof kvh, &kvh},
                          {sizeof sq, &sq},
                          {sizeof skv, &skv},
                          {sizeof cap, &cap},
                          {sizeof D, &D},
                          {sizeof causal, &causal},
                          acc_arg(a.scale, &dv, &fv),
                          {sizeof kbi, &kbi},
                          {size_t(aq) * size_t(D) * acc, nullptr},
                          {size_t(kb) * size_t(D + 1) * acc, nullptr},
                          {size_t(kb) * size_t(D) * acc, nullptr},
                          {size_t(aq) * size_t(kb) * acc, nullptr}});
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op->u.route;
            const cl_int tokens = cl_int(r.tokens), experts = cl_int(r.experts), k = cl_int(r.top_k),
                         fn = r.score_fn, norm = r.normalize ? 1 : 0;
            return L.run(p, "bk_topk_route", elem_geom(p, r.tokens),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof tokens, &tokens},
                          {sizeof experts, &experts},
                          {sizeof k, &k},
                          {sizeof fn, &fn},
                          {sizeof norm, &norm}});
        }
        case BK_OP_RMSNORM_BWD: {
            cl_mem rinv = nullptr;
            if (bk_status st = scratch(s, size_t(n.rows) * sizeof(float), &rinv); st != BK_OK) return st;
            const float eps = float(n.eps);
            bk_status st = L.run(p, "bk_rmsnorm_bwd_rows", rows_geom(p.row_wg, rows),
                                 {{sizeof(cl_mem), &m[0]},
                                  {sizeof(cl_mem), &m[1]},
                                  {sizeof(cl_mem), &m[2]},
                                  {sizeof(cl_mem), &m[3]},
                                  {sizeof(cl_mem), &rinv},
                                  {sizeof dim, &dim},
                                  {sizeof eps, &eps},
                                  {p.row_wg * sizeof(float), nullptr}});
            if (st != BK_OK) return st;
            return L.run(p, "bk_rmsnorm_bwd_dw", elem_geom(p, n.dim),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &rinv},
                          {sizeof(cl_mem), &m[4]},
                          {sizeof rows, &rows},
                          {sizeof dim, &dim}});
        }
        case BK_OP_SWIGLU_BWD:
            return L.run(p, "bk_swiglu_bwd", elem_geom(p, count),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof(cl_mem), &m[4]},
                          {sizeof count, &count}});
        case BK_OP_CROSS_ENTROPY: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.dim, "t"); st != BK_OK) return st;
            const float inv_rows = 1.0f / float(n.rows);
            return L.run(p, "bk_cross_entropy", rows_geom(p.row_wg, rows),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof dim, &dim},
                          {sizeof inv_rows, &inv_rows},
                          {p.row_wg * sizeof(float), nullptr}});
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op->u.adamw;
            const cl_long nn = a.n;
            const float b1 = float(a.beta1), b2 = float(a.beta2), eps = float(a.eps), lr = float(a.lr),
                        wd = float(a.weight_decay);
            // Bias corrections once, in f64, as the CPU backend computes them.
            const float c1 = float(1.0 / (1.0 - std::pow(a.beta1, double(a.step))));
            const float c2 = float(1.0 / (1.0 - std::pow(a.beta2, double(a.step))));
            return L.run(p, "bk_adamw", elem_geom(p, a.n),
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof nn, &nn},
                          {sizeof b1, &b1},
                          {sizeof b2, &b2},
                          {sizeof eps, &eps},
                          {sizeof lr, &lr},
                          {sizeof wd, &wd},
                          {sizeof c1, &c1},
                          {sizeof c2, &c2}});
        }
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op->u.attn;
            cl_mem stats = nullptr;
            if (bk_status st = scratch(s, size_t(a.batch * a.heads * a.seq_q) * 2 * sizeof(float), &stats);
                st != BK_OK)
                return st;
            const cl_int heads = cl_int(a.heads), kvh = cl_int(a.kv_heads), S = cl_int(a.seq_q),
                         D = cl_int(a.head_dim), causal = a.causal ? 1 : 0;
            const float scale = float(a.scale);
            const size_t wg = p.bwd_wg;
            LaunchGeom g;
            g.dims = 2;
            g.local[0] = wg;
            g.global[0] = wg * size_t(S);
            g.global[1] = size_t(a.batch * a.heads);
            bk_status st = L.run(p, "bk_attention_bwd_q", g,
                                 {{sizeof(cl_mem), &m[0]},
                                  {sizeof(cl_mem), &m[1]},
                                  {sizeof(cl_mem), &m[2]},
                                  {sizeof(cl_mem), &m[3]},
                                  {sizeof(cl_mem), &m[4]},
                                  {sizeof(cl_mem), &stats},
                                  {sizeof heads, &heads},
                                  {sizeof kvh, &kvh},
                                  {sizeof S, &S},
                                  {sizeof D, &D},
                                  {sizeof causal, &causal},
                                  {sizeof scale, &scale},
                                  {wg * sizeof(float), nullptr},
                                  {wg * sizeof(float), nullptr},
                                  {size_t(D) * sizeof(float), nullptr}});
            if (st != BK_OK) return st;
            g.global[1] = size_t(a.batch * a.kv_heads);
            return L.run(p, "bk_attention_bwd_kv", g,
                         {{sizeof(cl_mem), &m[0]},
                          {sizeof(cl_mem), &m[1]},
                          {sizeof(cl_mem), &m[2]},
                          {sizeof(cl_mem), &m[3]},
                          {sizeof(cl_mem), &stats},
                          {sizeof(cl_mem), &m[5]},
                          {sizeof(cl_mem), &m[6]},
                          {sizeof heads, &heads},
                          {sizeof kvh, &kvh},
                          {sizeof S, &S},
                          {sizeof D, &D},
                          {sizeof causal, &causal},
                          {sizeof scale, &scale},
                          {wg * sizeof(float), nullptr},
                          {wg * sizeof(float), nullptr},
                          {wg * sizeof(cl_int), nullptr},
                          {2 * size_t(D) * sizeof(float), nullptr}});
        }
        default: return unsupported(op, "not an NN op");
    }
}

std::string describe_nn(const bk_device* d, const bk_op_desc* op, const Plan& plan, const Program& p) {
    const char* math = plan.variant == V_NN_F64    ? "f64 math"
                       : plan.variant == V_NN_BF16 ? "bf16 storage, f32 math"
                       : plan.variant == V_NN_F16  ? "f16 storage (vload_half/vstore_half_rte), f32 math"
                                                   : "f32 math";
    char b[512];
    switch (op->kind) {
        case BK_OP_CONVERT:
            std::snprintf(b, sizeof b, "element-wise conversion %s -> %s, round to nearest even, wg %zu",
                          dt(op->dtype_a).c_str(), dt(op->dtype_c).c_str(), p.elem_wg);
            break;
        case BK_OP_RMSNORM:
        case BK_OP_SOFTMAX:
        case BK_OP_CROSS_ENTROPY:
            std::snprintf(b, sizeof b, "one work-group of %zu per row, local-memory tree reductions, %s", p.row_wg, math);
            break;
        case BK_OP_RMSNORM_BWD:
            std::snprintf(b, sizeof b,
                          "dx: one work-group of %zu per row (local-memory reductions); dw: one work-item per column "
                          "summing the rows in order; f32 math",
                          p.row_wg);
            break;
        case BK_OP_ROPE_FREQ:
            std::snprintf(b, sizeof b,
                          "one work-item per rotated pair; the f64 frequencies turned into 64-bit fixed-point "
                          "fractions of a turn on the device (exact modulo 2 pi), %s",
                          math);
            break;
        case BK_OP_ROPE:
            std::snprintf(b, sizeof b,
                          "one work-item per rotated pair; angles from host-computed f64 frequencies as 64-bit "
                          "fixed-point turns (exact modulo 2 pi), %s",
                          math);
            break;
        case BK_OP_EMBEDDING:
        case BK_OP_KV_WRITE:
            std::snprintf(b, sizeof b, "row copies, one work-item per element (wg %zu)%s", p.elem_wg,
                          op->kind == BK_OP_EMBEDDING ? "; ids read back and checked on the host first" : "");
            break;
        case BK_OP_SCATTER_ADD:
            std::snprintf(b, sizeof b,
                          "one work-item per column adding the rows in order of i (no atomics), %s; ids read back "
                          "and checked on the host first",
                          math);
            break;
        case BK_OP_ATTENTION: {
            if (p.attn_per_row) {
                std::snprintf(b, sizeof b,
                              "online softmax; one work-item per (query, head) row walking its visible keys in "
                              "blocks of 16, no local memory or barriers (groups of %zu consecutive queries), %s",
                              p.attn_row_wg, math);
                break;
            }
            const int kb = attn_key_tile(d, p.attn_rows, op->u.attn.head_dim, plan.variant == V_NN_F64 ? 8 : 4);
            std::snprintf(b, sizeof b,
                          "online softmax; work-group of %d lanes x %d rows of (query, head sharing a KV head), "
                          "key tiles of %d through local memory, masked tiles skipped, %s",
                          p.attn_lanes, p.attn_rows, kb, math);
            break;
        }
        case BK_OP_ATTENTION_BWD:
            std::snprintf(b, sizeof b,
                          "two kernels, scores recomputed: per query row (row statistics, dq) then per key row (dk, "
                          "dv summed over the group's heads), work-groups of %zu, f32 math",
                          p.bwd_wg);
            break;
        case BK_OP_TOPK_ROUTE:
            std::snprintf(b, sizeof b, "one work-item per token, top_k selection passes, f32 math");
            break;
        default:
            std::snprintf(b, sizeof b, "element-wise, one work-item per element (wg %zu), %s", p.elem_wg, math);
            break;
    }
    std::string s = std::string("bakeoff portable OpenCL ") + bk_op_name(op->kind) + ": " + b;
    if (!d->extra_options.empty()) s += "; build options: " + d->extra_options;
    s += d->timing == Timing::Markers ? "; timing: marker events" : "; timing: kernel events";
    return s;
}

}  // namespace bakeoff::opencl
