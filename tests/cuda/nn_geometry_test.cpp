// Launch geometry and argument mapping of the CUDA backend's NN kernels and
// block-quantized GEMM (bakeoff_cuda_host: pure host logic, no GPU).
#include "cuda_nn_args.h"
#include "cuda_nn_geometry.h"

#include "common/op_desc.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace bakeoff::cuda;

TEST(NnGeometry, RowKernelsTakeOneBlockPerRowAndAboutEightValuesAThread) {
    const NnGrid g = row_grid(77, 2048);
    EXPECT_EQ(g.x, 77u);
    EXPECT_EQ(g.threads, 256u);
    EXPECT_EQ(row_grid(3, 1).threads, 32u);          // at least a warp
    EXPECT_EQ(row_grid(3, 128256).threads, 1024u);   // a vocabulary row: capped at 1024
    EXPECT_EQ(row_grid(3, 1000).threads, 128u);      // 125 -> the next power of two
    EXPECT_TRUE(fits_grid(row_grid(int64_t(1) << 30, 64)));
}

TEST(NnGeometry, ElementwiseGridsCoverSmallArraysAndCapLargeOnes) {
    EXPECT_EQ(elem_grid(1, 132).x, 1u);
    EXPECT_EQ(elem_grid(257, 132).x, 2u);
    EXPECT_EQ(elem_grid(int64_t(1) << 30, 132).x, 132u * 16u);  // grid-stride beyond
    EXPECT_EQ(elem_grid(1000, 0).x, 4u);                        // unknown SM count: still a grid
    EXPECT_EQ(elem_grid(1000, 132).threads, 256u);
}

TEST(NnGeometry, RowCopiesSplitLongRowsAndRefusePastGridY) {
    const NnGrid g = rowcopy_grid(5, 2049);
    EXPECT_EQ(g.x, 5u);
    EXPECT_EQ(g.y, 9u);
    EXPECT_TRUE(fits_grid(g));
    EXPECT_FALSE(fits_grid(rowcopy_grid(5, int64_t(65536) * 256)));
}

TEST(NnGeometry, AttentionTileKeepsTheAccumulatorInRegistersAndSharedMemoryInBudget) {
    for (int64_t d : {1, 32, 64, 80, 96, 128, 160, 256}) {
        SCOPED_TRACE(d);
        const AttnTile t = attention_tile(d);
        ASSERT_GT(t.rows, 0);
        EXPECT_LE(t.rows * d, int64_t(kAttnAccPerThread) * kAttnThreads);
        EXPECT_LE(t.smem_bytes, kSmemDefault);
        EXPECT_EQ(t.smem_bytes, attn_smem_bytes(t.rows, t.key_block, d));
        // The key tile is the largest that fits (or already the largest).
        if (t.key_block < 64) {
            EXPECT_GT(attn_smem_bytes(t.rows, t.key_block * 2, d), kSmemDefault);
        }
    }
    EXPECT_EQ(attention_tile(64).rows, 16);
    EXPECT_EQ(attention_tile(64).key_block, 64);
    EXPECT_EQ(attention_tile(128).key_block, 32);
    EXPECT_EQ(attention_tile(256).rows, 8);
    EXPECT_EQ(attention_tile(257).rows, 0);  // past kAttnMaxHeadDim
}

TEST(NnGeometry, AttentionSplitsKeysOnlyWhenTheTilesLeaveSmsIdle) {
    // Prefill: 8 (batch, KV head) pairs x 512 queries x 4 heads a group: plenty of blocks.
    const AttnGrid pre = attention_grid(8, 512 * 4, 512, 64, 132);
    EXPECT_EQ(pre.splits, 1);
    EXPECT_EQ(pre.grid.x, 128u);
    EXPECT_EQ(pre.grid.y, 8u);
    EXPECT_EQ(pre.scratch_bytes, 0u);
    // Decode: one query, 8 pairs, a 4096-key cache: split, each split's keys a
    // whole number of tiles, every key in exactly one split.
    const AttnGrid dec = attention_grid(8, 4, 4096, 64, 132);
    EXPECT_GT(dec.splits, 1);
    EXPECT_LE(dec.splits, kAttnMaxSplits);
    EXPECT_EQ(dec.grid.z, uint32_t(dec.splits));
    EXPECT_EQ(dec.keys_per_split % dec.tile.key_block, 0);
    EXPECT_GE(dec.splits * dec.keys_per_split, 4096);
    EXPECT_LT((dec.splits - 1) * dec.keys_per_split, 4096);  // no empty split
    EXPECT_EQ(dec.scratch_bytes, uint64_t(dec.splits) * 8 * dec.tile.rows * (64 + 2) * 4);
    // A short cache is not split below four key tiles a split.
    EXPECT_EQ(attention_grid(8, 4, 100, 64, 132).splits, 1);
}

TEST(NnGeometry, AttentionBackwardGridsTakeARowABlock) {
    const NnGrid q = attention_bwd_query_grid(2, 8, 33, 64);
    EXPECT_EQ(q.x, 2u * 8u * 33u);
    EXPECT_EQ(q.threads, uint32_t(kAttnBwdThreads));
    EXPECT_EQ(q.smem_bytes, (3 * 64 + kAttnBwdThreads) * 4u);
    const NnGrid k = attention_bwd_key_grid(2, 2, 33, 64);
    EXPECT_EQ(k.x, 2u * 2u * 33u);
    EXPECT_EQ(k.smem_bytes, (4 * 64 + 3 * kAttnBwdThreads) * 4u);
    EXPECT_TRUE(fits_grid(k));
}

