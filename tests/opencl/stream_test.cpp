// Stream kernels (copy, scale, add, triad exactly; dot within a bound) on odd
// sizes that exercise the vector body and the scalar tail, f32 and f64.
#include "opencl_plugin.h"

#include <cmath>

using namespace bkocl;

namespace {

constexpr uint32_t kPoison = 0xFFFFFFFFu;  // a NaN in f32 and f64
constexpr size_t kGuard = 37;              // elements past n that must stay poisoned

const int64_t kSizes[] = {1, 7, 100003};

template <class T>
bk_dtype dtype_of();
template <>
bk_dtype dtype_of<float>() { return BK_F32; }
template <>
bk_dtype dtype_of<double>() { return BK_F64; }

// out = f(in0[i], in1[i]) for i < n; exact, and nothing past n is written.
template <class T, class F>
void check_elementwise(bk_op_kind kind, double scalar, F ref) {
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    Stream s(d);
    const bool two_inputs = kind == BK_OP_ADD || kind == BK_OP_TRIAD;
    for (int64_t n : kSizes) {
        SCOPED_TRACE("n=" + std::to_string(n));
        const size_t len = static_cast<size_t>(n) + kGuard;
        const auto x = random_vector<T>(len, 11 + n), y = random_vector<T>(len, 29 + n);
        Buffer bx(d, len * sizeof(T)), by(d, len * sizeof(T)), bo(d, len * sizeof(T));
        ASSERT_EQ(bx.upload(x), BK_OK) << be()->last_error();
        ASSERT_EQ(by.upload(y), BK_OK) << be()->last_error();
        ASSERT_EQ(bo.fill(kPoison), BK_OK) << be()->last_error();
        const bk_op_desc op = stream_desc(kind, dtype_of<T>(), n, scalar);
        bk_buffer* ops3[3] = {bx.get(), by.get(), bo.get()};
        bk_buffer* ops2[2] = {bx.get(), bo.get()};
        ASSERT_EQ(be()->launch(s.s, &op, two_inputs ? ops3 : ops2, two_inputs ? 3 : 2), BK_OK)
            << be()->last_error();
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK) << be()->last_error();
        const auto out = bo.download<T>(len);
        const auto poison = [] {
            T p;
            std::memset(&p, 0xFF, sizeof p);
            return p;
        }();
        size_t bad = 0;
        for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
            const T want = ref(x[i], y[i]);
            if (!same_bits(out[i], want) && bad++ < 5)
                ADD_FAILURE() << "element " << i << ": got " << out[i] << ", want " << want;
        }
        EXPECT_EQ(bad, 0u);
        for (size_t i = static_cast<size_t>(n); i < len; ++i)
            ASSERT_TRUE(same_bits(out[i], poison)) << "element " << i << " past n was written";
    }
}

template <class T>
void check_all_elementwise() {
    const double sd = 0.3;  // not a power of two: rounding is exercised
    const T s = static_cast<T>(sd);
    {
        SCOPED_TRACE("copy");
        check_elementwise<T>(BK_OP_COPY, 0.0, [](T a, T) { return a; });
    }
    {
        SCOPED_TRACE("scale");
        check_elementwise<T>(BK_OP_SCALE, sd, [s](T a, T) { return static_cast<T>(s * a); });
    }
    {
        SCOPED_TRACE("add");
        check_elementwise<T>(BK_OP_ADD, 0.0, [](T a, T b) { return static_cast<T>(a + b); });
    }
    {
        SCOPED_TRACE("triad");
        // Two roundings, as written (the host is built with -ffp-contract=off).
        check_elementwise<T>(BK_OP_TRIAD, sd, [s](T a, T b) {
            const T p = s * b;
            return static_cast<T>(a + p);
        });
    }
}

// The dot product's error is bounded by depth * u * sum|x_i y_i|, where depth
// is the longest chain of additions in the plugin's blocked reduction (at most
// 64 per work-item + 4 lanes + 15 tail + 10 tree + 32 + 8 final < 256) and u
// the unit roundoff. The bound uses 256.
template <class T>
void check_dot() {
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    Stream s(d);
    const double u = std::ldexp(1.0, sizeof(T) == 4 ? -24 : -53);
    for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{100003}, int64_t{1} << 20}) {
        SCOPED_TRACE("n=" + std::to_string(n));
        const size_t len = static_cast<size_t>(std::max<int64_t>(n, 1));
        const auto x = random_vector<T>(len, 5 + n), y = random_vector<T>(len, 6 + n);
        Buffer bx(d, len * sizeof(T)), by(d, len * sizeof(T)), bo(d, 4 * sizeof(T));
        ASSERT_EQ(bx.upload(x), BK_OK);
        ASSERT_EQ(by.upload(y), BK_OK);
        ASSERT_EQ(bo.fill(kPoison), BK_OK);
        const bk_op_desc op = stream_desc(BK_OP_DOT, dtype_of<T>(), n);
        bk_buffer* ops[3] = {bx.get(), by.get(), bo.get()};
        ASSERT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK) << be()->last_error();
        const auto out = bo.download<T>(4);
        double ref = 0.0, mag = 0.0;
        for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
            ref += static_cast<double>(x[i]) * static_cast<double>(y[i]);
            mag += std::fabs(static_cast<double>(x[i]) * static_cast<double>(y[i]));
        }
        const double tol = 256.0 * u * mag;
        EXPECT_LE(std::fabs(static_cast<double>(out[0]) - ref), tol) << "got " << out[0] << ", want " << ref;
        T poison;
        std::memset(&poison, 0xFF, sizeof poison);
        for (int i = 1; i < 4; ++i) EXPECT_TRUE(same_bits(out[i], poison)) << "dot wrote past out[0]";
    }
}

}  // namespace

TEST(OpenclStream, ElementwiseF32Exact) {
    BKOCL_REQUIRE_DEVICE();
    check_all_elementwise<float>();
}

TEST(OpenclStream, ElementwiseF64Exact) {
    BKOCL_REQUIRE_DEVICE();
    if (!has_fp64()) GTEST_SKIP() << "the device has no cl_khr_fp64";
    check_all_elementwise<double>();
}

TEST(OpenclStream, DotF32WithinBound) {
    BKOCL_REQUIRE_DEVICE();
    check_dot<float>();
}

TEST(OpenclStream, DotF64WithinBound) {
    BKOCL_REQUIRE_DEVICE();
    if (!has_fp64()) GTEST_SKIP() << "the device has no cl_khr_fp64";
    check_dot<double>();
}

TEST(OpenclStream, ZeroLengthIsANoOp) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    Stream s(d);
    Buffer a(d, 64), b(d, 64), c(d, 64);
    ASSERT_EQ(c.fill(kPoison), BK_OK);
    const bk_op_desc op = stream_desc(BK_OP_TRIAD, BK_F32, 0, 2.0);
    bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    for (uint32_t v : c.download<uint32_t>(16)) EXPECT_EQ(v, kPoison);
}
