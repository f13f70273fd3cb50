// Library fallback detection and the vendor-library choice, on faked library
// reports and faked CPUs: a core name below the CPU's ISA must give the
// warning with the fixing setting, and the choice must follow the documented
// rule (backends/cpu/vendor_choice.h) for every combination of fallbacks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cpu_test_util.h"
#include "lib_fallback.h"
#include "vendor_choice.h"

namespace {

using namespace bk_cpu;

// A CPU with AVX2 and FMA, and with AVX-512 (BF16, VNNI, FP16) when asked.
CpuIsa fake_cpu(const char* vendor, const char* microarch, unsigned family, unsigned model, bool avx512) {
    CpuIsa c;
    c.vendor = vendor;
    c.microarch = microarch;
    c.family = family;
    c.model = model;
    c.sse42 = c.avx = c.avx2 = c.fma = c.f16c = true;
    c.avx512f = c.avx512dq = c.avx512bw = c.avx512vl = avx512;
    c.avx512_vnni = c.avx512_bf16 = c.avx512_fp16 = avx512;
    return c;
}

CpuIsa emerald_rapids() { return fake_cpu("Intel", "Emerald Rapids", 6, 207, true); }
CpuIsa zen3() { return fake_cpu("AMD", "Zen 3", 25, 1, false); }

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(LibFallback, OpenBlasCoreBelowTheCpuSaysWhatWhyAndTheFix) {
    const std::string w = openblas_fallback("Prescott", emerald_rapids(), nullptr);
    EXPECT_TRUE(has(w, "Prescott")) << w;
    EXPECT_TRUE(has(w, "SSE")) << w;
    EXPECT_TRUE(has(w, "AVX-512 CPU")) << w;
    EXPECT_TRUE(has(w, "does not recognise")) << w;
    EXPECT_TRUE(has(w, "library's CPU detection, not the machine")) << w;
    EXPECT_TRUE(has(w, "OPENBLAS_CORETYPE=SapphireRapids")) << w;
    // On an AVX2 AMD CPU the fix names an AVX2 core.
    EXPECT_TRUE(has(openblas_fallback("Prescott", zen3(), nullptr), "OPENBLAS_CORETYPE=Zen"));
}

TEST(LibFallback, OpenBlasCoreAtTheCpuLevelIsNoFallback) {
    EXPECT_EQ(openblas_fallback("SkylakeX", emerald_rapids(), nullptr), "");
    EXPECT_EQ(openblas_fallback("Cooperlake", emerald_rapids(), nullptr), "");
    EXPECT_EQ(openblas_fallback("Zen", zen3(), nullptr), "");
    EXPECT_EQ(openblas_fallback("Haswell", zen3(), nullptr), "");
}

TEST(LibFallback, AForcedCoreNamesTheSettingToUnset) {
    const std::string w = openblas_fallback("Haswell", emerald_rapids(), "Haswell");
    EXPECT_TRUE(has(w, "OPENBLAS_CORETYPE=Haswell forces")) << w;
    EXPECT_TRUE(has(w, "unset OPENBLAS_CORETYPE")) << w;
    EXPECT_TRUE(has(w, "AVX2")) << w;
}

TEST(LibFallback, OneDnnKernelBelowTheCpuForItsType) {
    const CpuIsa c = emerald_rapids();
    const std::string w = onednn_fallback("brg:avx512_core", BK_BF16, c, nullptr);
    EXPECT_TRUE(has(w, "brg:avx512_core")) << w;
    EXPECT_TRUE(has(w, "AVX-512 with BF16")) << w;
    EXPECT_TRUE(has(w, "not the machine")) << w;
    EXPECT_TRUE(has(onednn_fallback("gemm:jit at ISA avx2", BK_F32, c, "AVX2"), "ONEDNN_MAX_CPU_ISA=AVX2"));
    // The same kernel is no fallback for fp32, nor on a CPU without BF16.
    EXPECT_EQ(onednn_fallback("brg:avx512_core", BK_F32, c, nullptr), "");
    EXPECT_EQ(onednn_fallback("brg:avx512_core_amx_bf16", BK_BF16, c, nullptr), "");
    EXPECT_EQ(onednn_fallback("brg:avx2", BK_BF16, zen3(), nullptr), "");
    EXPECT_NE(onednn_fallback("brg:avx512_core", BK_I8, c, nullptr), "");
}

TEST(LibFallback, TheBackendWarnsForTheLibraryItRuns) {
    // Whatever this machine's OpenBLAS chose, the fp64 vendor GEMM's op_info
    // carries the warning exactly when the detection says it falls back.
    cpu_test::Backend& b = cpu_test::Backend::get();
    ASSERT_TRUE(b.ready());
    char info[2048];
    bk_op_desc op = cpu_test::gemm_desc(BK_PATH_VENDOR, BK_F64, BK_F64, BK_F64, 8, 8, 8, false, false, 0, 1, 0);
    ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK);
    const std::string note = openblas_core_note();
    EXPECT_EQ(has(info, "\nwarning: "), !note.empty()) << info;
    if (!note.empty()) {
        EXPECT_TRUE(has(info, note)) << info;
    }
    EXPECT_TRUE(has(info, "\nlibrary: OpenBLAS")) << info;
}

