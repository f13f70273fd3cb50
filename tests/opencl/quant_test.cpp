// The OpenCL backend's block-quantized GEMM (q8_0, q4_0) against fp64 of the
// dequantized weights within the ABI's bound, the quantized EMBEDDING bit
// for bit, and the refusals of the other block types.
#include "opencl_plugin.h"

#include "common/quant_data.h"

namespace {

using namespace bkocl;

bk_op_desc quant_gemm(uint32_t t, int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldc) {
    bk_op_desc d = bktest::gemm_op_desc(BK_PATH_PORTABLE, BK_F32, t, BK_F32, {m, n, k, lda, k, ldc, false, true});
    d.u.gemm.block_abi = BK_BLOCK_ABI_VERSION;
    return d;
}

void check_gemm(uint32_t t, int64_t m, int64_t n, int64_t k, double alpha, double beta) {
    bk_device* d = device();
    Stream s(d);
    const int64_t lda = k + 3, ldc = n + 2;
    std::vector<float> deq;
    const std::vector<uint8_t> bq = bkquant::quantized(t, n, k, uint32_t(5 + m), &deq);
    const std::vector<float> a = bkquant::randoms(size_t(m * lda), 9), c0 = bkquant::randoms(size_t(m * ldc), 10);
    Buffer A(d, a.size() * 4), B(d, bq.size()), C(d, c0.size() * 4);
    ASSERT_EQ(A.upload(a), BK_OK);
    ASSERT_EQ(B.upload(bq), BK_OK);
    ASSERT_EQ(C.upload(c0), BK_OK);
    bk_op_desc op = quant_gemm(t, m, n, k, lda, ldc);
    op.u.gemm.alpha = alpha;
    op.u.gemm.beta = beta;
    ASSERT_EQ(be()->supports(d, &op), BK_OK) << be()->last_error();
    bk_buffer* ops[3] = {A.get(), B.get(), C.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    bkquant::expect_quant_gemm(t, m, n, k, a, lda, deq, c0, C.download<float>(c0.size()), ldc, alpha, beta);
}

TEST(OpenclQuant, GemmQ8_0AndQ4_0) {
    BKOCL_REQUIRE_DEVICE();
    for (uint32_t t : {BK_Q8_0, BK_Q4_0})
        for (int64_t m : {1, 4, 9, 37}) check_gemm(t, m, 67, 96, 1.0, 0.0);
    check_gemm(BK_Q4_0, 3, 31, 64, -0.75, 0.5);
}

TEST(OpenclQuant, EmbeddingBitExact) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    Stream s(d);
    for (uint32_t t : {BK_Q8_0, BK_Q4_0}) {
        const int64_t dim = 96, vocab = 7, rows = 4;
        std::vector<float> deq;
        const std::vector<uint8_t> table = bkquant::quantized(t, vocab, dim, 3, &deq);
        const std::vector<int32_t> ids = {6, 0, 3, 6};
        Buffer T(d, table.size()), I(d, ids.size() * 4), Y(d, size_t(rows * dim) * 4);
        ASSERT_EQ(T.upload(table), BK_OK);
        ASSERT_EQ(I.upload(ids), BK_OK);
        bk_op_desc op = bktest::op_desc(BK_OP_EMBEDDING, t);
        op.dtype_c = BK_F32;
        op.u.nn.rows = rows, op.u.nn.dim = dim, op.u.nn.vocab = vocab;
        bk_buffer* ops[3] = {T.get(), I.get(), Y.get()};
        ASSERT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
        const auto y = Y.download<float>(size_t(rows * dim));
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t l = 0; l < dim; ++l)
                ASSERT_EQ(y[size_t(r * dim + l)], deq[size_t(ids[size_t(r)] * dim + l)]) << bk_dtype_name(t);
    }
}

TEST(OpenclQuant, OtherBlockTypesAreRefusedByName) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    bk_op_desc op = quant_gemm(BK_Q4_K, 1, 8, 256, 256, 8);
    EXPECT_EQ(be()->supports(d, &op), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("q8_0 and q4_0 weights only"), std::string::npos)
        << be()->last_error();
    op = quant_gemm(BK_Q8_0, 1, 8, 64, 64, 8);
    op.u.gemm.block_abi = 7;
    EXPECT_EQ(be()->supports(d, &op), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("block_abi 7"), std::string::npos) << be()->last_error();
    bk_op_desc e = bktest::op_desc(BK_OP_EMBEDDING, BK_Q6_K);
    e.dtype_c = BK_F32;
    e.u.nn.rows = 1, e.u.nn.dim = 256, e.u.nn.vocab = 2;
    EXPECT_EQ(be()->supports(d, &e), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("q8_0 and q4_0 tables only"), std::string::npos)
        << be()->last_error();
}

}  // namespace
