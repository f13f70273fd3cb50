// The portable GEMM against a double-precision host reference, on odd shapes
// (edge tiles), every transpose combination, padded leading dimensions and
// alpha/beta, for each input type the device runs, and for both kernels: the
// local-memory tiled one (GPUs) and the register-blocked one (CPU devices),
// forced with BAKEOFF_OPENCL_GEMM so that each runs on any device. Each
// also brings its own shape of the small-m kernels (k split across a
// work-group with a local-memory reduction, or one work-item per row).
//
// Tolerance: the kernel accumulates each C entry sequentially over k in the
// accumulator type (unit roundoff u: 2^-24 for f32 and for f16/bf16 inputs,
// whose products are exact in f32; 2^-53 for f64), then scales by alpha and
// adds beta*C. The standard bound is (k+2) u (|alpha| sum_p |a_ip b_pj| +
// |beta c_ij|); the test allows twice that.
#include "opencl_plugin.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

using namespace bkocl;

namespace {

struct Shape {
    int64_t m, n, k;
};

// Matrix contents: exact values (as double) and the bytes to upload.
struct HostMatrix {
    std::vector<double> val;
    std::vector<uint8_t> raw;
};

HostMatrix make_input(bk_dtype t, size_t count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    HostMatrix h;
    h.val.resize(count);
    switch (t) {
        case BK_F64: {
            std::vector<double> v(count);
            for (size_t i = 0; i < count; ++i) h.val[i] = v[i] = dist(rng);
            h.raw.resize(count * 8);
            std::memcpy(h.raw.data(), v.data(), h.raw.size());
            break;
        }
        case BK_F32: {
            std::vector<float> v(count);
            for (size_t i = 0; i < count; ++i) h.val[i] = v[i] = static_cast<float>(dist(rng));
            h.raw.resize(count * 4);
            std::memcpy(h.raw.data(), v.data(), h.raw.size());
            break;
        }
        case BK_F16: {  // normal halves in [2^-3, 4): sign, exponent 12..16, 10-bit mantissa
            std::vector<uint16_t> v(count);
            for (size_t i = 0; i < count; ++i) {
                const uint64_t r = rng();
                const unsigned sign = r & 1u, e = 12 + (r >> 1) % 5, mant = (r >> 8) & 0x3FFu;
                v[i] = static_cast<uint16_t>((sign << 15) | (e << 10) | mant);
                h.val[i] = (sign ? -1.0 : 1.0) * std::ldexp(1.0 + mant / 1024.0, static_cast<int>(e) - 15);
            }
            h.raw.resize(count * 2);
            std::memcpy(h.raw.data(), v.data(), h.raw.size());
            break;
        }
        case BK_BF16: {  // the upper half of a float
            std::vector<uint16_t> v(count);
            for (size_t i = 0; i < count; ++i) {
                const float f = static_cast<float>(dist(rng));
                uint32_t bits;
                std::memcpy(&bits, &f, 4);
                bits &= 0xFFFF0000u;
                float g;
                std::memcpy(&g, &bits, 4);
                v[i] = static_cast<uint16_t>(bits >> 16);
                h.val[i] = g;
            }
            h.raw.resize(count * 2);
            std::memcpy(h.raw.data(), v.data(), h.raw.size());
            break;
        }
        default: ADD_FAILURE() << "no generator for dtype " << t;
    }
    return h;
}

// Device 0 opened with the given GEMM kernel, once per process.
bk_device* gemm_device(const std::string& kernel) {
    static std::map<std::string, bk_device*> opened;
    auto it = opened.find(kernel);
    if (it != opened.end()) return it->second;
    setenv("BAKEOFF_OPENCL_GEMM", kernel.c_str(), 1);
    bk_device* d = nullptr;
    if (be()->device_open(0, &d) != BK_OK) d = nullptr;
    unsetenv("BAKEOFF_OPENCL_GEMM");
    opened[kernel] = d;
    return d;
}

template <class OutT>
void run_case(bk_device* d, bk_stream* s, bk_dtype in_t, const Shape& sh, bool ta, bool tb, double alpha, double beta,
              int64_t pad, uint64_t seed, uint32_t path = BK_PATH_PORTABLE) {
    const int64_t m = sh.m, n = sh.n, k = sh.k;
    const int64_t rows_a = ta ? k : m, cols_a = ta ? m : k, rows_b = tb ? n : k, cols_b = tb ? k : n;
    const int64_t lda = std::max<int64_t>(cols_a + pad, 1), ldb = std::max<int64_t>(cols_b + pad, 1),
                  ldc = std::max<int64_t>(n + pad, 1);
    const size_t na = static_cast<size_t>(std::max<int64_t>(rows_a * lda, 1));
    const size_t nb = static_cast<size_t>(std::max<int64_t>(rows_b * ldb, 1));
    const size_t nc = static_cast<size_t>(std::max<int64_t>(m * ldc, 1));
    const HostMatrix A = make_input(in_t, na, seed), B = make_input(in_t, nb, seed + 1);
    OutT poison;
    std::memset(&poison, 0xFF, sizeof poison);
    std::vector<OutT> c0(nc, poison);
    const auto cvals = random_vector<OutT>(nc, seed + 2);
    if (beta != 0.0)
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) c0[i * ldc + j] = cvals[i * ldc + j];

