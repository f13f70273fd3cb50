// GEMM through the ABI: every path and dtype that supports() accepts, on odd
// shapes, transposes, padded leading dimensions and alpha/beta, against a
// double reference; the portable micro-kernels of every runnable ISA
// directly; unsupported combinations and malformed descriptors.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu_internal.h"
#include "cpu_test_util.h"
#include "f16_reference.h"
#include "gemm_portable.h"

using cpu_test::Backend;
using cpu_test::Buf;
using cpu_test::gemm_desc;

namespace {

struct Combo {
    uint32_t a, b, c;
    const char* name;
};
const Combo kF64{BK_F64, BK_F64, BK_F64, "f64"};
const Combo kF32{BK_F32, BK_F32, BK_F32, "f32"};
const Combo kBf16{BK_BF16, BK_BF16, BK_F32, "bf16"};
const Combo kF16{BK_F16, BK_F16, BK_F32, "f16"};
const Combo kI8{BK_I8, BK_I8, BK_I32, "i8"};

size_t elem(uint32_t dt) {
    switch (dt) {
        case BK_F64: return 8;
        case BK_F32:
        case BK_I32: return 4;
        case BK_BF16:
        case BK_F16: return 2;
        default: return 1;
    }
}

uint16_t to_bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>(u >> 16);  // truncation: the value is then exact in bf16
}
double from_bf16(uint16_t h) {
    const uint32_t u = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// A matrix in the layout an operand of dtype dt needs, plus its values as doubles.
struct HostMatrix {
    std::vector<unsigned char> bytes;
    std::vector<double> values;  // same indexing as the stored elements
};

HostMatrix make_matrix(uint32_t dt, size_t count, unsigned seed, bool is_a) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> real(-1.0, 1.0);
    HostMatrix m;
    m.bytes.resize(count * elem(dt));
    m.values.resize(count);
    for (size_t i = 0; i < count; ++i) {
        switch (dt) {
            case BK_F64: {
                const double v = real(gen);
                std::memcpy(&m.bytes[i * 8], &v, 8);
                m.values[i] = v;
                break;
            }
            case BK_F32: {
                const float v = static_cast<float>(real(gen));
                std::memcpy(&m.bytes[i * 4], &v, 4);
                m.values[i] = v;
                break;
            }
            case BK_I32: {
                const int32_t v = static_cast<int32_t>(gen() % 2001) - 1000;
                std::memcpy(&m.bytes[i * 4], &v, 4);
                m.values[i] = v;
                break;
            }
            case BK_BF16: {
                const uint16_t h = to_bf16(static_cast<float>(real(gen)));
                std::memcpy(&m.bytes[i * 2], &h, 2);
                m.values[i] = from_bf16(h);
                break;
            }
            case BK_F16: {  // rounded once; values below 2^-14 become subnormals
                const uint16_t h = f16_ref::round(real(gen));
                std::memcpy(&m.bytes[i * 2], &h, 2);
                m.values[i] = f16_ref::to_float(h);
                break;
            }
            default: {  // i8: A in [0, 127] (the ABI's promise), B in [-128, 127]
                const int v = is_a ? static_cast<int>(gen() % 128) : static_cast<int>(gen() % 256) - 128;
                m.bytes[i] = static_cast<unsigned char>(static_cast<int8_t>(v));
                m.values[i] = v;
                break;
            }
        }
    }
    return m;
}

double read_value(const std::vector<unsigned char>& bytes, uint32_t dt, size_t i) {
    if (dt == BK_F64) {
        double v;
        std::memcpy(&v, &bytes[i * 8], 8);
        return v;
    }
    if (dt == BK_F32) {
        float v;
        std::memcpy(&v, &bytes[i * 4], 4);
        return v;
    }
    int32_t v;
    std::memcpy(&v, &bytes[i * 4], 4);
    return v;
}

