// The plugin's supports() and op_info() answers, per compute capability, with
// no GPU: the test hands the plugin's table a device description of its own
// (the plugin's bk_device, filled as device_open would for an H100, an A100 or
// an older GPU). These answers only read the description, never the GPU.
#include "common/op_desc.h"
#include "fake_gpu.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace {

using cudatest::ask;
using cudatest::FakeGpu;
using cudatest::table;

bk_op_desc gemm(bk_dtype in, bk_dtype out, bk_path path, int64_t m, int64_t n, int64_t k) {
    return bktest::gemm_op_desc(path, in, in, out, {m, n, k, k, n, n});
}

bk_op_desc stream(bk_op_kind kind, bk_dtype t, bk_path path, int64_t n) {
    return bktest::stream_op_desc(kind, t, n, 0.4, path);
}

}  // namespace

class Supports : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(table(), nullptr) << "the plugin did not load"; }
    FakeGpu h100{9, 0, 132}, a100{8, 0, 108}, volta{7, 0, 80};
};

TEST_F(Supports, Fp8NeedsAdaOrHopper) {
    const auto op = gemm(BK_F8_E4M3, BK_BF16, BK_PATH_VENDOR, 256, 256, 256);
    EXPECT_EQ(ask(h100, op).first, BK_OK) << ask(h100, op).second;
    const auto [s, why] = ask(a100, op);
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("8.9"), std::string::npos) << why;
    EXPECT_NE(why.find("8.0"), std::string::npos) << why;
}

TEST_F(Supports, VendorGemmDtypesOnAmpere) {
    for (auto [in, out] : {std::pair{BK_F64, BK_F64}, {BK_F32, BK_F32}, {BK_TF32, BK_F32}, {BK_BF16, BK_F32},
                           {BK_F16, BK_F32}, {BK_I8, BK_I32}})
        EXPECT_EQ(ask(a100, gemm(in, out, BK_PATH_VENDOR, 128, 128, 128)).first, BK_OK) << int(in);
    EXPECT_EQ(ask(a100, gemm(BK_BF16, BK_F64, BK_PATH_VENDOR, 128, 128, 128)).first, BK_UNSUPPORTED);
}

TEST_F(Supports, Int8OddShapesAreRefusedNamingTheDimension) {
    const auto [s, why] = ask(h100, gemm(BK_I8, BK_I32, BK_PATH_VENDOR, 65, 33, 17));
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("n=33"), std::string::npos) << why;
    EXPECT_NE(why.find("k=17"), std::string::npos) << why;
}

TEST_F(Supports, PortableGemmIsFp32Bf16Fp16WithFp32Output) {
    EXPECT_EQ(ask(h100, gemm(BK_F32, BK_F32, BK_PATH_PORTABLE, 65, 33, 17)).first, BK_OK);
    EXPECT_EQ(ask(h100, gemm(BK_BF16, BK_F32, BK_PATH_PORTABLE, 65, 33, 17)).first, BK_OK);
    EXPECT_EQ(ask(h100, gemm(BK_F16, BK_F32, BK_PATH_PORTABLE, 7, 7, 7)).first, BK_OK);
    const auto [s, why] = ask(h100, gemm(BK_F64, BK_F64, BK_PATH_PORTABLE, 7, 7, 7));
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("f64"), std::string::npos) << why;
    EXPECT_EQ(ask(h100, gemm(BK_BF16, BK_BF16, BK_PATH_PORTABLE, 7, 7, 7)).first, BK_UNSUPPORTED);
}

TEST_F(Supports, MalformedGemmIsAnInvalidArgument) {
    auto op = gemm(BK_F32, BK_F32, BK_PATH_VENDOR, 8, 8, 8);
    op.u.gemm.lda = 4;
    const auto [s, why] = ask(h100, op);
    EXPECT_EQ(s, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("lda=4"), std::string::npos) << why;
}

TEST_F(Supports, StreamOpsArePortableFp32AndFp64) {
    for (bk_op_kind k : {BK_OP_COPY, BK_OP_SCALE, BK_OP_ADD, BK_OP_TRIAD, BK_OP_DOT}) {
        EXPECT_EQ(ask(h100, stream(k, BK_F64, BK_PATH_PORTABLE, 4097)).first, BK_OK) << k;
        EXPECT_EQ(ask(h100, stream(k, BK_F32, BK_PATH_PORTABLE, 1)).first, BK_OK) << k;
        const auto [s, why] = ask(h100, stream(k, BK_F32, BK_PATH_VENDOR, 64));
        EXPECT_EQ(s, BK_UNSUPPORTED) << k;
        EXPECT_NE(why.find("vendor"), std::string::npos) << why;
        EXPECT_EQ(ask(h100, stream(k, BK_BF16, BK_PATH_PORTABLE, 64)).first, BK_UNSUPPORTED) << k;
    }
}

