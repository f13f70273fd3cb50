#include "conformance/nn_cases.h"

#include "conformance/gemm_reference.h"
#include "core/dtype.h"
#include "numeric/rng.h"
#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>

namespace bakeoff::conformance {

namespace {

constexpr std::uint32_t kPoison = 0x7FF87FF8u;  // NaN in f64, f32, bf16, f16 (0x7FF8 halves)
constexpr std::int64_t kGuard = 16;             // poisoned elements after every output

enum class Role { in, out, inout };

// One operand: its values on the host (exact in its type), and for outputs
// the fp64 reference.
struct Tensor {
    const char* name;
    bk_dtype type;
    Role role;
    std::vector<double> v;    // inputs / initial contents (inout)
    std::vector<double> ref;  // expected (out, inout)
    bool exact = false;       // compare the reference rounded to the type, bit for bit
    double scale = 0;         // a floor for the error's denominator: the size of the terms that cancel
};

struct Case {
    std::vector<Tensor> t;
    double tol = 0;
};

// ---------------------------------------------------------------- tolerances
// Float outputs: max_i |got_i - ref_i| / (|ref_i| + mean_j |ref_j|) <= tol.
// The mean term keeps elements that cancel to near zero (gradients, rotated
// pairs) from demanding more than the tensor's own scale.
//   fp64: 1e-10 (f64 math; the sums here are short).
//   fp32: 3e-5 (a few hundred units of the last place: f32 statistics over
//         rows of 4099, exp/log of the math library); the backward ops and
//         cross-entropy 2e-4 (sums of products that cancel: dS = P (dP - PdP)).
//   bf16: 2^-7, four half-units of bf16's last place: inputs are exact, the
//         math is f32, the output is rounded once; scatter_add rounds y at
//         every addition, so there it is 2^-8 times (1 + the most additions
//         into one row).
// Exact (bit for bit after rounding the reference to the type): convert,
// embedding, kv_write and the router's expert indices.
double base_tolerance(bk_dtype t) {
    switch (t) {
        case BK_F64: return 1e-10;
        case BK_F32: return 3e-5;
        default: return std::ldexp(1.0, -7);
    }
}

bool backward_kind(std::uint32_t k) {
    return k == BK_OP_RMSNORM_BWD || k == BK_OP_SWIGLU_BWD || k == BK_OP_ATTENTION_BWD || k == BK_OP_CROSS_ENTROPY;
}

// ---------------------------------------------------------------- inputs
class Gen {
public:
    explicit Gen(std::uint64_t seed) : rng_(seed) {}
    // n values uniform in [lo, hi), rounded to t (so the reference sees what the backend sees).
    std::vector<double> uniform(bk_dtype t, std::size_t n, double lo = -1, double hi = 1) {
        std::vector<double> v(n);
        unsigned char tmp[8];
        for (double& x : v) {
            store_element(t, tmp, 0, lo + (hi - lo) * rng_.uniform());
            x = load_element(t, tmp, 0);
        }
        return v;
    }
    std::vector<double> ids(std::size_t n, std::int64_t limit) {
        std::vector<double> v(n);
        for (double& x : v) x = double(rng_.next() % std::uint64_t(limit));
        return v;
    }
    std::uint64_t next() { return rng_.next(); }

private:
    SplitMix64 rng_;
};

std::vector<std::int32_t> as_i32(const std::vector<double>& v) {
    return std::vector<std::int32_t>(v.begin(), v.end());
}

Tensor in(const char* name, bk_dtype t, std::vector<double> v) { return Tensor{name, t, Role::in, std::move(v), {}}; }
Tensor out(const char* name, bk_dtype t, std::vector<double> ref, bool exact = false) {
    return Tensor{name, t, Role::out, {}, std::move(ref), exact};
}
Tensor inout(const char* name, bk_dtype t, std::vector<double> v, std::vector<double> ref, bool exact = false) {
    return Tensor{name, t, Role::inout, std::move(v), std::move(ref), exact};
}

// Builds the operands and references of one case from its descriptor.
Case build(const bk_op_desc& op, std::uint64_t seed) {
    Gen g(seed);
    Case c;
    const auto act = bk_dtype(op.dtype_a);
    c.tol = base_tolerance(act);
    if (backward_kind(op.kind) && act == BK_F32) c.tol = 2e-4;
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    switch (op.kind) {
        case BK_OP_CONVERT: {
            auto x = g.uniform(act, rd, -100, 100);
            c.t = {in("in0", act, x), out("out", bk_dtype(op.dtype_c), x, true)};
            break;
        }
        case BK_OP_RMSNORM: {
            auto x = g.uniform(act, rd), w = g.uniform(act, std::size_t(n.dim), 0.5, 1.5);
            std::vector<double> y(rd);
            nnref::rmsnorm(x.data(), w.data(), y.data(), n.rows, n.dim, n.eps);
            c.t = {in("x", act, x), in("w", act, w), out("y", act, y)};
            break;
        }
        case BK_OP_ROPE: {
            auto x = g.uniform(act, rd);
            std::vector<double> y(rd);
            nnref::rope(x.data(), y.data(), n.rows / n.seq, n.seq, n.heads, n.head_dim, n.pos_offset, n.theta,
                        n.inverse != 0);
            c.t = {in("x", act, x), out("y", act, y)};
            break;
        }
        case BK_OP_ROPE_FREQ: {
            // theta's frequencies, each scaled by a random factor in [1/32, 1]
            // (the range Llama 3's rescaling spans).
            auto x = g.uniform(act, rd);
            auto freq = g.uniform(BK_F64, std::size_t(n.head_dim / 2), 1.0 / 32, 1.0);
            for (std::size_t i = 0; i < freq.size(); ++i)
                freq[i] *= std::pow(n.theta, -2.0 * double(i) / double(n.head_dim));
            std::vector<double> y(rd);
            nnref::rope_freq(x.data(), y.data(), n.rows / n.seq, n.seq, n.heads, n.head_dim, n.pos_offset,
                             freq.data(), n.inverse != 0);
            c.t = {in("x", act, x), in("freq", BK_F64, freq), out("y", act, y)};
            break;
        }
        case BK_OP_SOFTMAX: {
            auto x = g.uniform(act, rd, -8, 8);
            std::vector<double> y(rd);
            nnref::softmax(x.data(), y.data(), n.rows, n.dim);
            c.t = {in("x", act, x), out("y", act, y)};
            break;
        }
        case BK_OP_SWIGLU: {
            auto gg = g.uniform(act, rd, -6, 6), u = g.uniform(act, rd);
            std::vector<double> y(rd);
            nnref::swiglu(gg.data(), u.data(), y.data(), std::int64_t(rd));
            c.t = {in("g", act, gg), in("u", act, u), out("y", act, y)};
            break;
        }
        case BK_OP_EMBEDDING: {
            auto table = g.uniform(act, std::size_t(n.vocab * n.dim)), ids = g.ids(std::size_t(n.rows), n.vocab);
            std::vector<double> y(rd);
            nnref::embedding(table.data(), as_i32(ids).data(), y.data(), n.rows, n.dim);
            c.t = {in("table", act, table), in("ids", BK_I32, ids), out("y", act, y, true)};
            break;
        }
        case BK_OP_KV_WRITE: {
            auto x = g.uniform(act, rd);
            auto y0 = g.uniform(act, std::size_t(n.rows / n.seq * n.capacity * n.dim));
            auto y = y0;
            nnref::kv_write(x.data(), y.data(), n.rows, n.dim, n.seq, n.capacity, n.pos_offset);
            c.t = {in("x", act, x), inout("y", act, y0, y, true)};
            break;
        }
        case BK_OP_SCATTER_ADD: {
            auto x = g.uniform(act, rd), ids = g.ids(std::size_t(n.rows), n.vocab);
            auto w = g.uniform(BK_F32, std::size_t(n.rows), 0.25, 2);
            auto y0 = g.uniform(act, std::size_t(n.vocab * n.dim));
            auto y = y0;
            nnref::scatter_add(x.data(), as_i32(ids).data(), w.data(), y.data(), n.rows, n.dim);
            if (act == BK_BF16) {
                std::map<double, int> count;
                int most = 0;
                for (double id : ids) most = std::max(most, ++count[id]);
                c.tol = std::ldexp(1.0, -8) * (1 + most);
            }
            c.t = {in("x", act, x), in("ids", BK_I32, ids), in("w", BK_F32, w), inout("y", act, y0, y)};
            break;
        }
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op.u.route;
            // Logits on a grid of 1/8 from few levels: many exact ties, and
            // distinct scores far apart compared with f32 rounding.
            std::vector<double> l(std::size_t(r.tokens * r.experts));
            for (double& x : l) x = double(int(g.next() % 9) - 4) / 8.0;
            std::vector<std::int32_t> idx(std::size_t(r.tokens * r.top_k));
            std::vector<double> w(idx.size());
            nnref::topk_route(l.data(), idx.data(), w.data(), r);
            c.t = {in("logits", act, l), out("idx", BK_I32, std::vector<double>(idx.begin(), idx.end()), true),
                   out("weight", BK_F32, w)};
            break;
        }
        case BK_OP_RMSNORM_BWD: {
            auto x = g.uniform(act, rd), w = g.uniform(act, std::size_t(n.dim), 0.5, 1.5), dy = g.uniform(act, rd);
            std::vector<double> dx(rd), dw(std::size_t(n.dim));
            nnref::rmsnorm_bwd(x.data(), w.data(), dy.data(), dx.data(), dw.data(), n.rows, n.dim, n.eps);
            c.t = {in("x", act, x), in("w", act, w), in("dy", act, dy), out("dx", act, dx), out("dw", BK_F32, dw)};
            // dx = dy w / rms - x (dy.w.x) / (dim rms^3): the two terms cancel
            // (fully when dim = 1), so the error is measured against the first.
            double terms = 0;
            for (std::int64_t r = 0; r < n.rows; ++r) {
                double ss = 0;
                for (std::int64_t j = 0; j < n.dim; ++j) ss += x[std::size_t(r * n.dim + j)] * x[std::size_t(r * n.dim + j)];
                const double inv = 1 / std::sqrt(ss / double(n.dim) + n.eps);
                for (std::int64_t j = 0; j < n.dim; ++j)
                    terms += std::fabs(dy[std::size_t(r * n.dim + j)] * w[std::size_t(j)]) * inv;
            }
            c.t[3].scale = terms / double(rd);
            break;
        }
        case BK_OP_SWIGLU_BWD: {
            auto gg = g.uniform(act, rd, -6, 6), u = g.uniform(act, rd), dy = g.uniform(act, rd);
            std::vector<double> dg(rd), du(rd);
            nnref::swiglu_bwd(gg.data(), u.data(), dy.data(), dg.data(), du.data(), std::int64_t(rd));
            c.t = {in("g", act, gg), in("u", act, u), in("dy", act, dy), out("dg", act, dg), out("du", act, du)};
            break;
        }
        case BK_OP_CROSS_ENTROPY: {
            auto x = g.uniform(act, rd, -4, 4), t = g.ids(std::size_t(n.rows), n.dim);
            std::vector<double> loss(std::size_t(n.rows)), dx(rd);
            nnref::cross_entropy(x.data(), as_i32(t).data(), loss.data(), dx.data(), n.rows, n.dim);
            c.t = {in("x", act, x), in("t", BK_I32, t), out("loss", BK_F32, loss), out("dx", act, dx)};
            break;
        }
        case BK_OP_ADAMW: {
            const bk_adamw_op& a = op.u.adamw;
            const std::size_t m = std::size_t(a.n);
            auto p = g.uniform(act, m), gr = g.uniform(act, m), mm = g.uniform(act, m, -0.1, 0.1);
            auto v = g.uniform(act, m, 0.001, 0.01);
            auto p1 = p, m1 = mm, v1 = v;
            nnref::adamw(p1.data(), gr.data(), m1.data(), v1.data(), a);
            c.t = {inout("p", act, p, p1), in("g", act, gr), inout("m", act, mm, m1), inout("v", act, v, v1)};
            break;
        }
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op.u.attn;
            const std::size_t nq = std::size_t(a.batch * a.seq_q * a.heads * a.head_dim);
            const std::size_t nk = std::size_t(a.batch * a.kv_capacity * a.kv_heads * a.head_dim);
            auto q = g.uniform(act, nq, -2, 2), k = g.uniform(act, nk, -2, 2), v = g.uniform(act, nk);
            // Cache slots past seq_kv hold NaN: reading them shows in the output.
            for (std::int64_t b = 0; b < a.batch; ++b)
                for (std::int64_t j = a.seq_kv; j < a.kv_capacity; ++j)
                    for (std::int64_t e = 0; e < a.kv_heads * a.head_dim; ++e) {
                        const std::size_t at = std::size_t((b * a.kv_capacity + j) * a.kv_heads * a.head_dim + e);
                        k[at] = v[at] = std::numeric_limits<double>::quiet_NaN();
                    }
            if (op.kind == BK_OP_ATTENTION) {
                std::vector<double> o(nq);
                nnref::attention(q.data(), k.data(), v.data(), o.data(), a);
                c.t = {in("q", act, q), in("k", act, k), in("v", act, v), out("o", act, o)};
            } else {
                auto dout = g.uniform(act, nq);
                std::vector<double> dq(nq), dk(nk), dv(nk);
                nnref::attention_bwd(q.data(), k.data(), v.data(), dout.data(), dq.data(), dk.data(), dv.data(), a);
                c.t = {in("q", act, q),      in("k", act, k),      in("v", act, v),  in("do", act, dout),
                       out("dq", act, dq), out("dk", act, dk), out("dv", act, dv)};
            }
            break;
        }
    }
    return c;
}

