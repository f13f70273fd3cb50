// The fp64 references of the serving ops, on values worked out by hand:
// rope_pos rotates each row by its own position, paged_kv_write fills the
// named slots only, and paged_attention reads a sequence's keys through its
// block table (blocks out of order), masks causally from kv_len - q_len,
// skips a sequence with no queries and leaves rows no sequence owns alone.
#include "nn/reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace bakeoff::nnref {
namespace {

TEST(NnReferenceServing, RopePosRotatesEachRowByItsPosition) {
    // Two rows of one head, (1, 0) each; f = 0.5; positions 2 and 0.
    const std::vector<double> x = {1, 0, 1, 0}, freq = {0.5};
    const std::vector<std::int32_t> pos = {2, 0};
    std::vector<double> y(4);
    rope_pos(x.data(), y.data(), 2, 1, 2, pos.data(), freq.data(), false);
    EXPECT_NEAR(y[0], std::cos(1.0), 1e-15);
    EXPECT_NEAR(y[1], std::sin(1.0), 1e-15);
    EXPECT_EQ(y[2], 1.0);
    EXPECT_EQ(y[3], 0.0);
    rope_pos(x.data(), y.data(), 2, 1, 2, pos.data(), freq.data(), true);
    EXPECT_NEAR(y[1], -std::sin(1.0), 1e-15);
}

TEST(NnReferenceServing, PagedKvWriteFillsTheNamedSlotsOnly) {
    const std::vector<double> x = {1, 2, 3, 4, 5, 6};
    const std::vector<std::int32_t> slot = {2, -1, 0};
    std::vector<double> cache(8, 9);
    paged_kv_write(x.data(), slot.data(), cache.data(), 3, 2);
    EXPECT_EQ(cache, (std::vector<double>{5, 6, 9, 9, 1, 2, 9, 9}));
}

TEST(NnReferenceServing, PagedAttentionByHand) {
    // head_dim 1, one head; blocks of 2 positions, 4 blocks. q = 0 makes every
    // visible key weigh the same: o is the mean of the visible values.
    // Sequence 0: 2 queries over 3 keys in blocks 3 then 1 (values 10, 20 | 30).
    // Sequence 1: no queries (its table names no valid block). Sequence 2: one
    // query over 1 key in block 0 (value 7). Row 3 belongs to no sequence.
    bk_paged_attention_op a{};
    a.seqs = 3, a.tokens = 4, a.heads = 1, a.kv_heads = 1, a.head_dim = 1, a.block_size = 2, a.num_blocks = 4;
    a.max_blocks = 2, a.causal = 1, a.scale = 1;
    const double nan = std::nan("");
    const std::vector<double> q = {0, 0, 0, 0};
    std::vector<double> k(8, nan), v(8, nan);
    for (int p : {6, 7, 2, 0}) k[std::size_t(p)] = 0.5;
    v[6] = 10, v[7] = 20, v[2] = 30, v[0] = 7;
    const std::vector<std::int32_t> q_start = {0, 2, 2, 3}, kv_len = {3, 0, 1}, table = {3, 1, -9, -9, 0, -9};
    std::vector<double> o(4, -1);
    paged_attention(q.data(), k.data(), v.data(), q_start.data(), kv_len.data(), table.data(), o.data(), a);
    EXPECT_DOUBLE_EQ(o[0], 15);  // query 0 at position 1 sees keys 0, 1
    EXPECT_DOUBLE_EQ(o[1], 20);  // query 1 at position 2 sees keys 0, 1, 2
    EXPECT_DOUBLE_EQ(o[2], 7);
    EXPECT_EQ(o[3], -1);  // no sequence's row
    a.causal = 0;
    paged_attention(q.data(), k.data(), v.data(), q_start.data(), kv_len.data(), table.data(), o.data(), a);
    EXPECT_DOUBLE_EQ(o[0], 20);
}

}  // namespace
}  // namespace bakeoff::nnref
