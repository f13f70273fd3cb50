// The CUDA backend's host-side decisions: launch geometry, the cuBLASLt type
// table, the datasheet peak table, the memory-bandwidth formula, NVML loading
// when the library is absent or wrong, transfer direction.
#include "cuda_host.h"
#include "cuda_nvml.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace bakeoff::cuda;

TEST(StreamGeometry, VectorsAndTailCoverEveryElement) {
    for (int64_t n : {int64_t(0), int64_t(1), int64_t(3), int64_t(4), int64_t(7), int64_t(4097), int64_t(1) << 24,
                      (int64_t(1) << 24) + 3}) {
        for (size_t es : {size_t(4), size_t(8)}) {
            const StreamGeometry g = stream_geometry(n, es, 132, 8);
            EXPECT_EQ(g.vec_width, int(16 / es));
            EXPECT_EQ(g.vectors * g.vec_width + g.tail, n) << n;
            EXPECT_LT(g.tail, g.vec_width);
            EXPECT_GE(g.blocks, 1u);
            EXPECT_LE(g.blocks, kMaxDotPartials);
        }
    }
}

TEST(StreamGeometry, SmallArraysGetOnlyTheBlocksTheyNeed) {
    const StreamGeometry g = stream_geometry(1000, 4, 132, 8, 256);
    EXPECT_EQ(g.vectors, 250);
    EXPECT_EQ(g.blocks, 1u);
    const StreamGeometry h = stream_geometry(4 * 256 * 10, 4, 132, 8, 256);
    EXPECT_EQ(h.blocks, 10u);
}

TEST(StreamGeometry, LargeArraysKeepWavesOfBlocksPerSmInFlight) {
    const StreamGeometry g = stream_geometry(int64_t(1) << 28, 8, 100, 8, 256, 4);
    EXPECT_EQ(g.blocks, 100u * 8u * 4u);
    // More SMs than the partial buffer holds: capped.
    const StreamGeometry h = stream_geometry(int64_t(1) << 28, 8, 1000, 8, 256, 4);
    EXPECT_EQ(h.blocks, kMaxDotPartials);
}

TEST(GemmGrid, TilesCoverTheMatrix) {
    const GemmGrid g = gemm_grid(65, 129, 64, 64);
    EXPECT_EQ(g.x, 3u);  // columns
    EXPECT_EQ(g.y, 2u);  // rows
    const GemmGrid e = gemm_grid(0, 0, 64, 64);
    EXPECT_EQ(e.x, 1u);
    EXPECT_EQ(e.y, 1u);
}

TEST(LtTypes, EachBakeoffGemmMapsToTheDocumentedCublasLtTypes) {
    struct Want {
        bk_dtype in, out;
        const char *a, *c, *compute, *scale;
        int min_cc;
        bool tn;
    };
    // cuBLASLt's table of supported type combinations (cublasLtMatmul).
    const Want wants[] = {
        {BK_F64, BK_F64, "CUDA_R_64F", "CUDA_R_64F", "CUBLAS_COMPUTE_64F", "CUDA_R_64F", 0, false},
        {BK_F32, BK_F32, "CUDA_R_32F", "CUDA_R_32F", "CUBLAS_COMPUTE_32F", "CUDA_R_32F", 0, false},
        {BK_TF32, BK_F32, "CUDA_R_32F", "CUDA_R_32F", "CUBLAS_COMPUTE_32F_FAST_TF32", "CUDA_R_32F", 80, false},
        {BK_BF16, BK_F32, "CUDA_R_16BF", "CUDA_R_32F", "CUBLAS_COMPUTE_32F", "CUDA_R_32F", 80, false},
        {BK_F16, BK_F32, "CUDA_R_16F", "CUDA_R_32F", "CUBLAS_COMPUTE_32F", "CUDA_R_32F", 0, false},
        {BK_F8_E4M3, BK_BF16, "CUDA_R_8F_E4M3", "CUDA_R_16BF", "CUBLAS_COMPUTE_32F", "CUDA_R_32F", 89, true},
        {BK_F8_E4M3, BK_F32, "CUDA_R_8F_E4M3", "CUDA_R_32F", "CUBLAS_COMPUTE_32F", "CUDA_R_32F", 89, true},
        {BK_I8, BK_I32, "CUDA_R_8I", "CUDA_R_32I", "CUBLAS_COMPUTE_32I", "CUDA_R_32I", 0, true},
    };
    for (const Want& w : wants) {
        LtTypes t;
        std::string why;
        ASSERT_TRUE(lt_types(w.in, w.out, &t, &why)) << why;
        EXPECT_STREQ(lt_type_name(t.a), w.a);
        EXPECT_STREQ(lt_type_name(t.b), w.a);
        EXPECT_STREQ(lt_type_name(t.c), w.c);
        EXPECT_STREQ(lt_compute_name(t.compute), w.compute);
        EXPECT_STREQ(lt_type_name(t.scale), w.scale);
        EXPECT_EQ(t.min_cc, w.min_cc);
        EXPECT_EQ(t.tn_only, w.tn);
        EXPECT_EQ(t.scale_pointers, w.in == BK_F8_E4M3);
    }
}