std::vector<unsigned char> encode(bk_dtype t, const std::vector<double>& v) {
    std::vector<unsigned char> bytes(v.size() * dtype_size(t));
    for (std::size_t i = 0; i < v.size(); ++i) store_element(t, bytes.data(), i, v[i]);
    return bytes;
}

// Compares one output; fills r on failure and returns false.
bool check_output(const Tensor& t, const std::vector<unsigned char>& got_bytes, double tol, CaseResult& r) {
    const std::size_t n = t.ref.size(), es = dtype_size(t.type);
    // Guard: the elements after the output keep the poison.
    for (std::size_t w = n * es; w + 4 <= got_bytes.size(); w += 4) {
        std::uint32_t word;
        std::memcpy(&word, got_bytes.data() + w, 4);
        if (word != kPoison) {
            r.outcome = Outcome::fail;
            r.error = 1;
            r.detail = fmt::format("{}: written past its {} elements", t.name, n);
            return false;
        }
    }
    if (t.exact) {
        const auto want = encode(t.type, t.ref);
        for (std::size_t i = 0; i < n; ++i)
            if (std::memcmp(want.data() + i * es, got_bytes.data() + i * es, es) != 0) {
                r.outcome = Outcome::fail;
                r.error = 1;
                r.detail = fmt::format("{}[{}] = {} but the exact result is {}", t.name, i,
                                       load_element(t.type, got_bytes.data(), i), load_element(t.type, want.data(), i));
                return false;
            }
        return true;
    }
    double mean = 0;
    for (double x : t.ref) mean += std::fabs(x);
    mean /= double(std::max<std::size_t>(n, 1));
    double worst = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double got = load_element(t.type, got_bytes.data(), i);
        const double e = std::fabs(got - t.ref[i]) / (std::fabs(t.ref[i]) + std::max(mean, t.scale) + 1e-300);
        const double err = std::isnan(e) ? std::numeric_limits<double>::infinity() : e;
        if (err > worst) worst = err, at = i;
    }
    r.error = std::max(r.error, worst);
    if (!(worst <= tol)) {
        r.outcome = Outcome::fail;
        r.detail = fmt::format("{}[{}] = {} but the reference is {} (error {:.3g} > tolerance {:.3g})", t.name, at,
                               load_element(t.type, got_bytes.data(), at), t.ref[at], worst, tol);
        return false;
    }
    return true;
}

