#include "conformance/conformance.h"

#include "conformance/gemm_reference.h"
#include "conformance/nn_cases.h"
#include "conformance/quant_cases.h"
#include "core/dtype.h"
#include "numeric/rng.h"
#include "workloads/op_desc.h"
#include "workloads/membw/stream_workload.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace bakeoff::conformance {

namespace {

// NaN as f32 and as f64 (the same pattern the workloads poison with); as an
// int32 it is 2146992120, which no conformance GEMM can produce.
constexpr std::uint32_t kPoison = 0x7FF87FF8u;
// Elements after a stream op's output that must stay untouched (a vector tail
// written past n shows here).
constexpr std::int64_t kGuard = 16;

const std::int64_t kStreamSizes[] = {1, 7, 63, 4097};
const bk_op_kind kStreamKinds[] = {BK_OP_COPY, BK_OP_SCALE, BK_OP_ADD, BK_OP_TRIAD, BK_OP_DOT};

// One GEMM shape variant. Padding is added to the natural leading dimension.
struct GemmVariant {
    std::int64_t m, n, k;
    bool ta, tb;
    std::int64_t pad_a, pad_b, pad_c;
    double alpha, beta;          // for floating-point GEMMs
    double ialpha, ibeta;        // for int8 -> int32 (integers keep the result exact)
};

// Odd, non-square and degenerate shapes; the two long ones stay cheap
// (4097 x 3 and 4097 x 5 inputs); small m against a B of 77k elements.
const GemmVariant kGemmVariants[] = {
    {1, 1, 1, false, false, 0, 0, 0, 1, 0, 1, 0},
    {7, 7, 7, false, false, 0, 0, 0, 1, 0, 1, 0},
    {63, 63, 63, false, false, 0, 0, 0, 1, 0, 1, 0},
    {65, 33, 17, false, false, 0, 0, 0, 1, 0, 1, 0},
    {1, 4097, 3, false, false, 0, 0, 0, 1, 0, 1, 0},
    {4097, 1, 5, false, false, 0, 0, 0, 1, 0, 1, 0},
    {65, 33, 17, true, false, 0, 0, 0, 1, 0, 1, 0},
    {65, 33, 17, false, true, 0, 0, 0, 1, 0, 1, 0},
    {65, 33, 17, true, true, 0, 0, 0, 1, 0, 1, 0},
    {65, 33, 17, false, false, 3, 5, 7, 1, 0, 1, 0},
    {65, 33, 17, false, false, 0, 0, 0, 1.5, -0.5, 3, -2},
    {7, 7, 7, false, false, 0, 0, 0, -0.75, 0, -3, 0},
    {63, 63, 63, true, true, 1, 2, 3, 1.5, -0.5, 3, -2},
    {1, 4097, 3, false, true, 0, 1, 2, 1, 0.5, 1, 2},
    {4097, 1, 5, true, false, 2, 0, 3, 2, 0, 2, 0},
    // Small m with a large B (the decode shape: a CPU backend streams B
    // with a matrix-vector kernel here): B stored n x k and k x n.
    {1, 300, 257, false, true, 0, 0, 0, 1, 0, 1, 0},
    {1, 257, 300, true, false, 3, 1, 0, 1.5, 0.5, 3, 2},
    {5, 257, 300, false, false, 0, 0, 0, 1, 0, 1, 0},
    {16, 260, 301, true, true, 2, 3, 4, -0.5, 1.5, -2, 3},
};

// GEMM input types and their output type (as the ABI defines them).
struct GemmTypes {
    bk_dtype in, out;
};
const GemmTypes kGemmTypes[] = {
    {BK_F64, BK_F64}, {BK_F32, BK_F32}, {BK_BF16, BK_F32}, {BK_F16, BK_F32}, {BK_I8, BK_I32}};

std::string_view kind_name(std::uint32_t k) { return bk_op_name(k); }

bool two_inputs(std::uint32_t k) { return k == BK_OP_ADD || k == BK_OP_TRIAD || k == BK_OP_DOT; }

CaseResult describe(const bk_op_desc& op) {
    CaseResult r;
    r.op = op_name(op);
    r.shape = shape_label(op);
    // A block-quantized GEMM goes by its weight type ("q4_0"): A and C are f32.
    r.dtype = is_nn_kind(op.kind)                          ? nn_dtype_label(op)
              : op.kind == BK_OP_GEMM && is_quant_case(op) ? std::string(dtype_name(bk_dtype(op.dtype_b)))
                                                           : std::string(dtype_name(bk_dtype(op.dtype_a)));
    r.path = std::string(path_name(bk_path(op.path)));
    return r;
}

// Gold value check of one element, in the array's own type. Triad may be
// computed with or without a fused multiply-add: both roundings are accepted.
template <typename T>
bool matches_gold(std::uint32_t kind, T a, T b, T out, T q) {
    switch (kind) {
        case BK_OP_COPY: return out == a;
        case BK_OP_SCALE: return out == T(q * a);
        case BK_OP_ADD: return out == T(a + b);
        case BK_OP_TRIAD: {
            volatile T prod = q * b;  // volatile: keep the unfused rounding
            return out == T(a + prod) || out == T(std::fma(q, b, a));
        }
    }
    return false;
}

template <typename T>
CaseResult run_stream(Device& dev, const bk_op_desc& op, std::uint64_t seed) {
    CaseResult r = describe(op);
    const std::int64_t n = op.u.stream.n;
    const T q = T(op.u.stream.scalar);
    // Inputs in [0.5, 1.5): never zero, no cancellation in dot.
    std::vector<T> a(n), b(two_inputs(op.kind) ? n : 0);
    fill_uniform(a.data(), a.size(), seed, T(0.5), T(1.5));
    if (!b.empty()) fill_uniform(b.data(), b.size(), seed + 1, T(0.5), T(1.5));
    const std::uint64_t bytes = std::uint64_t(n) * sizeof(T);
    const std::int64_t out_n = (op.kind == BK_OP_DOT ? 1 : n) + kGuard;

    Buffer in0(dev, bytes);
    in0.upload(a.data(), bytes);
    std::unique_ptr<Buffer> in1;
    if (!b.empty()) {
        in1 = std::make_unique<Buffer>(dev, bytes);
        in1->upload(b.data(), bytes);
    }
    Buffer out(dev, std::uint64_t(out_n) * sizeof(T));
    out.fill(kPoison);
    Stream s(dev);
    std::vector<Buffer*> operands{&in0};
    if (in1) operands.push_back(in1.get());
    operands.push_back(&out);
    s.launch(op, operands);
    s.sync();

    std::vector<T> got(out_n);
    out.download(got.data(), got.size() * sizeof(T));
    const std::int64_t written = op.kind == BK_OP_DOT ? 1 : n;
    std::int64_t guard_bad = 0;
    for (std::int64_t i = written; i < out_n; ++i) {
        std::uint32_t w;
        std::memcpy(&w, reinterpret_cast<const unsigned char*>(got.data()) + i * sizeof(T), 4);
        guard_bad += w != kPoison;
    }

    if (op.kind == BK_OP_DOT) {
        long double ref = 0, mag = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const long double p = (long double)a[i] * (long double)b[i];
            ref += p;
            mag += p < 0 ? -p : p;
        }
        // As the membw.dot workload: 8 sqrt(n) u leaves a wide margin for any
        // summation order while a skipped element is still caught.
        r.tolerance = 8.0 * std::sqrt(double(n)) * (std::numeric_limits<T>::epsilon() / 2);
        r.error = double(std::fabs((long double)got[0] - ref) / mag);
        if (!std::isfinite(double(got[0])) || !(r.error <= r.tolerance)) {
            if (!std::isfinite(r.error)) r.error = std::numeric_limits<double>::infinity();
            r.outcome = Outcome::fail;
            r.detail = fmt::format("dot = {} but the reference is {}", double(got[0]), double(ref));
        }
    } else {
        std::int64_t bad = 0, first = -1;
        for (std::int64_t i = 0; i < n; ++i)
            if (!matches_gold<T>(op.kind, a[i], b.empty() ? T(0) : b[i], got[i], q)) {
                if (bad++ == 0) first = i;
            }
        r.error = double(bad);
        r.tolerance = 0;
        if (bad) {
            r.outcome = Outcome::fail;
            r.detail = fmt::format("{} of {} elements differ from the exact gold value; first at index {}: got {}", bad,
                                   n, first, double(got[first]));
        }
    }
    if (r.outcome == Outcome::pass && guard_bad) {
        r.outcome = Outcome::fail;
        r.error = double(guard_bad);
        r.detail = fmt::format("{} of the {} elements after the output were overwritten (written past n = {})",
                               guard_bad, kGuard, written);
    }
    if (r.outcome == Outcome::pass) {
        // Inputs are read-only.
        std::vector<T> back(n);
        in0.download(back.data(), bytes);
        bool changed = std::memcmp(back.data(), a.data(), bytes) != 0;
        if (in1 && !changed) {
            in1->download(back.data(), bytes);
            changed = std::memcmp(back.data(), b.data(), bytes) != 0;
        }
        if (changed) {
            r.outcome = Outcome::fail;
            r.error = 1;
            r.detail = "an input array was modified";
        }
    }
    return r;
}

