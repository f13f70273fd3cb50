// The fp64 references of the NN ops: values worked out by hand for each
// forward op, and every backward checked against central finite differences
// of its forward.
#include "nn/reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

namespace bakeoff::nnref {
namespace {

using Vec = std::vector<double>;

Vec random_vec(std::size_t n, unsigned seed, double lo = -1, double hi = 1) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    Vec v(n);
    for (double& x : v) x = u(rng);
    return v;
}

double dot(const Vec& a, const Vec& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// d/dx_i of L(x) by central differences, for every i.
Vec numeric_grad(Vec x, const std::function<double(const Vec&)>& L) {
    const double h = 1e-6;
    Vec g(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double x0 = x[i];
        x[i] = x0 + h;
        const double up = L(x);
        x[i] = x0 - h;
        const double down = L(x);
        x[i] = x0;
        g[i] = (up - down) / (2 * h);
    }
    return g;
}

void expect_close(const Vec& got, const Vec& want, double tol, const char* what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], want[i], tol * (1 + std::fabs(want[i]))) << what << " element " << i;
}

TEST(NnReference, RmsnormOfThreeFour) {
    const Vec x{3, 4}, w{1, 1};
    Vec y(2);
    rmsnorm(x.data(), w.data(), y.data(), 1, 2, 0.0);
    // mean of squares (9 + 16) / 2 = 12.5
    EXPECT_NEAR(y[0], 3 / std::sqrt(12.5), 1e-15);
    EXPECT_NEAR(y[1], 4 / std::sqrt(12.5), 1e-15);
    const Vec w2{2, -1};
    rmsnorm(x.data(), w2.data(), y.data(), 1, 2, 0.5);  // eps enters under the root
    EXPECT_NEAR(y[0], 6 / std::sqrt(13.0), 1e-15);
    EXPECT_NEAR(y[1], -4 / std::sqrt(13.0), 1e-15);
}

TEST(NnReference, RopeRotatesByKnownAngles) {
    // head_dim 4, theta 100: f_0 = 1, f_1 = 100^(-1/2) = 0.1. Position 5
    // (pos_offset 5, s = 0): angles 5 and 0.5; pairs (0, 2) and (1, 3).
    const Vec x{1, 2, 0, 0};
    Vec y(4);
    rope(x.data(), y.data(), 1, 1, 1, 4, 5, 100.0, false);
    EXPECT_NEAR(y[0], std::cos(5.0), 1e-14);
    EXPECT_NEAR(y[2], std::sin(5.0), 1e-14);
    EXPECT_NEAR(y[1], 2 * std::cos(0.5), 1e-14);
    EXPECT_NEAR(y[3], 2 * std::sin(0.5), 1e-14);
    // Second sequence position of batch 1 is position pos_offset + 1.
    const Vec x2{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};  // [2, 2, 1, 4]: b=1, s=0 at 8.., s=1 at 12..
    Vec y2(16);
    rope(x2.data(), y2.data(), 2, 2, 1, 4, 0, 100.0, false);
    EXPECT_NEAR(y2[10], std::cos(0.0), 1e-14);  // s = 0: no rotation
    EXPECT_NEAR(y2[8], 0.0, 1e-14);
    // inverse undoes it
    Vec back(4);
    rope(y.data(), back.data(), 1, 1, 1, 4, 5, 100.0, true);
    expect_close(back, x, 1e-14, "inverse rope");
}

TEST(NnReference, SoftmaxOfEqualAndKnownLogits) {
    const Vec x{7, 7, 7, 7, 0, std::log(3.0), 1000, 1000};
    Vec y(8);
    softmax(x.data(), y.data(), 2, 4);
    for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(y[std::size_t(i)], 0.25);
    // row 2: [1, 3, e^1000, e^1000] -> the large logits take everything, no overflow
    EXPECT_NEAR(y[6], 0.5, 1e-15);
    EXPECT_NEAR(y[7], 0.5, 1e-15);
    EXPECT_GE(y[4], 0.0);
    Vec z(2);
    const Vec x2{0, std::log(3.0)};
    softmax(x2.data(), z.data(), 1, 2);
    EXPECT_NEAR(z[0], 0.25, 1e-15);
    EXPECT_NEAR(z[1], 0.75, 1e-15);
}