const char* const kRopeInv[] = {"", " inv"};

bk_op_desc nn_desc(std::uint32_t kind, bk_dtype a, bk_dtype c = BK_F32) {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = kind;
    op.path = BK_PATH_PORTABLE;
    op.dtype_a = op.dtype_b = a;
    op.dtype_c = c == BK_F32 ? a : c;
    return op;
}

}  // namespace

bool is_nn_kind(std::uint32_t kind) { return kind >= BK_OP_CONVERT && kind <= BK_OP_ROPE_FREQ; }

double nn_tolerance(const bk_op_desc& op) {
    if (backward_kind(op.kind) && op.dtype_a == BK_F32) return 2e-4;
    return base_tolerance(bk_dtype(op.dtype_a));
}

std::vector<bk_op_desc> planned_nn_ops() {
    std::vector<bk_op_desc> out;
    const bk_dtype acts[] = {BK_F64, BK_F32, BK_BF16, BK_F16};
    // rows x dim: one element, odd, a row of 63, rows past a SIMD width and a
    // page, and one large enough that a CPU backend splits it across threads.
    const std::pair<std::int64_t, std::int64_t> rowdims[] = {{1, 1}, {7, 7}, {3, 63}, {2, 4099}, {17, 4099}};
    for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) {
        auto push = [&](bk_op_desc op) {
            op.path = p;
            out.push_back(op);
        };
        for (bk_dtype a : acts)
            for (bk_dtype c : acts)
                if (a != c)
                    for (std::int64_t n : {1, 7, 63, 4099, 70001}) {
                        bk_op_desc op = nn_desc(BK_OP_CONVERT, a);
                        op.dtype_c = c;
                        op.u.nn.rows = 1;
                        op.u.nn.dim = n;
                        push(op);
                    }
        for (std::uint32_t kind : {BK_OP_RMSNORM, BK_OP_SOFTMAX, BK_OP_SWIGLU, BK_OP_RMSNORM_BWD, BK_OP_SWIGLU_BWD,
                                   BK_OP_CROSS_ENTROPY})
            for (bk_dtype a : acts)
                for (auto [rows, dim] : rowdims) {
                    bk_op_desc op = nn_desc(kind, a);
                    op.u.nn.rows = rows;
                    op.u.nn.dim = dim;
                    op.u.nn.eps = 1e-5;
                    push(op);
                }
        struct Rope {
            std::int64_t batch, seq, heads, head_dim, pos;
            double theta;
            int inverse;
        };
        const Rope ropes[] = {{1, 1, 1, 2, 0, 10000, 0},
                              {2, 7, 3, 8, 5, 10000, 0},
                              {1, 3, 2, 130, 4093, 500000, 0},
                              {2, 7, 3, 8, 5, 10000, 1},
                              {1, 33, 8, 128, 7, 500000, 0}};
        for (std::uint32_t kind : {BK_OP_ROPE, BK_OP_ROPE_FREQ})
            for (bk_dtype a : acts)
                for (const Rope& r : ropes) {
                    bk_op_desc op = nn_desc(kind, a);
                    auto& n = op.u.nn;
                    n.rows = r.batch * r.seq, n.seq = r.seq, n.heads = r.heads, n.head_dim = r.head_dim;
                    n.dim = r.heads * r.head_dim, n.pos_offset = r.pos, n.theta = r.theta, n.inverse = r.inverse;
                    push(op);
                }
        // rows, dim, vocab: single row; more rows than vocab (repeats); rows past a SIMD width.
        const std::int64_t gathers[][3] = {{1, 1, 1}, {63, 7, 5}, {7, 63, 100}, {3, 4099, 2}, {300, 257, 50}};
        for (std::uint32_t kind : {BK_OP_EMBEDDING, BK_OP_SCATTER_ADD})
            for (bk_dtype a : acts)
                for (const auto& s : gathers) {
                    bk_op_desc op = nn_desc(kind, a);
                    op.u.nn.rows = s[0], op.u.nn.dim = s[1], op.u.nn.vocab = s[2];
                    push(op);
                }
        // rows, seq, dim, capacity, pos_offset
        const std::int64_t kvs[][5] = {{1, 1, 1, 1, 0}, {14, 7, 63, 20, 13}, {6, 2, 4099, 3, 1}, {64, 32, 1024, 40, 8}};
        for (bk_dtype a : acts)
            for (const auto& s : kvs) {
                bk_op_desc op = nn_desc(BK_OP_KV_WRITE, a);
                auto& n = op.u.nn;
                n.rows = s[0], n.seq = s[1], n.dim = s[2], n.capacity = s[3], n.pos_offset = s[4];
                push(op);
            }
        // tokens, experts, top_k, score_fn, normalize
        const std::int64_t routes[][5] = {{1, 1, 1, 0, 1}, {7, 8, 2, 0, 1}, {63, 64, 6, 1, 0}, {5, 63, 8, 1, 1},
                                          {3, 4, 4, 0, 0}, {600, 64, 8, 0, 1}};
        for (bk_dtype a : acts)
            for (const auto& s : routes) {
                bk_op_desc op = nn_desc(BK_OP_TOPK_ROUTE, a);
                auto& r = op.u.route;
                r.tokens = s[0], r.experts = s[1], r.top_k = s[2], r.score_fn = int(s[3]), r.normalize = int(s[4]);
                push(op);
            }
        for (bk_dtype a : acts)
            for (std::int64_t n : {1, 7, 63, 4099, 70001}) {
                bk_op_desc op = nn_desc(BK_OP_ADAMW, a);
                auto& w = op.u.adamw;
                w.n = n, w.step = 3, w.lr = 1e-2, w.beta1 = 0.9, w.beta2 = 0.999, w.eps = 1e-8, w.weight_decay = 0.1;
                push(op);
            }
        // batch, heads, kv_heads, seq_q, seq_kv, kv_capacity, head_dim, causal
        const std::int64_t attns[][8] = {
            {1, 1, 1, 1, 1, 1, 1, 1},       // the smallest
            {2, 4, 2, 7, 7, 7, 8, 1},       // prefill, grouped-query
            {2, 4, 2, 7, 7, 7, 8, 0},       // the same, not causal
            {1, 8, 2, 1, 63, 80, 64, 1},    // decode: one query, a cache larger than seq_kv
            {1, 2, 1, 5, 130, 140, 16, 1},  // chunked prefill: seq_q < seq_kv, past one key block
            {1, 2, 2, 70, 70, 70, 17, 0},   // past one query block, odd head_dim
            {1, 4, 1, 64, 200, 256, 64, 1}, // large enough to be split across threads
            {2, 4, 4, 40, 40, 40, 32, 0},
        };
        for (bk_dtype a : acts)
            for (const auto& s : attns) {
                bk_op_desc op = nn_desc(BK_OP_ATTENTION, a);
                auto& t = op.u.attn;
                t.batch = s[0], t.heads = s[1], t.kv_heads = s[2], t.seq_q = s[3], t.seq_kv = s[4];
                t.kv_capacity = s[5], t.head_dim = s[6], t.causal = int(s[7]);
                t.scale = 1.0 / std::sqrt(double(t.head_dim));
                push(op);
            }
        const std::int64_t attn_bwd[][5] = {{1, 1, 1, 1, 1}, {2, 4, 2, 7, 8}, {1, 2, 1, 33, 17}, {1, 2, 2, 70, 16},
                                            {2, 4, 2, 48, 32}};
        for (bk_dtype a : acts)
            for (const auto& s : attn_bwd)
                for (int causal : {1, 0}) {
                    bk_op_desc op = nn_desc(BK_OP_ATTENTION_BWD, a);
                    auto& t = op.u.attn;
                    t.batch = s[0], t.heads = s[1], t.kv_heads = s[2], t.seq_q = t.seq_kv = t.kv_capacity = s[3];
                    t.head_dim = s[4], t.causal = causal, t.scale = 1.0 / std::sqrt(double(t.head_dim));
                    push(op);
                }
    }
    return out;
}

