// The stream ops (COPY, SCALE, ADD, TRIAD, DOT) for f64 and f32 on the
// portable path: descriptor checks, the split across the OpenMP team, the
// choice of kernel variant and of non-temporal stores.
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cpu_internal.h"
#include "stream_kernels.h"

namespace bk_cpu {
namespace {

enum class NtMode { automatic, always, never };

NtMode nt_mode() {
    static const NtMode mode = [] {
        const char* v = std::getenv("BAKEOFF_CPU_NT_STORES");
        if (!v) return NtMode::automatic;
        const std::string s = v;
        if (s == "always" || s == "1") return NtMode::always;
        if (s == "never" || s == "0") return NtMode::never;
        return NtMode::automatic;
    }();
    return mode;
}

// Outputs at least this large use non-temporal stores (auto mode): one array
// as large as the whole last-level cache, so the working set is 2-3x the LLC.
uint64_t nt_threshold() {
    const uint64_t llc = host_info().llc_total_bytes;
    return llc ? llc : (32ull << 20);
}

const StreamKernelSet& kernels() {
    static const StreamKernelSet& set = kernels_for_isa(stream_kernels_avx512, stream_kernels_avx2, stream_kernels_scalar);
    return set;
}

size_t elem_size(uint32_t dt) { return dt == BK_F64 ? 8 : 4; }

bool two_inputs(uint32_t kind) { return kind != BK_OP_COPY && kind != BK_OP_SCALE; }

bool use_nt(const bk_op_desc& op) {
    if (op.kind == BK_OP_DOT || !kernels().has_nontemporal) return false;
    switch (nt_mode()) {
        case NtMode::always: return true;
        case NtMode::never: return false;
        case NtMode::automatic: break;
    }
    return static_cast<uint64_t>(op.u.stream.n) * elem_size(op.dtype_a) >= nt_threshold();
}

template <class T>
void run_elementwise(StreamFn<T> fn, const T* in0, const T* in1, T* out, int64_t n, T scalar,
                     bool nt) {
    LaunchPin pin;
    const int64_t grain = kPageBytes / static_cast<int64_t>(sizeof(T));
#pragma omp parallel
    {
        pin_omp_thread();
        int64_t b = 0, e = 0;
        static_range(n, grain, omp_get_thread_num(), omp_get_num_threads(), b, e);
        if (e > b) fn(in0 + b, in1 ? in1 + b : nullptr, out + b, e - b, scalar, nt);
    }
}

template <class T>
double run_dot(DotFn<T> fn, const T* in0, const T* in1, int64_t n) {
    LaunchPin pin;
    const int64_t grain = kPageBytes / static_cast<int64_t>(sizeof(T));
    std::vector<double> partial(static_cast<size_t>(thread_count()), 0.0);
#pragma omp parallel num_threads(static_cast<int>(partial.size()))
    {
        pin_omp_thread();
        const int t = omp_get_thread_num();
        int64_t b = 0, e = 0;
        static_range(n, grain, t, omp_get_num_threads(), b, e);
        partial[static_cast<size_t>(t)] = e > b ? fn(in0 + b, in1 + b, e - b) : 0.0;
    }
    double sum = 0;
    for (double p : partial) sum += p;  // in thread order: deterministic
    return sum;
}

}  // namespace

bk_status stream_supports(const bk_op_desc& op) {
    const char* kn = kind_name(op.kind);
    if (op.path == BK_PATH_VENDOR)
        return fail(BK_UNSUPPORTED, std::string(kn) + ": no vendor library for stream kernels on CPU "
                                                      "(use the portable path)");
    if (op.path != BK_PATH_PORTABLE)
        return fail(BK_UNSUPPORTED, std::string(kn) + ": unknown path " + std::to_string(op.path));
    // The ABI's rules (bakeoff/op_rules.h); the cpu backend refuses an empty
    // op (no workload asks for one) and also returns a dot in f64.
    bk_plugin::StreamBytes bytes;
    if (std::string why = bk_plugin::check_stream(op, &bytes, /*allow_empty=*/false); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    if (op.dtype_a != BK_F64 && op.dtype_a != BK_F32)
        return fail(BK_UNSUPPORTED, kn, ": the cpu backend's stream ops take f64 or f32, not ",
                    bk_dtype_name(op.dtype_a));
    if (std::string why = bk_plugin::stream_types_rule(op, /*dot_wider=*/true); !why.empty())
        return fail(BK_UNSUPPORTED, why);
    return BK_OK;
}

bk_status stream_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands) {
    if (bk_status st = stream_supports(op); st != BK_OK) return st;
    const uint32_t want = two_inputs(op.kind) ? 3u : 2u;
    const char* kn = kind_name(op.kind);
    if (!operands) return fail(BK_INVALID_ARGUMENT, kn, ": null operand list");
    if (std::string why = bk_plugin::operand_count_rule(op.kind, want, n_operands); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    const int64_t n = op.u.stream.n;
    const uint64_t bytes = static_cast<uint64_t>(n) * elem_size(op.dtype_a);
    Buffer *in0 = nullptr, *in1 = nullptr, *out = nullptr;
    if (bk_status st = check_operand(operands, 0, bytes, "in0", &in0); st != BK_OK) return st;
    if (want == 3)
        if (bk_status st = check_operand(operands, 1, bytes, "in1", &in1); st != BK_OK) return st;
    const uint64_t out_bytes = op.kind == BK_OP_DOT ? elem_size(op.dtype_c) : bytes;
    if (bk_status st = check_operand(operands, want - 1, out_bytes, "out", &out); st != BK_OK)
        return st;

    const StreamKernelSet& ks = kernels();
    const bool nt = use_nt(op);
    if (op.kind == BK_OP_DOT) {
        const double sum =
            op.dtype_a == BK_F64
                ? run_dot(ks.dot_f64, reinterpret_cast<const double*>(in0->ptr),
                          reinterpret_cast<const double*>(in1->ptr), n)
                : run_dot(ks.dot_f32, reinterpret_cast<const float*>(in0->ptr),
                          reinterpret_cast<const float*>(in1->ptr), n);
        if (op.dtype_c == BK_F64) {
            *reinterpret_cast<double*>(out->ptr) = sum;
        } else {
            *reinterpret_cast<float*>(out->ptr) = static_cast<float>(sum);
        }
        return BK_OK;
    }
    const int index = op.kind == BK_OP_COPY    ? kStreamCopy
                      : op.kind == BK_OP_SCALE ? kStreamScale
                      : op.kind == BK_OP_ADD   ? kStreamAdd
                                               : kStreamTriad;
    if (op.dtype_a == BK_F64) {
        run_elementwise(ks.f64[index], reinterpret_cast<const double*>(in0->ptr),
                        in1 ? reinterpret_cast<const double*>(in1->ptr) : nullptr,
                        reinterpret_cast<double*>(out->ptr), n, op.u.stream.scalar, nt);
    } else {
        run_elementwise(ks.f32[index], reinterpret_cast<const float*>(in0->ptr),
                        in1 ? reinterpret_cast<const float*>(in1->ptr) : nullptr,
                        reinterpret_cast<float*>(out->ptr), n,
                        static_cast<float>(op.u.stream.scalar), nt);
    }
    return BK_OK;
}

bk_status stream_info(const bk_op_desc& op, std::string* out) {
    if (bk_status st = stream_supports(op); st != BK_OK) return st;
    const StreamKernelSet& ks = kernels();
    std::string s = std::string("bakeoff portable ") + ks.isa + " kernel, " +
                    std::to_string(thread_count()) + " threads, static split";
    if (op.kind == BK_OP_DOT) {
        if (op.dtype_a == BK_F32)
            s += ", f32 products summed in f32 vector lanes per " + std::to_string(kDotBlock) +
                 "-element block, blocks and threads combined in double";
        else
            s += ", per-thread partial sums in double";
    } else {
        const uint64_t bytes = static_cast<uint64_t>(op.u.stream.n) * elem_size(op.dtype_a);
        if (use_nt(op))
            s += ", non-temporal stores (output " + human_bytes(bytes) +
                 (nt_mode() == NtMode::always ? ", BAKEOFF_CPU_NT_STORES=always)"
                                              : " >= LLC " + human_bytes(nt_threshold()) + ")");
        else
            s += ", regular stores (output " + human_bytes(bytes) +
                 (nt_mode() == NtMode::never ? ", BAKEOFF_CPU_NT_STORES=never)"
                  : !ks.has_nontemporal      ? ", no vector streaming stores in this variant)"
                                             : " < LLC " + human_bytes(nt_threshold()) + ")");
        if (op.dtype_a == BK_F32 && (op.kind == BK_OP_SCALE || op.kind == BK_OP_TRIAD))
            s += ", scalar rounded to f32";
    }
    *out = s;
    return BK_OK;
}

std::string stream_policy() {
    std::string mode = nt_mode() == NtMode::always  ? "always (BAKEOFF_CPU_NT_STORES)"
                       : nt_mode() == NtMode::never ? "never (BAKEOFF_CPU_NT_STORES)"
                                                    : "auto: outputs >= " +
                                                          human_bytes(nt_threshold()) + " (LLC)";
    return "stream_isa=" + std::string(kernels().isa) + "\nnt_stores=" + mode + "\n";
}

}  // namespace bk_cpu