TEST(NnReference, SwigluKnownValues) {
    const Vec g{0, 1, -2}, u{5, 2, 1};
    Vec y(3);
    swiglu(g.data(), u.data(), y.data(), 3);
    EXPECT_EQ(y[0], 0.0);
    EXPECT_NEAR(y[1], 2 / (1 + std::exp(-1.0)), 1e-15);
    EXPECT_NEAR(y[2], -2 / (1 + std::exp(2.0)), 1e-15);
}

TEST(NnReference, EmbeddingGathersRows) {
    const Vec table{0, 1, 10, 11, 20, 21};  // 3 x 2
    const std::vector<std::int32_t> ids{2, 0, 2};
    Vec y(6);
    embedding(table.data(), ids.data(), y.data(), 3, 2);
    EXPECT_EQ(y, (Vec{20, 21, 0, 1, 20, 21}));
}

TEST(NnReference, CausalAttentionOfTwoByHand) {
    // head_dim 1, scale 1: q = [1, 1], k = [0, ln 2], v = [3, 6].
    bk_attention_op a{};
    a.batch = 1, a.heads = 1, a.kv_heads = 1, a.seq_q = 2, a.seq_kv = 2, a.kv_capacity = 2, a.head_dim = 1;
    a.causal = 1, a.scale = 1;
    const Vec q{1, 1}, k{0, std::log(2.0)}, v{3, 6};
    Vec o(2);
    attention(q.data(), k.data(), v.data(), o.data(), a);
    EXPECT_NEAR(o[0], 3, 1e-15);                   // query 0 sees key 0 only
    EXPECT_NEAR(o[1], 3.0 / 3 + 6.0 * 2 / 3, 1e-14);  // weights 1/3, 2/3
    a.causal = 0;
    attention(q.data(), k.data(), v.data(), o.data(), a);
    EXPECT_NEAR(o[0], 5, 1e-14);
}

TEST(NnReference, AttentionDecodeReadsTheCacheAndGroups) {
    // One query at position seq_kv - 1 = 2 of a cache of capacity 4 (slot 3 is
    // garbage and must not be read); 2 query heads share 1 KV head.
    bk_attention_op a{};
    a.batch = 1, a.heads = 2, a.kv_heads = 1, a.seq_q = 1, a.seq_kv = 3, a.kv_capacity = 4, a.head_dim = 1;
    a.causal = 1, a.scale = 1;
    const Vec q{0, 0};  // equal scores: the mean of the values
    const Vec k{1, 2, 3, NAN}, v{1, 2, 6, NAN};
    Vec o(2);
    attention(q.data(), k.data(), v.data(), o.data(), a);
    EXPECT_NEAR(o[0], 3, 1e-15);
    EXPECT_NEAR(o[1], 3, 1e-15);
}

TEST(NnReference, TopkTiesTakeTheLowerIndex) {
    bk_route_op r{};
    r.tokens = 2, r.experts = 4, r.top_k = 2, r.score_fn = 0, r.normalize = 1;
    const Vec logits{1, 2, 2, 0, 2, 2, 1, 2};
    std::vector<std::int32_t> idx(4);
    Vec w(4);
    topk_route(logits.data(), idx.data(), w.data(), r);
    EXPECT_EQ(idx, (std::vector<std::int32_t>{1, 2, 0, 1}));
    for (double x : w) EXPECT_NEAR(x, 0.5, 1e-15);
    // sigmoid, not normalised: the raw scores; falling order.
    r.tokens = 1, r.score_fn = 1, r.normalize = 0, r.top_k = 3;
    const Vec l2{0, 3, -1, 1};
    topk_route(l2.data(), idx.data(), w.data(), r);
    EXPECT_EQ(idx[0], 1);
    EXPECT_EQ(idx[1], 3);
    EXPECT_EQ(idx[2], 0);
    EXPECT_NEAR(w[2], 0.5, 1e-15);
    EXPECT_NEAR(w[0], 1 / (1 + std::exp(-3.0)), 1e-15);
}

TEST(NnReference, ScatterAddAccumulatesRepeatedIds) {
    const Vec x{1, 2, 3, 4, 5, 6};  // 3 x 2
    const std::vector<std::int32_t> ids{1, 1, 0};
    const Vec w{1, 0.5, 2};
    Vec y{100, 100, 0, 0};
    scatter_add(x.data(), ids.data(), w.data(), y.data(), 3, 2);
    EXPECT_EQ(y, (Vec{110, 112, 2.5, 4}));
}

