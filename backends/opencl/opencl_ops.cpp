// The kernels' programs (built once per device and variant, cached), op
// descriptor and operand checks, and launches.
#include "clblast_gemm.h"
#include "opencl_internal.h"
#include "opencl_kernels.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <vector>

namespace bakeoff::opencl {

const char* const kVariantName[V_COUNT] = {"f32", "f64", "f16-gemm", "bf16-gemm", "nn-f32", "nn-f64", "nn-bf16", "nn-f16"};

// ------------------------------------------------------ events and programs


void release_event(cl_event& e) {
    if (e) clReleaseEvent(e);
    e = nullptr;
}

void reset_event(bk_event* e) {
    release_event(e->marker);
    release_event(e->first_after);
    release_event(e->last_before);
    if (e->stream) {
        auto& w = e->stream->waiting;
        w.erase(std::remove(w.begin(), w.end(), e), w.end());
        e->stream = nullptr;
    }
    e->recorded = false;
}

size_t pow2_floor(size_t v) {
    size_t p = 1;
    while (p * 2 <= v) p *= 2;
    return p;
}

// The first few lines of a build log as one line, errors before warnings.
std::string log_excerpt(const std::string& log, size_t max_lines, size_t max_chars) {
    std::vector<std::string> errors, others;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        line = trimmed(line);
        if (line.empty()) continue;
        std::string lower = line;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        (lower.find("error") != std::string::npos ? errors : others).push_back(line);
    }
    const std::vector<std::string>& pick = errors.empty() ? others : errors;
    std::string out;
    for (size_t i = 0; i < pick.size() && i < max_lines; ++i) out += (i ? " | " : "") + pick[i];
    if (out.empty()) out = "(empty build log)";
    if (out.size() > max_chars) out = out.substr(0, max_chars) + "...";
    return out;
}

static int stream_vector_width(const DeviceCaps& c, bool f64) {
    const cl_uint pref = f64 ? c.vw_double : c.vw_float;
    int vw = f64 ? 2 : 4;  // at least 16-byte accesses
    while (vw < static_cast<int>(pref) && vw < 16) vw *= 2;
    return vw;
}

static std::string program_options(const bk_device* d, Variant v, const GemmCfg& g, int vw) {
    std::string o = "-cl-std=CL1.2";
    auto def = [&o](const std::string& s) { o += " -D" + s; };
    switch (v) {
        case V_F32:
            def("BK_STREAM"), def("BK_GEMM"), def("REAL=float"), def("ACC=float");
            break;
        case V_F64:
            def("BK_FP64"), def("BK_STREAM"), def("BK_GEMM"), def("REAL=double"), def("ACC=double");
            break;
        case V_F16_GEMM: def("BK_GEMM"), def("BK_IN_F16"), def("ACC=float"); break;
        case V_BF16_GEMM: def("BK_GEMM"), def("BK_IN_BF16"), def("ACC=float"); break;
        default: break;
    }
    def("VW=" + std::to_string(vw));
    if (g.blocked) {
        def("BK_GEMM_BLOCKED"), def("BV=" + std::to_string(g.bv)), def("RM=" + std::to_string(g.rm));
        def("RNV=" + std::to_string(g.rnv));
    } else {
        def("WGX=" + std::to_string(g.wgx)), def("WGY=" + std::to_string(g.wgy));
        def("RM=" + std::to_string(g.rm)), def("RN=" + std::to_string(g.rn));
        def("TK=" + std::to_string(g.tk));
    }
    def("SKS=" + std::to_string(g.sks)), def("SCPG=" + std::to_string(g.scpg)), def("SNC=" + std::to_string(g.snc));
    def("SMR=" + std::to_string(g.smr));
    def("SVK=" + std::to_string(g.svk)), def("SNW=" + std::to_string(g.snw)), def("SVN=" + std::to_string(g.svn));
    def("SMN=" + std::to_string(g.smn));
    if (!d->extra_options.empty()) o += " " + d->extra_options;
    return o;
}

static bool variant_has_stream(Variant v) { return v == V_F32 || v == V_F64; }

void release_program(Program& p) {
    for (auto& [name, k] : p.kernels) clReleaseKernel(k);
    p.kernels.clear();
    if (p.prog) clReleaseProgram(p.prog);
    p.prog = nullptr;
}

size_t kernel_wg_size(cl_kernel k, cl_device_id d) {
    size_t v = 0;
    if (clGetKernelWorkGroupInfo(k, d, CL_KERNEL_WORK_GROUP_SIZE, sizeof v, &v, nullptr) != CL_SUCCESS)
        return 0;
    return v;
}

