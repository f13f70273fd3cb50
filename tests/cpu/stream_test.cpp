// Stream ops through the ABI (exact against a host reference, dot within a
// bound), every compiled kernel variant this CPU can run (directly, with and
// without non-temporal stores, at odd offsets), and the error paths.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu_internal.h"
#include "cpu_test_util.h"
#include "stream_kernels.h"

using cpu_test::Backend;
using cpu_test::Buf;
using cpu_test::stream_desc;

namespace {

template <class T>
std::vector<T> random_vector(size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(dist(gen));
    return v;
}

template <class T>
T reference(uint32_t kind, T a, T b, T s) {
    switch (kind) {
        case BK_OP_COPY: return a;
        case BK_OP_SCALE: return s * a;
        case BK_OP_ADD: return a + b;
        default: return a + s * b;
    }
}

template <class T>
constexpr uint32_t dtype_of() {
    return sizeof(T) == 8 ? BK_F64 : BK_F32;
}

template <class T>
void check_elementwise(uint32_t kind, int64_t n) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const double scalar = 0.37;
    const auto x = random_vector<T>(static_cast<size_t>(n), 1u + static_cast<unsigned>(n));
    const auto y = random_vector<T>(static_cast<size_t>(n), 2u + static_cast<unsigned>(n));
    Buf in0(x), in1(y), out(static_cast<uint64_t>(n) * sizeof(T));
    ASSERT_TRUE(in0.ok() && in1.ok() && out.ok());
    out.poison(static_cast<uint64_t>(n) * sizeof(T));
    const bk_op_desc op = stream_desc(kind, dtype_of<T>(), n, scalar);
    ASSERT_EQ(b.t->supports(b.dev, &op), BK_OK) << cpu_test::last_error();
    const bool two = kind != BK_OP_COPY && kind != BK_OP_SCALE;
    bk_buffer* ops3[] = {in0.get(), in1.get(), out.get()};
    bk_buffer* ops2[] = {in0.get(), out.get()};
    ASSERT_EQ(b.t->launch(b.stream, &op, two ? ops3 : ops2, two ? 3 : 2), BK_OK)
        << cpu_test::last_error();
    ASSERT_EQ(b.t->stream_sync(b.stream), BK_OK);
    const auto got = out.read<T>(static_cast<size_t>(n));
    const T s = static_cast<T>(scalar);
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < n; ++i) {
        const T want = reference<T>(kind, x[static_cast<size_t>(i)], y[static_cast<size_t>(i)], s);
        if (std::memcmp(&want, &got[static_cast<size_t>(i)], sizeof(T)) != 0) {
            if (first < 0) first = i;
            ++bad;
        }
    }
    EXPECT_EQ(bad, 0) << "first mismatch at " << first << " of " << n;
}

template <class T>
void check_dot(int64_t n, uint32_t out_dtype) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const auto x = random_vector<T>(static_cast<size_t>(n), 3u + static_cast<unsigned>(n));
    const auto y = random_vector<T>(static_cast<size_t>(n), 4u + static_cast<unsigned>(n));
    Buf in0(x), in1(y), out(8);
    ASSERT_TRUE(in0.ok() && in1.ok() && out.ok());
    out.poison(8);
    bk_op_desc op = stream_desc(BK_OP_DOT, dtype_of<T>(), n, 0);
    op.dtype_c = out_dtype;
    ASSERT_EQ(b.t->supports(b.dev, &op), BK_OK) << cpu_test::last_error();
    bk_buffer* ops[] = {in0.get(), in1.get(), out.get()};
    ASSERT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_OK) << cpu_test::last_error();
    double ref = 0, mag = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        ref += static_cast<double>(x[i]) * static_cast<double>(y[i]);
        mag += std::fabs(static_cast<double>(x[i]) * static_cast<double>(y[i]));
    }
    double got = 0;
    double tol = 0;
    if (out_dtype == BK_F64) {
        got = out.read<double>(1)[0];
        tol = (sizeof(T) == 8 ? 1e-13 : 2e-5) * mag;
    } else {
        got = static_cast<double>(out.read<float>(1)[0]);
        tol = 2e-5 * mag + 6e-8 * std::fabs(ref);
    }
    EXPECT_NEAR(got, ref, tol + 1e-300) << "n=" << n;
}

const uint32_t kElementwise[] = {BK_OP_COPY, BK_OP_SCALE, BK_OP_ADD, BK_OP_TRIAD};
const int64_t kSizes[] = {1, 7, 1000003};

}  // namespace

TEST(CpuStream, ElementwiseF64MatchesHostExactly) {
    for (uint32_t kind : kElementwise)
        for (int64_t n : kSizes) {
            SCOPED_TRACE(std::string(bk_cpu::kind_name(kind)) + " n=" + std::to_string(n));
            check_elementwise<double>(kind, n);
        }
}

TEST(CpuStream, ElementwiseF32MatchesHostExactly) {
    for (uint32_t kind : kElementwise)
        for (int64_t n : kSizes) {
            SCOPED_TRACE(std::string(bk_cpu::kind_name(kind)) + " n=" + std::to_string(n));
            check_elementwise<float>(kind, n);
        }
}