TEST(NnReference, KvWriteFillsTheSlotsOnly) {
    const Vec x{1, 2, 3, 4};  // 2 batches, seq 1, dim 2
    Vec y(2 * 3 * 2, -1.0);   // capacity 3
    kv_write(x.data(), y.data(), 2, 2, 1, 3, 2);
    EXPECT_EQ(y, (Vec{-1, -1, -1, -1, 1, 2, -1, -1, -1, -1, 3, 4}));
}

TEST(NnReference, AdamwOneStepByHand) {
    // step 1: m = 0.05, v = 0.00025; bias-corrected 0.5 and 0.25 -> update 1.
    Vec p{1}, g{0.5}, m{0}, v{0};
    bk_adamw_op a{};
    a.n = 1, a.step = 1, a.lr = 0.1, a.beta1 = 0.9, a.beta2 = 0.999, a.eps = 0, a.weight_decay = 0.01;
    adamw(p.data(), g.data(), m.data(), v.data(), a);
    EXPECT_NEAR(m[0], 0.05, 1e-15);
    EXPECT_NEAR(v[0], 0.00025, 1e-18);
    EXPECT_NEAR(p[0], 1 - 0.1 * (1 + 0.01), 1e-14);
}

TEST(NnReference, CrossEntropyOfTwoEqualLogits) {
    const Vec x{0, 0, 5, 5};
    const std::vector<std::int32_t> t{0, 1};
    Vec loss(2), dx(4);
    cross_entropy(x.data(), t.data(), loss.data(), dx.data(), 2, 2);
    EXPECT_NEAR(loss[0], std::log(2.0), 1e-15);
    EXPECT_NEAR(loss[1], std::log(2.0), 1e-14);
    expect_close(dx, Vec{-0.25, 0.25, 0.25, -0.25}, 1e-15, "dx");
}

TEST(NnReference, GemmSmallTransposed) {
    // A^T with A stored 2x2 = [[1, 2], [3, 4]] -> op(A) = [[1, 3], [2, 4]]; B = I; beta adds C.
    bk_gemm_op g{};
    g.m = 2, g.n = 2, g.k = 2, g.lda = 2, g.ldb = 2, g.ldc = 2, g.trans_a = 1, g.alpha = 2, g.beta = 1;
    const Vec a{1, 2, 3, 4}, b{1, 0, 0, 1};
    Vec c{1, 1, 1, 1};
    gemm(a.data(), b.data(), c.data(), g);
    EXPECT_EQ(c, (Vec{3, 7, 5, 9}));
}

// ------------------------------------------------------- gradient checks

TEST(NnReferenceGrad, RmsnormBackward) {
    const std::int64_t rows = 3, dim = 5;
    const double eps = 1e-3;
    const Vec x = random_vec(rows * dim, 1), w = random_vec(dim, 2, 0.5, 1.5), dy = random_vec(rows * dim, 3);
    Vec dx(x.size()), dw(dim, 123.0);
    rmsnorm_bwd(x.data(), w.data(), dy.data(), dx.data(), dw.data(), rows, dim, eps);
    auto L = [&](const Vec& xx, const Vec& ww) {
        Vec y(xx.size());
        rmsnorm(xx.data(), ww.data(), y.data(), rows, dim, eps);
        return dot(y, dy);
    };
    expect_close(dx, numeric_grad(x, [&](const Vec& xx) { return L(xx, w); }), 1e-7, "dx");
    expect_close(dw, numeric_grad(w, [&](const Vec& ww) { return L(x, ww); }), 1e-7, "dw");
}

TEST(NnReferenceGrad, SwigluBackward) {
    const std::int64_t n = 9;
    const Vec g = random_vec(n, 4, -4, 4), u = random_vec(n, 5), dy = random_vec(n, 6);
    Vec dg(n), du(n);
    swiglu_bwd(g.data(), u.data(), dy.data(), dg.data(), du.data(), n);
    auto L = [&](const Vec& gg, const Vec& uu) {
        Vec y(n);
        swiglu(gg.data(), uu.data(), y.data(), n);
        return dot(y, dy);
    };
    expect_close(dg, numeric_grad(g, [&](const Vec& gg) { return L(gg, u); }), 1e-7, "dg");
    expect_close(du, numeric_grad(u, [&](const Vec& uu) { return L(g, uu); }), 1e-7, "du");
}

