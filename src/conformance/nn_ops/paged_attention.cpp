// PAGED_ATTENTION: packed variable-length queries over a paged KV cache.
// Each listed descriptor comes with its sequences' query and key counts
// (kLayouts): decode rows (q_len 1) mixed with a chunked-prefill sequence of
// many rows, sequences whose keys cross block boundaries, a sequence with
// q_len 0, a pure prefill (kv_len == q_len), a decode batch, one long
// prefill, grouped-query heads (8 / 2), head_dims 64, 128 and an odd one,
// block sizes 16, 5 and 1. Any other descriptor gets a random layout that fits
// (the first sequence has at least one query row).
//
// Every case: the blocks are handed out in a random order, blocks 7 and 2
// first (so a sequence reads block 7 before block 2); the table entries past
// the blocks a sequence needs, and all entries of a skipped sequence, name
// no block (num_blocks + 3: out of range, so reading or checking them shows);
// cache blocks no sequence uses and the slots past kv_len hold NaN; the last
// rows of o belong to no sequence and, like every row, start as NaN poison:
// owned rows must be written, the others must stay NaN.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace bakeoff::conformance {

namespace {

struct Layout {
    // seqs, tokens, heads, kv_heads, head_dim, block_size, num_blocks, max_blocks, causal
    std::int64_t shape[9];
    std::vector<std::int32_t> q_len, kv_len;
};

const std::vector<Layout>& layouts() {
    static const std::vector<Layout> all = {
        // the smallest
        {{1, 1, 1, 1, 1, 1, 1, 1, 1}, {1}, {1}},
        // decode rows around a chunked prefill of 37 rows, one sequence skipped,
        // keys across block boundaries, 3 rows of o owned by no sequence
        {{5, 43, 8, 2, 64, 16, 12, 4, 1}, {1, 1, 0, 37, 1}, {20, 1, 9, 53, 16}},
        // block size 5, head_dim 128, not causal; q_len 0 with kv_len 0
        {{3, 6, 8, 2, 128, 5, 9, 3, 0}, {3, 1, 0}, {12, 7, 0}},
        // a decode batch of 8, head_dim 128
        {{8, 8, 8, 2, 128, 16, 26, 7, 1}, {1, 1, 1, 1, 1, 1, 1, 1}, {1, 17, 33, 16, 100, 64, 5, 48}},
        // one long prefill chunk: many query rows for the threads to split
        {{1, 150, 4, 1, 64, 16, 16, 13, 1}, {150}, {200}},
        // block size 5, odd head_dim, a pure prefill (kv_len == q_len), 1 unowned row
        {{4, 13, 6, 2, 17, 5, 10, 3, 1}, {2, 0, 1, 9}, {11, 0, 5, 9}},
    };
    return all;
}

bool same_shape(const bk_paged_attention_op& a, const std::int64_t (&s)[9]) {
    return a.seqs == s[0] && a.tokens == s[1] && a.heads == s[2] && a.kv_heads == s[3] && a.head_dim == s[4] &&
           a.block_size == s[5] && a.num_blocks == s[6] && a.max_blocks == s[7] && a.causal == s[8];
}

std::vector<bk_op_desc> descriptors() {
    std::vector<bk_op_desc> out;
    for (bk_dtype t : nn_activation_types())
        for (const Layout& l : layouts()) {
            const auto& s = l.shape;
            out.push_back(paged_attention_desc(t, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] != 0));
        }
    return out;
}