// One compile attempt; on success fills p.prog and p.kernels.
static bk_status compile(bk_device* d, Variant v, Program& p) {
    const std::string opts = program_options(d, v, p.gemm, p.vw);
    std::vector<const char*> names = {"bk_gemm", "bk_gemm_sm_nt", "bk_gemm_sm_nn"};
    if (variant_has_stream(v))
        names.insert(names.end(), {"bk_copy", "bk_scale", "bk_add", "bk_triad", "bk_dot_partial",
                                   "bk_dot_final"});
    return build_program(d, v, bakeoff::opencl::kKernelSource, opts, names, p);
}

bk_status build_program(bk_device* d, Variant v, const char* src, const std::string& opts,
                        const std::vector<const char*>& kernels, Program& p) {
    const cl_device_id dev = d->entry.device;
    cl_int err = CL_SUCCESS;
    cl_program prog = clCreateProgramWithSource(d->ctx, 1, &src, nullptr, &err);
    if (err != CL_SUCCESS) return cl_fail(err, "clCreateProgramWithSource");
    err = clBuildProgram(prog, 1, &dev, opts.c_str(), nullptr, nullptr);
    if (err != CL_SUCCESS) {
        size_t size = 0;
        std::string log;
        if (clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) == CL_SUCCESS &&
            size > 0) {
            log.resize(size);
            clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr);
        }
        clReleaseProgram(prog);
        return fail(BK_DEVICE_ERROR, std::string("OpenCL compiler failed on the ") + kVariantName[v] +
                                         " kernels (" + cl_error_name(err) +
                                         "): " + log_excerpt(log, 4, 600));
    }
    p.prog = prog;
    for (const char* name : kernels) {
        cl_kernel k = clCreateKernel(prog, name, &err);
        if (err != CL_SUCCESS) return cl_fail(err, std::string("clCreateKernel(") + name + ")");
        p.kernels[name] = k;
    }
    return BK_OK;
}

bk_status ensure_program(bk_device* d, Variant v, Program** out) {
    Program& p = d->programs[v];
    if (p.attempted) {
        if (p.status != BK_OK) return fail(p.status, p.error);
        *out = &p;
        return BK_OK;
    }
    p.attempted = true;
    if (is_nn_variant(v)) {
        const bk_status st = build_nn_program(d, v, p);
        p.status = st;
        if (st != BK_OK) {
            p.error = error_text();
            release_program(p);
        } else {
            *out = &p;
        }
        return st;
    }
    const DeviceCaps& c = d->caps;
    p.vw = stream_vector_width(c, v == V_F64);
    // GEMM shapes, largest first: fall back when the compiled kernel cannot
    // run the shape (registers, local memory). Blocked: 4 rows x 3 vectors of
    // the device's preferred width (float8 x 3 with AVX2: 12 accumulators).
    std::vector<GemmCfg> shapes;
    // Small-m kernels: on CPU devices a work-item walks 4 whole B rows (no
    // barriers; 2 rows of C x 4 columns of vector accumulators), vectors of
    // the preferred width, 16 work-items per group (fewer, larger groups:
    // each costs the runtime a dispatch); elsewhere the tiled kernel's group
    // size split as k lanes x 4 columns, 4-element vectors (2 for f64).
    if (d->gemm_blocked) {
        GemmCfg g;
        g.blocked = true;
        g.rm = 4;
        g.rnv = 3;
        g.bv = p.vw;
        g.sks = 1, g.scpg = 16, g.snc = 4, g.smr = 2, g.svk = p.vw, g.snw = 16, g.svn = p.vw;
        shapes.push_back(g);
    } else {
        for (const auto& [wgx, wgy, rm, rn, tk] : {std::array<int, 5>{16, 16, 4, 4, 16}, std::array<int, 5>{8, 8, 4, 4, 16},
                                                   std::array<int, 5>{8, 8, 2, 2, 8}}) {
            GemmCfg g;
            g.wgx = wgx, g.wgy = wgy, g.rm = rm, g.rn = rn, g.tk = tk;
            g.scpg = 4, g.sks = g.threads() / g.scpg, g.smr = 8, g.svk = v == V_F64 ? 2 : 4;
            g.snw = g.threads(), g.svn = g.svk;
            shapes.push_back(g);
        }
    }
    bk_status st = BK_UNSUPPORTED;
    std::string why = "the device's work-groups (" + std::to_string(c.max_wg) +
                      " work-items) are too small for the GEMM kernel";
    for (const GemmCfg& g : shapes) {
        if (static_cast<size_t>(g.threads()) > c.max_wg) continue;
        p.gemm = g;
        st = compile(d, v, p);
        if (st != BK_OK) break;  // a compile error does not depend on the shape
        const size_t wg = kernel_wg_size(p.kernels["bk_gemm"], d->entry.device);
        if (wg >= static_cast<size_t>(g.threads())) {
            // Without room for its groups the small-m path is not taken.
            p.gemm.sm = kernel_wg_size(p.kernels["bk_gemm_sm_nt"], d->entry.device) >=
                            static_cast<size_t>(g.sks * g.scpg) &&
                        kernel_wg_size(p.kernels["bk_gemm_sm_nn"], d->entry.device) >= static_cast<size_t>(g.snw);
            break;
        }
        why = "the GEMM kernel allows only " + std::to_string(wg) + " work-items per group";
        release_program(p);
        st = BK_UNSUPPORTED;
    }
    if (st == BK_UNSUPPORTED) set_error(why);
    if (st == BK_OK && variant_has_stream(v)) {
        const bool cpu = (c.type & CL_DEVICE_TYPE_CPU) != 0;
        auto pick = [&](const char* kernel, size_t target) {
            size_t lim = std::min(kernel_wg_size(p.kernels[kernel], d->entry.device), c.max_wg);
            return pow2_floor(std::max<size_t>(1, std::min(target, lim)));
        };
        // Measured on PoCL: large groups suit the CPU's work-item loops; on
        // GPUs 256 work-items per group with one vector each is the usual fit.
        p.stream_wg = pick("bk_triad", cpu ? 1024 : 256);
        for (const char* k : {"bk_copy", "bk_scale", "bk_add"})
            p.stream_wg = std::min(p.stream_wg, pick(k, cpu ? 1024 : 256));
        p.dot_wg = pick("bk_dot_partial", cpu ? 64 : 256);
        p.dot_items = cpu ? 64 : 16;
        p.final_wg = pick("bk_dot_final", 256);
    }
    p.status = st;
    if (st != BK_OK) {
        p.error = error_text();
        release_program(p);
    }
    if (st == BK_OK) *out = &p;
    return st;
}

