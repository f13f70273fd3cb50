// The portable GEMM's packing: the ISA packing routines (GemmPackers in
// gemm_portable.h) directly against the documented layout, bit for bit, for
// every width the kernels use and odd ones; then whole GEMMs through the ABI
// on shapes that leave partial 8 x 8 transpose blocks, partial micro-tiles,
// partial KC slices, several row blocks and B panels, with padded leading
// dimensions and every transpose, against a double-precision reference.
#include <algorithm>
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

// ---------------------------------------------------------------------------
// The packing routines, directly.

float bf16_to_float(uint16_t h) {
    const uint32_t u = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
float widen(float v) { return v; }
float widen(uint16_t v) { return bf16_to_float(v); }
float widen(bk_cpu::f16 v) { return f16_ref::to_float(v.bits); }

// Source elements: random bit patterns of ordinary magnitudes, with negative
// zero among them (a copy must keep its sign bit).
void fill(std::vector<float>& v, std::mt19937& gen) {
    std::uniform_real_distribution<float> d(-4.0f, 4.0f);
    for (auto& x : v) x = (gen() % 11 == 0) ? -0.0f : d(gen);
}
void fill(std::vector<uint16_t>& v, std::mt19937& gen) {
    for (auto& x : v) {
        const uint16_t exp = static_cast<uint16_t>(120 + gen() % 16);  // 2^-7 .. 2^8
        x = static_cast<uint16_t>((gen() & 0x8000u) | (exp << 7) | (gen() & 0x7fu));
        if (gen() % 11 == 0) x = 0x8000;  // -0
    }
}
// fp16: normals of ordinary magnitudes, subnormals, -0, infinities and NaNs
// (signalling ones come back quiet, the same from F16C and the scalar loop).
void fill(std::vector<bk_cpu::f16>& v, std::mt19937& gen) {
    for (auto& x : v) {
        const uint16_t exp = static_cast<uint16_t>(8 + gen() % 16);  // 2^-7 .. 2^8
        x.bits = static_cast<uint16_t>((gen() & 0x8000u) | (exp << 10) | (gen() & 0x3FFu));
        switch (gen() % 23) {
            case 0: x.bits = 0x8000; break;
            case 1: x.bits = static_cast<uint16_t>(gen() & 0x83FFu); break;  // subnormal
            case 2: x.bits = static_cast<uint16_t>((gen() & 0x8000u) | 0x7C00u); break;
            case 3: x.bits = static_cast<uint16_t>(0x7C00u | (1 + gen() % 0x3FFu)); break;  // NaN
            default: break;
        }
    }
}

constexpr uint32_t kGuard = 0x7fa5a5a5u;  // a NaN pattern no packer writes

// Packs with `fn` and compares every element of the sliver with the layout of
// gemm_portable.h, and the guard words on either side with their pattern.
template <class S>
void check_pack(const char* isa, const char* what, bk_cpu::GemmPackFn<S, float> fn, bool lines,
                int w, int valid, int64_t kc, int64_t ld, std::mt19937& gen) {
    // lines: `valid` source lines of kc elements; across: kc lines of `valid`.
    const int64_t n_lines = lines ? valid : kc;
    std::vector<S> src(static_cast<size_t>(std::max<int64_t>(1, n_lines * ld)));
    fill(src, gen);
    constexpr int kPad = 16;
    std::vector<uint32_t> out(static_cast<size_t>(w * kc + 2 * kPad), kGuard);
    float* dst = reinterpret_cast<float*>(out.data() + kPad);
    fn(dst, src.data(), ld, valid, kc, w);
    for (int i = 0; i < kPad; ++i) {
        ASSERT_EQ(out[static_cast<size_t>(i)], kGuard) << isa << " " << what << " wrote before the sliver";
        ASSERT_EQ(out[out.size() - 1 - static_cast<size_t>(i)], kGuard)
            << isa << " " << what << " wrote past the sliver: w=" << w << " valid=" << valid << " kc=" << kc;
    }
    for (int64_t p = 0; p < kc; ++p) {
        for (int r = 0; r < w; ++r) {
            float want = 0.0f;
            if (r < valid) want = widen(src[static_cast<size_t>(lines ? r * ld + p : p * ld + r)]);
            uint32_t got_bits, want_bits;
            std::memcpy(&got_bits, dst + p * w + r, 4);
            std::memcpy(&want_bits, &want, 4);
            ASSERT_EQ(got_bits, want_bits) << isa << " " << what << " w=" << w << " valid=" << valid
                                           << " kc=" << kc << " ld=" << ld << ": element (p=" << p
                                           << ", lane " << r << ")";
        }
    }
}

template <class S>
void check_packers(const char* isa, const char* dtype, const bk_cpu::GemmPackers<S, float>& pk) {
    std::mt19937 gen(11);
    // The kernels' widths (scalar 4/8, AVX2 6/16, AVX-512 8/32) and others
    // that leave a partial group of 8 lanes.
    for (int w : {1, 4, 5, 6, 8, 12, 16, 19, 32}) {
        for (int valid : {0, 1, w / 2, w - 1, w}) {
            if (valid < 0) continue;
            // Depths below, at and past one 8 x 8 block, and a full KC slice plus a tail.
            for (int64_t kc : {1, 7, 8, 9, 16, 31, 257}) {
                for (int64_t extra : {0, 3}) {  // padded leading dimension
                    const std::string l = std::string(dtype) + " lines";
                    const std::string a = std::string(dtype) + " across";
                    if (pk.lines)
                        check_pack<S>(isa, l.c_str(), pk.lines, true, w, valid, kc, kc + extra, gen);
                    if (pk.across)
                        check_pack<S>(isa, a.c_str(), pk.across, false, w, valid, kc, w + extra, gen);
                    if (::testing::Test::HasFatalFailure()) return;
                }
            }
        }
    }
}

std::vector<const bk_cpu::GemmKernelSet*> runnable_sets() {
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    std::vector<const bk_cpu::GemmKernelSet*> sets = {bk_cpu::gemm_kernels_scalar()};
    if (isa.avx2 && isa.fma && isa.f16c && bk_cpu::gemm_kernels_avx2()) sets.push_back(bk_cpu::gemm_kernels_avx2());
    if (isa.avx512f && bk_cpu::gemm_kernels_avx512()) sets.push_back(bk_cpu::gemm_kernels_avx512());
    return sets;
}

}  // namespace

