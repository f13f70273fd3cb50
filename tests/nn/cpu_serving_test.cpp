// The CPU backend's serving ops (ROPE_POS, PAGED_KV_WRITE, PAGED_ATTENTION):
// bad indices are refused before anything is written, op_info names the
// kernel, and the paged kernel agrees with the contiguous ATTENTION kernel
// when the block table lays a cache out in order. Their results against the
// fp64 references run with every other NN conformance case (cpu_nn_test.cpp).
#include "common/serving_index_cases.h"
#include "conformance/conformance.h"
#include "conformance/nn_op_case.h"
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "nn/cpu_session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

TEST(CpuServing, BadIndicesAreRefusedBeforeAnythingIsWritten) {
    CpuSession c;
    bktest::serving::paged_attention(c.t, c.dev, c.s);
    bktest::serving::paged_kv_write(c.t, c.dev, c.s);
    EXPECT_TRUE(bktest::serving::rope_pos(c.t, c.dev, c.s));
}

TEST(CpuServing, OpInfoNamesTheKernel) {
    CpuSession c;
    const bk_op_desc op =
        bakeoff::conformance::paged_attention_desc(BK_BF16, 8, 8, 8, 2, 128, 16, 64, 8, true);
    char info[512] = {};
    ASSERT_EQ(c.t->op_info(c.dev, &op, info, sizeof info), BK_OK) << c.t->last_error();
    EXPECT_NE(std::string(info).find("block table"), std::string::npos) << info;
    EXPECT_NE(std::string(info).find("bf16 storage, f32 math"), std::string::npos) << info;
    bk_op_desc vendor = op;
    vendor.path = BK_PATH_VENDOR;
    EXPECT_EQ(c.t->supports(c.dev, &vendor), BK_UNSUPPORTED);
}

// Sequences b of a batch with their caches laid out in order (block j of
// sequence b is block b * max_blocks + j, block_size * max_blocks ==
// kv_capacity): PAGED_ATTENTION must give ATTENTION's output bit for bit (one
// kernel tile, the same order of operations).
TEST(CpuServing, PagedAttentionInOrderIsContiguousAttention) {
    CpuSession c;
    const std::int64_t B = 3, H = 8, KH = 2, D = 64, S = 1, KV = 70, bs = 16, mb = 5, cap = bs * mb;
    bk_op_desc contiguous{};
    contiguous.struct_size = sizeof contiguous;
    contiguous.kind = BK_OP_ATTENTION;
    contiguous.path = BK_PATH_PORTABLE;
    contiguous.dtype_a = contiguous.dtype_b = contiguous.dtype_c = BK_F32;
    bk_attention_op& a = contiguous.u.attn;
    a.batch = B, a.heads = H, a.kv_heads = KH, a.seq_q = S, a.seq_kv = KV, a.kv_capacity = cap, a.head_dim = D;
    a.causal = 1, a.scale = 0.125;
    const bk_op_desc paged = bakeoff::conformance::paged_attention_desc(BK_F32, B, B * S, H, KH, D, bs, B * mb, mb, true);
    std::vector<float> q(std::size_t(B * S * H * D)), kv(std::size_t(B * cap * KH * D));
    for (std::size_t i = 0; i < q.size(); ++i) q[i] = std::sin(float(i) * 0.37f);
    for (std::size_t i = 0; i < kv.size(); ++i) kv[i] = std::cos(float(i) * 0.11f);
    std::vector<std::int32_t> q_start, table;
    const std::vector<std::int32_t> kv_len(static_cast<std::size_t>(B), static_cast<std::int32_t>(KV));
    for (std::int64_t b = 0; b <= B; ++b) q_start.push_back(std::int32_t(b * S));
    for (std::int64_t j = 0; j < B * mb; ++j) table.push_back(std::int32_t(j));
    using bktest::serving::Buf;
    Buf bq(c.t, c.dev, q.size() * 4), bk(c.t, c.dev, kv.size() * 4), bo1(c.t, c.dev, q.size() * 4),
        bo2(c.t, c.dev, q.size() * 4), bqs(c.t, c.dev, q_start.size() * 4), bkl(c.t, c.dev, kv_len.size() * 4),
        bt(c.t, c.dev, table.size() * 4);
    bq.put(q), bk.put(kv), bqs.put(q_start), bkl.put(kv_len), bt.put(table);
    bk_buffer* ops1[4] = {bq.b, bk.b, bk.b, bo1.b};
    bk_buffer* ops2[7] = {bq.b, bk.b, bk.b, bqs.b, bkl.b, bt.b, bo2.b};
    ASSERT_EQ(c.t->launch(c.s, &contiguous, ops1, 4), BK_OK) << c.t->last_error();
    ASSERT_EQ(c.t->launch(c.s, &paged, ops2, 7), BK_OK) << c.t->last_error();
    EXPECT_EQ(bo1.words(), bo2.words());
}

// Shapes the conformance list does not have: random sequence lengths that
// fit (some q_len 0), blocks in random order, several seeds.
TEST(CpuServing, PagedAttentionOnRandomLayouts) {
    bakeoff::PluginRegistry reg;
    ASSERT_TRUE(reg.add_builtin(bakeoff_cpu_backend()));
    bakeoff::Device dev(reg.devices().at(0));
    using bakeoff::conformance::paged_attention_desc;
    for (std::uint64_t seed = 1; seed <= 4; ++seed)
        for (const bk_op_desc& op : {paged_attention_desc(BK_F32, 6, 40, 6, 3, 32, 7, 30, 6, true),
                                     paged_attention_desc(BK_F16, 3, 20, 4, 1, 80, 3, 20, 9, false)}) {
            const auto r = bakeoff::conformance::run_case(dev, op, seed);
            EXPECT_EQ(r.outcome, bakeoff::conformance::Outcome::pass) << r.id() << ": " << r.detail;
        }
}

}  // namespace