// Runs one GEMM through the ABI and checks every element of C (and that the
// padding columns of C are untouched). Returns false if unsupported.
bool run_and_check(uint32_t path, const Combo& t, int64_t m, int64_t n, int64_t k, bool ta, bool tb,
                   int64_t pad, double alpha, double beta) {
    Backend& b = Backend::get();
    const bk_op_desc op = gemm_desc(path, t.a, t.b, t.c, m, n, k, ta, tb, pad, alpha, beta);
    const bk_gemm_op& g = op.u.gemm;
    if (b.t->supports(b.dev, &op) != BK_OK) {
        EXPECT_GT(cpu_test::last_error().size(), 0u);
        return false;
    }
    const size_t a_count = static_cast<size_t>((ta ? k : m) * g.lda);
    const size_t b_count = static_cast<size_t>((tb ? n : k) * g.ldb);
    const size_t c_count = static_cast<size_t>(m * g.ldc);
    const unsigned seed = static_cast<unsigned>(m * 1000003 + n * 1009 + k * 7 + ta * 2 + tb);
    const HostMatrix A = make_matrix(t.a, a_count, seed, true);
    const HostMatrix B = make_matrix(t.b, b_count, seed + 1, false);
    const HostMatrix C0 = make_matrix(t.c, c_count, seed + 2, false);
    Buf ba(A.bytes), bb(B.bytes), bc(C0.bytes);
    EXPECT_TRUE(ba.ok() && bb.ok() && bc.ok());
    if (beta == 0.0) bc.poison(C0.bytes.size());  // beta = 0 must not read C
    const auto before = bc.read<unsigned char>(C0.bytes.size());
    bk_buffer* ops[] = {ba.get(), bb.get(), bc.get()};
    EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_OK) << cpu_test::last_error();
    EXPECT_EQ(b.t->stream_sync(b.stream), BK_OK);
    const auto got = bc.read<unsigned char>(C0.bytes.size());

    const double u = t.c == BK_F64 ? 0x1p-53 : 0x1p-24;
    int bad = 0;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double ref = 0, mag = 0;
            for (int64_t p = 0; p < k; ++p) {
                const double av = A.values[static_cast<size_t>(ta ? p * g.lda + i : i * g.lda + p)];
                const double bv = B.values[static_cast<size_t>(tb ? j * g.ldb + p : p * g.ldb + j)];
                ref += av * bv;
                mag += std::fabs(av * bv);
            }
            const size_t ci = static_cast<size_t>(i * g.ldc + j);
            const double c0 = C0.values[ci];
            ref = alpha * ref + (beta != 0.0 ? beta * c0 : 0.0);
            const double tol = t.c == BK_I32
                                   ? 0.0
                                   : 2.0 * (k + 2) * u * (std::fabs(alpha) * mag + std::fabs(beta * c0)) +
                                         1e-300;
            const double v = read_value(got, t.c, ci);
            if (!(std::fabs(v - ref) <= tol) && bad++ < 3)
                ADD_FAILURE() << t.name << " path " << path << " " << m << "x" << n << "x" << k
                              << " ta=" << ta << " tb=" << tb << " pad=" << pad << " alpha=" << alpha
                              << " beta=" << beta << ": C[" << i << "," << j << "] = " << v
                              << ", want " << ref << " +- " << tol;
        }
        for (int64_t j = n; j < g.ldc; ++j) {  // the padding of C is not written
            const size_t ci = static_cast<size_t>(i * g.ldc + j);
            if (std::memcmp(&got[ci * elem(t.c)], &before[ci * elem(t.c)], elem(t.c)) != 0 &&
                bad++ < 3)
                ADD_FAILURE() << t.name << ": padding C[" << i << "," << j << "] was written";
        }
    }
    return true;
}

struct Shape {
    int64_t m, n, k;
};
const Shape kShapes[] = {{1, 1, 1}, {7, 7, 7}, {63, 63, 63}, {65, 33, 17}, {17, 65, 33}};

