// The block-quantized GEMM and EMBEDDING of the CPU backend: through the ABI
// table against fp64 of the dequantized weights (every block type, decode and
// prefill shapes, odd n, misaligned rows of A, alpha and beta), the integer
// kernels of every ISA this CPU runs directly (tighter: against the same
// rounded A), the quantized embedding bit for bit, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bakeoff/op_rules.h"
#include "bakeoff/plugin_quant.h"
#include "cpu_internal.h"
#include "common/quant_data.h"
#include "cpu_test_util.h"
#include "gemm_quant.h"

namespace {

using cpu_test::Backend;
using cpu_test::Buf;
using bkquant::quantized;
using bkquant::randoms;

const uint32_t kTypes[] = {BK_Q8_0, BK_Q4_0, BK_Q4_1, BK_Q5_0, BK_Q5_1, BK_Q4_K, BK_Q5_K, BK_Q6_K, BK_Q8_K};

bk_op_desc quant_gemm(uint32_t t, int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldc,
                      uint32_t path = BK_PATH_PORTABLE) {
    bk_op_desc d = bktest::gemm_op_desc(path, BK_F32, t, BK_F32, {m, n, k, lda, k, ldc, false, true});
    d.u.gemm.block_abi = BK_BLOCK_ABI_VERSION;
    return d;
}

void check_gemm(uint32_t t, int64_t m, int64_t n, int64_t k, double alpha, double beta) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    const int64_t lda = k + 3, ldc = n + 5;  // rows of A and C off 16-byte alignment
    std::vector<float> deq;
    const std::vector<uint8_t> bq = quantized(t, n, k, 7 + uint32_t(m), &deq);
    const std::vector<float> a = randoms(static_cast<size_t>(m * lda), 11);
    const std::vector<float> c0 = randoms(static_cast<size_t>(m * ldc), 13);
    Buf A(a), B(bq), C(c0);
    bk_op_desc op = quant_gemm(t, m, n, k, lda, ldc);
    op.u.gemm.alpha = alpha;
    op.u.gemm.beta = beta;
    ASSERT_EQ(be.t->supports(be.dev, &op), BK_OK) << cpu_test::last_error();
    bk_buffer* ops[3] = {A.get(), B.get(), C.get()};
    ASSERT_EQ(be.t->launch(be.stream, &op, ops, 3), BK_OK) << cpu_test::last_error();
    ASSERT_EQ(be.t->stream_sync(be.stream), BK_OK);
    const std::vector<float> c = C.read<float>(c0.size());
    bkquant::expect_quant_gemm(t, m, n, k, a, lda, deq, c0, c, ldc, alpha, beta);
}

TEST(QuantGemm, EveryTypeDecodeAndPrefillShapes) {
    for (uint32_t t : kTypes) {
        const int64_t k = 3 * int64_t(bk_block_elems(t));  // an odd number of blocks
        for (int64_t m : {1, 3, 4, 8, 9, 37}) check_gemm(t, m, 67, k, 1.0, 0.0);
    }
}

TEST(QuantGemm, AlphaAndBeta) {
    for (uint32_t t : {BK_Q8_0, BK_Q4_0, BK_Q4_K, BK_Q6_K})
        for (int64_t m : {2, 17}) check_gemm(t, m, 33, 2 * int64_t(bk_block_elems(t)), 0.5, 2.0);
}

// Large enough for the OpenMP split (m n k above the one-thread limit).
TEST(QuantGemm, ThreadedDecode) {
    for (uint32_t t : {BK_Q8_0, BK_Q4_0, BK_Q4_K}) check_gemm(t, 2, 1031, 1024, 1.0, 0.0);
}

