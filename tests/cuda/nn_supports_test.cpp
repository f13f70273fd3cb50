// The NN ops' and the block-quantized GEMM's supports(), op_info() and launch
// checks on the CUDA plugin, with no GPU: the plugin's table is handed a
// device description of its own (an H100, an A100, a V100), as
// supports_test.cpp does. These answers read the description only.
#include "bakeoff/nn_op_rules.h"
#include "common/op_desc.h"
#include "fake_gpu.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace {

using cudatest::ask;
using cudatest::FakeGpu;
using cudatest::table;

// Every NN op kind of the ABI.
const std::vector<bk_op_kind> kNnOps = {
    BK_OP_CONVERT,       BK_OP_RMSNORM,      BK_OP_ROPE,          BK_OP_SOFTMAX,     BK_OP_SWIGLU,
    BK_OP_EMBEDDING,     BK_OP_ATTENTION,    BK_OP_TOPK_ROUTE,    BK_OP_SCATTER_ADD, BK_OP_RMSNORM_BWD,
    BK_OP_SWIGLU_BWD,    BK_OP_ATTENTION_BWD, BK_OP_CROSS_ENTROPY, BK_OP_ADAMW,       BK_OP_KV_WRITE,
    BK_OP_ROPE_FREQ,     BK_OP_ROPE_POS,     BK_OP_PAGED_KV_WRITE, BK_OP_PAGED_ATTENTION};

// A well-formed descriptor of each NN op with odd sizes.
bk_op_desc nn(bk_op_kind kind, bk_dtype t, bk_path path = BK_PATH_PORTABLE) {
    bk_op_desc op = bktest::op_desc(kind, t, path);
    bk_nn_op& n = op.u.nn;
    n.rows = 6;
    n.dim = 96;
    n.vocab = 11;
    n.heads = 3;
    n.head_dim = 32;
    n.seq = 3;
    n.pos_offset = 2;
    n.capacity = 9;
    n.eps = 1e-5;
    n.theta = 10000;
    switch (kind) {
        case BK_OP_ATTENTION:
        case BK_OP_ATTENTION_BWD:
            op.u.attn = {2, 8, 2, 5, 5, 5, 64, 1, 0.125};
            break;
        case BK_OP_PAGED_ATTENTION:
            op.u.paged = {3, 7, 8, 2, 64, 16, 10, 4, 1, 0.125};
            break;
        case BK_OP_TOPK_ROUTE: op.u.route = {5, 8, 2, 0, 1}; break;
        case BK_OP_ADAMW: op.u.adamw = {1000, 3, 1e-3, 0.9, 0.999, 1e-8, 0.01}; break;
        default: break;
    }
    return op;
}

// The ops whose data are activations run f32, bf16 and f16 here; the router
// and the training ops f32 only, as the ABI has them.
bool runs_half(bk_op_kind k) { return bk_nn_rules::takes_activations(k) || k == BK_OP_CONVERT; }

std::string info(FakeGpu& g, const bk_op_desc& op) {
    char buf[1024] = {};
    if (table()->op_info(&g.dev, &op, buf, sizeof buf) != BK_OK) return std::string("error: ") + table()->last_error();
    return buf;
}

bk_op_desc qgemm(bk_dtype w, bk_path path, int64_t m, int64_t n, int64_t k) {
    bk_op_desc op = bktest::gemm_op_desc(path, BK_F32, w, BK_F32, {m, n, k, k, k, n, false, true});
    op.u.gemm.block_abi = BK_BLOCK_ABI_VERSION;
    return op;
}

}  // namespace

class NnSupports : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(table(), nullptr) << "the plugin did not load"; }
    FakeGpu h100{9, 0, 132}, a100{8, 0, 108}, volta{7, 0, 80};
};