LibCandidate openblas(std::string fallback = "", std::string unsupported = "") {
    return {"OpenBLAS", "", std::move(unsupported), std::move(fallback)};
}
LibCandidate onednn(std::string fallback = "", std::string unsupported = "") {
    return {"oneDNN", "Intel", std::move(unsupported), std::move(fallback)};
}

TEST(VendorChoice, EveryCombinationOfFallbacksFollowsTheRule) {
    struct Row {
        bool blas_falls, dnn_falls;
        const char* cpu;
        int want;  // 0 OpenBLAS, 1 oneDNN
        const char* why;
    };
    const Row rows[] = {
        // Neither in fallback: the CPU vendor's own, else the default order.
        {false, false, "Intel", 1, "made for Intel CPUs"},
        {false, false, "AMD", 0, "first in the default order"},
        // One in fallback: the other, whoever made the CPU.
        {true, false, "Intel", 1, "not OpenBLAS, which runs below the CPU"},
        {true, false, "AMD", 1, "not OpenBLAS, which runs below the CPU"},
        {false, true, "Intel", 0, "not oneDNN, which runs below the CPU"},
        {false, true, "AMD", 0, "not oneDNN, which runs below the CPU"},
        // Both: as if neither, and it says so.
        {true, true, "Intel", 1, "every library here runs below the CPU"},
        {true, true, "AMD", 0, "every library here runs below the CPU"},
    };
    for (const Row& r : rows) {
        const LibChoice c = choose_library({openblas(r.blas_falls ? "x" : ""), onednn(r.dnn_falls ? "y" : "")}, r.cpu, "");
        EXPECT_EQ(c.index, r.want) << r.blas_falls << r.dnn_falls << r.cpu;
        EXPECT_TRUE(has(c.why, r.why)) << c.why;
    }
}

TEST(VendorChoice, OnlyLibrariesThatRunTheCaseCount) {
    LibChoice c = choose_library({openblas("x"), onednn("", "no f32 matmul")}, "Intel", "");
    EXPECT_EQ(c.index, 0);
    EXPECT_TRUE(has(c.why, "the only one of OpenBLAS, oneDNN")) << c.why;
    c = choose_library({openblas("", "too big"), onednn("", "no kernel")}, "Intel", "");
    EXPECT_EQ(c.index, -1);
    EXPECT_TRUE(has(c.why, "too big") && has(c.why, "no kernel")) << c.why;
}

TEST(VendorChoice, VendorLibForcesOneEvenInFallback) {
    LibChoice c = choose_library({openblas("x"), onednn()}, "Intel", "openblas");
    EXPECT_EQ(c.index, 0);
    EXPECT_TRUE(has(c.why, "--vendor-lib")) << c.why;
    c = choose_library({openblas(), onednn("", "no f64 matmul")}, "AMD", "oneDNN");
    EXPECT_EQ(c.index, -1);
    EXPECT_TRUE(has(c.why, "no f64 matmul")) << c.why;
    c = choose_library({openblas(), onednn()}, "AMD", "mkl");
    EXPECT_EQ(c.index, -1);
    EXPECT_TRUE(has(c.why, "names none")) << c.why;
}

TEST(VendorChoice, TheBackendHonoursBakeoffVendorLib) {
    cpu_test::Backend& b = cpu_test::Backend::get();
    ASSERT_TRUE(b.ready());
    char info[2048];
    bk_op_desc op = cpu_test::gemm_desc(BK_PATH_VENDOR, BK_F32, BK_F32, BK_F32, 64, 64, 64, false, false, 0, 1, 0);
    for (const char* lib : {"OpenBLAS", "oneDNN"}) {
        ::setenv("BAKEOFF_VENDOR_LIB", lib, 1);
        ASSERT_EQ(b.t->op_info(b.dev, &op, info, sizeof info), BK_OK) << lib;
        EXPECT_TRUE(has(info, std::string("\nlibrary: ") + lib + ", forced")) << info;
        EXPECT_TRUE(has(std::string(info).substr(0, 8), lib)) << info;
    }
    ::setenv("BAKEOFF_VENDOR_LIB", "nosuchlib", 1);
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_UNSUPPORTED);
    ::unsetenv("BAKEOFF_VENDOR_LIB");
    EXPECT_EQ(b.t->supports(b.dev, &op), BK_OK);
}

}  // namespace