// The integer kernels of each ISA compiled in and runnable here, against the
// exact product of the rounded A (d q) with the dequantized B: only f32
// rounding differs.
TEST(QuantGemm, IntegerKernelsOfEveryIsa) {
    const bk_cpu::CpuIsa& isa = bk_cpu::cpu_isa();
    std::vector<const bk_cpu::QuantKernels*> sets;
    if (isa.avx2 && isa.fma && isa.f16c && bk_cpu::quant_kernels_avx2()) sets.push_back(bk_cpu::quant_kernels_avx2());
    if (isa.avx512f && isa.avx512bw && isa.avx512vl && isa.avx512_vnni && bk_cpu::quant_kernels_avx512())
        sets.push_back(bk_cpu::quant_kernels_avx512());
    if (sets.empty()) GTEST_SKIP() << "no integer kernel runs on this CPU";
    for (const bk_cpu::QuantKernels* ks : sets)
        for (uint32_t t : {BK_Q8_0, BK_Q4_0, BK_Q4_K}) {
            const bk_cpu::QuantRowsFn fn = t == BK_Q8_0 ? ks->q8_0 : t == BK_Q4_0 ? ks->q4_0 : ks->q4_k;
            const int64_t k = t == BK_Q4_K ? 768 : 160, n = 13;  // 5 blocks of 32: the odd tail
            std::vector<float> deq;
            const std::vector<uint8_t> bq = quantized(t, n, k, 3, &deq);
            for (int64_t m = 1; m <= bk_cpu::kQuantSmallM; ++m) {
                const int64_t lda = k + 1;
                const std::vector<float> a = randoms(size_t(m * lda), uint32_t(m));
                const bk_cpu::QuantA qa = bk_cpu::quantize_a(a.data(), m, k, lda);
                std::vector<float> out(size_t(m * (n + 2)), -1.0f);
                // Rows [2, n) only: j0 > 0 must offset the output, not B.
                fn(qa, bq.data(), bk_block_row_bytes(t, k), 2, n, out.data(), n + 2);
                for (int64_t i = 0; i < m; ++i)
                    for (int64_t j = 2; j < n; ++j) {
                        double ref = 0, mag = 0;
                        for (int64_t l = 0; l < k; ++l) {
                            const double x = double(qa.d[i * qa.nb + l / 32]) * qa.q[i * qa.ldq + l];
                            ref += x * deq[size_t(j * k + l)];
                            mag += std::fabs(x * deq[size_t(j * k + l)]);
                        }
                        ASSERT_NEAR(out[size_t(i * (n + 2) + j - 2)], ref, mag * 1e-5 + 1e-6)
                            << ks->isa << " " << bk_dtype_name(t) << " m=" << m << " j=" << j;
                    }
            }
        }
}

TEST(QuantGemm, OpInfoNamesKernelAndRounding) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    char buf[1024];
    bk_op_desc op = quant_gemm(BK_Q4_0, 1, 64, 256, 256, 64);
    ASSERT_EQ(be.t->op_info(be.dev, &op, buf, sizeof buf), BK_OK);
    const std::string s = buf;
    EXPECT_NE(s.find("q4_0"), std::string::npos) << s;
    if (bk_cpu::quant_kernels()) {
        EXPECT_NE(s.find("A rounded to 8-bit blocks"), std::string::npos) << s;
        EXPECT_NE(s.find(bk_cpu::quant_kernels()->isa), std::string::npos) << s;
    }
    op = quant_gemm(BK_Q4_0, 64, 64, 256, 256, 64);
    ASSERT_EQ(be.t->op_info(be.dev, &op, buf, sizeof buf), BK_OK);
    EXPECT_NE(std::string(buf).find("A not rounded"), std::string::npos) << buf;
}