TEST_F(NnSupports, EveryOpRunsItsAbiTypesOnThePortablePath) {
    for (bk_op_kind k : kNnOps) {
        SCOPED_TRACE(bk_op_name(k));
        const auto [s, why] = ask(h100, nn(k, BK_F32));
        EXPECT_EQ(s, BK_OK) << why;
        for (bk_dtype t : {BK_BF16, BK_F16}) {
            const auto [st, w] = ask(a100, nn(k, t));
            if (runs_half(k)) {
                EXPECT_EQ(st, BK_OK) << bk_dtype_name(t) << ": " << w;
            } else {
                EXPECT_EQ(st, BK_UNSUPPORTED) << bk_dtype_name(t);
                EXPECT_NE(w.find("f32 only"), std::string::npos) << w;
            }
        }
    }
}

TEST_F(NnSupports, F64IsRefusedSayingWhichTypesRun) {
    for (bk_op_kind k : kNnOps) {
        if (!runs_half(k)) continue;
        SCOPED_TRACE(bk_op_name(k));
        const auto [s, why] = ask(h100, nn(k, BK_F64));
        EXPECT_EQ(s, BK_UNSUPPORTED);
        EXPECT_NE(why.find("f64 is not implemented"), std::string::npos) << why;
        EXPECT_NE(why.find(bk_op_name(k)), std::string::npos) << why;
    }
    auto to64 = nn(BK_OP_CONVERT, BK_F32);
    to64.dtype_c = BK_F64;
    EXPECT_EQ(ask(h100, to64).first, BK_UNSUPPORTED);
}

TEST_F(NnSupports, ConvertRunsEveryPairOfStorageTypes) {
    for (bk_dtype a : {BK_F32, BK_BF16, BK_F16})
        for (bk_dtype c : {BK_F32, BK_BF16, BK_F16}) {
            auto op = nn(BK_OP_CONVERT, a);
            op.dtype_c = c;
            EXPECT_EQ(ask(h100, op).first, BK_OK) << bk_dtype_name(a) << " -> " << bk_dtype_name(c);
        }
}

TEST_F(NnSupports, QuantizedEmbeddingTablesAreQ8AndQ4Only) {
    for (bk_dtype q : {BK_Q8_0, BK_Q4_0}) {
        auto op = nn(BK_OP_EMBEDDING, q);
        op.dtype_c = BK_F32;
        EXPECT_EQ(ask(h100, op).first, BK_OK) << bk_dtype_name(q) << ": " << ask(h100, op).second;
        op.u.nn.dim = 40;  // not whole blocks
        EXPECT_EQ(ask(h100, op).first, BK_INVALID_ARGUMENT);
    }
    auto k4 = nn(BK_OP_EMBEDDING, BK_Q4_K);
    k4.dtype_c = BK_F32;
    k4.u.nn.dim = 256;
    const auto [s, why] = ask(h100, k4);
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("q8_0 and q4_0"), std::string::npos) << why;
}

TEST_F(NnSupports, VendorPathNamesTheLibraryOrItsAbsence) {
    for (bk_op_kind k : kNnOps) {
        SCOPED_TRACE(bk_op_name(k));
        const auto [s, why] = ask(h100, nn(k, BK_F32, BK_PATH_VENDOR));
        EXPECT_EQ(s, BK_UNSUPPORTED);
        EXPECT_EQ(why.find('\n'), std::string::npos) << why;  // one line
        if (k == BK_OP_ATTENTION) {
            EXPECT_NE(why.find("cuDNN"), std::string::npos) << why;
            EXPECT_NE(why.find("portable path runs attention"), std::string::npos) << why;
        } else {
            EXPECT_NE(why.find("no library kernel"), std::string::npos) << why;
        }
    }
}

TEST_F(NnSupports, GpusOlderThanAmpereRunNoNnOp) {
    const auto [s, why] = ask(volta, nn(BK_OP_RMSNORM, BK_F32));
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("7.0"), std::string::npos) << why;
}