void check_attention_grad(bool causal) {
    bk_attention_op a{};
    a.batch = 2, a.heads = 4, a.kv_heads = 2, a.seq_q = 3, a.seq_kv = 3, a.kv_capacity = 3, a.head_dim = 3;
    a.causal = causal, a.scale = 0.7;
    const std::size_t nq = std::size_t(a.batch * a.seq_q * a.heads * a.head_dim);
    const std::size_t nk = std::size_t(a.batch * a.kv_capacity * a.kv_heads * a.head_dim);
    const Vec q = random_vec(nq, 7), k = random_vec(nk, 8), v = random_vec(nk, 9), dout = random_vec(nq, 10);
    Vec dq(nq), dk(nk), dv(nk);
    attention_bwd(q.data(), k.data(), v.data(), dout.data(), dq.data(), dk.data(), dv.data(), a);
    auto L = [&](const Vec& qq, const Vec& kk, const Vec& vv) {
        Vec o(nq);
        attention(qq.data(), kk.data(), vv.data(), o.data(), a);
        return dot(o, dout);
    };
    expect_close(dq, numeric_grad(q, [&](const Vec& x) { return L(x, k, v); }), 1e-7, "dq");
    expect_close(dk, numeric_grad(k, [&](const Vec& x) { return L(q, x, v); }), 1e-7, "dk");
    expect_close(dv, numeric_grad(v, [&](const Vec& x) { return L(q, k, x); }), 1e-7, "dv");
}

TEST(NnReferenceGrad, AttentionBackwardCausalGqa) { check_attention_grad(true); }
TEST(NnReferenceGrad, AttentionBackwardFullGqa) { check_attention_grad(false); }

TEST(NnReferenceGrad, CrossEntropyIsTheGradientOfTheMeanLoss) {
    const std::int64_t rows = 3, dim = 6;
    const Vec x = random_vec(rows * dim, 11, -3, 3);
    const std::vector<std::int32_t> t{5, 0, 2};
    Vec loss(rows), dx(x.size());
    cross_entropy(x.data(), t.data(), loss.data(), dx.data(), rows, dim);
    auto L = [&](const Vec& xx) {
        Vec l(rows), d(xx.size());
        cross_entropy(xx.data(), t.data(), l.data(), d.data(), rows, dim);
        return (l[0] + l[1] + l[2]) / double(rows);
    };
    expect_close(dx, numeric_grad(x, L), 1e-7, "dx");
}

TEST(NnReferenceGrad, InverseRopeIsTheBackward) {
    // rope is linear: its backward is its transpose, which the ABI says is the inverse rotation.
    const std::int64_t batch = 2, seq = 3, heads = 2, hd = 6;
    const std::size_t n = std::size_t(batch * seq * heads * hd);
    const Vec x = random_vec(n, 12), dy = random_vec(n, 13);
    Vec dx(n);
    rope(dy.data(), dx.data(), batch, seq, heads, hd, 4, 10000.0, true);
    auto L = [&](const Vec& xx) {
        Vec y(n);
        rope(xx.data(), y.data(), batch, seq, heads, hd, 4, 10000.0, false);
        return dot(y, dy);
    };
    expect_close(dx, numeric_grad(x, L), 1e-7, "dx");
}

TEST(NnReferenceGrad, ScatterAddIsTheEmbeddingBackward) {
    const std::int64_t rows = 4, dim = 3, vocab = 3;
    const Vec table = random_vec(vocab * dim, 14), dy = random_vec(rows * dim, 15);
    const std::vector<std::int32_t> ids{2, 0, 2, 1};
    const Vec ones(rows, 1.0);
    Vec dtable(vocab * dim, 0.0);
    scatter_add(dy.data(), ids.data(), ones.data(), dtable.data(), rows, dim);
    auto L = [&](const Vec& tt) {
        Vec y(rows * dim);
        embedding(tt.data(), ids.data(), y.data(), rows, dim);
        return dot(y, dy);
    };
    expect_close(dtable, numeric_grad(table, L), 1e-7, "dtable");
}

}  // namespace
}  // namespace bakeoff::nnref
