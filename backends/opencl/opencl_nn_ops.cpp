// The neural-network ops on OpenCL (BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION): which
// activation types each runs, the descriptor and operand checks (the ABI's
// rules from bakeoff/nn_op_rules.h, then this backend's limits), the NN
// programs (one per activation type, built at first use and cached with the
// others), and the launches. The kernels are in opencl_nn_kernels.cpp and
// opencl_serving_kernels.cpp. The serving ops' index operands are read back to
// the host and checked (bk_nn_rules::check_serving_indices) before any kernel.
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

#include "bakeoff/nn_op_rules.h"
#include "opencl_internal.h"
#include "opencl_nn_kernels.h"

namespace bakeoff::opencl {
namespace {

constexpr int kAttnMaxHeadDim = 256;  // DMAX of the attention kernel
constexpr int kAttnMaxKeyTile = 64;
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

std::string dt(uint32_t t) { return bk_dtype_name(t); }

Variant variant_of(uint32_t t) {
    switch (t) {
        case BK_F64: return V_NN_F64;
        case BK_BF16: return V_NN_BF16;
        case BK_F16: return V_NN_F16;
        default: return V_NN_F32;
    }
}

bk_status bad(const bk_op_desc* op, const std::string& why) {
    return fail(BK_INVALID_ARGUMENT, std::string(bk_op_name(op->kind)) + ": " + why);
}

bk_status unsupported(const bk_op_desc* op, const std::string& why) {
    return fail(BK_UNSUPPORTED, std::string(bk_op_name(op->kind)) + " " + dt(op->dtype_a) + ": " + why);
}

// The activation type rule of each op: the ABI's (bk_nn_rules::types), then
// what the device has (fp64).
bk_status check_types(const bk_device* d, const bk_op_desc* op) {
    if (std::string why = bk_nn_rules::types(*op); !why.empty()) return unsupported(op, why);
    const uint32_t a = op->dtype_a;
    if (bk_is_block_type(a)) {  // the ABI allows a block table for EMBEDDING only
        if (a == BK_Q8_0 || a == BK_Q4_0) return BK_OK;
        return unsupported(op, "the OpenCL backend dequantizes q8_0 and q4_0 tables only (the caller loads "
                               "other types dequantized)");
    }
    const char* no_fp64 = "the device has no fp64 (cl_khr_fp64)";
    if (op->kind == BK_OP_CONVERT) {
        if ((a == BK_F64 || op->dtype_c == BK_F64) && !d->caps.fp64) return unsupported(op, no_fp64);
        return BK_OK;  // f64 -> bf16/f16 rounds once: through f32 rounded to odd.
    }
    if (!bk_nn_rules::takes_activations(op->kind)) return BK_OK;  // the router and the training ops: f32
    if (a == BK_F64 && !d->caps.fp64) return unsupported(op, no_fp64);
    if ((op->kind == BK_OP_ROPE_FREQ || op->kind == BK_OP_ROPE_POS) && !d->caps.fp64)
        return unsupported(op, "its frequencies are f64 and the device has no fp64 (cl_khr_fp64)");
    return BK_OK;
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

// ------------------------------------------------------------ op checking

bk_status check_nn_op(const bk_device* d, const bk_op_desc* op, Plan* plan) {
    if (std::string why = bk_plugin::desc_size_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    if (op->path == BK_PATH_VENDOR) return unsupported(op, "no vendor library on OpenCL (portable path only)");
    if (op->path != BK_PATH_PORTABLE) return fail(BK_INVALID_ARGUMENT, "unknown path " + std::to_string(op->path));
    if ((op->dtype_a >= BK_DTYPE_COUNT && !bk_is_block_type(op->dtype_a)) || op->dtype_c >= BK_DTYPE_COUNT)
        return fail(BK_INVALID_ARGUMENT, "unknown dtype in op descriptor");
    if (bk_status st = check_types(d, op); st != BK_OK) return st;
    plan->variant = variant_of(op->dtype_a);
    // Shapes, parameters and operand sizes: the ABI's rules, shared by the backends.
    std::vector<bk_nn_rules::Operand> operands;
    if (const std::string why = bk_nn_rules::check(*op, &operands); !why.empty()) return bad(op, why);
    plan->nn_operands = 0;
    for (const auto& o : operands) plan->nn_bytes[plan->nn_operands++] = o.bytes;
    // This backend's own limits (32-bit indices in the kernels, local memory).
    const bk_nn_op& n = op->u.nn;
    switch (op->kind) {
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
        case BK_OP_ROPE_POS:
            if (n.dim > kIntMax) return unsupported(op, "heads * head_dim above 2^31 is not implemented");
            break;
        case BK_OP_PAGED_ATTENTION: {
            const bk_paged_attention_op& a = op->u.paged;
            if (a.head_dim > kAttnMaxHeadDim)
                return unsupported(op, "head_dim " + std::to_string(a.head_dim) + " is above the kernel's " +
                                           std::to_string(kAttnMaxHeadDim));
            if (a.seqs >= kIntMax || a.heads > kIntMax || a.max_blocks > kIntMax)
                return unsupported(op, "sequence, head or block counts above 2^31 are not implemented");
            break;
        }
        case BK_OP_TOPK_ROUTE:
            if (op->u.route.tokens > kIntMax) return unsupported(op, "more than 2^31 tokens is not implemented");
            break;
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op->u.attn;
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
            } else if (operands[0].bytes / 4 > uint64_t(kIntMax) || operands[1].bytes / 4 > uint64_t(kIntMax)) {
                return unsupported(op, "tensors above 2^31 elements are not implemented");  // q and k, f32
            }
            break;
        }
        default: break;
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
    std::string opts = std::string("-cl-std=CL1.2 -D") + act_define(v);
    if (d->caps.fp64) opts += " -DBK_FP64";
    opts += " -DAL=" + std::to_string(p.attn_lanes) + " -DAQ=" + std::to_string(p.attn_rows) +
            " -DDMAX=" + std::to_string(kAttnMaxHeadDim);
    if (!d->extra_options.empty()) opts += " " + d->extra_options;
    std::vector<const char*> names = {"bk_convert_to_f32", "bk_convert_to_bf16", "bk_convert_to_f16", "bk_rmsnorm",
                                      "bk_softmax", "bk_rope", "bk_swiglu", "bk_gather_rows", "bk_kv_write",
                                      "bk_scatter_add", "bk_attention", "bk_attention_rows", "bk_paged_kv_write",
                                      "bk_paged_attention"};
    if (d->caps.fp64) names.insert(names.end(), {"bk_convert_to_f64", "bk_rope_freq", "bk_rope_pos"});
    if (v == V_NN_F32)
        names.insert(names.end(), {"bk_qgather", "bk_qgemm", "bk_topk_route", "bk_rmsnorm_bwd_rows", "bk_rmsnorm_bwd_dw", "bk_swiglu_bwd",
                                   "bk_cross_entropy", "bk_adamw", "bk_attention_bwd_q", "bk_attention_bwd_kv"});
    // The serving kernels use the NN source's helpers: one program.
    static const std::string source = std::string(kNnKernelSource) + kServingKernelSource;
    return build_program(d, v, source.c_str(), opts, names, p);
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
                      "bk_adamw", "bk_swiglu_bwd", "bk_topk_route", "bk_rmsnorm_bwd_dw", "bk_paged_kv_write",
                      "bk_rope_pos"},
                     256);
    p.bwd_wg = pick({"bk_attention_bwd_q", "bk_attention_bwd_kv"}, cpu ? 64 : 128);
    // Attention: the per-row kernel on CPU devices, the tiled one elsewhere;
    // BAKEOFF_OPENCL_ATTENTION=tiled or =rows picks one.
    p.attn_per_row = cpu;
    if (const char* e = std::getenv("BAKEOFF_OPENCL_ATTENTION")) {
        if (std::strcmp(e, "tiled") == 0) p.attn_per_row = false;
        if (std::strcmp(e, "rows") == 0) p.attn_per_row = true;
    }
    p.attn_row_wg = pick({"bk_attention_rows", "bk_paged_attention"}, 8);
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
// Kernel arguments for Launcher::run_args: a value (its bytes), Local{n} (n
// bytes of local memory), or an explicit (size, pointer) pair.
struct Local {
    size_t bytes;
};
using Arg = std::pair<size_t, const void*>;
inline Arg arg(const Arg& a) { return a; }
inline Arg arg(const Local& l) { return {l.bytes, nullptr}; }
template <class T>
Arg arg(const T& v) {
    return {sizeof v, &v};
}

struct Launcher {
    bk_stream* s;
    bool track;
    cl_event first = nullptr, last = nullptr;