TEST(NnGeometry, QuantizedGemmIsAGemvUpToEightRows) {
    const QGemmPlan v = qgemm_plan(8, 2050);
    EXPECT_TRUE(v.gemv);
    EXPECT_EQ(v.grid.threads, 32u * kQGemvWarps);
    EXPECT_EQ(v.grid.x, 513u);  // a warp per weight row, 4 a block
    const QGemmPlan t = qgemm_plan(9, 130);
    EXPECT_FALSE(t.gemv);
    EXPECT_EQ(t.grid.x, 3u);
    EXPECT_EQ(t.grid.y, 1u);
    EXPECT_EQ(t.grid.threads, 256u);
    EXPECT_FALSE(fits_grid(qgemm_plan(int64_t(65536) * 64 + 1, 64).grid));
}

TEST(NnArgs, RopeMapsPositionsPerOp) {
    bk_op_desc op = bktest::op_desc(BK_OP_ROPE, BK_BF16);
    op.u.nn = {};
    op.u.nn.rows = 12;
    op.u.nn.heads = 4;
    op.u.nn.head_dim = 64;
    op.u.nn.dim = 256;
    op.u.nn.seq = 3;
    op.u.nn.pos_offset = 7;
    op.u.nn.theta = 500000;
    op.u.nn.inverse = 1;
    RopeArgs a = rope_args(op);
    EXPECT_EQ(a.rows, 12);
    EXPECT_EQ(a.seq, 3);
    EXPECT_EQ(a.pos_offset, 7);
    EXPECT_EQ(a.theta, 500000);
    EXPECT_TRUE(a.inverse);
    EXPECT_EQ(a.freq, nullptr);
    op.kind = BK_OP_ROPE_POS;  // positions come from pos: seq and pos_offset are not read
    a = rope_args(op);
    EXPECT_EQ(a.seq, 1);
    EXPECT_EQ(a.pos_offset, 0);
    const NnLaunchPlan p = nn_launch_plan(op, 132);
    EXPECT_EQ(p.grid.x, 2u);  // one thread per (row, pair): 12 x 32 = 384, blocks of 256
}

TEST(NnArgs, RowCopiesMapEachOpToItsRows) {
    bk_op_desc op = bktest::op_desc(BK_OP_KV_WRITE, BK_F16);
    op.u.nn = {};
    op.u.nn.rows = 6;
    op.u.nn.dim = 10;
    op.u.nn.seq = 3;
    op.u.nn.capacity = 9;
    op.u.nn.pos_offset = 4;
    RowCopyArgs a = row_copy_args(op);
    EXPECT_EQ(a.map, RowMap::kv_write);
    EXPECT_EQ(a.seq, 3);
    EXPECT_EQ(a.capacity, 9);
    EXPECT_EQ(a.pos_offset, 4);
    op.kind = BK_OP_PAGED_KV_WRITE;
    EXPECT_EQ(row_copy_args(op).map, RowMap::slots);
    op.kind = BK_OP_EMBEDDING;
    EXPECT_EQ(row_copy_args(op).map, RowMap::gather);
    EXPECT_EQ(row_copy_args(op).dim, 10);
}

TEST(NnArgs, LaunchPlansAskForTheScratchTheirKernelsUse) {
    bk_op_desc bwd = bktest::op_desc(BK_OP_RMSNORM_BWD, BK_F32);
    bwd.u.nn = {};
    bwd.u.nn.rows = 33;
    bwd.u.nn.dim = 100;
    NnLaunchPlan p = nn_launch_plan(bwd, 132);
    EXPECT_EQ(p.scratch_bytes, 33u * 4u);  // 1/rms per row
    EXPECT_EQ(p.grid.x, 33u);
    EXPECT_EQ(p.second.x, 1u);  // dw: one thread per column
    bk_op_desc abwd = bktest::op_desc(BK_OP_ATTENTION_BWD, BK_F32);
    abwd.u.attn = {2, 4, 2, 16, 16, 16, 32, 1, 0.2};
    p = nn_launch_plan(abwd, 132);
    EXPECT_EQ(p.scratch_bytes, 2u * 4u * 16u * 3u * 4u);
    // Paged attention: the worst case from the descriptor, or the batch's own.
    bk_op_desc pa = bktest::op_desc(BK_OP_PAGED_ATTENTION, BK_BF16);
    pa.u.paged = {4, 64, 32, 8, 64, 16, 100, 256, 1, 0.125};
    const NnLaunchPlan worst = nn_launch_plan(pa, 132);
    EXPECT_EQ(worst.grid.x, 64u * 4u / 16u);  // tokens x group / rows a tile
    EXPECT_EQ(worst.grid.y, 4u * 8u);
    const NnLaunchPlan decode = nn_launch_plan(pa, 132, 1, 1500);
    EXPECT_EQ(decode.grid.x, 1u);
    EXPECT_GT(decode.attn.splits, 1);
    EXPECT_GT(decode.scratch_bytes, 0u);
}