TEST_F(NnSupports, MalformedDescriptorsAreInvalidArgumentsNamingTheField) {
    auto op = nn(BK_OP_SOFTMAX, BK_F32);
    op.u.nn.rows = 0;
    auto [s, why] = ask(h100, op);
    EXPECT_EQ(s, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("rows must be positive"), std::string::npos) << why;
    auto at = nn(BK_OP_ATTENTION, BK_BF16);
    at.u.attn.heads = 7;  // not a multiple of kv_heads = 2
    std::tie(s, why) = ask(h100, at);
    EXPECT_EQ(s, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("multiple of kv_heads"), std::string::npos) << why;
    auto cut = nn(BK_OP_PAGED_ATTENTION, BK_F32);
    cut.struct_size = uint32_t(offsetof(bk_op_desc, u) + sizeof(bk_nn_op) / 2);  // short of u.paged
    std::tie(s, why) = ask(h100, cut);
    EXPECT_EQ(s, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("does not cover the paged_attention parameters"), std::string::npos) << why;
    auto path = nn(BK_OP_SOFTMAX, BK_F32);
    path.path = 7;
    EXPECT_EQ(ask(h100, path).first, BK_INVALID_ARGUMENT);
}

TEST_F(NnSupports, AttentionLimitsAreUnsupportedWithTheReason) {
    auto wide = nn(BK_OP_ATTENTION, BK_F16);
    wide.u.attn.head_dim = 512;
    auto [s, why] = ask(h100, wide);
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("head_dim 512"), std::string::npos) << why;
    auto many = nn(BK_OP_ATTENTION, BK_F32);
    many.u.attn.batch = 40000;  // 80000 (batch, kv head) pairs: past grid.y
    std::tie(s, why) = ask(h100, many);
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("65535"), std::string::npos) << why;
    auto paged = nn(BK_OP_PAGED_ATTENTION, BK_BF16);
    paged.u.paged.head_dim = 320;
    EXPECT_EQ(ask(h100, paged).first, BK_UNSUPPORTED);
}

TEST_F(NnSupports, OpInfoDescribesTheKernels) {
    const std::string att = info(h100, nn(BK_OP_ATTENTION, BK_BF16));
    EXPECT_NE(att.find("online softmax"), std::string::npos) << att;
    EXPECT_NE(att.find("no score matrix"), std::string::npos) << att;
    EXPECT_NE(att.find("bf16 storage, fp32 math"), std::string::npos) << att;
    // One query against a long cache: the keys are split across blocks.
    auto decode = nn(BK_OP_ATTENTION, BK_F16);
    decode.u.attn = {1, 32, 8, 1, 4096, 8192, 64, 1, 0.125};
    EXPECT_NE(info(h100, decode).find("keys split"), std::string::npos) << info(h100, decode);
    EXPECT_NE(info(h100, nn(BK_OP_PAGED_ATTENTION, BK_F32)).find("block table"), std::string::npos);
    EXPECT_NE(info(h100, nn(BK_OP_EMBEDDING, BK_F32)).find("ids read back"), std::string::npos);
    for (bk_op_kind k : kNnOps) {
        const std::string s = info(h100, nn(k, BK_F32));
        EXPECT_EQ(s.rfind("bakeoff CUDA ", 0), 0u) << bk_op_name(k) << ": " << s;
    }
}

