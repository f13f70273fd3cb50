// The SDK's rules for block-quantized weights (bakeoff/op_rules.h,
// bakeoff/nn_op_rules.h): which GEMM and EMBEDDING descriptors with a BK_Q*
// type are well-formed, the operand sizes they span, and the refusal words
// every backend shares.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bakeoff/op_rules.h"
#include "bakeoff/plugin_quant.h"
#include "common/op_desc.h"

namespace {

bk_op_desc quant_gemm(uint32_t b, int64_t m, int64_t n, int64_t k) {
    bk_op_desc d = bktest::gemm_op_desc(BK_PATH_PORTABLE, BK_F32, b, BK_F32, {m, n, k, k, k, n, false, true});
    d.u.gemm.block_abi = BK_BLOCK_ABI_VERSION;
    return d;
}

bk_status check(const bk_op_desc& op, std::string* why, bk_plugin::GemmSpans* spans = nullptr) {
    bk_plugin::GemmSpans s;
    return bk_plugin::check_gemm(op, spans ? spans : &s, why);
}

TEST(QuantRules, GemmF32TimesEveryBlockTypeIsWellFormed) {
    for (uint32_t t = BK_Q8_0; t <= BK_Q8_K; ++t) {
        const int64_t k = 2 * bk_block_elems(t);
        std::string why;
        bk_plugin::GemmSpans s;
        ASSERT_EQ(check(quant_gemm(t, 3, 5, k), &why, &s), BK_OK) << bk_dtype_name(t) << ": " << why;
        EXPECT_EQ(s.a, uint64_t(3 * k * 4));
        EXPECT_EQ(s.b, 5 * 2 * uint64_t(bk_block_bytes(t))) << "B spans n packed rows of blocks";
        EXPECT_EQ(s.c, uint64_t(3 * 5 * 4));
    }
}

TEST(QuantRules, GemmRefusals) {
    std::string why;
    bk_op_desc op = quant_gemm(BK_Q4_0, 1, 4, 64);
    op.dtype_a = BK_BF16;
    EXPECT_EQ(check(op, &why), BK_UNSUPPORTED);
    EXPECT_NE(why.find("take f32 activations and an f32 output"), std::string::npos) << why;
    op = quant_gemm(BK_Q4_0, 1, 4, 64);
    op.dtype_c = BK_BF16;
    EXPECT_EQ(check(op, &why), BK_UNSUPPORTED);
    op = quant_gemm(BK_Q4_0, 1, 4, 64);
    op.dtype_a = BK_Q4_0;
    EXPECT_EQ(check(op, &why), BK_UNSUPPORTED);
    EXPECT_NE(why.find("only B (the weights)"), std::string::npos) << why;
    op = quant_gemm(BK_Q4_0, 1, 4, 64);
    op.u.gemm.block_abi = BK_BLOCK_ABI_VERSION + 1;
    EXPECT_EQ(check(op, &why), BK_UNSUPPORTED);
    EXPECT_NE(why.find("block layout version"), std::string::npos) << why;
    op = quant_gemm(BK_Q4_K, 1, 4, 288);  // 256 + 32: not whole blocks
    EXPECT_EQ(check(op, &why), BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("not a multiple of the q4_k block size 256"), std::string::npos) << why;
    op = quant_gemm(BK_Q8_0, 1, 4, 64);
    op.u.gemm.trans_a = 1;
    op.u.gemm.lda = 1;
    EXPECT_EQ(check(op, &why), BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("trans_b = 1, trans_a = 0"), std::string::npos) << why;
    op = quant_gemm(BK_Q8_0, 1, 4, 64);
    op.u.gemm.ldb = 96;
    EXPECT_EQ(check(op, &why), BK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("ldb=96 must equal k=64"), std::string::npos) << why;
    // Non-block GEMMs keep their rules.
    op = bktest::gemm_op_desc(BK_PATH_PORTABLE, BK_F32, BK_BF16, BK_F32, {1, 4, 8, 8, 4, 4});
    EXPECT_EQ(check(op, &why), BK_UNSUPPORTED);
    EXPECT_NE(why.find("mixed input dtypes"), std::string::npos) << why;
}

TEST(QuantRules, EmbeddingFromABlockTable) {
    bk_op_desc op = bktest::op_desc(BK_OP_EMBEDDING, BK_Q6_K);
    op.dtype_c = BK_F32;
    op.u.nn.rows = 3, op.u.nn.dim = 512, op.u.nn.vocab = 10;
    EXPECT_EQ(bk_nn_rules::types(op), "");
    std::vector<bk_nn_rules::Operand> o;
    ASSERT_EQ(bk_nn_rules::check(op, &o), "");
    ASSERT_EQ(o.size(), 3u);
    EXPECT_EQ(o[0].bytes, uint64_t(10 * 2 * 210));  // vocab rows of dim / 256 blocks
    EXPECT_EQ(o[1].bytes, uint64_t(3 * 4));
    EXPECT_EQ(o[2].bytes, uint64_t(3 * 512 * 4));  // f32 rows
    op.u.nn.dim = 320;
    EXPECT_NE(bk_nn_rules::check(op, &o).find("not a multiple of the q6_k block size 256"), std::string::npos);
    op.u.nn.dim = 512;
    op.dtype_c = BK_BF16;
    EXPECT_NE(bk_nn_rules::types(op).find("gives f32 rows"), std::string::npos) << bk_nn_rules::types(op);
    // Other NN ops take no block types.
    bk_op_desc r = bktest::op_desc(BK_OP_RMSNORM, BK_Q8_0);
    EXPECT_NE(bk_nn_rules::types(r), "");
}

}  // namespace