TEST(CpuGemmPack, EveryRunnablePackerMatchesTheLayoutBitForBit) {
    for (const auto* ks : runnable_sets()) {
        check_packers<float>(ks->isa, "f32", ks->pack_f32);
        check_packers<uint16_t>(ks->isa, "bf16", ks->pack_bf16);
        check_packers<bk_cpu::f16>(ks->isa, "f16", ks->pack_f16);
        if (HasFatalFailure()) return;
    }
}

TEST(CpuGemmPack, VectorIsasHavePackersForF32Bf16AndF16) {
    // A set that lost its packers would still be correct, just slow again:
    // this is the check that the vector routines are the ones in use.
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    if (!(isa.avx2 && isa.fma && isa.f16c) || !bk_cpu::gemm_kernels_avx2()) GTEST_SKIP() << "no AVX2 + FMA + F16C";
    const bk_cpu::GemmKernelSet* ks = bk_cpu::gemm_kernels_avx2();
    EXPECT_TRUE(ks->pack_f32.lines && ks->pack_f32.across);
    EXPECT_TRUE(ks->pack_bf16.lines && ks->pack_bf16.across);
    EXPECT_TRUE(ks->pack_f16.lines && ks->pack_f16.across);
    if (isa.avx512f && bk_cpu::gemm_kernels_avx512()) {
        const bk_cpu::GemmKernelSet* k5 = bk_cpu::gemm_kernels_avx512();
        EXPECT_TRUE(k5->pack_f32.lines && k5->pack_f32.across);
        EXPECT_TRUE(k5->pack_bf16.lines && k5->pack_bf16.across);
        EXPECT_TRUE(k5->pack_f16.lines && k5->pack_f16.across);
    }
}

// ---------------------------------------------------------------------------
// Whole GEMMs through the ABI.

namespace {

uint16_t to_bf16(float f) {  // truncation: the value is then exact in bf16
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>(u >> 16);
}

enum class Type { f32, bf16, f16, f64 };
const char* name(Type t) {
    return t == Type::f32 ? "f32" : t == Type::bf16 ? "bf16" : t == Type::f16 ? "f16" : "f64";
}

// One GEMM on the portable path, every element of C checked against a
// double-precision product of the same (rounded) inputs, and C's padding
// columns checked untouched.
void run_gemm(Type t, int64_t m, int64_t n, int64_t k, bool ta, bool tb, int64_t pad, double alpha,
              double beta) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    const uint32_t in = t == Type::f32 ? BK_F32 : t == Type::bf16 ? BK_BF16 : t == Type::f16 ? BK_F16 : BK_F64;
    const uint32_t out = t == Type::f64 ? BK_F64 : BK_F32;
    const bk_op_desc op = gemm_desc(BK_PATH_PORTABLE, in, in, out, m, n, k, ta, tb, pad, alpha, beta);
    const bk_gemm_op& g = op.u.gemm;
    ASSERT_EQ(be.t->supports(be.dev, &op), BK_OK) << cpu_test::last_error();