TEST(LtTypes, CombinationsCublasLtLacksAreRefusedWithAReason) {
    LtTypes t;
    std::string why;
    EXPECT_FALSE(lt_types(BK_I8, BK_F32, &t, &why));
    EXPECT_NE(why.find("i8"), std::string::npos);
    EXPECT_FALSE(lt_types(BK_F64, BK_F32, &t, &why));
    EXPECT_FALSE(lt_types(BK_U8, BK_I32, &t, &why));
}

TEST(Peaks, KnownDevicesGetTheirDatasheetRow) {
    const Peaks h100 = datasheet_peaks(9, 0, 132, "NVIDIA H100 80GB HBM3");
    ASSERT_TRUE(h100.known);
    EXPECT_DOUBLE_EQ(h100.gflops[BK_BF16], 989.4e3);
    EXPECT_DOUBLE_EQ(h100.gflops[BK_F64], 67e3);
    EXPECT_GT(h100.gflops[BK_F8_E4M3], h100.gflops[BK_BF16]);
    EXPECT_NE(h100.basis.find("H100 SXM5"), std::string::npos);

    const Peaks pcie = datasheet_peaks(9, 0, 114, "NVIDIA H100 PCIe");
    ASSERT_TRUE(pcie.known);
    EXPECT_DOUBLE_EQ(pcie.gflops[BK_BF16], 756e3);

    const Peaks a100 = datasheet_peaks(8, 0, 108, "NVIDIA A100-SXM4-80GB");
    ASSERT_TRUE(a100.known);
    EXPECT_DOUBLE_EQ(a100.gflops[BK_BF16], 312e3);
    EXPECT_EQ(a100.gflops[BK_F8_E4M3], 0);  // no fp8 on Ampere
}

TEST(Peaks, NamesMatchWholeWordsNotPrefixes) {
    // "H20" must not match "H200", nor "L4" "L40S".
    const Peaks h200 = datasheet_peaks(9, 0, 132, "NVIDIA H200");
    ASSERT_TRUE(h200.known);
    EXPECT_NE(h200.basis.find("H200"), std::string::npos);
    EXPECT_DOUBLE_EQ(h200.gflops[BK_BF16], 989.4e3);
    const Peaks h20 = datasheet_peaks(9, 0, 78, "NVIDIA H20");
    ASSERT_TRUE(h20.known);
    EXPECT_DOUBLE_EQ(h20.gflops[BK_BF16], 148e3);
    const Peaks l40s = datasheet_peaks(8, 9, 142, "NVIDIA L40S");
    EXPECT_NE(l40s.basis.find("L40S"), std::string::npos);
}

TEST(Peaks, UnknownDevicesGetZerosAndSaySo) {
    const Peaks p = datasheet_peaks(8, 6, 84, "NVIDIA GeForce RTX 3090");
    EXPECT_FALSE(p.known);
    for (double v : p.gflops) EXPECT_EQ(v, 0);
    EXPECT_NE(p.basis.find("no datasheet entry"), std::string::npos);
    // The right name on the wrong architecture is not a match either.
    EXPECT_FALSE(datasheet_peaks(8, 0, 132, "NVIDIA H100 80GB HBM3").known);
}

TEST(Peaks, MemoryBandwidthIsDoubleDataRateTimesBusBytes) {
    // 1 GHz x 2 transfers x 64 bytes = 128 GB/s.
    EXPECT_DOUBLE_EQ(memory_peak_gbs(1'000'000, 512), 128.0);
    EXPECT_EQ(memory_peak_gbs(0, 5120), 0);
    EXPECT_EQ(memory_peak_gbs(2'619'000, 0), 0);
}

TEST(Nvml, AbsentLibraryIsUnavailableWithTheReason) {
    const NvmlApi api = load_nvml("libbakeoff-no-such-nvml.so.1");
    EXPECT_FALSE(api.usable());
    EXPECT_NE(api.unavailable.find("cannot load libbakeoff-no-such-nvml.so.1"), std::string::npos) << api.unavailable;
    EXPECT_EQ(api.init, nullptr);
}

TEST(Nvml, ALibraryWithoutNvmlSymbolsIsUnavailable) {
    const NvmlApi api = load_nvml("libm.so.6");
    EXPECT_FALSE(api.usable());
    EXPECT_NE(api.unavailable.find("has no nvmlInit_v2"), std::string::npos) << api.unavailable;
}

TEST(Misc, CudaVersionsReadAsMajorDotMinor) {
    EXPECT_EQ(cuda_version_string(12040), "12.4");
    EXPECT_EQ(cuda_version_string(13000), "13.0");
    EXPECT_EQ(cuda_version_string(0), "unknown");
}

TEST(Misc, TransferDirectionComesFromWhichSideIsHost) {
    std::string why;
    EXPECT_EQ(transfer_direction(true, false, &why), "h2d");
    EXPECT_EQ(transfer_direction(false, true, &why), "d2h");
    EXPECT_EQ(transfer_direction(false, false, &why), "");
    EXPECT_NE(why.find("host_buffer_alloc"), std::string::npos);
    EXPECT_EQ(transfer_direction(true, true, &why), "");
    EXPECT_NE(why.find("both operands are host"), std::string::npos);
}