// A layout for a descriptor kLayouts does not list: random lengths that fit
// the tokens and the blocks.
Layout random_layout(const bk_paged_attention_op& a, Gen& g) {
    Layout l{};
    std::int64_t rows_left = a.tokens, blocks_left = a.num_blocks;
    for (std::int64_t s = 0; s < a.seqs; ++s) {
        const std::int64_t kv_max = std::min(a.max_blocks, blocks_left) * a.block_size;
        // The first sequence has at least one query row, so the case tests something.
        const std::int64_t q_min = s == 0 && kv_max > 0 ? 1 : 0;
        const std::int64_t q = q_min + std::int64_t(g.next() % std::uint64_t(std::min(rows_left, kv_max) - q_min + 1));
        const std::int64_t kv = q + std::int64_t(g.next() % std::uint64_t(kv_max - q + 1));
        l.q_len.push_back(std::int32_t(q));
        l.kv_len.push_back(std::int32_t(kv));
        rows_left -= q;
        if (q > 0) blocks_left -= (kv + a.block_size - 1) / a.block_size;
    }
    return l;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_paged_attention_op& a = op.u.paged;
    Layout l;
    const auto& all = layouts();
    const auto it = std::find_if(all.begin(), all.end(), [&](const Layout& x) { return same_shape(a, x.shape); });
    l = it != all.end() ? *it : random_layout(a, g);

    // The blocks in the order they are handed out: 7 and 2 first, the rest shuffled.
    std::vector<std::int32_t> order(std::size_t(a.num_blocks));
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g.next() % i]);
    for (std::int32_t front : {2, 7})
        if (front < a.num_blocks) {
            order.erase(std::find(order.begin(), order.end(), front));
            order.insert(order.begin(), front);
        }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::int64_t row = a.kv_heads * a.head_dim;
    std::vector<double> q_start(std::size_t(a.seqs + 1)), kv_len(std::size_t(a.seqs));
    std::vector<double> table(std::size_t(a.seqs * a.max_blocks), double(a.num_blocks + 3));
    std::vector<double> k(std::size_t(a.num_blocks * a.block_size * row), nan), v(k.size(), nan);
    std::size_t next_block = 0;
    for (std::int64_t s = 0; s < a.seqs; ++s) {
        const std::int64_t q = l.q_len[std::size_t(s)], n = l.kv_len[std::size_t(s)];
        q_start[std::size_t(s + 1)] = q_start[std::size_t(s)] + double(q);
        kv_len[std::size_t(s)] = double(n);
        if (q == 0) continue;  // skipped: its table row names no block
        for (std::int64_t j = 0; j < (n + a.block_size - 1) / a.block_size; ++j)
            table[std::size_t(s * a.max_blocks + j)] = order.at(next_block++);
        for (std::int64_t p = 0; p < n; ++p) {
            const std::int64_t blk = std::int64_t(table[std::size_t(s * a.max_blocks + p / a.block_size)]);
            const std::size_t at = std::size_t((blk * a.block_size + p % a.block_size) * row);
            const auto kr = g.uniform(act, std::size_t(row), -2, 2), vr = g.uniform(act, std::size_t(row));
            std::copy(kr.begin(), kr.end(), k.begin() + std::ptrdiff_t(at));
            std::copy(vr.begin(), vr.end(), v.begin() + std::ptrdiff_t(at));
        }
    }
    const auto qv = g.uniform(act, std::size_t(a.tokens * a.heads * a.head_dim), -2, 2);
    const std::vector<double> o0(qv.size(), nan);
    std::vector<double> o = o0;
    nnref::paged_attention(qv.data(), k.data(), v.data(), as_i32(q_start).data(), as_i32(kv_len).data(),
                           as_i32(table).data(), o.data(), a);
    c.t = {in("q", act, qv),
           in("k_cache", act, k),
           in("v_cache", act, v),
           in("q_start", BK_I32, q_start),
           in("kv_len", BK_I32, kv_len),
           in("block_table", BK_I32, table),
           inout("o", act, o0, o)};
}

std::string shape(const bk_op_desc& op) {
    const bk_paged_attention_op& a = op.u.paged;
    return fmt::format("seqs={} tokens={} h={}/{} d={} block={} blocks={} table={}{}", a.seqs, a.tokens, a.heads,
                       a.kv_heads, a.head_dim, a.block_size, a.num_blocks, a.max_blocks, a.causal ? " causal" : "");
}

}  // namespace

bk_op_desc paged_attention_desc(bk_dtype t, std::int64_t seqs, std::int64_t tokens, std::int64_t heads,
                                std::int64_t kv_heads, std::int64_t head_dim, std::int64_t block_size,
                                std::int64_t num_blocks, std::int64_t max_blocks, bool causal) {
    bk_op_desc op = nn_desc(BK_OP_PAGED_ATTENTION, t);
    bk_paged_attention_op& a = op.u.paged;
    a.seqs = seqs, a.tokens = tokens, a.heads = heads, a.kv_heads = kv_heads, a.head_dim = head_dim;
    a.block_size = block_size, a.num_blocks = num_blocks, a.max_blocks = max_blocks, a.causal = causal ? 1 : 0;
    a.scale = 1.0 / std::sqrt(double(head_dim));
    return op;
}

NnOpCase paged_attention_case() {
    return {BK_OP_PAGED_ATTENTION, descriptors, forward_tolerance, build, shape};
}

}  // namespace bakeoff::conformance