    Buffer ba(d, A.raw.size()), bb(d, B.raw.size()), bc(d, nc * sizeof(OutT));
    ASSERT_EQ(ba.status(), BK_OK) << be()->last_error();
    ASSERT_EQ(ba.upload(A.raw), BK_OK);
    ASSERT_EQ(bb.upload(B.raw), BK_OK);
    ASSERT_EQ(bc.upload(c0), BK_OK);

    bk_op_desc op = gemm_desc(in_t, sizeof(OutT) == 8 ? BK_F64 : BK_F32, m, n, k, ta, tb, alpha, beta);
    op.path = path;
    op.u.gemm.lda = lda;
    op.u.gemm.ldb = ldb;
    op.u.gemm.ldc = ldc;
    bk_buffer* ops[3] = {ba.get(), bb.get(), bc.get()};
    ASSERT_EQ(be()->launch(s, &op, ops, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s), BK_OK) << be()->last_error();
    const auto c = bc.download<OutT>(nc);

    const double u = std::ldexp(1.0, sizeof(OutT) == 8 ? -53 : -24);
    int bad = 0;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < ldc; ++j) {
            const OutT got = c[i * ldc + j];
            if (j >= n) {
                ASSERT_TRUE(same_bits(got, poison)) << "C(" << i << "," << j << ") in the ldc padding was written";
                continue;
            }
            double ref = 0.0, mag = 0.0;
            for (int64_t p = 0; p < k; ++p) {
                const double a = ta ? A.val[p * lda + i] : A.val[i * lda + p];
                const double b = tb ? B.val[j * ldb + p] : B.val[p * ldb + j];
                ref += a * b;
                mag += std::fabs(a * b);
            }
            ref *= alpha;
            mag *= std::fabs(alpha);
            if (beta != 0.0) {
                const double cij = static_cast<double>(c0[i * ldc + j]);
                ref += beta * cij;
                mag += std::fabs(beta * cij);
            }
            const double tol = 2.0 * static_cast<double>(k + 2) * u * mag + std::numeric_limits<double>::min();
            const double err = std::fabs(static_cast<double>(got) - ref);
            if (!(err <= tol) && bad++ < 5)
                ADD_FAILURE() << "C(" << i << "," << j << ") = " << got << ", want " << ref << " (tol " << tol << ")";
        }
    }
    EXPECT_EQ(bad, 0);
    for (size_t t = static_cast<size_t>(m * ldc); t < nc; ++t) ASSERT_TRUE(same_bits(c[t], poison));
}

template <class OutT>
void run_suite(bk_device* d, bk_dtype in_t, uint32_t path = BK_PATH_PORTABLE) {
    ASSERT_NE(d, nullptr);
    Stream s(d);
    const Shape shapes[] = {{1, 1, 1}, {7, 7, 7}, {63, 63, 63}, {65, 33, 17}, {1, 65, 130}, {130, 1, 3}, {67, 129, 70}};
    uint64_t seed = 1000;
    for (const Shape& sh : shapes)
        for (int t = 0; t < 4; ++t)
            for (int ab = 0; ab < 2; ++ab) {
                const bool ta = t & 1, tb = t & 2;
                const double alpha = ab ? 1.5 : 1.0, beta = ab ? -0.5 : 0.0;
                const int64_t pad = (t + ab) % 2 ? 3 : 0;
                SCOPED_TRACE(std::to_string(sh.m) + "x" + std::to_string(sh.n) + "x" + std::to_string(sh.k) +
                             " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) + " alpha=" +
                             std::to_string(alpha) + " beta=" + std::to_string(beta) + " pad=" + std::to_string(pad));
                run_case<OutT>(d, s.s, in_t, sh, ta, tb, alpha, beta, pad, seed++, path);
                if (::testing::Test::HasFatalFailure()) return;
            }
}

// The small-m kernels (m <= 16 against a B of at least 2^16 elements: decode
// steps): m in {1, 2, 7, 16}, odd n and k (k past the vector width, and a k
// below it, all tail), both layouts of B and of A, padded leading dimensions,
// alpha/beta; op_info must name the kernel, and a shape outside the path
// (m = 17, or a small B) must not.
std::string gemm_info(bk_device* d, const bk_op_desc& op) {
    char info[512];
    if (be()->op_info(d, &op, info, sizeof info) != BK_OK) return std::string("op_info failed: ") + be()->last_error();
    return info;
}

