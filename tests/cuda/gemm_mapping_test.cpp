// The row-major -> column-major GEMM mapping and the TN packing plan, checked
// by computing both sides on the host: a naive row-major GEMM against a naive
// column-major GEMM driven only by the mapped arguments, for every transpose
// combination and padded leading dimensions.
#include "cuda_host.h"

#include <bakeoff/op_rules.h>

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace bakeoff::cuda;

namespace {

// c[at(i, j)] = sum over p < k of a(i, p) * b(p, j), for i < m and j < n; the rest 0.
template <class A, class B, class At>
std::vector<double> matmul(int64_t m, int64_t n, int64_t k, A a, B b, size_t c_size, At at) {
    std::vector<double> c(c_size, 0.0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p) s += a(i, p) * b(p, j);
            c[at(i, j)] = s;
        }
    return c;
}

// Row-major C = op(A) op(B), as bakeoff defines it.
std::vector<double> row_major_reference(const bk_gemm_op& g, const std::vector<double>& a,
                                        const std::vector<double>& b) {
    return matmul(
        g.m, g.n, g.k,
        [&](int64_t i, int64_t p) { return g.trans_a ? a[p * g.lda + i] : a[i * g.lda + p]; },
        [&](int64_t p, int64_t j) { return g.trans_b ? b[j * g.ldb + p] : b[p * g.ldb + j]; },
        size_t(g.m * g.ldc), [&](int64_t i, int64_t j) { return i * g.ldc + j; });
}

// Column-major D = op(X) op(Y) as cuBLAS computes it, from the mapped arguments.
std::vector<double> column_major(const ColMajorGemm& cm, const std::vector<double>& x, const std::vector<double>& y,
                                 size_t c_size) {
    return matmul(
        cm.m, cm.n, cm.k,
        [&](int64_t i, int64_t p) { return cm.trans_x ? x[i * cm.ldx + p] : x[p * cm.ldx + i]; },
        [&](int64_t p, int64_t j) { return cm.trans_y ? y[p * cm.ldy + j] : y[j * cm.ldy + p]; }, c_size,
        [&](int64_t i, int64_t j) { return j * cm.ldc + i; });
}

// Host model of launch_pack_bytes: dst(r, c) = trans_src ? src[r*lds + c] : src[c*lds + r].
std::vector<double> pack(const std::vector<double>& src, int64_t lds, bool trans_src, int64_t rows, int64_t cols,
                         int64_t ldd) {
    std::vector<double> dst(size_t(ldd * cols), -999.0);
    for (int64_t c = 0; c < cols; ++c)
        for (int64_t r = 0; r < rows; ++r) dst[c * ldd + r] = trans_src ? src[r * lds + c] : src[c * lds + r];
    return dst;
}

std::vector<double> random_matrix(size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> d(-8, 8);
    std::vector<double> v(n);
    for (auto& x : v) x = d(gen);  // small integers: sums are exact
    return v;
}

struct Shape {
    int64_t m, n, k;
    bool ta, tb;
    int64_t pad_a, pad_b, pad_c;
};

const Shape kShapes[] = {
    {5, 3, 7, false, false, 0, 0, 0}, {5, 3, 7, true, false, 1, 0, 2}, {5, 3, 7, false, true, 0, 3, 0},
    {5, 3, 7, true, true, 2, 1, 1},   {1, 9, 4, false, false, 0, 0, 0}, {8, 1, 16, true, true, 0, 0, 5},
};

bk_gemm_op make(const Shape& s) {
    bk_gemm_op g{};
    g.m = s.m;
    g.n = s.n;
    g.k = s.k;
    g.trans_a = s.ta;
    g.trans_b = s.tb;
    g.lda = (s.ta ? s.m : s.k) + s.pad_a;
    g.ldb = (s.tb ? s.k : s.n) + s.pad_b;
    g.ldc = s.n + s.pad_c;
    g.alpha = 1;
    return g;
}

}  // namespace

TEST(GemmMapping, ColumnMajorCallComputesTheRowMajorProduct) {
    for (const Shape& s : kShapes) {
        const bk_gemm_op g = make(s);
        ASSERT_EQ(check_gemm_shape(g), "");
        const auto a = random_matrix(size_t((s.ta ? s.k : s.m) * g.lda), 1);
        const auto b = random_matrix(size_t((s.tb ? s.n : s.k) * g.ldb), 2);
        const ColMajorGemm cm = to_column_major(g);
        // X is bakeoff's B and Y bakeoff's A, passed as they are in memory.
        EXPECT_EQ(row_major_reference(g, a, b), column_major(cm, b, a, size_t(g.m * g.ldc)))
            << s.m << "x" << s.n << "x" << s.k << " ta=" << s.ta << " tb=" << s.tb;
    }
}