TEST_F(NnSupports, BlockQuantizedGemmIsPortableQ8AndQ4) {
    for (bk_dtype w : {BK_Q8_0, BK_Q4_0}) {
        SCOPED_TRACE(bk_dtype_name(w));
        const auto [decode, why_not] = ask(h100, qgemm(w, BK_PATH_PORTABLE, 1, 96, 64));
        EXPECT_EQ(decode, BK_OK) << why_not;
        EXPECT_EQ(ask(a100, qgemm(w, BK_PATH_PORTABLE, 77, 33, 128)).first, BK_OK);
        EXPECT_NE(info(h100, qgemm(w, BK_PATH_PORTABLE, 8, 96, 64)).find("GEMV"), std::string::npos);
        EXPECT_NE(info(h100, qgemm(w, BK_PATH_PORTABLE, 9, 96, 64)).find("64x64 tiles"), std::string::npos);
        const auto [s, why] = ask(h100, qgemm(w, BK_PATH_VENDOR, 1, 96, 64));
        EXPECT_EQ(s, BK_UNSUPPORTED);
        EXPECT_NE(why.find("cuBLASLt"), std::string::npos) << why;
    }
    const auto [s, why] = ask(h100, qgemm(BK_Q4_K, BK_PATH_PORTABLE, 1, 96, 256));
    EXPECT_EQ(s, BK_UNSUPPORTED);
    EXPECT_NE(why.find("q8_0 and q4_0"), std::string::npos) << why;
    auto old_layout = qgemm(BK_Q8_0, BK_PATH_PORTABLE, 1, 96, 64);
    old_layout.u.gemm.block_abi = 0;
    EXPECT_EQ(ask(h100, old_layout).first, BK_UNSUPPORTED);
    EXPECT_EQ(ask(h100, qgemm(BK_Q8_0, BK_PATH_PORTABLE, 1, 96, 40)).first, BK_INVALID_ARGUMENT);  // k not whole blocks
}

// launch() checks the operand list before it touches the GPU.
using NnLaunchChecks = NnSupports;
using cudatest::buffer;
using cudatest::launch;
using cudatest::stream_for;

TEST_F(NnLaunchChecks, OperandsAreCountedSizedAndOnTheDevice) {
    bk_stream s = stream_for(h100);
    const auto op = nn(BK_OP_RMSNORM, BK_BF16);  // x, w, y: 6 x 96 bf16 = 1152 bytes, w 192
    bk_buffer big = buffer(h100, 4096), small = buffer(h100, 100), host = buffer(h100, 4096, MemKind::pinned);
    auto [st, why] = launch(s, op, {&big, &big});
    EXPECT_EQ(st, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("3 operands expected, got 2"), std::string::npos) << why;
    std::tie(st, why) = launch(s, op, {&big, &small, &big});
    EXPECT_EQ(st, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("operand w holds 100 bytes, the op needs 192"), std::string::npos) << why;
    std::tie(st, why) = launch(s, op, {&big, &big, &host});
    EXPECT_EQ(st, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("operand y is a host buffer"), std::string::npos) << why;
}

TEST_F(NnLaunchChecks, PagedAttentionNamesItsSevenOperands) {
    bk_stream s = stream_for(h100);
    const auto op = nn(BK_OP_PAGED_ATTENTION, BK_F16);
    std::vector<bk_nn_rules::Operand> want;
    ASSERT_EQ(bk_nn_rules::check(op, &want), "");
    ASSERT_EQ(want.size(), 7u);
    std::vector<bk_buffer> bufs;
    for (const auto& o : want) bufs.push_back(buffer(h100, o.bytes));
    bufs[5].bytes -= 4;  // block_table one entry short
    std::vector<bk_buffer*> ops;
    for (auto& b : bufs) ops.push_back(&b);
    const auto [st, why] = launch(s, op, ops);
    EXPECT_EQ(st, BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("operand block_table"), std::string::npos) << why;
}

TEST_F(NnLaunchChecks, VendorAttentionLaunchIsUnsupported) {
    bk_stream s = stream_for(h100);
    bk_buffer b = buffer(h100, 1 << 20);
    const auto [st, why] = launch(s, nn(BK_OP_ATTENTION, BK_BF16, BK_PATH_VENDOR), {&b, &b, &b, &b});
    EXPECT_EQ(st, BK_UNSUPPORTED);
    EXPECT_NE(why.find("cuDNN"), std::string::npos) << why;
}