// The odd shapes, every transpose, padded and unpadded, two alpha/beta pairs.
// Returns how many cases ran (0 when supports() refused them all).
int sweep(uint32_t path, const Combo& t) {
    int ran = 0;
    const double ab[][2] = {{1.0, 0.0}, {t.a == BK_I8 ? 2.0 : -0.75, t.a == BK_I8 ? 1.0 : 0.5}};
    for (const Shape& s : kShapes)
        for (int ta = 0; ta < 2; ++ta)
            for (int tb = 0; tb < 2; ++tb)
                for (int64_t pad : {0, 3})
                    for (const auto& x : ab)
                        ran += run_and_check(path, t, s.m, s.n, s.k, ta, tb, pad, x[0], x[1]) ? 1 : 0;
    return ran;
}

}  // namespace

TEST(CpuGemm, VendorF64) { EXPECT_GT(sweep(BK_PATH_VENDOR, kF64), 0) << cpu_test::last_error(); }
TEST(CpuGemm, VendorF32) { EXPECT_GT(sweep(BK_PATH_VENDOR, kF32), 0) << cpu_test::last_error(); }
TEST(CpuGemm, PortableF64) { EXPECT_GT(sweep(BK_PATH_PORTABLE, kF64), 0) << cpu_test::last_error(); }
TEST(CpuGemm, PortableF32) { EXPECT_GT(sweep(BK_PATH_PORTABLE, kF32), 0) << cpu_test::last_error(); }
TEST(CpuGemm, PortableBf16) { EXPECT_GT(sweep(BK_PATH_PORTABLE, kBf16), 0) << cpu_test::last_error(); }
// The reference sees the f16-rounded inputs, and a product of two 11-bit
// significands is exact in f32, so the only error is f32 accumulation over k
// terms: the same bound as f32 and bf16 (2 (k + 2) 2^-24 sum |a b|).
TEST(CpuGemm, PortableF16) { EXPECT_EQ(sweep(BK_PATH_PORTABLE, kF16), 80) << cpu_test::last_error(); }
TEST(CpuGemm, PortableI8) { EXPECT_GT(sweep(BK_PATH_PORTABLE, kI8), 0) << cpu_test::last_error(); }

// oneDNN runs bf16 only on AVX-512 parts; where it cannot, supports() must say
// so (and launch() agree) rather than run a reference kernel.
TEST(CpuGemm, VendorBf16RunsOrIsUnsupportedWithAReason) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const bk_op_desc op = gemm_desc(BK_PATH_VENDOR, BK_BF16, BK_BF16, BK_F32, 64, 64, 64, false, false, 0, 1, 0);
    if (b.t->supports(b.dev, &op) == BK_OK) {
        EXPECT_GT(sweep(BK_PATH_VENDOR, kBf16), 0);
        char info[512];
        ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK);
        EXPECT_NE(std::string(info).find("oneDNN"), std::string::npos) << info;
        EXPECT_EQ(std::string(info).find("ref"), std::string::npos) << info;
    } else {
        const std::string why = cpu_test::last_error();
        EXPECT_NE(why.find("oneDNN"), std::string::npos) << why;
        EXPECT_FALSE(bk_cpu::cpu_isa().avx512_bf16 && bk_cpu::cpu_isa().avx512bw)
            << "an AVX512_BF16 CPU should run oneDNN bf16: " << why;
        Buf a(64 * 64 * 2), bb(64 * 64 * 2), c(64 * 64 * 4);
        bk_buffer* ops[] = {a.get(), bb.get(), c.get()};
        EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_UNSUPPORTED);
    }
}