TEST_F(Supports, LatencyAndTransferOps) {
    EXPECT_EQ(ask(h100, stream(BK_OP_EMPTY, BK_U8, BK_PATH_PORTABLE, 1000)).first, BK_OK);
    EXPECT_EQ(ask(h100, stream(BK_OP_EMPTY, BK_U8, BK_PATH_PORTABLE, -1)).first, BK_INVALID_ARGUMENT);
    EXPECT_EQ(ask(h100, stream(BK_OP_TRANSFER, BK_U8, BK_PATH_VENDOR, 1 << 20)).first, BK_OK);
}

TEST_F(Supports, OpsTheBackendLacksAreUnsupportedByName) {
    auto op = stream(BK_OP_COPY, BK_F32, BK_PATH_PORTABLE, 16);
    op.kind = 99;  // no op of the ABI
    const auto [s, why] = ask(h100, op);
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("op 99"), std::string::npos) << why;
}

TEST_F(Supports, GpusOlderThanAmpereRunNothing) {
    const auto [s, why] = ask(volta, stream(BK_OP_TRIAD, BK_F32, BK_PATH_PORTABLE, 64));
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("7.0"), std::string::npos) << why;
}

TEST_F(Supports, StreamOpInfoDescribesTheLaunch) {
    char buf[512] = {};
    const auto op = stream(BK_OP_TRIAD, BK_F64, BK_PATH_PORTABLE, (int64_t(1) << 24) + 1);
    ASSERT_EQ(table()->op_info(&h100.dev, &op, buf, sizeof buf), BK_OK) << table()->last_error();
    const std::string info = buf;
    EXPECT_NE(info.find("double2"), std::string::npos) << info;
    EXPECT_NE(info.find("4096 blocks"), std::string::npos) << info;  // 132 SMs x 8 x 4 waves, capped
    EXPECT_NE(info.find("tail of 1"), std::string::npos) << info;
    EXPECT_NE(info.find("-fmad=false"), std::string::npos) << info;
}

// launch() checks the operand list before it touches the GPU.
using cudatest::buffer;
using cudatest::launch;
using cudatest::stream_for;

class LaunchChecks : public Supports {
protected:
    // The launch is refused as an invalid argument, and last_error() says why.
    void expect_refused(bk_stream& s, const bk_op_desc& op, std::vector<bk_buffer*> ops, const char* why_has) {
        SCOPED_TRACE(why_has);
        const auto [st, why] = launch(s, op, std::move(ops));
        EXPECT_EQ(st, BK_INVALID_ARGUMENT);
        EXPECT_NE(why.find(why_has), std::string::npos) << why;
    }
};

TEST_F(LaunchChecks, WrongOperandCountIsNamed) {
    bk_stream s = stream_for(h100);
    bk_buffer a = buffer(h100, 1024, MemKind::device);
    expect_refused(s, stream(BK_OP_TRIAD, BK_F32, BK_PATH_PORTABLE, 16), {&a, &a}, "3 operands expected, got 2");
}

TEST_F(LaunchChecks, ShortBuffersAndHostBuffersAreRefused) {
    bk_stream s = stream_for(h100);
    bk_buffer big = buffer(h100, 4096, MemKind::device), small = buffer(h100, 60, MemKind::device);
    expect_refused(s, stream(BK_OP_COPY, BK_F32, BK_PATH_PORTABLE, 16), {&big, &small},
                   "out holds 60 bytes, the op needs 64");
    bk_buffer host = buffer(h100, 4096, MemKind::pinned);
    expect_refused(s, stream(BK_OP_COPY, BK_F32, BK_PATH_PORTABLE, 16), {&host, &big}, "host buffer");
    // GEMM spans: a 8x8x8 fp32 A needs 256 bytes.
    expect_refused(s, gemm(BK_F32, BK_F32, BK_PATH_PORTABLE, 8, 8, 8), {&small, &big, &big},
                   "operand A holds 60 bytes, the op needs 256");
}

TEST_F(LaunchChecks, TransfersNeedOneHostAndOneDeviceBuffer) {
    bk_stream s = stream_for(h100);
    bk_buffer d1 = buffer(h100, 4096, MemKind::device), d2 = buffer(h100, 4096, MemKind::device);
    expect_refused(s, stream(BK_OP_TRANSFER, BK_U8, BK_PATH_VENDOR, 4096), {&d1, &d2}, "host_buffer_alloc");
    bk_buffer h = buffer(h100, 1024, MemKind::pageable);
    expect_refused(s, stream(BK_OP_TRANSFER, BK_U8, BK_PATH_VENDOR, 4096), {&h, &d1}, "in0 holds 1024 bytes");
}