// Fills a rows x ld matrix: the first `cols` of each row from `gen`, the
// padding with NaN (an out-of-range pattern for int8) so a kernel that reads it
// shows.
template <typename Gen>
std::vector<unsigned char> make_matrix(bk_dtype t, std::int64_t rows, std::int64_t cols, std::int64_t ld, Gen gen) {
    std::vector<unsigned char> m(std::size_t(rows * ld) * dtype_size(t));
    for (std::int64_t i = 0; i < rows; ++i)
        for (std::int64_t j = 0; j < ld; ++j) {
            const std::size_t at = std::size_t(i * ld + j);
            if (j < cols) store_element(t, m.data(), at, gen());
            else if (t == BK_I8) m[at] = 0x55;
            else store_element(t, m.data(), at, std::numeric_limits<double>::quiet_NaN());
        }
    return m;
}

CaseResult run_gemm(Device& dev, const bk_op_desc& op, std::uint64_t seed) {
    CaseResult r = describe(op);
    const auto& g = op.u.gemm;
    const auto ta = bk_dtype(op.dtype_a), tb = bk_dtype(op.dtype_b), tc = bk_dtype(op.dtype_c);
    SplitMix64 rng(seed);
    auto uniform = [&] { return 2 * rng.uniform() - 1; };
    auto int_in = [&](int lo, int hi) { return double(lo + int(rng.next() % std::uint64_t(hi - lo + 1))); };

    const std::int64_t a_rows = g.trans_a ? g.k : g.m, a_cols = g.trans_a ? g.m : g.k;
    const std::int64_t b_rows = g.trans_b ? g.n : g.k, b_cols = g.trans_b ? g.k : g.n;
    // Inputs uniform in [-1, 1) rounded to their type; int8: A in [0, 127] (the
    // ABI lets a backend read it as u8), B in [-128, 127].
    auto a = make_matrix(ta, a_rows, a_cols, g.lda, [&] { return ta == BK_I8 ? int_in(0, 127) : uniform(); });
    auto b = make_matrix(tb, b_rows, b_cols, g.ldb, [&] { return tb == BK_I8 ? int_in(-128, 127) : uniform(); });
    // C: the known prior contents when beta != 0, poison everywhere else
    // (including the padding, which must survive).
    std::vector<unsigned char> c0(std::size_t(g.m * g.ldc) * dtype_size(tc));
    for (std::size_t w = 0; w + 4 <= c0.size(); w += 4) std::memcpy(c0.data() + w, &kPoison, 4);
    if (g.beta != 0)
        for (std::int64_t i = 0; i < g.m; ++i)
            for (std::int64_t j = 0; j < g.n; ++j)
                store_element(tc, c0.data(), std::size_t(i * g.ldc + j), tc == BK_I32 ? int_in(-1000, 1000) : uniform());

    Buffer da(dev, a.size()), db(dev, b.size()), dc(dev, c0.size());
    da.upload(a.data(), a.size());
    db.upload(b.data(), b.size());
    dc.fill(kPoison);
    if (g.beta != 0) dc.upload(c0.data(), c0.size());
    Stream s(dev);
    s.launch(op, {&da, &db, &dc});
    s.sync();
    std::vector<unsigned char> c(c0.size());
    dc.download(c.data(), c.size());

    const GemmCheck chk = check_gemm(op, a, b, c0, c, kPoison);
    r.error = chk.error;
    r.tolerance = chk.tolerance;
    if (!chk.ok) {
        r.outcome = Outcome::fail;
        r.detail = chk.detail;
    }
    return r;
}

}  // namespace