template <class OutT>
void run_small_m_suite(bk_device* d, bk_dtype in_t) {
    ASSERT_NE(d, nullptr);
    Stream s(d);
    const Shape shapes[] = {{1, 1001, 1031}, {2, 257, 4099}, {7, 1000, 1031}, {16, 129, 4099}, {5, 30011, 3}};
    uint64_t seed = 5000;
    int variant = 0;
    for (const Shape& sh : shapes)
        for (int tb = 0; tb < 2; ++tb)
            for (int ta = 0; ta < 2; ++ta, ++variant) {
                const bool ab = variant % 3 != 0;
                const double alpha = ab ? -1.25 : 1.0, beta = ab ? 0.75 : 0.0;
                const int64_t pad = variant % 2 ? 5 : 0;
                const std::string what = std::to_string(sh.m) + "x" + std::to_string(sh.n) + "x" + std::to_string(sh.k) +
                                         " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                                         " alpha=" + std::to_string(alpha) + " beta=" + std::to_string(beta) +
                                         " pad=" + std::to_string(pad);
                SCOPED_TRACE(what);
                const bk_op_desc op =
                    gemm_desc(in_t, sizeof(OutT) == 8 ? BK_F64 : BK_F32, sh.m, sh.n, sh.k, ta, tb, alpha, beta);
                const std::string info = gemm_info(d, op);
                EXPECT_NE(info.find(tb ? "small-m B-streaming (B n x k)" : "small-m B-streaming (B k x n)"),
                          std::string::npos)
                    << info;
                run_case<OutT>(d, s.s, in_t, sh, ta, tb, alpha, beta, pad, seed++);
                if (::testing::Test::HasFatalFailure()) return;
            }
}

class OpenclGemm : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        BKOCL_REQUIRE_DEVICE();
        dev_ = gemm_device(GetParam());
        ASSERT_NE(dev_, nullptr) << be()->last_error();
        // The kernel asked for is the one that runs.
        const bk_op_desc op = gemm_desc(BK_F32, BK_F32, 64, 64, 64);
        char info[512];
        ASSERT_EQ(be()->op_info(dev_, &op, info, sizeof info), BK_OK) << be()->last_error();
        const std::string want = std::string(GetParam()) == "tiled" ? "OpenCL tiled" : "OpenCL register-blocked";
        ASSERT_NE(std::string(info).find(want), std::string::npos) << info;
    }
    bk_device* dev_ = nullptr;
};

}  // namespace

TEST_P(OpenclGemm, F32OddShapes) { run_suite<float>(dev_, BK_F32); }

TEST_P(OpenclGemm, F64OddShapes) {
    if (!has_fp64()) GTEST_SKIP() << "the device has no cl_khr_fp64";
    run_suite<double>(dev_, BK_F64);
}

TEST_P(OpenclGemm, F16InputsF32Output) { run_suite<float>(dev_, BK_F16); }

TEST_P(OpenclGemm, Bf16InputsF32Output) { run_suite<float>(dev_, BK_BF16); }

TEST_P(OpenclGemm, SmallMF32) { run_small_m_suite<float>(dev_, BK_F32); }

TEST_P(OpenclGemm, SmallMBf16InputsF32Output) { run_small_m_suite<float>(dev_, BK_BF16); }

TEST_P(OpenclGemm, SmallMF16InputsF32Output) { run_small_m_suite<float>(dev_, BK_F16); }

TEST_P(OpenclGemm, SmallMF64) {
    if (!has_fp64()) GTEST_SKIP() << "the device has no cl_khr_fp64";
    run_small_m_suite<double>(dev_, BK_F64);
}

// Past 16 rows, or with a small B, the general kernel runs (and stays right
// next to the path's edge).
TEST_P(OpenclGemm, SmallMEdges) {
    const std::string general = std::string(GetParam()) == "tiled" ? "OpenCL tiled" : "OpenCL register-blocked";
    for (int tb = 0; tb < 2; ++tb) {
        std::string info = gemm_info(dev_, gemm_desc(BK_F32, BK_F32, 17, 1001, 1031, false, tb));
        EXPECT_NE(info.find(general), std::string::npos) << info;
        info = gemm_info(dev_, gemm_desc(BK_F32, BK_F32, 16, 255, 257, false, tb));  // 65535 elements of B
        EXPECT_NE(info.find(general), std::string::npos) << info;
        info = gemm_info(dev_, gemm_desc(BK_F32, BK_F32, 16, 256, 256, false, tb));  // 65536
        EXPECT_NE(info.find("small-m"), std::string::npos) << info;
    }
    Stream s(dev_);
    run_case<float>(dev_, s.s, BK_F32, {17, 1001, 1031}, false, true, 1.0, 0.0, 0, 31);
    run_case<float>(dev_, s.s, BK_F32, {16, 256, 256}, true, false, 2.0, -1.0, 1, 32);
}