TEST(CpuStream, DotWithinTolerance) {
    for (int64_t n : kSizes) {
        check_dot<double>(n, BK_F64);
        check_dot<float>(n, BK_F32);
        check_dot<float>(n, BK_F64);
    }
}

TEST(CpuStream, OpInfoNamesKernelAndStores) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    char info[512];
    bk_op_desc small = stream_desc(BK_OP_TRIAD, BK_F64, 1000, 2.0);
    ASSERT_EQ(b.t->op_info(b.dev, &small, info, sizeof info), BK_OK) << cpu_test::last_error();
    std::string s = info;
    EXPECT_NE(s.find(bk_cpu::kernel_isa_name(bk_cpu::kernel_isa())), std::string::npos) << s;
    EXPECT_NE(s.find("threads"), std::string::npos) << s;
    if (!std::getenv("BAKEOFF_CPU_NT_STORES")) {
        EXPECT_NE(s.find("regular stores"), std::string::npos) << s;
    }
    // An output as large as the LLC streams (when that is affordable here).
    const uint64_t llc = b.props.last_level_cache_bytes;
    if (llc > 0 && llc <= (256ull << 20) && bk_cpu::kernel_isa() != bk_cpu::KernelIsa::scalar &&
        !std::getenv("BAKEOFF_CPU_NT_STORES")) {
        bk_op_desc big = stream_desc(BK_OP_TRIAD, BK_F64, static_cast<int64_t>(llc / 8), 2.0);
        ASSERT_EQ(b.t->op_info(b.dev, &big, info, sizeof info), BK_OK);
        EXPECT_NE(std::string(info).find("non-temporal"), std::string::npos) << info;
    }
    // A short buffer truncates, still NUL-terminated.
    char tiny[8];
    ASSERT_EQ(b.t->op_info(b.dev, &small, tiny, sizeof tiny), BK_OK);
    EXPECT_EQ(std::strlen(tiny), sizeof tiny - 1);
}

TEST(CpuStream, LargeStreamingTriadIsExact) {
    // Big enough to take the non-temporal path where the LLC is modest.
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const uint64_t llc = b.props.last_level_cache_bytes;
    if (llc == 0 || llc > (64ull << 20)) GTEST_SKIP() << "LLC too large to stream past cheaply";
    check_elementwise<double>(BK_OP_TRIAD, static_cast<int64_t>(llc / 8) + 1001);
}

TEST(CpuStream, VendorPathAndOtherTypesAreUnsupported) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    bk_op_desc op = stream_desc(BK_OP_COPY, BK_F64, 100, 0, BK_PATH_VENDOR);
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    EXPECT_NE(cpu_test::last_error().find("no vendor library"), std::string::npos);
    for (uint32_t dt : {uint32_t(BK_BF16), uint32_t(BK_I8), uint32_t(BK_F16), uint32_t(77)}) {
        op = stream_desc(BK_OP_TRIAD, dt, 100, 1.0);
        EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED) << dt;
        EXPECT_GT(cpu_test::last_error().size(), 0u);
    }
    op = stream_desc(BK_OP_ADD, BK_F64, 100, 1.0);
    op.dtype_b = BK_F32;
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    op = stream_desc(BK_OP_DOT, BK_F64, 100, 1.0);
    op.dtype_c = BK_F32;
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    op = stream_desc(99, BK_F64, 100, 1.0);
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    EXPECT_GT(cpu_test::last_error().size(), 0u);
    op = stream_desc(BK_OP_COPY, BK_F64, 100, 1.0);
    op.path = 9;
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    // launch agrees with supports.
    Buf a(800), c(800);
    bk_buffer* ops[] = {a.get(), c.get()};
    op = stream_desc(BK_OP_COPY, BK_F64, 100, 0, BK_PATH_VENDOR);
    EXPECT_EQ(b.t->launch(b.stream, &op, ops, 2), BK_UNSUPPORTED);
}