    // The arguments' addresses are taken here: values must outlive the call
    // (temporaries do: they live to the end of the caller's full expression).
    template <class... T>
    bk_status run_args(Program& p, const char* name, const LaunchGeom& g, const T&... v) {
        return run(p, name, g, {arg(v)...});
    }

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
    if (bk_status st = grow_scratch(s->dev->ctx, &s->nn_scratch, &s->nn_scratch_bytes, need, "NN scratch"); st != BK_OK)
        return st;
    *out = s->nn_scratch;
    return BK_OK;
}

// count int32 indices read back to the host, after the stream's earlier work
// (which may have produced them).
bk_status read_indices(bk_stream* s, cl_mem m, int64_t count, const char* what, std::vector<int32_t>* host) {
    host->resize(static_cast<size_t>(count));
    const cl_int err = clEnqueueReadBuffer(s->q, m, CL_TRUE, 0, host->size() * sizeof(int32_t), host->data(), 0,
                                           nullptr, nullptr);
    if (err != CL_SUCCESS) return cl_fail(err, std::string("clEnqueueReadBuffer(") + what + ")");
    return BK_OK;
}

// Ids or targets must lie in [0, limit): read back and checked before any kernel.
bk_status check_ids(bk_stream* s, const bk_op_desc* op, cl_mem ids, int64_t count, int64_t limit, const char* what) {
    std::vector<int32_t> host;
    if (bk_status st = read_indices(s, ids, count, what, &host); st != BK_OK) return st;
    for (size_t i = 0; i < host.size(); ++i)
        if (host[i] < 0 || host[i] >= limit)
            return bad(op, std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(host[i]) +
                               " is outside [0, " + std::to_string(limit) + ")");
    return BK_OK;
}

// The serving ops' indices (operands m): read back and checked against the
// ABI's rules before any kernel, so a bad index writes nothing.
bk_status check_serving(bk_stream* s, const bk_op_desc* op, const cl_mem* m) {
    std::vector<int32_t> a, b, c;
    std::string why;
    if (op->kind == BK_OP_PAGED_ATTENTION) {
        const bk_paged_attention_op& pa = op->u.paged;
        if (bk_status st = read_indices(s, m[3], pa.seqs + 1, "q_start", &a); st != BK_OK) return st;
        if (bk_status st = read_indices(s, m[4], pa.seqs, "kv_len", &b); st != BK_OK) return st;
        if (bk_status st = read_indices(s, m[5], pa.seqs * pa.max_blocks, "block_table", &c); st != BK_OK) return st;
        why = bk_nn_rules::check_serving_indices(*op, nullptr, a.data(), b.data(), c.data());
    } else {
        const bool rope = op->kind == BK_OP_ROPE_POS;
        if (bk_status st = read_indices(s, m[rope ? 2 : 1], op->u.nn.rows, rope ? "pos" : "slot", &a); st != BK_OK)
            return st;
        why = bk_nn_rules::check_serving_indices(*op, a.data(), nullptr, nullptr, nullptr);
    }
    return why.empty() ? BK_OK : bad(op, why);
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

bk_status launch_qgemm(bk_stream* s, const bk_op_desc* op, Program& p, bk_buffer* const* ops, bool track) {
    const bk_gemm_op& g = op->u.gemm;
    const cl_long n = g.n, k = g.k, lda = g.lda, ldc = g.ldc;
    const cl_int qtype = op->dtype_b == BK_Q8_0 ? 0 : 1;
    const float alpha = static_cast<float>(g.alpha), beta = static_cast<float>(g.beta);
    Launcher L{s, track};
    return L.run_args(p, "bk_qgemm", cols_rows_geom(p, g.n, g.m), ops[0]->mem, ops[1]->mem, ops[2]->mem, n, k, lda,
                      ldc, qtype, alpha, beta);
}

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
    if (bk_nn_rules::is_serving_op(op->kind))
        if (bk_status st = check_serving(s, op, m); st != BK_OK) return st;
    Launcher L{s, track};
    switch (op->kind) {
        case BK_OP_CONVERT:
            return L.run_args(p, convert_kernel(op->dtype_c), elem_geom(p, count), m[0], m[1], count);
        case BK_OP_RMSNORM: {
            double dv;
            float fv;
            return L.run_args(p, "bk_rmsnorm", rows_geom(p.row_wg, rows), m[0], m[1], m[2], dim,
                              acc_arg(n.eps, &dv, &fv), Local{p.row_wg * acc});
        }
        case BK_OP_SOFTMAX:
            return L.run_args(p, "bk_softmax", rows_geom(p.row_wg, rows), m[0], m[1], dim, Local{p.row_wg * acc});
        case BK_OP_SWIGLU:
            return L.run_args(p, "bk_swiglu", elem_geom(p, count), m[0], m[1], m[2], count);
        case BK_OP_ROPE: {
            cl_mem turns = nullptr;
            if (bk_status st = rope_turns(d, n.theta, n.head_dim, &turns); st != BK_OK) return st;
            const cl_int heads = static_cast<cl_int>(n.heads), hd = static_cast<cl_int>(n.head_dim);
            const cl_int inv = n.inverse ? 1 : 0;
            const cl_long seq = n.seq, pos = n.pos_offset;
            return L.run_args(p, "bk_rope", cols_rows_geom(p, n.heads * (n.head_dim / 2), rows), m[0], m[1], turns,
                              heads, hd, seq, pos, inv);
        }
        case BK_OP_ROPE_FREQ: {
            const cl_int heads = static_cast<cl_int>(n.heads), hd = static_cast<cl_int>(n.head_dim);
            const cl_int inv = n.inverse ? 1 : 0;
            const cl_long seq = n.seq, pos = n.pos_offset;
            return L.run_args(p, "bk_rope_freq", cols_rows_geom(p, n.heads * (n.head_dim / 2), rows), m[0], m[1],
                              m[2], heads, hd, seq, pos, inv);
        }
        case BK_OP_ROPE_POS: {
            const cl_int heads = static_cast<cl_int>(n.heads), hd = static_cast<cl_int>(n.head_dim);
            const cl_int inv = n.inverse ? 1 : 0;
            return L.run_args(p, "bk_rope_pos", cols_rows_geom(p, n.heads * (n.head_dim / 2), rows), m[0], m[1], m[2],
                              m[3], heads, hd, inv);
        }
        case BK_OP_PAGED_KV_WRITE:
            return L.run_args(p, "bk_paged_kv_write", cols_rows_geom(p, n.dim, rows), m[0], m[1], m[2], dim);
        case BK_OP_PAGED_ATTENTION: {
            const bk_paged_attention_op& a = op->u.paged;
            const cl_int seqs = cl_int(a.seqs), heads = cl_int(a.heads), kvh = cl_int(a.kv_heads),
                         D = cl_int(a.head_dim), bs = cl_int(a.block_size), mb = cl_int(a.max_blocks),
                         causal = a.causal ? 1 : 0;
            double dv;
            float fv;
            LaunchGeom g;
            g.dims = 2;
            g.local[0] = std::min(p.attn_row_wg, pow2_ceil(size_t(a.tokens)));
            g.global[0] = round_up(size_t(a.tokens), g.local[0]);
            g.global[1] = size_t(a.heads);
            return L.run_args(p, "bk_paged_attention", g, m[0], m[1], m[2], m[3], m[4], m[5], m[6], seqs, heads, kvh,
                              D, bs, mb, causal, acc_arg(a.scale, &dv, &fv));
        }
        case BK_OP_EMBEDDING: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
            if (bk_is_block_type(op->dtype_a))
                return L.run_args(p, "bk_qgather", cols_rows_geom(p, n.dim, rows), m[0], m[1], m[2], dim,
                                  cl_int(op->dtype_a == BK_Q8_0 ? 0 : 1));
            return L.run_args(p, "bk_gather_rows", cols_rows_geom(p, n.dim, rows), m[0], m[1], m[2], dim);
        }
        case BK_OP_KV_WRITE: {
            const cl_long seq = n.seq, cap = n.capacity, pos = n.pos_offset;
            return L.run_args(p, "bk_kv_write", cols_rows_geom(p, n.dim, rows), m[0], m[1], dim, seq, cap, pos);
        }
        case BK_OP_SCATTER_ADD: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.vocab, "ids"); st != BK_OK) return st;
            return L.run_args(p, "bk_scatter_add", elem_geom(p, n.dim), m[0], m[1], m[2], m[3], rows, dim);
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
                return L.run_args(p, "bk_attention_rows", g, m[0], m[1], m[2], m[3], heads, kvh, sq, skv, cap, D,
                                  causal, acc_arg(a.scale, &dv, &fv));
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
            return L.run_args(p, "bk_attention", g, m[0], m[1], m[2], m[3], heads, kvh, sq, skv, cap, D, causal,
                              acc_arg(a.scale, &dv, &fv), kbi, Local{size_t(aq) * size_t(D) * acc},
                              Local{size_t(kb) * size_t(D + 1) * acc}, Local{size_t(kb) * size_t(D) * acc},
                              Local{size_t(aq) * size_t(kb) * acc});
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op->u.route;
            const cl_int tokens = cl_int(r.tokens), experts = cl_int(r.experts), k = cl_int(r.top_k),
                         fn = r.score_fn, norm = r.normalize ? 1 : 0;
            return L.run_args(p, "bk_topk_route", elem_geom(p, r.tokens), m[0], m[1], m[2], tokens, experts, k, fn,
                              norm);
        }
        case BK_OP_RMSNORM_BWD: {
            cl_mem rinv = nullptr;
            if (bk_status st = scratch(s, size_t(n.rows) * sizeof(float), &rinv); st != BK_OK) return st;
            const float eps = float(n.eps);
            bk_status st = L.run_args(p, "bk_rmsnorm_bwd_rows", rows_geom(p.row_wg, rows), m[0], m[1], m[2], m[3],
                                      rinv, dim, eps, Local{p.row_wg * sizeof(float)});
            if (st != BK_OK) return st;
            return L.run_args(p, "bk_rmsnorm_bwd_dw", elem_geom(p, n.dim), m[0], m[2], rinv, m[4], rows, dim);
        }
        case BK_OP_SWIGLU_BWD:
            return L.run_args(p, "bk_swiglu_bwd", elem_geom(p, count), m[0], m[1], m[2], m[3], m[4], count);
        case BK_OP_CROSS_ENTROPY: {
            if (bk_status st = check_ids(s, op, m[1], n.rows, n.dim, "t"); st != BK_OK) return st;
            const float inv_rows = 1.0f / float(n.rows);
            return L.run_args(p, "bk_cross_entropy", rows_geom(p.row_wg, rows), m[0], m[1], m[2], m[3], dim, inv_rows,
                              Local{p.row_wg * sizeof(float)});
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op->u.adamw;
            const cl_long nn = a.n;
            const float b1 = float(a.beta1), b2 = float(a.beta2), eps = float(a.eps), lr = float(a.lr),
                        wd = float(a.weight_decay);
            // Bias corrections once, in f64, as the CPU backend computes them.
            const float c1 = float(1.0 / (1.0 - std::pow(a.beta1, double(a.step))));
            const float c2 = float(1.0 / (1.0 - std::pow(a.beta2, double(a.step))));
            return L.run_args(p, "bk_adamw", elem_geom(p, a.n), m[0], m[1], m[2], m[3], nn, b1, b2, eps, lr, wd, c1,
                              c2);
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
            bk_status st = L.run_args(p, "bk_attention_bwd_q", g, m[0], m[1], m[2], m[3], m[4], stats, heads, kvh, S,
                                      D, causal, scale, Local{wg * sizeof(float)}, Local{wg * sizeof(float)},
                                      Local{size_t(D) * sizeof(float)});
            if (st != BK_OK) return st;
            g.global[1] = size_t(a.batch * a.kv_heads);
            return L.run_args(p, "bk_attention_bwd_kv", g, m[0], m[1], m[2], m[3], stats, m[5], m[6], heads, kvh, S,
                              D, causal, scale, Local{wg * sizeof(float)}, Local{wg * sizeof(float)},
                              Local{wg * sizeof(cl_int)}, Local{2 * size_t(D) * sizeof(float)});
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
            if (bk_is_block_type(op->dtype_a)) {
                std::snprintf(b, sizeof b,
                              "%s rows dequantized to f32 as the reference does, one work-item per element (wg "
                              "%zu); ids read back and checked on the host first",
                              dt(op->dtype_a).c_str(), p.elem_wg);
                break;
            }
            [[fallthrough]];
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
        case BK_OP_ROPE_POS:
            std::snprintf(b, sizeof b,
                          "one work-item per rotated pair at its row's position; the f64 frequencies turned into "
                          "64-bit fixed-point fractions of a turn on the device (exact modulo 2 pi), %s; positions "
                          "read back and checked on the host first; untuned",
                          math);
            break;
        case BK_OP_PAGED_KV_WRITE:
            std::snprintf(b, sizeof b,
                          "row copies into their slots, one work-item per element (wg %zu), padding rows skipped; "
                          "slots read back and checked on the host first; untuned",
                          p.elem_wg);
            break;
        case BK_OP_PAGED_ATTENTION:
            std::snprintf(b, sizeof b,
                          "online softmax; one work-item per (query row, head) finding its sequence by binary search "
                          "over q_start and walking its visible keys through the block table in blocks of 8, no "
                          "local memory (groups of %zu rows), %s; indices read back and checked on the host first; "
                          "untuned",
                          p.attn_row_wg, math);
            break;
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