// ------------------------------------------------------------ op checking

const char* op_name(uint32_t k) { return bk_op_name(k); }

using bk_plugin::is_stream_op;

bk_status check_op(const bk_device* d, const bk_op_desc* op, Plan* plan) {
    if (!d) return fail(BK_INVALID_ARGUMENT, "device is NULL");
    if (!op) return fail(BK_INVALID_ARGUMENT, "op descriptor is NULL");
    if (op->struct_size < offsetof(bk_op_desc, u))
        return fail(BK_INVALID_ARGUMENT, bk_plugin::desc_size_rule(*op));
    if (is_nn_op(op->kind)) return check_nn_op(d, op, plan);
    if (!is_stream_op(op->kind) && op->kind != BK_OP_GEMM)
        return fail(BK_UNSUPPORTED, std::string(bk_op_name(op->kind)) + " (op kind " + std::to_string(op->kind) +
                                        ") is not implemented by the OpenCL backend");
    if (std::string why = bk_plugin::desc_size_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    if (op->path != BK_PATH_VENDOR && op->path != BK_PATH_PORTABLE)
        return fail(BK_INVALID_ARGUMENT, "unknown path " + std::to_string(op->path));
    if (op->dtype_a >= BK_DTYPE_COUNT || (op->dtype_b >= BK_DTYPE_COUNT && !bk_is_block_type(op->dtype_b)) || op->dtype_c >= BK_DTYPE_COUNT)
        return fail(BK_INVALID_ARGUMENT, "unknown dtype in op descriptor");
    const std::string what = std::string(op_name(op->kind)) + " " + bk_dtype_name(op->dtype_a);

    // The ABI's rules come from the SDK (bakeoff/op_rules.h); the rest is
    // what the OpenCL kernels run.
    if (is_stream_op(op->kind)) {
        bk_plugin::StreamBytes bytes;
        if (std::string why = bk_plugin::check_stream(*op, &bytes); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
        if (op->path == BK_PATH_VENDOR)
            return fail(BK_UNSUPPORTED, what + ": no vendor library on OpenCL (portable path only)");
        if (op->dtype_a != BK_F32 && op->dtype_a != BK_F64)
            return fail(BK_UNSUPPORTED, what + ": the OpenCL stream kernels cover f32 and f64 only");
        if (std::string why = bk_plugin::stream_types_rule(*op); !why.empty()) return fail(BK_UNSUPPORTED, why);
        if (op->dtype_a == BK_F64 && !d->caps.fp64)
            return fail(BK_UNSUPPORTED, what + ": the device has no fp64 (cl_khr_fp64)");
        plan->variant = op->dtype_a == BK_F64 ? V_F64 : V_F32;
        plan->in_size = plan->out_size = bk_dtype_size(op->dtype_a);
        return BK_OK;
    }

    // GEMM
    const bk_gemm_op& g = op->u.gemm;
    const std::string gw = bk_plugin::gemm_label(*op);
    if (std::string why = bk_plugin::check_gemm_shape(g); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    if (std::string why = bk_plugin::gemm_types_rule(*op); !why.empty()) return fail(BK_UNSUPPORTED, why);
    std::string why_block;
    if (bk_status st = bk_plugin::gemm_block_rule(*op, &why_block); st != BK_OK) return fail(st, why_block);
    if (bk_is_block_type(op->dtype_b)) {
        if (op->path == BK_PATH_VENDOR)
            return fail(BK_UNSUPPORTED, gw + ": no vendor library runs GGML blocks (CLBlast has none)");
        if (op->dtype_b != BK_Q8_0 && op->dtype_b != BK_Q4_0)
            return fail(BK_UNSUPPORTED, gw + ": the OpenCL backend runs q8_0 and q4_0 weights only (the caller "
                                             "loads other types dequantized)");
        const int64_t lim = std::numeric_limits<int32_t>::max() - 1024;
        if (g.m > lim || g.n > lim) return fail(BK_UNSUPPORTED, gw + ": dimensions above 2^31 are not implemented");
        plan->variant = V_NN_F32;  // the kernel lives in the f32 NN program
        plan->in_size = plan->out_size = 4;
        return BK_OK;
    }
    if (op->path == BK_PATH_VENDOR) {
        if (std::string why = clblast_gemm_unsupported(d, *op); !why.empty()) return fail(BK_UNSUPPORTED, gw + ": " + why);
        plan->vendor = true;
        plan->in_size = bk_dtype_size(op->dtype_a);
        plan->out_size = bk_dtype_size(op->dtype_c);
        return BK_OK;
    }
    switch (op->dtype_a) {
        case BK_F32: plan->variant = V_F32; break;
        case BK_F64:
            if (!d->caps.fp64) return fail(BK_UNSUPPORTED, gw + ": the device has no fp64 (cl_khr_fp64)");
            plan->variant = V_F64;
            break;
        case BK_F16:
            if (op->dtype_c != BK_F32)
                return fail(BK_UNSUPPORTED, gw + ": f16 inputs are implemented with an f32 output only");
            plan->variant = V_F16_GEMM;
            break;
        case BK_BF16:
            if (op->dtype_c != BK_F32)
                return fail(BK_UNSUPPORTED, gw + ": bf16 inputs are implemented with an f32 output only");
            plan->variant = V_BF16_GEMM;
            break;
        case BK_TF32:
            return fail(BK_UNSUPPORTED, gw + ": OpenCL C has no reduced-precision (tf32) multiply");
        default:
            return fail(BK_UNSUPPORTED, gw + ": the portable OpenCL GEMM covers f32, f64, f16 and bf16 inputs");
    }
    const int64_t lim = std::numeric_limits<int32_t>::max() - 1024;
    if (g.m > lim || g.n > lim || g.k > lim)
        return fail(BK_UNSUPPORTED, gw + ": dimensions above 2^31 are not implemented");
    plan->in_size = bk_dtype_size(op->dtype_a);
    plan->out_size = bk_dtype_size(op->dtype_c);
    return BK_OK;
}

// ------------------------------------------------------------- launching

void note_kernels(bk_stream* s, cl_event first, cl_event last) {
    if (!first) return;
    for (bk_event* e : s->waiting) {
        clRetainEvent(first);
        e->first_after = first;
        e->stream = nullptr;
    }
    s->waiting.clear();
    release_event(s->last_kernel);
    clRetainEvent(last);
    s->last_kernel = last;
}

bk_status set_args(cl_kernel k, std::initializer_list<std::pair<size_t, const void*>> args) {
    cl_uint i = 0;
    for (const auto& [size, ptr] : args) {
        const cl_int err = clSetKernelArg(k, i, size, ptr);
        if (err != CL_SUCCESS) return cl_fail(err, "clSetKernelArg(" + std::to_string(i) + ")");
        ++i;
    }
    return BK_OK;
}

bk_status grow_scratch(cl_context ctx, cl_mem* buf, size_t* bytes, size_t need, const char* what) {
    if (*bytes >= need) return BK_OK;
    // A released buffer lives on until the commands using it finish.
    if (*buf) clReleaseMemObject(*buf);
    *buf = nullptr;
    *bytes = 0;
    cl_int err = CL_SUCCESS;
    *buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, need, nullptr, &err);
    if (err != CL_SUCCESS) return cl_fail(err, std::string("clCreateBuffer(") + what + ")");
    *bytes = need;
    return BK_OK;
}

bk_status enqueue(bk_stream* s, cl_kernel k, const LaunchGeom& g, cl_event* ev, const char* name) {
    const cl_int err =
        clEnqueueNDRangeKernel(s->q, k, static_cast<cl_uint>(g.dims), nullptr, g.global, g.local, 0, nullptr, ev);
    if (err != CL_SUCCESS) return cl_fail(err, std::string("clEnqueueNDRangeKernel(") + name + ")");
    return BK_OK;
}

struct StreamGeom {
    size_t wg = 1, groups = 1;
};

static StreamGeom stream_geom(const Program& p, int64_t n) {
    const int64_t nv = n / p.vw, rem = n - nv * p.vw;
    const size_t work = static_cast<size_t>(std::max<int64_t>({nv, rem, 1}));
    StreamGeom g;
    g.wg = p.stream_wg;
    g.groups = (work + g.wg - 1) / g.wg;
    return g;
}

static StreamGeom dot_geom(const Program& p, int64_t n) {
    const int64_t nv = n / p.vw;
    const size_t per_group = p.dot_wg * static_cast<size_t>(p.dot_items);
    StreamGeom g;
    g.wg = p.dot_wg;
    g.groups = std::max<size_t>(1, (static_cast<size_t>(nv) + per_group - 1) / per_group);
    return g;
}

static const char* vec_type(Variant v, int vw) {
    static thread_local char b[32];
    std::snprintf(b, sizeof b, "%s%d", v == V_F64 ? "double" : "float", vw);
    return b;
}

static bk_status launch_stream(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p,
                        bk_buffer* const* ops, bool track) {
    const int64_t n = op->u.stream.n;
    const cl_long nl = n;
    const bool f64 = plan.variant == V_F64;
    const double sd = op->u.stream.scalar;
    const float sf = static_cast<float>(sd);
    const size_t ssz = f64 ? sizeof(double) : sizeof(float);
    const void* sp = f64 ? static_cast<const void*>(&sd) : static_cast<const void*>(&sf);
    cl_event first = nullptr, last = nullptr;
    bk_status st = BK_OK;
    const cl_mem m0 = ops[0]->mem, m1 = ops[1]->mem;

    if (op->kind == BK_OP_DOT) {
        const cl_mem out = ops[2]->mem;
        const StreamGeom g = dot_geom(p, n);
        const size_t need = g.groups * ssz;
        if (bk_status gs = grow_scratch(s->dev->ctx, &s->scratch, &s->scratch_bytes, need, "dot scratch"); gs != BK_OK)
            return gs;
        cl_kernel k1 = p.kernels["bk_dot_partial"], k2 = p.kernels["bk_dot_final"];
        const cl_int items = p.dot_items, count = static_cast<cl_int>(g.groups);
        st = set_args(k1, {{sizeof(cl_mem), &m0}, {sizeof(cl_mem), &m1}, {sizeof(cl_mem), &s->scratch},
                           {sizeof nl, &nl}, {sizeof items, &items}, {g.wg * ssz, nullptr}});
        if (st != BK_OK) return st;
        LaunchGeom lg;
        lg.global[0] = g.groups * g.wg;
        lg.local[0] = g.wg;
        st = enqueue(s, k1, lg, track ? &first : nullptr, "bk_dot_partial");
        if (st != BK_OK) return st;
        st = set_args(k2, {{sizeof(cl_mem), &s->scratch}, {sizeof count, &count}, {sizeof(cl_mem), &out},
                           {p.final_wg * ssz, nullptr}});
        if (st == BK_OK) {
            LaunchGeom lf;
            lf.global[0] = lf.local[0] = p.final_wg;
            st = enqueue(s, k2, lf, track ? &last : nullptr, "bk_dot_final");
        }
    } else {
        const char* name = op->kind == BK_OP_COPY    ? "bk_copy"
                           : op->kind == BK_OP_SCALE ? "bk_scale"
                           : op->kind == BK_OP_ADD   ? "bk_add"
                                                     : "bk_triad";
        cl_kernel k = p.kernels[name];
        switch (op->kind) {
            case BK_OP_COPY: st = set_args(k, {{sizeof(cl_mem), &m0}, {sizeof(cl_mem), &m1}, {sizeof nl, &nl}}); break;
            case BK_OP_SCALE:
                st = set_args(k, {{sizeof(cl_mem), &m0}, {sizeof(cl_mem), &m1}, {sizeof nl, &nl}, {ssz, sp}});
                break;
            case BK_OP_ADD:
                st = set_args(k, {{sizeof(cl_mem), &m0}, {sizeof(cl_mem), &m1}, {sizeof(cl_mem), &ops[2]->mem},
                                  {sizeof nl, &nl}});
                break;
            default:
                st = set_args(k, {{sizeof(cl_mem), &m0}, {sizeof(cl_mem), &m1}, {sizeof(cl_mem), &ops[2]->mem},
                                  {sizeof nl, &nl}, {ssz, sp}});
                break;
        }
        if (st != BK_OK) return st;
        const StreamGeom g = stream_geom(p, n);
        LaunchGeom lg;
        lg.global[0] = g.groups * g.wg;
        lg.local[0] = g.wg;
        st = enqueue(s, k, lg, track ? &first : nullptr, name);
        if (first) {
            clRetainEvent(first);
            last = first;
        }
    }
    if (track) note_kernels(s, first, last);
    release_event(first);
    release_event(last);
    return st;
}

// Small m against a large B: the bandwidth-bound kernels.
static bool use_small_m(const bk_gemm_op& g, const Program& p) {
    return p.gemm.sm && g.m <= kSmallM && g.n * g.k >= kSmallMinB;
}

// The GEMM kernels' arguments: M, N, K, A, lda, trans_a, B, ldb, [trans_b,]
// C, ldc, alpha, beta (alpha and beta in double for f64, else float).
static bk_status set_gemm_args(cl_kernel k, const bk_gemm_op& g, bool f64, bk_buffer* const* ops, bool pass_tb) {
    const cl_int M = static_cast<cl_int>(g.m), N = static_cast<cl_int>(g.n), K = static_cast<cl_int>(g.k);
    const cl_long lda = g.lda, ldb = g.ldb, ldc = g.ldc;
    const cl_int ta = g.trans_a ? 1 : 0, tb = g.trans_b ? 1 : 0;
    const double ad = g.alpha, bd = g.beta;
    const float af = static_cast<float>(ad), bf = static_cast<float>(bd);
    const size_t ssz = f64 ? sizeof(double) : sizeof(float);
    const void* ap = f64 ? static_cast<const void*>(&ad) : static_cast<const void*>(&af);
    const void* bp = f64 ? static_cast<const void*>(&bd) : static_cast<const void*>(&bf);
    std::vector<std::pair<size_t, const void*>> args = {{sizeof M, &M},
                                                        {sizeof N, &N},
                                                        {sizeof K, &K},
                                                        {sizeof(cl_mem), &ops[0]->mem},
                                                        {sizeof lda, &lda},
                                                        {sizeof ta, &ta},
                                                        {sizeof(cl_mem), &ops[1]->mem},
                                                        {sizeof ldb, &ldb}};
    if (pass_tb) args.push_back({sizeof tb, &tb});
    args.insert(args.end(), {{sizeof(cl_mem), &ops[2]->mem}, {sizeof ldc, &ldc}, {ssz, ap}, {ssz, bp}});
    for (cl_uint i = 0; i < args.size(); ++i) {
        const cl_int err = clSetKernelArg(k, i, args[i].first, args[i].second);
        if (err != CL_SUCCESS) return cl_fail(err, "clSetKernelArg(" + std::to_string(i) + ")");
    }
    return BK_OK;
}

static bk_status launch_gemm_small(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p,
                                   bk_buffer* const* ops, bool track) {
    const bk_gemm_op& g = op->u.gemm;
    const bool nt = g.trans_b != 0;
    const char* name = nt ? "bk_gemm_sm_nt" : "bk_gemm_sm_nn";
    cl_kernel k = p.kernels[name];
    // The layout is the kernel's: no trans_b argument.
    bk_status st = set_gemm_args(k, g, plan.variant == V_F64, ops, false);
    if (st != BK_OK) return st;
    const GemmCfg& c = p.gemm;
    const size_t n = static_cast<size_t>(g.n);
    LaunchGeom lg;
    if (nt) {
        lg.dims = 2;
        lg.local[0] = static_cast<size_t>(c.sks);
        lg.local[1] = static_cast<size_t>(c.scpg);
        const size_t per_group = lg.local[1] * static_cast<size_t>(c.snc);
        lg.global[0] = lg.local[0] * ((n + per_group - 1) / per_group);
        lg.global[1] = lg.local[1];
    } else {
        const size_t items = (n + c.svn - 1) / c.svn;
        lg.local[0] = static_cast<size_t>(c.snw);
        lg.global[0] = (items + lg.local[0] - 1) / lg.local[0] * lg.local[0];
    }
    cl_event ev = nullptr;
    st = enqueue(s, k, lg, track ? &ev : nullptr, name);
    if (track) note_kernels(s, ev, ev);
    release_event(ev);
    return st;
}

static bk_status launch_gemm(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p,
                      bk_buffer* const* ops, bool track) {
    const bk_gemm_op& g = op->u.gemm;
    if (g.m == 0 || g.n == 0) return BK_OK;  // nothing to compute
    if (use_small_m(g, p)) return launch_gemm_small(s, op, plan, p, ops, track);
    cl_kernel k = p.kernels["bk_gemm"];
    bk_status st = set_gemm_args(k, g, plan.variant == V_F64, ops, true);
    if (st != BK_OK) return st;
    LaunchGeom lg;
    lg.dims = 2;
    const size_t row_groups = (static_cast<size_t>(g.m) + p.gemm.tm() - 1) / p.gemm.tm();
    const size_t col_groups = (static_cast<size_t>(g.n) + p.gemm.tn() - 1) / p.gemm.tn();
    if (p.gemm.blocked) {  // dimension 0 walks rows: neighbours share B
        lg.global[0] = row_groups;
        lg.global[1] = col_groups;
    } else {
        lg.local[0] = static_cast<size_t>(p.gemm.wgx);
        lg.local[1] = static_cast<size_t>(p.gemm.wgy);
        lg.global[0] = col_groups * lg.local[0];
        lg.global[1] = row_groups * lg.local[1];
    }
    cl_event ev = nullptr;
    st = enqueue(s, k, lg, track ? &ev : nullptr, "bk_gemm");
    if (track) note_kernels(s, ev, ev);
    release_event(ev);
    return st;
}

std::string describe(const bk_device* d, const bk_op_desc* op, const Plan& plan, const Program& p) {
    if (is_nn_op(op->kind)) return describe_nn(d, op, plan, p);
    char b[512];
    if (op->kind == BK_OP_GEMM && bk_is_block_type(op->dtype_b)) {
        std::snprintf(b, sizeof b,
                      "OpenCL %s gemm: one work-item per element of C walking its row of B block by block, "
                      "integer values times f32 A summed per block then scaled (A not rounded), wg %zu",
                      bk_dtype_name(op->dtype_b), p.elem_wg);
    } else if (op->kind == BK_OP_GEMM) {
        const GemmCfg& g = p.gemm;
        const char* in = plan.variant == V_F16_GEMM    ? "; f16 inputs via vload_half, fp32 math"
                         : plan.variant == V_BF16_GEMM ? "; bf16 inputs widened to fp32, fp32 math"
                                                       : "";
        const char* acc = plan.variant == V_F64 ? "double" : "float";
        if (use_small_m(op->u.gemm, p) && op->u.gemm.trans_b)
            std::snprintf(b, sizeof b,
                          "OpenCL small-m B-streaming (B n x k): wg %d k-lanes x %d, %d columns per work-item, %s%d "
                          "loads along k, %d rows of C per pass%s%s",
                          g.sks, g.scpg, g.snc, acc, g.svk, g.smr, g.sks > 1 ? ", local-memory reduction" : ", no barriers",
                          in);
        else if (use_small_m(op->u.gemm, p))
            std::snprintf(b, sizeof b,
                          "OpenCL small-m B-streaming (B k x n): wg %d, %s%d columns per work-item, "
                          "%d rows of C per pass%s",
                          g.snw, acc, g.svn, g.smn, in);
        else if (g.blocked)
            std::snprintf(b, sizeof b,
                          "OpenCL register-blocked %dx%d per work-item (%s x %d), no local memory%s", g.rm, g.tn(),
                          vec_type(plan.variant == V_F64 ? V_F64 : V_F32, g.bv), g.rnv, in);
        else
            std::snprintf(b, sizeof b, "OpenCL tiled %dx%d (wg %dx%d, %dx%d per work-item, k-tile %d, local memory)%s",
                          g.tm(), g.tn(), g.wgx, g.wgy, g.rm, g.rn, g.tk, in);
    } else if (op->kind == BK_OP_DOT) {
        const StreamGeom g = dot_geom(p, op->u.stream.n);
        std::snprintf(b, sizeof b, "%s, wg %zu, %zu groups x %d vectors per work-item, then 1 group of %zu",
                      vec_type(plan.variant, p.vw), g.wg, g.groups, p.dot_items, p.final_wg);
    } else {
        const StreamGeom g = stream_geom(p, op->u.stream.n);
        std::snprintf(b, sizeof b, "%s + scalar tail, wg %zu, %zu groups", vec_type(plan.variant, p.vw), g.wg,
                      g.groups);
    }
    std::string s = b;
    if (!d->extra_options.empty()) s += "; build options: " + d->extra_options;
    s += d->timing == Timing::Markers ? "; timing: marker events" : "; timing: kernel events";
    return s;
}

bk_status check_operands(const bk_device* d, const bk_op_desc* op, const Plan& plan, bk_buffer* const* operands,
                         uint32_t n_operands) {
    if (is_nn_op(op->kind)) return check_nn_operands(d, op, plan, operands, n_operands);
    const uint32_t want = op->kind == BK_OP_GEMM ? 3 : bk_plugin::stream_operand_count(op->kind);
    const std::string what = op_name(op->kind);
    if (want < 2 || want > 3) return fail(BK_INTERNAL_ERROR, what + ": not an op check_op() accepts");
    if (!operands) return fail(BK_INVALID_ARGUMENT, what + ": operands is NULL");
    if (std::string why = bk_plugin::operand_count_rule(op->kind, want, n_operands); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    for (uint32_t i = 0; i < want; ++i) {
        if (!operands[i]) return fail(BK_INVALID_ARGUMENT, what + ": operand " + std::to_string(i) + " is NULL");
        if (operands[i]->dev != d)
            return fail(BK_INVALID_ARGUMENT, what + ": operand " + std::to_string(i) + " belongs to another device");
    }
    // Operand sizes, in the SDK's words.
    auto size_rule = [&](uint32_t i, const char* role, uint64_t need) -> bk_status {
        if (std::string why = bk_plugin::operand_size_rule(role, operands[i]->bytes, need); !why.empty())
            return fail(BK_INVALID_ARGUMENT, what + ": " + why);
        return BK_OK;
    };
    uint64_t need[3] = {};
    const char* const* roles = nullptr;
    static const char* const kGemmRoles[] = {"A", "B", "C"};
    static const char* const kStreamRoles[] = {"in0", "in1", "out"};
    static const char* const kCopyRoles[] = {"in0", "out"};
    if (op->kind == BK_OP_GEMM) {
        bk_plugin::GemmSpans sp = bk_plugin::gemm_spans(op->u.gemm, plan.in_size, plan.in_size, plan.out_size);
        if (bk_is_block_type(op->dtype_b))  // n packed rows of blocks
            sp.b = uint64_t(op->u.gemm.n) * bk_block_row_bytes(op->dtype_b, op->u.gemm.k);
        if (sp.a == UINT64_MAX || sp.b == UINT64_MAX || sp.c == UINT64_MAX)
            return fail(BK_INVALID_ARGUMENT, "gemm: the operands' sizes overflow");
        need[0] = sp.a, need[1] = sp.b, need[2] = sp.c;
        roles = kGemmRoles;
    } else {
        bk_plugin::StreamBytes bytes;
        if (std::string why = bk_plugin::check_stream(*op, &bytes); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
        for (uint32_t i = 0; i + 1 < want; ++i) need[i] = bytes.in;
        need[want - 1] = bytes.out;
        roles = want == 3 ? kStreamRoles : kCopyRoles;
    }
    for (uint32_t i = 0; i < want; ++i)
        if (bk_status st = size_rule(i, roles[i], need[i]); st != BK_OK) return st;
    return BK_OK;
}

bk_status launch_op(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p, bk_buffer* const* ops,
                    bool track) {
    if (is_nn_op(op->kind)) return launch_nn(s, op, plan, p, ops, track);
    if (op->kind == BK_OP_GEMM && bk_is_block_type(op->dtype_b)) return launch_qgemm(s, op, p, ops, track);
    if (op->kind == BK_OP_GEMM) return launch_gemm(s, op, plan, p, ops, track);
    if (op->u.stream.n == 0 && op->kind != BK_OP_DOT) return BK_OK;  // nothing to do
    return launch_stream(s, op, plan, p, ops, track);
}

}  // namespace bakeoff::opencl