TEST(CpuStream, BadDescriptorsAreRejected) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    Buf a(800), c(800), small(799);
    ASSERT_TRUE(a.ok() && c.ok() && small.ok());
    bk_buffer* ops[] = {a.get(), c.get()};
    bk_op_desc op = stream_desc(BK_OP_COPY, BK_F64, 100, 0);
    EXPECT_EQ(b.t->launch(b.stream, nullptr, ops, 2), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->supports(b.dev, nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->launch(nullptr, &op, ops, 2), BK_INVALID_ARGUMENT);
    for (int64_t n : {int64_t(0), int64_t(-5)}) {
        bk_op_desc bad = stream_desc(BK_OP_COPY, BK_F64, n, 0);
        EXPECT_EQ(b.t->supports(b.dev, &bad), BK_INVALID_ARGUMENT) << n;
        EXPECT_EQ(b.t->launch(b.stream, &bad, ops, 2), BK_INVALID_ARGUMENT) << n;
    }
    bk_op_desc tiny = op;
    tiny.struct_size = 8;
    EXPECT_EQ(b.t->supports(b.dev, &tiny), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->launch(b.stream, &op, nullptr, 2), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->launch(b.stream, &op, ops, 1), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->launch(b.stream, &op, ops, 3), BK_INVALID_ARGUMENT);
    bk_buffer* with_null[] = {a.get(), nullptr};
    EXPECT_EQ(b.t->launch(b.stream, &op, with_null, 2), BK_INVALID_ARGUMENT);
    bk_buffer* too_small[] = {a.get(), small.get()};
    EXPECT_EQ(b.t->launch(b.stream, &op, too_small, 2), BK_INVALID_ARGUMENT);
    EXPECT_NE(cpu_test::last_error().find("out"), std::string::npos) << cpu_test::last_error();
    // Something that is not one of the backend's buffers.
    alignas(64) unsigned char junk[256] = {};
    bk_buffer* foreign[] = {a.get(), reinterpret_cast<bk_buffer*>(junk)};
    EXPECT_EQ(b.t->launch(b.stream, &op, foreign, 2), BK_INVALID_ARGUMENT);
    bk_op_desc dot = stream_desc(BK_OP_DOT, BK_F64, 100, 0);
    bk_buffer* dot_ops[] = {a.get(), c.get(), nullptr};
    EXPECT_EQ(b.t->launch(b.stream, &dot, dot_ops, 3), BK_INVALID_ARGUMENT);
}

// ---------------------------------------------------------------------------
// Every compiled kernel variant this CPU can run, called directly.

namespace {

std::vector<const bk_cpu::StreamKernelSet*> runnable_sets() {
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    std::vector<const bk_cpu::StreamKernelSet*> sets = {bk_cpu::stream_kernels_scalar()};
    if (isa.avx2 && bk_cpu::stream_kernels_avx2()) sets.push_back(bk_cpu::stream_kernels_avx2());
    if (isa.avx512f && bk_cpu::stream_kernels_avx512())
        sets.push_back(bk_cpu::stream_kernels_avx512());
    return sets;
}

template <class T>
void check_set(const bk_cpu::StreamKernelSet& ks, bk_cpu::StreamFn<T> const* fns,
               bk_cpu::DotFn<T> dot) {
    const T s = static_cast<T>(-1.25);
    for (int64_t n : {0, 1, 3, 17, 100, 1003, 5000}) {
        for (int offset : {0, 1, 3}) {
            for (bool nt : {false, true}) {
                const auto x = random_vector<T>(static_cast<size_t>(n + offset), 11);
                const auto y = random_vector<T>(static_cast<size_t>(n + offset), 12);
                for (int op = 0; op < 4; ++op) {
                    std::vector<T> out(static_cast<size_t>(n + offset + 1), T(-7));
                    fns[op](x.data() + offset, y.data() + offset, out.data() + offset, n, s, nt);
                    const uint32_t kind = static_cast<uint32_t>(BK_OP_COPY + op);
                    for (int64_t i = 0; i < n; ++i) {
                        const size_t j = static_cast<size_t>(i + offset);
                        const T want = reference<T>(kind, x[j], y[j], s);
                        ASSERT_EQ(std::memcmp(&want, &out[j], sizeof(T)), 0)
                            << ks.isa << " op " << op << " n=" << n << " offset=" << offset
                            << " nt=" << nt << " i=" << i;
                    }
                    for (int i = 0; i < offset; ++i) ASSERT_EQ(out[static_cast<size_t>(i)], T(-7));
                    ASSERT_EQ(out.back(), T(-7)) << "wrote past the end";
                }
                double ref = 0, mag = 0;
                for (int64_t i = 0; i < n; ++i) {
                    const size_t j = static_cast<size_t>(i + offset);
                    ref += static_cast<double>(x[j]) * static_cast<double>(y[j]);
                    mag += std::fabs(static_cast<double>(x[j]) * static_cast<double>(y[j]));
                }
                EXPECT_NEAR(dot(x.data() + offset, y.data() + offset, n), ref,
                            (sizeof(T) == 8 ? 1e-13 : 2e-5) * mag + 1e-300)
                    << ks.isa << " n=" << n;
            }
        }
    }
}

}  // namespace

TEST(CpuStreamKernels, EveryRunnableVariantIsExact) {
    const auto sets = runnable_sets();
    ASSERT_FALSE(sets.empty());
    for (const auto* ks : sets) {
        SCOPED_TRACE(ks->isa);
        check_set<double>(*ks, ks->f64, ks->dot_f64);
        check_set<float>(*ks, ks->f32, ks->dot_f32);
    }
}

TEST(CpuStreamKernels, DispatchPicksTheBestRunnableVariant) {
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    const char* want = isa.avx512f ? "avx512" : (isa.avx2 && isa.fma ? "avx2" : "scalar");
    if (std::getenv("BAKEOFF_CPU_ISA")) GTEST_SKIP() << "capped by BAKEOFF_CPU_ISA";
    EXPECT_STREQ(bk_cpu::kernel_isa_name(bk_cpu::kernel_isa()), want);
}