TEST_P(OpenclGemm, LargerShapes) {
    Stream s(dev_);
    run_case<float>(dev_, s.s, BK_F32, {256, 192, 300}, false, false, 1.0, 0.0, 0, 7);
    run_case<float>(dev_, s.s, BK_F32, {200, 260, 129}, true, true, -2.0, 1.0, 5, 8);
    run_case<float>(dev_, s.s, BK_F32, {96, 144, 77}, true, false, 1.0, 0.25, 0, 9);
}

TEST_P(OpenclGemm, EmptyDimensions) {
    Stream s(dev_);
    // k = 0: C = beta * C (and 0 where beta = 0, over NaN poison).
    run_case<float>(dev_, s.s, BK_F32, {5, 9, 0}, false, false, 1.0, 0.5, 2, 21);
    run_case<float>(dev_, s.s, BK_F32, {5, 9, 0}, false, true, 1.0, 0.0, 0, 22);
    // m = 0 or n = 0: nothing to do, and nothing is written.
    Buffer a(dev_, 64), b(dev_, 64), c(dev_, 64);
    ASSERT_EQ(c.fill(0xFFFFFFFFu), BK_OK);
    bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
    bk_op_desc op = gemm_desc(BK_F32, BK_F32, 0, 4, 4);
    EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    op = gemm_desc(BK_F32, BK_F32, 4, 0, 4);
    EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    for (uint32_t v : c.download<uint32_t>(16)) EXPECT_EQ(v, 0xFFFFFFFFu);
}

INSTANTIATE_TEST_SUITE_P(Kernels, OpenclGemm, ::testing::Values("tiled", "blocked"),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

// The vendor path: CLBlast's SGEMM/DGEMM on the same odd shapes, transposes,
// padded leading dimensions and alpha/beta, against the same bound (CLBlast
// also accumulates in the output type). Skipped where CLBlast is absent.
TEST(OpenclClblast, F32AndF64OddShapes) {
    BKOCL_REQUIRE_DEVICE();
    bk_op_desc op = gemm_desc(BK_F32, BK_F32, 64, 64, 64);
    op.path = BK_PATH_VENDOR;
    if (be()->supports(device(), &op) != BK_OK) GTEST_SKIP() << be()->last_error();
    run_suite<float>(device(), BK_F32, BK_PATH_VENDOR);
    if (has_fp64()) run_suite<double>(device(), BK_F64, BK_PATH_VENDOR);
}

TEST(OpenclClblast, OpInfoNamesTheLibraryAndItsTuning) {
    BKOCL_REQUIRE_DEVICE();
    bk_op_desc op = gemm_desc(BK_F32, BK_F32, 64, 64, 64);
    op.path = BK_PATH_VENDOR;
    if (be()->supports(device(), &op) != BK_OK) GTEST_SKIP() << be()->last_error();
    const std::string info = gemm_info(device(), op);
    EXPECT_EQ(info.rfind("CLBlast ", 0), 0u) << info;
    EXPECT_NE(info.find("SGEMM"), std::string::npos) << info;
    EXPECT_NE(info.find("tuning:"), std::string::npos) << info;
    // f16 -> f32 is not CLBlast's, whatever the device.
    bk_op_desc h = gemm_desc(BK_F16, BK_F32, 64, 64, 64);
    h.path = BK_PATH_VENDOR;
    EXPECT_EQ(be()->supports(device(), &h), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("no f16 -> f32 GEMM"), std::string::npos) << be()->last_error();
}

// Without CLBlast the plugin still loads and runs the portable path; the vendor
// GEMM is unsupported and says why. The check runs in a fresh process (a death
// test in "threadsafe" style re-executes the binary), where the library has
// not been looked for yet.
TEST(OpenclClblastDeathTest, WithoutClblastTheVendorGemmSaysSo) {
    BKOCL_REQUIRE_DEVICE();
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    ::setenv("BAKEOFF_CLBLAST_LIBRARY", "/nonexistent/libclblast.so.1", 1);
    EXPECT_EXIT(
        {
            bk_op_desc op = gemm_desc(BK_F32, BK_F32, 8, 8, 8);
            const bool portable = be()->supports(device(), &op) == BK_OK;
            op.path = BK_PATH_VENDOR;
            const bool refused = be()->supports(device(), &op) == BK_UNSUPPORTED;
            const std::string why = be()->last_error();
            std::fprintf(stderr, "%s\n", why.c_str());
            std::exit(portable && refused && why.find("CLBlast is not installed") != std::string::npos ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "CLBlast is not installed");
    ::unsetenv("BAKEOFF_CLBLAST_LIBRARY");
}