std::string_view outcome_name(Outcome o) {
    switch (o) {
        case Outcome::pass: return "pass";
        case Outcome::fail: return "FAIL";
        case Outcome::unsupported: return "unsupported";
        case Outcome::error: return "error";
    }
    return "?";
}

std::string CaseResult::id() const { return fmt::format("{} {} {} {}", op, dtype, path, shape); }

Summary summarize(const std::vector<CaseResult>& results) {
    Summary s;
    for (const auto& r : results) {
        switch (r.outcome) {
            case Outcome::pass: ++s.passed; break;
            case Outcome::fail: ++s.failed; break;
            case Outcome::unsupported: ++s.unsupported; break;
            case Outcome::error: ++s.errors; break;
        }
    }
    return s;
}

std::string op_name(const bk_op_desc& op) { return std::string(kind_name(op.kind)); }

std::string shape_label(const bk_op_desc& op) {
    if (is_nn_kind(op.kind)) return nn_shape_label(op);
    if (op.kind != BK_OP_GEMM) return fmt::format("n={}", op.u.stream.n);
    const auto& g = op.u.gemm;
    std::string s = fmt::format("{}x{}x{}", g.m, g.n, g.k);
    if (g.trans_a) s += " ta";
    if (g.trans_b) s += " tb";
    const std::int64_t a_cols = g.trans_a ? g.m : g.k, b_cols = g.trans_b ? g.k : g.n;
    if (g.lda != a_cols) s += fmt::format(" lda={}", g.lda);
    if (g.ldb != b_cols) s += fmt::format(" ldb={}", g.ldb);
    if (g.ldc != g.n) s += fmt::format(" ldc={}", g.ldc);
    if (g.alpha != 1) s += fmt::format(" alpha={}", g.alpha);
    if (g.beta != 0) s += fmt::format(" beta={}", g.beta);
    return s;
}

