#include "conformance/quant_cases.h"

#include "numeric/rng.h"
#include "workloads/op_desc.h"

#include <bakeoff/plugin_quant.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace bakeoff::conformance {

namespace {

constexpr std::uint32_t kPoison = 0x7FF87FF8u;  // NaN as f32 (as conformance.cpp)
constexpr std::int64_t kGuard = 16;             // elements after EMBEDDING's y

const bk_dtype kBlockTypes[] = {BK_Q8_0, BK_Q4_0, BK_Q4_1, BK_Q5_0, BK_Q5_1, BK_Q4_K, BK_Q5_K, BK_Q6_K, BK_Q8_K};

// m, n, blocks along k, padding of A's and C's rows, alpha, beta. Decode
// (m <= 8: integer kernels on a CPU) and prefill (m = 37) shapes; n odd; an
// odd number of blocks (a kernel holding two blocks a register has a tail).
struct QuantVariant {
    std::int64_t m, n, blocks, pad_a, pad_c;
    double alpha, beta;
};
const QuantVariant kVariants[] = {
    {1, 67, 3, 0, 0, 1, 0},   {1, 300, 8, 0, 0, 1, 0},  {4, 33, 5, 3, 5, 1, 0},
    {8, 130, 2, 0, 0, 1, 0},  {37, 67, 3, 1, 2, 1, 0},  {5, 31, 1, 0, 0, -0.75, 0.5},
    {37, 29, 2, 0, 3, 1.5, -0.5},
};

// n rows of k values quantized to t (the reference quantizer), and their
// dequantization.
std::vector<unsigned char> weights(bk_dtype t, std::int64_t n, std::int64_t k, SplitMix64& rng,
                                   std::vector<float>* deq) {
    const std::uint64_t rb = bk_block_row_bytes(t, k);
    std::vector<unsigned char> q(std::size_t(n) * rb);
    std::vector<float> row(static_cast<std::size_t>(k));
    deq->resize(std::size_t(n * k));
    for (std::int64_t j = 0; j < n; ++j) {
        for (std::int64_t l = 0; l < k; ++l) row[std::size_t(l)] = float(2 * rng.uniform() - 1);
        bk_quantize_row(t, row.data(), q.data() + std::size_t(j) * rb, k);
        bk_dequantize_row(t, q.data() + std::size_t(j) * rb, deq->data() + j * k, k);
    }
    return q;
}

CaseResult run_gemm(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r) {
    const auto& g = op.u.gemm;
    const auto t = bk_dtype(op.dtype_b);
    SplitMix64 rng(seed);
    // A: f32 values, NaN in the padding of each row (a kernel reading it shows).
    std::vector<float> a(std::size_t(g.m * g.lda), std::numeric_limits<float>::quiet_NaN());
    std::vector<float> ad(std::size_t(g.m * g.k));  // A's values without the padding
    for (std::int64_t i = 0; i < g.m; ++i)
        for (std::int64_t l = 0; l < g.k; ++l) {
            const float v = float(2 * rng.uniform() - 1);
            a[std::size_t(i * g.lda + l)] = v;
            ad[std::size_t(i * g.k + l)] = v;
        }
    std::vector<float> w;
    const std::vector<unsigned char> b = weights(t, g.n, g.k, rng, &w);
    std::vector<float> c0(std::size_t(g.m * g.ldc));
    for (std::size_t i = 0; i < c0.size(); ++i) std::memcpy(&c0[i], &kPoison, 4);
    if (g.beta != 0)
        for (std::int64_t i = 0; i < g.m; ++i)
            for (std::int64_t j = 0; j < g.n; ++j) c0[std::size_t(i * g.ldc + j)] = float(2 * rng.uniform() - 1);

    Buffer da(dev, a.size() * 4), db(dev, b.size()), dc(dev, c0.size() * 4);
    da.upload(a.data(), a.size() * 4);
    db.upload(b.data(), b.size());
    dc.upload(c0.data(), c0.size() * 4);
    Stream s(dev);
    s.launch(op, {&da, &db, &dc});
    s.sync();
    std::vector<float> c(c0.size());
    dc.download(c.data(), c.size() * 4);

    const double u = std::ldexp(1.0, -24);
    r.tolerance = 1;
    r.error = 0;
    for (std::int64_t i = 0; i < g.m; ++i)
        for (std::int64_t j = 0; j < g.ldc; ++j) {
            const std::size_t at = std::size_t(i * g.ldc + j);
            if (j >= g.n) {  // padding: untouched
                std::uint32_t bits;
                std::memcpy(&bits, &c[at], 4);
                if (bits != kPoison && r.outcome == Outcome::pass) {
                    r.outcome = Outcome::fail;
                    r.error = std::numeric_limits<double>::infinity();
                    r.detail = fmt::format("C[{}, {}] in the padding of row {} was overwritten", i, j, i);
                }
                continue;
            }
            const float* ai = &ad[std::size_t(i * g.k)];
            const float* wj = &w[std::size_t(j * g.k)];
            double ref = 0;
            for (std::int64_t l = 0; l < g.k; ++l) ref += double(ai[l]) * wj[l];
            const double prior = g.beta != 0 ? double(c0[at]) : 0;
            ref = g.alpha * ref + g.beta * prior;
            const double bound = std::fabs(g.alpha) * bk_quant_gemm_bound(ai, wj, g.k, bk_block_elems(t)) +
                                 2 * u * std::fabs(g.beta * prior) + std::numeric_limits<float>::denorm_min();
            const double err = std::fabs(double(c[at]) - ref) / bound;
            if (!(err <= r.error)) {
                r.error = std::isfinite(err) ? err : std::numeric_limits<double>::infinity();
                if (!(err <= 1)) {
                    r.outcome = Outcome::fail;
                    r.detail = fmt::format("C[{}, {}] = {} but the reference is {} (bound {:.3g})", i, j,
                                           double(c[at]), ref, bound);
                }
            }
        }
    return r;
}

CaseResult run_embedding(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r) {
    const bk_nn_op& n = op.u.nn;
    const auto t = bk_dtype(op.dtype_a);
    SplitMix64 rng(seed);
    std::vector<float> deq;
    const std::vector<unsigned char> table = weights(t, n.vocab, n.dim, rng, &deq);
    std::vector<std::int32_t> ids(std::size_t(n.rows));
    for (auto& id : ids) id = std::int32_t(rng.next() % std::uint64_t(n.vocab));
    const std::size_t y_n = std::size_t(n.rows * n.dim + kGuard);
    Buffer dt(dev, table.size()), di(dev, ids.size() * 4), dy(dev, y_n * 4);
    dt.upload(table.data(), table.size());
    di.upload(ids.data(), ids.size() * 4);
    dy.fill(kPoison);
    Stream s(dev);
    s.launch(op, {&dt, &di, &dy});
    s.sync();
    std::vector<float> y(y_n);
    dy.download(y.data(), y_n * 4);
    // Exact: the dequantized value is a product of an f16 (or f32) scale
    // and a small integer, plus a min: bk_dequantize_row's f32 arithmetic.
    r.tolerance = 0;
    std::int64_t bad = 0, first = -1;
    for (std::int64_t i = 0; i < n.rows; ++i)
        for (std::int64_t l = 0; l < n.dim; ++l) {
            const std::size_t at = std::size_t(i * n.dim + l);
            if (!(y[at] == deq[std::size_t(ids[std::size_t(i)]) * std::size_t(n.dim) + std::size_t(l)]) &&
                bad++ == 0)
                first = std::int64_t(at);
        }
    for (std::size_t g = std::size_t(n.rows * n.dim); g < y_n; ++g) {
        std::uint32_t bits;
        std::memcpy(&bits, &y[g], 4);
        if (bits != kPoison && bad++ == 0) first = std::int64_t(g);
    }
    r.error = double(bad);
    if (bad) {
        r.outcome = Outcome::fail;
        r.detail = fmt::format("{} elements differ from the dequantized rows (or were written past y); first at {}",
                               bad, first);
    }
    return r;
}

}  // namespace