    const size_t a_count = static_cast<size_t>((ta ? k : m) * g.lda);
    const size_t b_count = static_cast<size_t>((tb ? n : k) * g.ldb);
    const size_t c_count = static_cast<size_t>(m * g.ldc);
    std::mt19937 gen(static_cast<unsigned>(m * 7919 + n * 104729 + k * 31 + ta * 2 + tb + pad * 5));
    std::uniform_real_distribution<double> d(-1.0, 1.0);
    std::vector<double> av(a_count), bv(b_count), cv(c_count);
    for (auto& x : av) x = d(gen);
    for (auto& x : bv) x = d(gen);
    for (auto& x : cv) x = d(gen);

    // Round the inputs to the operand type; the reference uses the rounded values.
    std::vector<unsigned char> ab, bb, cb;
    auto store = [&](std::vector<double>& v, uint32_t dt, std::vector<unsigned char>& bytes) {
        const size_t es = dt == BK_F64 ? 8 : dt == BK_F32 ? 4 : 2;
        bytes.resize(v.size() * es);
        for (size_t i = 0; i < v.size(); ++i) {
            if (dt == BK_F64) {
                std::memcpy(&bytes[i * 8], &v[i], 8);
            } else if (dt == BK_F32) {
                const float f = static_cast<float>(v[i]);
                v[i] = f;
                std::memcpy(&bytes[i * 4], &f, 4);
            } else if (dt == BK_F16) {
                const uint16_t h = f16_ref::round(v[i]);
                v[i] = f16_ref::to_float(h);
                std::memcpy(&bytes[i * 2], &h, 2);
            } else {
                const uint16_t h = to_bf16(static_cast<float>(v[i]));
                v[i] = bf16_to_float(h);
                std::memcpy(&bytes[i * 2], &h, 2);
            }
        }
    };
    store(av, in, ab);
    store(bv, in, bb);
    store(cv, out, cb);
    Buf bufa(ab), bufb(bb), bufc(cb);
    ASSERT_TRUE(bufa.ok() && bufb.ok() && bufc.ok());
    bk_buffer* ops[] = {bufa.get(), bufb.get(), bufc.get()};
    ASSERT_EQ(be.t->launch(be.stream, &op, ops, 3), BK_OK) << cpu_test::last_error();
    ASSERT_EQ(be.t->stream_sync(be.stream), BK_OK);
    const auto got = bufc.read<unsigned char>(cb.size());

    const double u = out == BK_F64 ? 0x1p-53 : 0x1p-24;
    int bad = 0;
    for (int64_t i = 0; i < m && bad < 3; ++i) {
        for (int64_t j = 0; j < g.ldc; ++j) {
            const size_t ci = static_cast<size_t>(i * g.ldc + j);
            double v;
            if (out == BK_F64) {
                std::memcpy(&v, &got[ci * 8], 8);
            } else {
                float f;
                std::memcpy(&f, &got[ci * 4], 4);
                v = f;
            }
            if (j >= n) {  // C's padding: not written
                if (v != cv[ci] && bad++ < 3)
                    ADD_FAILURE() << name(t) << " " << m << "x" << n << "x" << k << " ta=" << ta
                                  << " tb=" << tb << " pad=" << pad << ": padding C[" << i << "," << j
                                  << "] was written";
                continue;
            }
            double ref = 0, mag = 0;
            for (int64_t p = 0; p < k; ++p) {
                const double x = av[static_cast<size_t>(ta ? p * g.lda + i : i * g.lda + p)];
                const double y = bv[static_cast<size_t>(tb ? j * g.ldb + p : p * g.ldb + j)];
                ref += x * y;
                mag += std::fabs(x * y);
            }
            ref = alpha * ref + (beta != 0.0 ? beta * cv[ci] : 0.0);
            // Accumulation in the output type over k terms, then alpha and beta.
            const double tol =
                2.0 * static_cast<double>(k + 2) * u * (std::fabs(alpha) * mag + std::fabs(beta * cv[ci])) +
                1e-300;
            if (!(std::fabs(v - ref) <= tol) && bad++ < 3)
                ADD_FAILURE() << name(t) << " " << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb
                              << " pad=" << pad << " alpha=" << alpha << " beta=" << beta << ": C[" << i
                              << "," << j << "] = " << v << ", want " << ref << " +- " << tol;
        }
    }
}