std::string nn_dtype_label(const bk_op_desc& op) {
    const std::string a(dtype_name(bk_dtype(op.dtype_a)));
    if (op.kind == BK_OP_CONVERT) return a + "->" + std::string(dtype_name(bk_dtype(op.dtype_c)));
    return a;
}

std::string nn_shape_label(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    switch (op.kind) {
        case BK_OP_CONVERT:
        case BK_OP_ADAMW: return fmt::format("n={}", op.kind == BK_OP_ADAMW ? op.u.adamw.n : n.rows * n.dim);
        case BK_OP_ROPE:
        case BK_OP_ROPE_FREQ:
            return fmt::format("{}x{}x{}x{} pos={} {}={}{}", n.rows / std::max<std::int64_t>(n.seq, 1), n.seq,
                               n.heads, n.head_dim, n.pos_offset, op.kind == BK_OP_ROPE ? "theta" : "scaled-theta",
                               n.theta, kRopeInv[n.inverse ? 1 : 0]);
        case BK_OP_EMBEDDING:
        case BK_OP_SCATTER_ADD: return fmt::format("rows={} dim={} vocab={}", n.rows, n.dim, n.vocab);
        case BK_OP_KV_WRITE:
            return fmt::format("rows={} seq={} dim={} capacity={} pos={}", n.rows, n.seq, n.dim, n.capacity,
                               n.pos_offset);
        case BK_OP_TOPK_ROUTE: {
            const bk_route_op& r = op.u.route;
            return fmt::format("tokens={} experts={} k={} {}{}", r.tokens, r.experts, r.top_k,
                               r.score_fn ? "sigmoid" : "softmax", r.normalize ? " norm" : "");
        }
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD: {
            const bk_attention_op& a = op.u.attn;
            return fmt::format("b={} h={}/{} q={} kv={}/{} d={}{}", a.batch, a.heads, a.kv_heads, a.seq_q, a.seq_kv,
                               a.kv_capacity, a.head_dim, a.causal ? " causal" : "");
        }
        default: return fmt::format("rows={} dim={}", n.rows, n.dim);
    }
}