TEST(GemmMapping, TnPackingKeepsTheProduct) {
    for (const Shape& s : kShapes) {
        const bk_gemm_op g = make(s);
        const auto a = random_matrix(size_t((s.ta ? s.k : s.m) * g.lda), 3);
        const auto b = random_matrix(size_t((s.tb ? s.n : s.k) * g.ldb), 4);
        const ColMajorGemm cm = to_column_major(g);
        const TnPlan tn = plan_tn(cm, 1);
        // The packed call is always TN: X transposed, Y not.
        ColMajorGemm packed = cm;
        packed.trans_x = true;
        packed.trans_y = false;
        packed.ldx = tn.ldx;
        packed.ldy = tn.ldy;
        const auto x = tn.pack_x ? pack(b, cm.ldx, !cm.trans_x, cm.k, cm.m, tn.ldx) : b;
        const auto y = tn.pack_y ? pack(a, cm.ldy, cm.trans_y, cm.k, cm.n, tn.ldy) : a;
        EXPECT_EQ(row_major_reference(g, a, b), column_major(packed, x, y, size_t(g.m * g.ldc)))
            << s.m << "x" << s.n << "x" << s.k << " ta=" << s.ta << " tb=" << s.tb;
        if (tn.pack_x) {
            EXPECT_EQ(tn.ldx % 16, 0);
            EXPECT_EQ(tn.x_bytes, uint64_t(tn.ldx * cm.m));
        }
    }
}

TEST(GemmMapping, AlignedTransposedOperandsAreNotPacked) {
    bk_gemm_op g{};
    g.m = 32;
    g.n = 64;
    g.k = 48;
    g.trans_a = 0;  // Y = A as stored: k x m column-major, not transposed
    g.trans_b = 1;  // X = B stored n x k row-major: the transposed X cuBLASLt wants
    g.lda = 48;
    g.ldb = 48;
    g.ldc = 64;
    const TnPlan tn = plan_tn(to_column_major(g), 1);
    EXPECT_FALSE(tn.pack_x);
    EXPECT_FALSE(tn.pack_y);
    EXPECT_EQ(tn.x_bytes + tn.y_bytes, 0u);
}

TEST(GemmMapping, MalformedShapesAreNamed) {
    bk_gemm_op g = make({4, 4, 4, false, false, 0, 0, 0});
    g.lda = 3;
    EXPECT_NE(check_gemm_shape(g).find("lda=3"), std::string::npos);
    g = make({4, 4, 4, false, true, 0, 0, 0});
    g.ldb = 2;
    EXPECT_NE(check_gemm_shape(g).find("ldb=2"), std::string::npos);
    g = make({4, 4, 4, false, false, 0, 0, 0});
    g.m = -1;
    EXPECT_NE(check_gemm_shape(g).find("negative"), std::string::npos);
}

// The spans the plugin checks operands against are the SDK's (op_rules.h).
TEST(GemmMapping, SpansEndAtTheLastRowNotThePadding) {
    bk_gemm_op g = make({3, 5, 4, false, false, 2, 1, 3});  // lda 6, ldb 6, ldc 8
    const bk_plugin::GemmSpans sp = bk_plugin::gemm_spans(g, 4, 4, 4);
    EXPECT_EQ(sp.a, uint64_t((2 * 6 + 4) * 4));
    EXPECT_EQ(sp.b, uint64_t((3 * 6 + 5) * 4));
    EXPECT_EQ(sp.c, uint64_t((2 * 8 + 5) * 4));
}

TEST(GemmMapping, Int8LimitsNameTheOffendingDimension) {
    bk_gemm_op g = make({64, 33, 64, false, false, 0, 0, 0});
    const std::string why = int8_shape_limits(to_column_major(g));
    EXPECT_NE(why.find("n=33"), std::string::npos) << why;
    EXPECT_EQ(int8_shape_limits(to_column_major(make({64, 32, 64, false, false, 0, 0, 0}))), "");
}