// No vendor library here has an fp16 gemm: refused with a reason naming fp16
// and pointing at the portable path, by supports() and launch() alike.
TEST(CpuGemm, VendorF16IsUnsupportedWithAReason) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const bk_op_desc op = gemm_desc(BK_PATH_VENDOR, BK_F16, BK_F16, BK_F32, 64, 64, 64, false, true, 0, 1, 0);
    ASSERT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    const std::string why = cpu_test::last_error();
    EXPECT_NE(why.find("fp16"), std::string::npos) << why;
    EXPECT_NE(why.find("portable"), std::string::npos) << why;
    Buf a(64 * 64 * 2), bb(64 * 64 * 2), c(64 * 64 * 4);
    bk_buffer* ops[] = {a.get(), bb.get(), c.get()};
    EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_UNSUPPORTED);
    char info[512];
    EXPECT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_UNSUPPORTED);
}

TEST(CpuGemm, VendorI8) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const bk_op_desc op = gemm_desc(BK_PATH_VENDOR, BK_I8, BK_I8, BK_I32, 64, 64, 64, false, false, 0, 1, 0);
    if (b.t->supports(b.dev, &op) != BK_OK) {
        const std::string why = cpu_test::last_error();
        EXPECT_NE(why.find("oneDNN"), std::string::npos) << why;
        EXPECT_FALSE(bk_cpu::cpu_isa().avx2) << "oneDNN has an optimised int8 gemm for AVX2: " << why;
        return;
    }
    // Some layouts may fall back; every case supports() accepts must be exact.
    EXPECT_GT(sweep(BK_PATH_VENDOR, kI8), 0);
    char info[512];
    ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK);
    EXPECT_NE(std::string(info).find("oneDNN"), std::string::npos) << info;
}

TEST(CpuGemm, BlockBoundariesAreCrossed) {
    // Past the portable kernel's KC (256), MC (>= 60 rows) and f64 NC (2048 columns).
    EXPECT_TRUE(run_and_check(BK_PATH_PORTABLE, kF32, 300, 70, 600, false, true, 1, 1.0, 0.0));
    EXPECT_TRUE(run_and_check(BK_PATH_PORTABLE, kF64, 70, 2100, 9, true, false, 0, 1.0, 0.5));
    EXPECT_TRUE(run_and_check(BK_PATH_PORTABLE, kI8, 131, 40, 300, false, false, 0, 1.0, 0.0));
    EXPECT_TRUE(run_and_check(BK_PATH_VENDOR, kF32, 300, 70, 600, true, false, 0, 1.0, 0.0));
}

TEST(CpuGemm, OpInfoNamesTheImplementation) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    char info[512];
    // fp64 has one vendor library (fp32 has two: lib_fallback_test.cpp).
    bk_op_desc op = gemm_desc(BK_PATH_VENDOR, BK_F64, BK_F64, BK_F64, 8, 8, 8, false, false, 0, 1, 0);
    ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK);
    std::string s = info;
    EXPECT_EQ(s.rfind("OpenBLAS", 0), 0u) << s;
    EXPECT_NE(s.find("core"), std::string::npos) << s;
    const char* forced = std::getenv("OPENBLAS_CORETYPE");
    if (forced && std::string(forced) == "Haswell" && bk_cpu::cpu_isa().avx512bw) {
        EXPECT_NE(s.find("OPENBLAS_CORETYPE=Haswell forces them"), std::string::npos) << s;
    }
    op = gemm_desc(BK_PATH_PORTABLE, BK_F32, BK_F32, BK_F32, 8, 8, 8, false, false, 0, 1, 0);
    ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK);
    s = info;
    EXPECT_NE(s.find("portable"), std::string::npos) << s;
    EXPECT_NE(s.find("micro-kernel"), std::string::npos) << s;
}