bool is_quant_case(const bk_op_desc& op) {
    if (op.kind == BK_OP_GEMM) return bk_is_block_type(op.dtype_b) != 0;
    return op.kind == BK_OP_EMBEDDING && bk_is_block_type(op.dtype_a);
}

std::vector<bk_op_desc> planned_quant_ops() {
    std::vector<bk_op_desc> out;
    for (bk_dtype t : kBlockTypes)
        for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
            for (const QuantVariant& v : kVariants) {
                bk_op_desc op = blank_op(BK_OP_GEMM, p, BK_F32, t, BK_F32);
                auto& g = op.u.gemm;
                g.m = v.m;
                g.n = v.n;
                g.k = v.blocks * std::int64_t(bk_block_elems(t));
                g.trans_b = 1;
                g.lda = g.k + v.pad_a;
                g.ldb = g.k;
                g.ldc = v.n + v.pad_c;
                g.alpha = v.alpha;
                g.beta = v.beta;
                g.block_abi = BK_BLOCK_ABI_VERSION;
                out.push_back(op);
            }
    // EMBEDDING: a single row; ids repeating (rows > vocab); several blocks.
    const std::int64_t gathers[][3] = {{1, 1, 1}, {63, 2, 5}, {7, 3, 100}};
    for (bk_dtype t : kBlockTypes)
        for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
            for (const auto& s : gathers) {
                bk_op_desc op = blank_op(BK_OP_EMBEDDING, p, t, t, BK_F32);
                op.u.nn.rows = s[0];
                op.u.nn.dim = s[1] * std::int64_t(bk_block_elems(t));
                op.u.nn.vocab = s[2];
                out.push_back(op);
            }
    return out;
}

CaseResult run_quant_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r) {
    if (op.kind == BK_OP_GEMM) return run_gemm(dev, op, seed, r);
    return run_embedding(dev, op, seed, r);
}

}  // namespace bakeoff::conformance
