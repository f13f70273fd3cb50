// The fp64 references of the serving ops (BK_OP_ROPE_POS, BK_OP_PAGED_KV_WRITE,
// BK_OP_PAGED_ATTENTION), built on the contiguous references: a row of
// ROPE_POS is ROPE_FREQ of one position, and a sequence of PAGED_ATTENTION is
// ATTENTION of one batch entry once its keys and values are gathered from
// their blocks. Only the blocks kv_len needs are read.
#include "nn/reference.h"

#include <algorithm>
#include <vector>

namespace bakeoff::nnref {

void rope_pos(const double* x, double* y, std::int64_t rows, std::int64_t heads, std::int64_t head_dim,
              const std::int32_t* pos, const double* freq, bool inverse) {
    const std::int64_t dim = heads * head_dim;
    for (std::int64_t r = 0; r < rows; ++r)
        rope_freq(x + r * dim, y + r * dim, 1, 1, heads, head_dim, pos[r], freq, inverse);
}

void paged_kv_write(const double* x, const std::int32_t* slot, double* cache, std::int64_t rows, std::int64_t dim) {
    for (std::int64_t r = 0; r < rows; ++r)
        if (slot[r] != -1) std::copy(x + r * dim, x + (r + 1) * dim, cache + std::int64_t(slot[r]) * dim);
}

void paged_attention(const double* q, const double* k_cache, const double* v_cache, const std::int32_t* q_start,
                     const std::int32_t* kv_len, const std::int32_t* block_table, double* o,
                     const bk_paged_attention_op& a) {
    const std::int64_t row = a.kv_heads * a.head_dim;  // elements of one cache position
    const std::int64_t qrow = a.heads * a.head_dim;    // elements of one query row
    for (std::int64_t s = 0; s < a.seqs; ++s) {
        const std::int64_t q0 = q_start[s], q_len = q_start[s + 1] - q0, n = kv_len[s];
        if (q_len == 0) continue;
        // Position p of the sequence lives in block table[s][p / block_size], slot p % block_size.
        std::vector<double> k(std::size_t(n * row)), v(k.size());
        for (std::int64_t p = 0; p < n; ++p) {
            const std::int64_t blk = block_table[s * a.max_blocks + p / a.block_size];
            const std::int64_t at = (blk * a.block_size + p % a.block_size) * row;
            std::copy(k_cache + at, k_cache + at + row, k.begin() + p * row);
            std::copy(v_cache + at, v_cache + at + row, v.begin() + p * row);
        }
        bk_attention_op one{};
        one.batch = 1, one.heads = a.heads, one.kv_heads = a.kv_heads, one.seq_q = q_len, one.seq_kv = n;
        one.kv_capacity = n, one.head_dim = a.head_dim, one.causal = a.causal, one.scale = a.scale;
        attention(q + q0 * qrow, k.data(), v.data(), o + q0 * qrow, one);
    }
}

}  // namespace bakeoff::nnref