TEST(CpuGemm, UnsupportedCombinationsSayWhy) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const uint32_t combos[][3] = {{BK_F16, BK_F16, BK_F16}, {BK_TF32, BK_TF32, BK_F32},
                                  {BK_F8_E4M3, BK_F8_E4M3, BK_F32}, {BK_I8, BK_I8, BK_F32},
                                  {BK_F32, BK_F64, BK_F64}, {BK_BF16, BK_BF16, BK_BF16},
                                  {BK_U8, BK_I8, BK_I32}, {42, 42, 42}};
    for (uint32_t path : {uint32_t(BK_PATH_VENDOR), uint32_t(BK_PATH_PORTABLE)}) {
        for (const auto& c : combos) {
            const bk_op_desc op = gemm_desc(path, c[0], c[1], c[2], 8, 8, 8, false, false, 0, 1, 0);
            EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED) << c[0] << " path " << path;
            EXPECT_GT(cpu_test::last_error().size(), 0u);
            Buf a(1024), bb(1024), cc(1024);
            bk_buffer* ops[] = {a.get(), bb.get(), cc.get()};
            EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_UNSUPPORTED);
        }
    }
    bk_op_desc op = gemm_desc(7, BK_F32, BK_F32, BK_F32, 8, 8, 8, false, false, 0, 1, 0);
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    // The portable int8 kernel takes integer alpha/beta only.
    op = gemm_desc(BK_PATH_PORTABLE, BK_I8, BK_I8, BK_I32, 8, 8, 8, false, false, 0, 0.5, 0);
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
}

TEST(CpuGemm, BadDescriptorsAreRejected) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    Buf a(64 * 64 * 4), bb(64 * 64 * 4), c(64 * 64 * 4), small(64 * 64 * 4 - 4);
    bk_buffer* ops[] = {a.get(), bb.get(), c.get()};
    const bk_op_desc good = gemm_desc(BK_PATH_PORTABLE, BK_F32, BK_F32, BK_F32, 64, 64, 64, false, false, 0, 1, 0);
    ASSERT_EQ(b.t->launch(b.stream, &good, ops, 3), BK_OK) << cpu_test::last_error();
    auto expect_invalid = [&](bk_op_desc op, const char* what) {
        for (uint32_t path : {uint32_t(BK_PATH_VENDOR), uint32_t(BK_PATH_PORTABLE)}) {
            op.path = path;
            EXPECT_EQ(b.t->supports(b.dev, &op), BK_INVALID_ARGUMENT) << what;
            EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_INVALID_ARGUMENT) << what;
            EXPECT_GT(cpu_test::last_error().size(), 0u) << what;
        }
    };
    bk_op_desc op = good;
    op.u.gemm.m = 0;
    expect_invalid(op, "m=0");
    op = good;
    op.u.gemm.k = -1;
    expect_invalid(op, "k=-1");
    op = good;
    op.u.gemm.lda = 63;
    expect_invalid(op, "lda<k");
    op = good;
    op.u.gemm.trans_b = 1;
    op.u.gemm.ldb = 63;
    expect_invalid(op, "ldb<k with B transposed");
    op = good;
    op.u.gemm.ldc = 10;
    expect_invalid(op, "ldc<n");
    op = good;
    op.u.gemm.alpha = NAN;
    expect_invalid(op, "alpha NaN");
    op = good;
    op.u.gemm.m = int64_t(1) << 62;
    op.u.gemm.lda = int64_t(1) << 62;
    expect_invalid(op, "overflowing sizes");
    op = good;
    op.struct_size = offsetof(bk_op_desc, u) + 8;
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_INVALID_ARGUMENT);
    // Operand lists.
    EXPECT_EQ(b.t->launch(b.stream, &good, ops, 2), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->launch(b.stream, &good, nullptr, 3), BK_INVALID_ARGUMENT);
    bk_buffer* with_null[] = {a.get(), nullptr, c.get()};
    EXPECT_EQ(b.t->launch(b.stream, &good, with_null, 3), BK_INVALID_ARGUMENT);
    for (int which = 0; which < 3; ++which) {
        bk_buffer* short_ops[] = {a.get(), bb.get(), c.get()};
        short_ops[which] = small.get();
        for (uint32_t path : {uint32_t(BK_PATH_VENDOR), uint32_t(BK_PATH_PORTABLE)}) {
            bk_op_desc o = good;
            o.path = path;
            EXPECT_EQ(b.t->launch(b.stream, &o, short_ops, 3), BK_INVALID_ARGUMENT) << which;
        }
    }
}