struct Shape {
    int64_t m, n, k;
};

}  // namespace

// Sizes off every multiple that matters: 8 (transpose blocks), 6 and 16
// (AVX2 micro-tile), 4 and 8 (scalar), 8 and 32 (AVX-512), KC = 256 (one
// more and a few more than a slice). m stays above the small-m kernel's 16
// rows (or n*k small) so the blocked kernel runs.
TEST(CpuGemmPack, EdgeShapesEveryTransposeF32Bf16AndF16) {
    const Shape shapes[] = {{17, 1, 1},   {17, 9, 7},    {18, 16, 8},  {23, 15, 9},
                            {31, 33, 257}, {37, 47, 300}, {64, 40, 513}};
    for (Type t : {Type::f32, Type::bf16, Type::f16})
        for (const Shape& s : shapes)
            for (int ta = 0; ta < 2; ++ta)
                for (int tb = 0; tb < 2; ++tb)
                    for (int64_t pad : {0, 5}) {
                        run_gemm(t, s.m, s.n, s.k, ta, tb, pad, 1.0, 0.0);
                        run_gemm(t, s.m, s.n, s.k, ta, tb, pad, -0.75, 0.5);
                        if (HasFailure()) return;
                    }
}

TEST(CpuGemmPack, RowBlocksAndPanelsAreSplitEvenly) {
    // Several row blocks (MC is at most 512 rows; 126 on a 512 KiB L2), an
    // uneven last one, two B panels (NC = 4096 f32 columns at KC = 256),
    // the llm prefill layout (B stored n x k).
    run_gemm(Type::bf16, 128, 96, 520, false, true, 0, 1.0, 0.0);
    run_gemm(Type::f32, 130, 70, 300, false, true, 3, 1.0, 0.0);
    run_gemm(Type::bf16, 521, 33, 40, true, true, 1, 1.0, 0.5);
    run_gemm(Type::f32, 1031, 20, 17, false, false, 0, 2.0, 0.0);
    run_gemm(Type::bf16, 19, 4100, 12, false, true, 2, 1.0, 0.0);
    run_gemm(Type::f32, 19, 4100, 12, true, false, 0, 1.0, -1.0);
    run_gemm(Type::f16, 128, 96, 520, false, true, 0, 1.0, 0.0);
    run_gemm(Type::f16, 521, 33, 40, true, true, 1, 1.0, 0.5);
    run_gemm(Type::f16, 19, 4100, 12, false, false, 2, 1.0, 0.0);
}

TEST(CpuGemmPack, F64KeepsTheScalarPackingCorrect) {
    // f64 has no vector packers: the driver's own loops, on the same shapes.
    const Shape shapes[] = {{17, 9, 7}, {23, 15, 9}, {31, 33, 257}};
    for (const Shape& s : shapes)
        for (int ta = 0; ta < 2; ++ta)
            for (int tb = 0; tb < 2; ++tb) {
                run_gemm(Type::f64, s.m, s.n, s.k, ta, tb, 3, -0.75, 0.5);
                if (HasFailure()) return;
            }
}

// The small-m path (m <= 16, B of at least 2^15 elements; gemm_smallm*.cpp):
// B stored n x k is read as four row streams per thread plus leftover rows,
// so row counts around multiples of 4 and 8 per thread, fewer than four rows
// (no streams at all), depths off 16, and padded leading dimensions. f16
// runs whichever kernel takes it; it must be right on these shapes too.
TEST(CpuGemmPack, SmallMEveryRowSplitAndDepthTail) {
    const Shape shapes[] = {{1, 3, 11000},  {1, 5, 8200},   {3, 9, 4099},    {16, 17, 2048},
                            {2, 1031, 33},  {1, 4100, 15},  {5, 4103, 16},   {16, 130, 300},
                            {7, 65, 1000},  {1, 2050, 2048}};
    for (Type t : {Type::f32, Type::bf16, Type::f16})
        for (const Shape& s : shapes)
            for (bool tb : {true, false}) {
                run_gemm(t, s.m, s.n, s.k, false, tb, 0, 1.0, 0.0);
                run_gemm(t, s.m, s.n, s.k, s.m > 2, tb, 3, -0.75, 0.5);
            }
}
