// Bad indices of the serving ops (ROPE_POS, PAGED_KV_WRITE, PAGED_ATTENTION)
// through a backend's ABI table: each must make launch() return
// BK_INVALID_ARGUMENT with a message naming the index, and write nothing (the
// output, poisoned first, keeps its poison); the same operands with good
// indices then launch and write. Shared by the CPU and OpenCL backend tests.
#pragma once

#include <bakeoff/backend_abi.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bktest::serving {

constexpr std::uint32_t kPoison = 0x7FC07FC0u;  // NaN in f32

// A buffer of a backend, freed with it.
struct Buf {
    const bk_backend* t;
    bk_buffer* b = nullptr;
    std::size_t bytes;
    Buf(const bk_backend* table, bk_device* dev, std::size_t n) : t(table), bytes(n) {
        EXPECT_EQ(t->buffer_alloc(dev, n, &b), BK_OK) << t->last_error();
    }
    ~Buf() {
        if (b) t->buffer_free(b);
    }
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    template <class T>
    void put(const std::vector<T>& v) {
        ASSERT_EQ(t->buffer_upload(b, 0, v.data(), v.size() * sizeof(T)), BK_OK) << t->last_error();
    }
    void poison() { ASSERT_EQ(t->buffer_fill(b, 0, bytes, kPoison), BK_OK) << t->last_error(); }
    std::vector<std::uint32_t> words() {
        std::vector<std::uint32_t> w(bytes / 4);
        EXPECT_EQ(t->buffer_download(b, 0, w.data(), bytes), BK_OK) << t->last_error();
        return w;
    }
    bool untouched() {
        for (std::uint32_t w : words())
            if (w != kPoison) return false;
        return true;
    }
};

inline bk_op_desc blank(std::uint32_t kind) {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = kind;
    op.path = BK_PATH_PORTABLE;
    op.dtype_a = op.dtype_b = op.dtype_c = BK_F32;
    return op;
}

// Launches op on ops with `out` poisoned first; expects BK_INVALID_ARGUMENT
// naming `want` and `out` untouched.
inline void expect_refused(const bk_backend* t, bk_stream* s, const bk_op_desc& op, std::vector<bk_buffer*> ops,
                           Buf& out, const std::string& want) {
    out.poison();
    EXPECT_EQ(t->launch(s, &op, ops.data(), std::uint32_t(ops.size())), BK_INVALID_ARGUMENT) << want;
    EXPECT_NE(std::string(t->last_error()).find(want), std::string::npos) << t->last_error();
    ASSERT_EQ(t->stream_sync(s), BK_OK);
    EXPECT_TRUE(out.untouched()) << "written despite " << want;
}

inline void paged_attention(const bk_backend* t, bk_device* dev, bk_stream* s) {
    // 2 sequences over 4 blocks of 2 positions; 4 query rows, the last owned by none.
    bk_op_desc op = blank(BK_OP_PAGED_ATTENTION);
    bk_paged_attention_op& a = op.u.paged;
    a.seqs = 2, a.tokens = 4, a.heads = 2, a.kv_heads = 1, a.head_dim = 4, a.block_size = 2, a.num_blocks = 4;
    a.max_blocks = 2, a.causal = 1, a.scale = 0.5;
    ASSERT_EQ(t->supports(dev, &op), BK_OK) << t->last_error();
    std::vector<float> q(4 * 2 * 4), kv(4 * 2 * 4);
    for (std::size_t i = 0; i < q.size(); ++i) q[i] = float(i % 7) * 0.25f - 0.5f;
    for (std::size_t i = 0; i < kv.size(); ++i) kv[i] = float(i % 5) * 0.25f - 0.5f;
    Buf bq(t, dev, q.size() * 4), bk(t, dev, kv.size() * 4), bv(t, dev, kv.size() * 4), bqs(t, dev, 12),
        bkl(t, dev, 8), btab(t, dev, 16), bo(t, dev, q.size() * 4);
    bq.put(q), bk.put(kv), bv.put(kv);
    const std::vector<bk_buffer*> ops = {bq.b, bk.b, bv.b, bqs.b, bkl.b, btab.b, bo.b};
    struct Bad {
        std::vector<std::int32_t> q_start, kv_len, table;
        const char* want;
    };
    const std::vector<std::int32_t> qs = {0, 1, 3}, kl = {3, 2}, tab = {1, 3, 0, 2};
    for (const Bad& bad : {Bad{qs, {3, 1}, tab, "kv_len[1] = 1"},          // fewer keys than queries
                           Bad{qs, {5, 2}, tab, "kv_len[0] = 5"},          // past max_blocks * block_size
                           Bad{qs, kl, {1, 4, 0, 2}, "block_table[1] = 4"},  // block id out of range
                           Bad{qs, kl, {1, 3, -1, 2}, "block_table[2] = -1"},
                           Bad{{0, 1, 5}, kl, tab, "q_start[2] = 5"},       // past tokens
                           Bad{{0, 2, 1}, kl, tab, "q_start[2] = 1"},       // decreasing
                           Bad{{1, 1, 3}, kl, tab, "q_start[0] = 1"}}) {
        bqs.put(bad.q_start), bkl.put(bad.kv_len), btab.put(bad.table);
        expect_refused(t, s, op, ops, bo, bad.want);
    }
    // Good indices: rows 0..2 are written, row 3 (no sequence's) keeps its poison.
    bqs.put(qs), bkl.put(kl), btab.put(tab);
    bo.poison();
    ASSERT_EQ(t->launch(s, &op, ops.data(), std::uint32_t(ops.size())), BK_OK) << t->last_error();
    ASSERT_EQ(t->stream_sync(s), BK_OK);
    const auto w = bo.words();
    for (std::size_t i = 0; i < w.size(); ++i) {
        float f;
        std::memcpy(&f, &w[i], 4);
        if (i < 3 * 8) {
            EXPECT_TRUE(std::isfinite(f)) << "o[" << i << "] was not written";
        } else {
            EXPECT_EQ(w[i], kPoison) << "o[" << i << "] belongs to no sequence but was written";
        }
    }
}