TEST(QuantGemm, Refusals) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    auto refuse = [&](bk_op_desc op, bk_status want, const std::string& words) {
        EXPECT_EQ(be.t->supports(be.dev, &op), want) << words;
        EXPECT_NE(cpu_test::last_error().find(words), std::string::npos) << cpu_test::last_error();
    };
    refuse(quant_gemm(BK_Q8_0, 1, 8, 64, 64, 8, BK_PATH_VENDOR), BK_UNSUPPORTED, "no vendor library runs GGML blocks");
    bk_op_desc op = quant_gemm(BK_Q8_0, 1, 8, 64, 64, 8);
    op.u.gemm.block_abi = 0;
    refuse(op, BK_UNSUPPORTED, "block_abi 0");
    op = quant_gemm(BK_Q4_0, 1, 8, 48, 48, 8);
    refuse(op, BK_INVALID_ARGUMENT, "not a multiple of the q4_0 block size 32");
    op = quant_gemm(BK_Q4_K, 1, 8, 512, 512, 8);
    op.u.gemm.ldb = 520;
    refuse(op, BK_INVALID_ARGUMENT, "ldb=520 must equal k=512");
    op = quant_gemm(BK_Q4_K, 1, 8, 512, 512, 8);
    op.u.gemm.trans_b = 0;
    op.u.gemm.ldb = 8;
    refuse(op, BK_INVALID_ARGUMENT, "trans_b = 1");
    op = quant_gemm(BK_Q8_0, 1, 8, 64, 64, 8);
    op.dtype_a = BK_BF16;
    refuse(op, BK_UNSUPPORTED, "take f32 activations and an f32 output");
    op = quant_gemm(BK_Q8_0, 1, 8, 64, 64, 8);
    op.dtype_a = BK_Q8_0;
    refuse(op, BK_UNSUPPORTED, "only B (the weights) may be block-quantized");
}

// A buffer one byte short of the n packed rows is refused.
TEST(QuantGemm, OperandSizes) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    bk_op_desc op = quant_gemm(BK_Q4_0, 1, 4, 64, 64, 4);
    Buf A(64 * 4), B(4 * 36 - 1), C(4 * 4);
    bk_buffer* ops[3] = {A.get(), B.get(), C.get()};
    EXPECT_EQ(be.t->launch(be.stream, &op, ops, 3), BK_INVALID_ARGUMENT);
}

TEST(QuantEmbedding, EveryTypeBitExact) {
    Backend& be = Backend::get();
    ASSERT_TRUE(be.ready());
    for (uint32_t t : kTypes) {
        const int64_t dim = 2 * int64_t(bk_block_elems(t)), vocab = 11, rows = 5;
        std::vector<float> deq;
        const std::vector<uint8_t> table = quantized(t, vocab, dim, 5, &deq);
        const std::vector<int32_t> ids = {3, 0, 10, 3, 7};
        Buf T(table), I(ids), Y(uint64_t(rows * dim * 4));
        bk_op_desc op = bktest::op_desc(BK_OP_EMBEDDING, t);
        op.dtype_c = BK_F32;
        op.u.nn.rows = rows;
        op.u.nn.dim = dim;
        op.u.nn.vocab = vocab;
        ASSERT_EQ(be.t->supports(be.dev, &op), BK_OK) << cpu_test::last_error();
        bk_buffer* ops[3] = {T.get(), I.get(), Y.get()};
        ASSERT_EQ(be.t->launch(be.stream, &op, ops, 3), BK_OK) << cpu_test::last_error();
        ASSERT_EQ(be.t->stream_sync(be.stream), BK_OK);
        const std::vector<float> y = Y.read<float>(size_t(rows * dim));
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t l = 0; l < dim; ++l)
                ASSERT_EQ(y[size_t(r * dim + l)], deq[size_t(ids[size_t(r)] * dim + l)]) << bk_dtype_name(t);
        // The table type's refusals: a dim off the block, a non-f32 output.
        op.u.nn.dim = dim + 16;
        EXPECT_EQ(be.t->supports(be.dev, &op), BK_INVALID_ARGUMENT);
        EXPECT_NE(cpu_test::last_error().find("block size"), std::string::npos) << cpu_test::last_error();
        op.u.nn.dim = dim;
        op.dtype_c = BK_BF16;
        EXPECT_EQ(be.t->supports(be.dev, &op), BK_UNSUPPORTED);
        EXPECT_NE(cpu_test::last_error().find("gives f32 rows"), std::string::npos) << cpu_test::last_error();
    }
}

}  // namespace