// ---------------------------------------------------------------------------
// The portable micro-kernels of every ISA this CPU runs, directly.

namespace {

template <class T>
void check_block(const char* isa, const bk_cpu::GemmMicroKernel<T>& uk) {
    std::mt19937 gen(5);
    const int mr = uk.mr, nr = uk.nr;
    for (int64_t mc : {int64_t(1), int64_t(mr), int64_t(2 * mr + 1)}) {
        for (int64_t nc : {int64_t(1), int64_t(nr - 1), int64_t(2 * nr + 3)}) {
            for (int64_t kc : {1, 5, 33}) {
                for (int beta_mode = 0; beta_mode < 2; ++beta_mode) {
                    const int64_t ms = (mc + mr - 1) / mr, ns = (nc + nr - 1) / nr;
                    std::vector<T> pa(static_cast<size_t>(ms * mr * kc), T(0));
                    std::vector<T> pb(static_cast<size_t>(ns * nr * kc), T(0));
                    std::vector<double> A(static_cast<size_t>(mc * kc)), B(static_cast<size_t>(kc * nc));
                    for (int64_t i = 0; i < mc; ++i)
                        for (int64_t p = 0; p < kc; ++p) {
                            const T v = static_cast<T>(static_cast<int>(gen() % 17) - 8);
                            A[static_cast<size_t>(i * kc + p)] = static_cast<double>(v);
                            pa[static_cast<size_t>((i / mr) * mr * kc + p * mr + i % mr)] = v;
                        }
                    for (int64_t p = 0; p < kc; ++p)
                        for (int64_t j = 0; j < nc; ++j) {
                            const T v = static_cast<T>(static_cast<int>(gen() % 17) - 8);
                            B[static_cast<size_t>(p * nc + j)] = static_cast<double>(v);
                            pb[static_cast<size_t>((j / nr) * nr * kc + p * nr + j % nr)] = v;
                        }
                    const int64_t ldc = nc + 2;
                    std::vector<T> c(static_cast<size_t>(mc * ldc), T(3));
                    const T alpha = T(2), beta = T(beta_mode ? 1 : 0);
                    uk.block(mc, nc, kc, pa.data(), pb.data(), c.data(), ldc, alpha, beta, beta_mode == 0);
                    for (int64_t i = 0; i < mc; ++i) {
                        for (int64_t j = 0; j < ldc; ++j) {
                            double want = 3;  // padding untouched
                            if (j < nc) {
                                double s = 0;
                                for (int64_t p = 0; p < kc; ++p)
                                    s += A[static_cast<size_t>(i * kc + p)] * B[static_cast<size_t>(p * nc + j)];
                                want = 2 * s + (beta_mode ? 3 : 0);
                            }
                            // Small integers: exact in every type.
                            ASSERT_EQ(static_cast<double>(c[static_cast<size_t>(i * ldc + j)]), want)
                                << isa << " mc=" << mc << " nc=" << nc << " kc=" << kc << " i=" << i
                                << " j=" << j;
                        }
                    }
                }
            }
        }
    }
}

}  // namespace

TEST(CpuGemmKernels, EveryRunnableMicroKernelIsExact) {
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    std::vector<const bk_cpu::GemmKernelSet*> sets = {bk_cpu::gemm_kernels_scalar()};
    if (isa.avx2 && isa.fma && isa.f16c && bk_cpu::gemm_kernels_avx2()) sets.push_back(bk_cpu::gemm_kernels_avx2());
    if (isa.avx512f && bk_cpu::gemm_kernels_avx512()) sets.push_back(bk_cpu::gemm_kernels_avx512());
    for (const auto* ks : sets) {
        check_block<double>(ks->isa, ks->f64);
        check_block<float>(ks->isa, ks->f32);
        check_block<int32_t>(ks->isa, ks->i32);
    }
}