std::vector<bk_op_desc> planned_ops() {
    std::vector<bk_op_desc> out;
    for (bk_op_kind kind : kStreamKinds)
        for (bk_dtype t : {BK_F64, BK_F32})
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
                for (std::int64_t n : kStreamSizes) out.push_back(stream_op(kind, t, p, n, StreamWorkload::kScalar));
    for (const GemmTypes& t : kGemmTypes)
        for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
            for (const GemmVariant& v : kGemmVariants) {
                bk_op_desc op{};
                op.struct_size = sizeof op;
                op.kind = BK_OP_GEMM;
                op.path = p;
                op.dtype_a = op.dtype_b = t.in;
                op.dtype_c = t.out;
                auto& g = op.u.gemm;
                g.m = v.m;
                g.n = v.n;
                g.k = v.k;
                g.trans_a = v.ta;
                g.trans_b = v.tb;
                g.lda = (v.ta ? v.m : v.k) + v.pad_a;
                g.ldb = (v.tb ? v.k : v.n) + v.pad_b;
                g.ldc = v.n + v.pad_c;
                const bool integer = t.out == BK_I32;
                g.alpha = integer ? v.ialpha : v.alpha;
                g.beta = integer ? v.ibeta : v.beta;
                out.push_back(op);
            }
    for (const bk_op_desc& op : planned_nn_ops()) out.push_back(op);
    for (const bk_op_desc& op : planned_quant_ops()) out.push_back(op);
    return out;
}

CaseResult run_case(Device& dev, const bk_op_desc& op, std::uint64_t seed) {
    CaseResult r = describe(op);
    // Through the table rather than Device::supports: only BK_UNSUPPORTED
    // means "not here"; any other status from supports() is itself an error.
    const bk_status st = dev.backend().table->supports(dev.handle(), &op);
    if (st == BK_UNSUPPORTED) {
        r.outcome = Outcome::unsupported;
        r.detail = dev.backend().last_error();
        return r;
    }
    if (st != BK_OK) {
        r.outcome = Outcome::error;
        r.detail = fmt::format("supports() returned {}: {}", status_name(st), dev.backend().last_error());
        return r;
    }
    try {
        if (is_quant_case(op)) return run_quant_case(dev, op, seed, r);
        if (op.kind == BK_OP_GEMM) return run_gemm(dev, op, seed);
        if (is_nn_kind(op.kind)) return run_nn_case(dev, op, seed, r);
        if (op.dtype_a == BK_F64) return run_stream<double>(dev, op, seed);
        return run_stream<float>(dev, op, seed);
    } catch (const BackendError& e) {
        // A launch (or upload, sync, download) that said no after supports() said yes.
        r.outcome = Outcome::error;
        r.detail = fmt::format("{}: {}", status_name(e.status()), e.what());
    } catch (const std::exception& e) {
        r.outcome = Outcome::error;
        r.detail = fmt::format("internal error: {}", e.what());
    }
    return r;
}

std::vector<CaseResult> run_device(Device& dev, std::uint64_t seed,
                                   const std::function<void(std::size_t, std::size_t)>& progress) {
    const auto ops = planned_ops();
    std::vector<CaseResult> out;
    out.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
        CaseResult probe = describe(ops[i]);
        out.push_back(run_case(dev, ops[i], derive_seed(seed, probe.id())));
        if (progress) progress(i + 1, ops.size());
    }
    return out;
}

}  // namespace bakeoff::conformance
