#include "cuda_nn_geometry.h"

#include <algorithm>

namespace bakeoff::cuda {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

uint32_t pow2_ceil(int64_t v) {
    uint32_t p = 1;
    while (p < v && p < (1u << 30)) p *= 2;
    return p;
}

uint32_t clamp_u32(int64_t v) { return uint32_t(std::clamp<int64_t>(v, 1, kGridXMax)); }

}  // namespace

bool fits_grid(const NnGrid& g) {
    return g.x >= 1 && g.y >= 1 && g.z >= 1 && g.y <= kGridYZMax && g.z <= kGridYZMax && g.threads >= 1 &&
           g.threads <= 1024 && g.smem_bytes <= kSmemDefault;
}

NnGrid row_grid(int64_t rows, int64_t dim) {
    NnGrid g;
    g.x = clamp_u32(rows);
    g.threads = std::clamp<uint32_t>(pow2_ceil(ceil_div(std::max<int64_t>(dim, 1), 8)), 32, 1024);
    return g;
}

NnGrid elem_grid(int64_t n, int sms) {
    NnGrid g;
    g.threads = 256;
    const int64_t cap = int64_t(std::max(sms, 1)) * 16;
    g.x = clamp_u32(std::min(ceil_div(std::max<int64_t>(n, 1), 256), cap));
    return g;
}

NnGrid rowcopy_grid(int64_t rows, int64_t row_elems) {
    NnGrid g;
    g.threads = 256;
    g.x = clamp_u32(rows);
    // y past 65535 fails fits_grid (rows of over 16.7 M elements).
    g.y = uint32_t(std::clamp<int64_t>(ceil_div(std::max<int64_t>(row_elems, 1), 256), 1, kGridYZMax + 1));
    return g;
}

uint32_t attn_smem_bytes(int rows, int key_block, int64_t head_dim) {
    const int64_t d = head_dim;
    const int64_t floats = rows * d + key_block * (d + 1) + key_block * d + int64_t(rows) * key_block + 3 * rows;
    return uint32_t(floats * 4);
}

AttnTile attention_tile(int64_t head_dim) {
    AttnTile t;
    if (head_dim < 1 || head_dim > kAttnMaxHeadDim) return t;
    // The largest row count whose accumulator fits the registers, then the
    // largest key tile that fits the default shared memory.
    for (int rows = 16; rows >= 1; rows /= 2) {
        if (int64_t(rows) * head_dim > int64_t(kAttnAccPerThread) * kAttnThreads) continue;
        for (int kb = 64; kb >= 16; kb /= 2) {
            const uint32_t smem = attn_smem_bytes(rows, kb, head_dim);
            if (smem <= kSmemDefault) return {rows, kb, smem};
        }
    }
    return t;
}

AttnGrid attention_grid(int64_t pairs, int64_t group_rows, int64_t seq_kv, int64_t head_dim, int sms) {
    AttnGrid a;
    a.tile = attention_tile(head_dim);
    if (a.tile.rows == 0) return a;
    const int64_t tiles = ceil_div(std::max<int64_t>(group_rows, 1), a.tile.rows);
    const int64_t blocks = tiles * pairs;
    const int64_t key_blocks = ceil_div(std::max<int64_t>(seq_kv, 1), a.tile.key_block);
    // Split the keys only when the tiles fill fewer than two blocks per SM,
    // and keep at least four key tiles per split.
    int64_t splits = 1;
    const int64_t want = 2 * int64_t(std::max(sms, 1));
    if (blocks < want) splits = std::min<int64_t>({ceil_div(want, blocks), ceil_div(key_blocks, 4), kAttnMaxSplits});
    splits = std::max<int64_t>(splits, 1);
    const int64_t per = ceil_div(key_blocks, splits);
    a.splits = int(ceil_div(key_blocks, per));  // no empty split
    a.keys_per_split = per * a.tile.key_block;
    a.grid.x = clamp_u32(tiles);
    a.grid.y = uint32_t(std::clamp<int64_t>(pairs, 1, kGridYZMax + 1));
    a.grid.z = uint32_t(a.splits);
    a.grid.threads = kAttnThreads;
    a.grid.smem_bytes = a.tile.smem_bytes;
    if (a.splits > 1)
        a.scratch_bytes = uint64_t(a.splits) * uint64_t(pairs) * uint64_t(tiles * a.tile.rows) *
                          uint64_t(head_dim + 2) * sizeof(float);
    return a;
}

NnGrid attention_bwd_query_grid(int64_t batch, int64_t heads, int64_t seq, int64_t head_dim) {
    NnGrid g;
    g.x = clamp_u32(batch * heads * seq);
    g.threads = kAttnBwdThreads;
    // q, do and dq rows, then a chunk of ds values, one per thread.
    g.smem_bytes = uint32_t((3 * head_dim + kAttnBwdThreads) * 4);
    return g;
}

NnGrid attention_bwd_key_grid(int64_t batch, int64_t kv_heads, int64_t seq, int64_t head_dim) {
    NnGrid g;
    g.x = clamp_u32(batch * kv_heads * seq);
    g.threads = kAttnBwdThreads;
    // k, v, dk and dv rows, then p, ds and the query row of each thread's pair.
    g.smem_bytes = uint32_t((4 * head_dim + 3 * kAttnBwdThreads) * 4);
    return g;
}

QGemmPlan qgemm_plan(int64_t m, int64_t n) {
    QGemmPlan p;
    p.gemv = m <= kQGemvMaxM;
    if (p.gemv) {
        p.grid.threads = 32 * kQGemvWarps;
        p.grid.x = clamp_u32(ceil_div(n, kQGemvWarps));
    } else {
        p.grid.threads = 256;
        p.grid.x = clamp_u32(ceil_div(n, kQTile));
        p.grid.y = uint32_t(std::clamp<int64_t>(ceil_div(m, kQTile), 1, kGridYZMax + 1));
    }
    return p;
}

}  // namespace bakeoff::cuda