CaseResult run_nn_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r) {
    const Case c = build(op, seed);
    r.tolerance = c.tol;
    std::vector<std::unique_ptr<Buffer>> bufs;
    std::vector<Buffer*> operands;
    for (const Tensor& t : c.t) {
        const std::size_t count = t.role == Role::out ? t.ref.size() : t.v.size();
        const std::int64_t guard = t.role == Role::in ? 0 : kGuard;
        // Whole 4-byte words: the poison is a 4-byte pattern.
        const std::uint64_t bytes = (std::uint64_t(count + std::size_t(guard)) * dtype_size(t.type) + 3) / 4 * 4;
        auto b = std::make_unique<Buffer>(dev, bytes);
        b->fill(kPoison);
        if (t.role != Role::out && count) {
            const auto bytes = encode(t.type, t.v);
            b->upload(bytes.data(), bytes.size());
        }
        operands.push_back(b.get());
        bufs.push_back(std::move(b));
    }
    Stream s(dev);
    s.launch(op, operands);
    s.sync();
    for (std::size_t i = 0; i < c.t.size(); ++i) {
        const Tensor& t = c.t[i];
        std::vector<unsigned char> got(bufs[i]->bytes());
        bufs[i]->download(got.data(), got.size());
        if (t.role == Role::in) {
            const auto sent = encode(t.type, t.v);
        if (std::memcmp(sent.data(), got.data(), sent.size()) != 0) {
                r.outcome = Outcome::fail;
                r.error = 1;
                r.detail = fmt::format("input {} was modified", t.name);
                return r;
            }
            continue;
        }
        if (!check_output(t, got, c.tol, r)) return r;
    }
    return r;
}

}  // namespace bakeoff::conformance