inline void paged_kv_write(const bk_backend* t, bk_device* dev, bk_stream* s) {
    bk_op_desc op = blank(BK_OP_PAGED_KV_WRITE);
    op.u.nn.rows = 3, op.u.nn.dim = 2, op.u.nn.capacity = 4;
    ASSERT_EQ(t->supports(dev, &op), BK_OK) << t->last_error();
    Buf bx(t, dev, 24), bslot(t, dev, 12), bcache(t, dev, 32);
    bx.put(std::vector<float>{1, 2, 3, 4, 5, 6});
    const std::vector<bk_buffer*> ops = {bx.b, bslot.b, bcache.b};
    for (const auto& [slot, want] : std::vector<std::pair<std::vector<std::int32_t>, const char*>>{
             {{0, 4, 1}, "slot[1] = 4"}, {{2, 2, -1}, "slot[1] = 2"}, {{-2, 0, 1}, "slot[0] = -2"}}) {
        bslot.put(slot);
        expect_refused(t, s, op, ops, bcache, want);
    }
    // Good: row 0 to slot 3, row 1 skipped, row 2 to slot 0; slots 1 and 2 keep their poison.
    bslot.put(std::vector<std::int32_t>{3, -1, 0});
    bcache.poison();
    ASSERT_EQ(t->launch(s, &op, ops.data(), 3), BK_OK) << t->last_error();
    ASSERT_EQ(t->stream_sync(s), BK_OK);
    const auto w = bcache.words();
    const float want[8] = {5, 6, 0, 0, 0, 0, 1, 2};
    for (int i = 0; i < 8; ++i) {
        if (i >= 2 && i < 6) {
            EXPECT_EQ(w[std::size_t(i)], kPoison) << i;
        } else {
            float f;
            std::memcpy(&f, &w[std::size_t(i)], 4);
            EXPECT_EQ(f, want[i]) << i;
        }
    }
}

// Returns false (nothing tested) where the backend does not run ROPE_POS in f32.
inline bool rope_pos(const bk_backend* t, bk_device* dev, bk_stream* s) {
    bk_op_desc op = blank(BK_OP_ROPE_POS);
    op.u.nn.rows = 2, op.u.nn.heads = 1, op.u.nn.head_dim = 2, op.u.nn.dim = 2;
    if (t->supports(dev, &op) != BK_OK) return false;
    Buf bx(t, dev, 16), bf(t, dev, 8), bpos(t, dev, 8), by(t, dev, 16);
    bx.put(std::vector<float>{1, 0, 1, 0});
    bf.put(std::vector<double>{0.5});
    const std::vector<bk_buffer*> ops = {bx.b, bf.b, bpos.b, by.b};
    bpos.put(std::vector<std::int32_t>{0, -1});
    expect_refused(t, s, op, ops, by, "pos[1] = -1");
    // Position 100000 (far out of order after 3): y = (cos, sin) of 0.5 p.
    bpos.put(std::vector<std::int32_t>{100000, 3});
    by.poison();
    EXPECT_EQ(t->launch(s, &op, ops.data(), 4), BK_OK) << t->last_error();
    EXPECT_EQ(t->stream_sync(s), BK_OK);
    std::vector<float> y(4);
    EXPECT_EQ(t->buffer_download(by.b, 0, y.data(), 16), BK_OK);
    EXPECT_NEAR(y[0], std::cos(50000.0), 1e-5);
    EXPECT_NEAR(y[1], std::sin(50000.0), 1e-5);
    EXPECT_NEAR(y[2], std::cos(1.5), 1e-6);
    EXPECT_NEAR(y[3], std::sin(1.5), 1e-6);
    return true;
}

}  // namespace bktest::serving
