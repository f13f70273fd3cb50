// The serving ops' cache kernels: PAGED_KV_WRITE (row copies into slots) and
// PAGED_ATTENTION (packed variable-length queries over a paged KV cache).
// ROPE_POS is with the other rope kernels in nn_rowwise.cpp. The index
// operands were checked by nn_launch (bk_nn_rules::check_serving_indices)
// before any of these runs.
//
// PAGED_ATTENTION: one work item per (sequence, KV head, tile of 16 query
// rows), handed out dynamically: a decode batch (many sequences of one query)
// gives seqs x kv_heads items, a long prefill chunk one item per 16 rows and KV
// head, so both keep every core busy. An item runs attention_tile()
// (nn_attention_tile.h, the contiguous ATTENTION's online softmax): position p
// of sequence s is row p % block_size of block table[s][p / block_size], so the
// keys of one block are consecutive rows (stride kv_heads * head_dim). Query i
// of s sits at position kv_len - q_len + i; rows no sequence owns are not touched.
#include <algorithm>
#include <cstring>
#include <vector>

#include "bakeoff/plugin_dtype.h"
#include "nn_attention_tile.h"
#include "nn_ops.h"
#include "nn_types.h"

namespace bk_cpu {
namespace {

constexpr int64_t kPagedQueryTile = 16;

struct WorkItem {
    int32_t seq, kv_head;
    int64_t q0, nq;  // the tile's first query (within the sequence) and its query count
};

template <class T>
void paged_attention(const bk_paged_attention_op& a, const T* q, const T* k, const T* v, const int32_t* q_start,
                     const int32_t* kv_len, const int32_t* table, T* o) {
    const int64_t D = a.head_dim, H = a.heads, KH = a.kv_heads, group = H / KH, bs = a.block_size;
    std::vector<WorkItem> items;
    int64_t work = 0;
    for (int64_t s = 0; s < a.seqs; ++s) {
        const int64_t q_len = q_start[s + 1] - q_start[s];
        work += q_len * H * kv_len[s] * D;
        for (int64_t q0 = 0; q0 < q_len; q0 += kPagedQueryTile)
            for (int64_t kh = 0; kh < KH; ++kh)
                items.push_back({int32_t(s), int32_t(kh), q0, std::min(kPagedQueryTile, q_len - q0)});
    }
    parallel_for_dynamic(int64_t(items.size()), work, [&](int64_t i) {
        const WorkItem& w = items[size_t(i)];
        const int64_t n = kv_len[w.seq], q_len = q_start[w.seq + 1] - q_start[w.seq];
        const int32_t* blocks = table + int64_t(w.seq) * a.max_blocks;
        const int64_t at = (q_start[w.seq] + w.q0) * H + w.kv_head * group;  // row (first query, first head)
        // Where position j of the sequence lives, for this KV head.
        auto cache_row = [&](int64_t j) { return ((int64_t(blocks[j / bs]) * bs + j % bs) * KH + w.kv_head) * D; };
        attention_tile<T>(
            w.nq, group, D, a.scale, [&](int64_t qi, int64_t g) { return q + (at + qi * H + g) * D; },
            [&](int64_t qi, int64_t g) { return o + (at + qi * H + g) * D; },
            [&](int64_t qi) { return a.causal ? n - q_len + w.q0 + qi + 1 : n; },
            [&](int64_t j) { return k + cache_row(j); }, [&](int64_t j) { return v + cache_row(j); });
    });
}

}  // namespace

void nn_paged_kv_write(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    const uint64_t row_bytes = uint64_t(n.dim) * bk_dtype_size(op.dtype_a);
    const int32_t* slot = reinterpret_cast<const int32_t*>(p[1]);
    parallel_for(n.rows, n.rows * n.dim, [&](int64_t r) {
        if (slot[r] == -1) return;  // a padding row
        std::memcpy(p[2] + uint64_t(slot[r]) * row_bytes, p[0] + uint64_t(r) * row_bytes, row_bytes);
    });
}

void nn_paged_attention(const bk_op_desc& op, NnPtrs p) {
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        paged_attention<T>(op.u.paged, reinterpret_cast<const T*>(p[0]), reinterpret_cast<const T*>(p[1]),
                           reinterpret_cast<const T*>(p[2]), reinterpret_cast<const int32_t*>(p[3]),
                           reinterpret_cast<const int32_t*>(p[4]), reinterpret_cast<const int32_t*>(p[5]),
                           reinterpret_cast<T*>(p[6]));
    });
}

}  // namespace bk_cpu
