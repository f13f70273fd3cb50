// Attention kernels: the fused forward (dense KV cache and paged cache), the
// merge of key splits, and the backward.
//
// Forward (flash-attention style, fp32 math): a block of kAttnThreads takes
// `rows` (query, head) rows that read one KV head — the query heads of a GQA
// group, query after query — so each key tile is loaded once for all of
// them. Keys are walked in tiles of key_block staged in shared memory (as
// fp32); scores of the tile go to shared memory, a warp per row updates the
// running max m and sum l (online softmax: the accumulator is rescaled by
// exp(m_old - m_new) when the max grows), and the accumulator (rows x
// head_dim, in registers) adds P V. No seq_q x seq_kv matrix exists; tiles
// past the block's causal limit are not loaded. With key splits (grid.z > 1,
// decode) each split writes its unnormalised output, m and l, and
// merge_splits combines them: O = sum_z e^(m_z - M) O_z / sum_z e^(m_z - M) l_z.
//
// The two layouts differ only in where rows live (DenseView, PagedView).
#include "cuda_nn_device.cuh"
#include "cuda_nn_kernels.h"

namespace bakeoff::cuda {

using namespace nn;

namespace {

// One (sequence, KV head) pair: its query rows start at token q_base; kv_len
// keys; query i sits at position kv_len - q_len + i.
struct Pair {
    int64_t q_base = 0, q_len = 0, kv_len = 0, kh = 0, seq = 0;
};

template <class T>
struct DenseView {
    const T *q, *k, *v;
    T* o;
    int64_t heads, kv_heads, head_dim, seq_q, seq_kv, capacity;
    __device__ Pair pair(int64_t p) const {
        const int64_t b = p / kv_heads;
        return {b * seq_q, seq_q, seq_kv, p % kv_heads, b};
    }
    __device__ int64_t kv_at(const Pair& s, int64_t j) const {
        return ((s.seq * capacity + j) * kv_heads + s.kh) * head_dim;
    }
};

template <class T>
struct PagedView {
    const T *q, *k, *v;
    T* o;
    int64_t heads, kv_heads, head_dim, block_size, max_blocks;
    const int32_t *q_start, *kv_len, *block_table;
    __device__ Pair pair(int64_t p) const {
        const int64_t s = p / kv_heads;
        const int64_t b = q_start[s];
        return {b, q_start[s + 1] - b, kv_len[s], p % kv_heads, s};
    }
    __device__ int64_t kv_at(const Pair& s, int64_t j) const {
        const int64_t slot = int64_t(block_table[s.seq * max_blocks + j / block_size]) * block_size + j % block_size;
        return (slot * kv_heads + s.kh) * head_dim;
    }
};

// Query row offset of tile row r (0 .. q_len * group).
template <class View>
__device__ __forceinline__ int64_t q_at(const View& w, const Pair& s, int64_t r, int64_t group) {
    return ((s.q_base + r / group) * w.heads + s.kh * group + r % group) * w.head_dim;
}

struct Partials {
    float* acc = nullptr;    // [splits][pairs][rows_cap][D]
    float* stats = nullptr;  // [splits][pairs][rows_cap][2]: m, l
    int64_t rows_cap = 0;    // rows per pair (tiles x rows)
};

template <class T, class View>
__global__ void __launch_bounds__(kAttnThreads)
    attention_fwd(View w, float scale, bool causal, int R, int KB, int64_t keys_per_split, Partials part) {
    extern __shared__ float sm[];
    const int D = int(w.head_dim);
    float* qs = sm;                  // R x D, scaled
    float* ks = qs + R * D;          // KB x (D + 1)
    float* vs = ks + KB * (D + 1);   // KB x D
    float* ss = vs + KB * D;         // R x KB: scores, then probabilities
    float* m_row = ss + R * KB;      // R
    float* l_row = m_row + R;        // R
    float* corr = l_row + R;         // R
    const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
    const Pair s = w.pair(blockIdx.y);
    const int64_t group = w.heads / w.kv_heads;
    const int64_t r0 = int64_t(blockIdx.x) * R;
    if (r0 >= s.q_len * group) return;  // a shorter sequence of a paged batch (whole block)
    const int nrows = int(cmin(R, s.q_len * group - r0));
    const int64_t first_pos = s.kv_len - s.q_len;  // position of query 0
    const int64_t kbeg = int64_t(blockIdx.z) * keys_per_split;
    int64_t kend = cmin(s.kv_len, kbeg + keys_per_split);
    if (causal) kend = cmin(kend, first_pos + (r0 + nrows - 1) / group + 1);

    for (int idx = tid; idx < R * D; idx += kAttnThreads) {
        const int r = idx / D, d = idx % D;
        qs[idx] = r < nrows ? ld(w.q, q_at(w, s, r0 + r, group) + d) * scale : 0.f;
    }
    for (int r = tid; r < R; r += kAttnThreads) {
        m_row[r] = -INFINITY;
        l_row[r] = 0.f;
    }
    float acc[kAttnAccPerThread];
#pragma unroll
    for (int c = 0; c < kAttnAccPerThread; ++c) acc[c] = 0.f;
    __syncthreads();

    for (int64_t j0 = kbeg; j0 < kend; j0 += KB) {
        const int nk = int(cmin(KB, kend - j0));
        for (int idx = tid; idx < KB * D; idx += kAttnThreads) {
            const int j = idx / D, d = idx % D;
            float kv = 0.f, vv = 0.f;
            if (j < nk) {
                const int64_t at = w.kv_at(s, j0 + j);
                kv = ld(w.k, at + d);
                vv = ld(w.v, at + d);
            }
            ks[j * (D + 1) + d] = kv;
            vs[j * D + d] = vv;
        }
        __syncthreads();
        for (int idx = tid; idx < R * KB; idx += kAttnThreads) {
            const int r = idx / KB, j = idx % KB;
            float sc = -INFINITY;
            const bool visible = !causal || j0 + j <= first_pos + (r0 + r) / group;
            if (r < nrows && j < nk && visible) {
                float dot = 0.f;
                const float* qr = qs + r * D;
                const float* kr = ks + j * (D + 1);
                for (int d = 0; d < D; ++d) dot = fmaf(qr[d], kr[d], dot);
                sc = dot;
            }
            ss[idx] = sc;
        }
        __syncthreads();
        for (int r = warp; r < R; r += kAttnThreads / 32) {
            float bmax = -INFINITY;
            for (int j = lane; j < KB; j += 32) bmax = fmaxf(bmax, ss[r * KB + j]);
            bmax = warp_max(bmax);
            const float mold = m_row[r], mnew = fmaxf(mold, bmax);
            float psum = 0.f;
            for (int j = lane; j < KB; j += 32) {
                // A row that sees no key of this tile keeps p = 0 (and m).
                const float p = mnew == -INFINITY ? 0.f : expf(ss[r * KB + j] - mnew);
                ss[r * KB + j] = p;
                psum += p;
            }
            psum = warp_sum(psum);
            if (lane == 0) {
                const float c = mnew == -INFINITY ? 1.f : expf(mold - mnew);  // 0 on the first tile
                corr[r] = c;
                m_row[r] = mnew;
                l_row[r] = l_row[r] * c + psum;
            }
        }
        __syncthreads();
#pragma unroll
        for (int c = 0; c < kAttnAccPerThread; ++c) {
            const int idx = tid + c * kAttnThreads;
            if (idx < R * D) {
                const int r = idx / D, d = idx % D;
                float a = acc[c] * corr[r];
                const float* pr = ss + r * KB;
                for (int j = 0; j < nk; ++j) a = fmaf(pr[j], vs[j * D + d], a);
                acc[c] = a;
            }
        }
        __syncthreads();
    }

    const int64_t pairs = gridDim.y;
#pragma unroll
    for (int c = 0; c < kAttnAccPerThread; ++c) {
        const int idx = tid + c * kAttnThreads;
        if (idx >= R * D) continue;
        const int r = idx / D, d = idx % D;
        if (r >= nrows) continue;
        if (gridDim.z == 1) {
            st(w.o, q_at(w, s, r0 + r, group) + d, acc[c] / l_row[r]);
        } else {
            const int64_t prow = (int64_t(blockIdx.z) * pairs + blockIdx.y) * part.rows_cap + r0 + r;
            part.acc[prow * D + d] = acc[c];
            if (d == 0) {
                part.stats[prow * 2] = m_row[r];
                part.stats[prow * 2 + 1] = l_row[r];
            }
        }
    }
}

template <class T, class View>
__global__ void __launch_bounds__(kAttnThreads) merge_splits(View w, int R, int splits, Partials part) {
    const Pair s = w.pair(blockIdx.y);
    const int64_t group = w.heads / w.kv_heads;
    const int64_t r0 = int64_t(blockIdx.x) * R;
    if (r0 >= s.q_len * group) return;
    const int nrows = int(cmin(R, s.q_len * group - r0));
    const int D = int(w.head_dim);
    const int64_t pairs = gridDim.y;
    for (int idx = threadIdx.x; idx < nrows * D; idx += blockDim.x) {
        const int r = idx / D, d = idx % D;
        auto prow = [&](int z) { return (int64_t(z) * pairs + blockIdx.y) * part.rows_cap + r0 + r; };
        float mx = -INFINITY;
        for (int z = 0; z < splits; ++z) mx = fmaxf(mx, part.stats[prow(z) * 2]);
        float l = 0.f, o = 0.f;
        for (int z = 0; z < splits; ++z) {
            const float mz = part.stats[prow(z) * 2];
            if (mz == -INFINITY) continue;  // this split saw no key of the row
            const float e = expf(mz - mx);
            l += e * part.stats[prow(z) * 2 + 1];
            o += e * part.acc[prow(z) * D + d];
        }
        st(w.o, q_at(w, s, r0 + r, group) + d, o / l);
    }
}

template <class T, class View>
cudaError_t run_forward(const View& w, float scale, bool causal, const AttnGrid& g, void* scratch,
                        cudaStream_t stream) {
    Partials part;
    part.rows_cap = int64_t(g.grid.x) * g.tile.rows;
    if (g.splits > 1) {
        part.acc = static_cast<float*>(scratch);
        part.stats = part.acc + int64_t(g.splits) * g.grid.y * part.rows_cap * w.head_dim;
    }
    const dim3 grid(g.grid.x, g.grid.y, g.grid.z);
    attention_fwd<T, View><<<grid, kAttnThreads, g.tile.smem_bytes, stream>>>(w, scale, causal, g.tile.rows,
                                                                              g.tile.key_block, g.keys_per_split, part);
    if (cudaError_t e = cudaGetLastError(); e != cudaSuccess || g.splits == 1) return e;
    merge_splits<T, View><<<dim3(g.grid.x, g.grid.y), kAttnThreads, 0, stream>>>(w, g.tile.rows, g.splits, part);
    return cudaGetLastError();
}

// ------------------------------------------------------------- backward
//
// Scores are recomputed, never stored. Query kernel, one block per query row
// (b, i, h): pass 1 over the visible keys gives the row's max M, sum l and
// sum_j p_j dp_j (dp_j = do . v_j), each thread over its own keys, merged
// across the block; pass 2 takes the keys in chunks of one per thread,
// ds_j = p_j (dp_j - sum p dp) scale into shared memory, then dq += ds_j k_j
// with a thread per column. Key kernel, one block per key row (b, j, kv head):
// the (query head of the group, query i) pairs that see key j, chunked the
// same way, give dk += ds q_i and dv += p do_i; it reads the statistics the
// query kernel stored.

struct BwdArgs {
    const float *q, *k, *v, *dout;
    float *dq, *dk, *dv, *stats;
    int64_t heads, kv_heads, seq, head_dim;
    bool causal;
    float scale;
};

__device__ __forceinline__ float dot_rows(const float* a, const float* b, int D) {
    float s = 0.f;
    for (int d = 0; d < D; ++d) s = fmaf(a[d], b[d], s);
    return s;
}

__global__ void __launch_bounds__(kAttnBwdThreads) attention_bwd_query(BwdArgs a) {
    extern __shared__ float sm[];
    __shared__ float red[32];
    const int D = int(a.head_dim), tid = threadIdx.x;
    float* qr = sm;
    float* gr = qr + D;
    float* dqs = gr + D;
    float* ds = dqs + D;  // kAttnBwdThreads
    const int64_t row = blockIdx.x;  // (b * seq + i) * heads + h
    const int64_t h = row % a.heads, i = (row / a.heads) % a.seq, b = row / (a.heads * a.seq);
    const int64_t kh = h / (a.heads / a.kv_heads);
    const int64_t n = a.causal ? i + 1 : a.seq;
    for (int d = tid; d < D; d += kAttnBwdThreads) {
        qr[d] = a.q[row * D + d];
        gr[d] = a.dout[row * D + d];
        dqs[d] = 0.f;
    }
    __syncthreads();
    auto kv_at = [&](int64_t j) { return ((b * a.seq + j) * a.kv_heads + kh) * D; };
    float m = -INFINITY, l = 0.f, wsum = 0.f;
    for (int64_t j = tid; j < n; j += kAttnBwdThreads) {
        const float s = a.scale * dot_rows(qr, a.k + kv_at(j), D);
        const float dp = dot_rows(gr, a.v + kv_at(j), D);
        if (s > m) {
            const float c = expf(m - s);
            l *= c;
            wsum *= c;
            m = s;
        }
        const float p = expf(s - m);
        l += p;
        wsum += p * dp;
    }
    const float M = block_max(m, red);
    const float e = m == -INFINITY ? 0.f : expf(m - M);
    const float L = block_sum(l * e, red);
    const float pdp = block_sum(wsum * e, red) / L;
    for (int64_t j0 = 0; j0 < n; j0 += kAttnBwdThreads) {
        const int64_t j = j0 + tid;
        float dsj = 0.f;
        if (j < n) {
            const float s = a.scale * dot_rows(qr, a.k + kv_at(j), D);
            const float dp = dot_rows(gr, a.v + kv_at(j), D);
            dsj = expf(s - M) / L * (dp - pdp) * a.scale;
        }
        ds[tid] = dsj;
        __syncthreads();
        const int cnt = int(cmin(kAttnBwdThreads, n - j0));
        for (int d = tid; d < D; d += kAttnBwdThreads) {
            float acc = dqs[d];
            for (int t = 0; t < cnt; ++t) acc = fmaf(ds[t], a.k[kv_at(j0 + t) + d], acc);
            dqs[d] = acc;
        }
        __syncthreads();
    }
    for (int d = tid; d < D; d += kAttnBwdThreads) a.dq[row * D + d] = dqs[d];
    if (tid == 0) {
        a.stats[row * 3] = M;
        a.stats[row * 3 + 1] = L;
        a.stats[row * 3 + 2] = pdp;
    }
}

__global__ void __launch_bounds__(kAttnBwdThreads) attention_bwd_key(BwdArgs a) {
    extern __shared__ float sm[];
    const int D = int(a.head_dim), tid = threadIdx.x;
    float* kr = sm;
    float* vr = kr + D;
    float* dks = vr + D;
    float* dvs = dks + D;
    float* ps = dvs + D;                                  // kAttnBwdThreads
    float* dss = ps + kAttnBwdThreads;                    // kAttnBwdThreads
    int64_t* qrow = reinterpret_cast<int64_t*>(dss + kAttnBwdThreads);  // kAttnBwdThreads / 2 slots of 8 bytes
    const int64_t krow = blockIdx.x;  // (b * seq + j) * kv_heads + kh
    const int64_t kh = krow % a.kv_heads, j = (krow / a.kv_heads) % a.seq, b = krow / (a.kv_heads * a.seq);
    const int64_t group = a.heads / a.kv_heads;
    for (int d = tid; d < D; d += kAttnBwdThreads) {
        kr[d] = a.k[krow * D + d];
        vr[d] = a.v[krow * D + d];
        dks[d] = 0.f;
        dvs[d] = 0.f;
    }
    __syncthreads();
    const int64_t i0 = a.causal ? j : 0;
    const int64_t pairs = (a.seq - i0) * group;
    // qrow holds kAttnBwdThreads / 2 row indices: chunks of half a block.
    constexpr int kChunk = kAttnBwdThreads / 2;
    for (int64_t t0 = 0; t0 < pairs; t0 += kChunk) {
        if (tid < kChunk) {
            const int64_t t = t0 + tid;
            float p = 0.f, dsv = 0.f;
            int64_t row = -1;
            if (t < pairs) {
                const int64_t i = i0 + t / group, h = kh * group + t % group;
                row = (b * a.seq + i) * a.heads + h;
                const float s = a.scale * dot_rows(a.q + row * D, kr, D);
                const float dp = dot_rows(a.dout + row * D, vr, D);
                p = expf(s - a.stats[row * 3]) / a.stats[row * 3 + 1];
                dsv = p * (dp - a.stats[row * 3 + 2]) * a.scale;
            }
            ps[tid] = p;
            dss[tid] = dsv;
            qrow[tid] = row;
        }
        __syncthreads();
        const int cnt = int(cmin(kChunk, pairs - t0));
        for (int d = tid; d < D; d += kAttnBwdThreads) {
            float dk = dks[d], dv = dvs[d];
            for (int t = 0; t < cnt; ++t) {
                dk = fmaf(dss[t], a.q[qrow[t] * D + d], dk);
                dv = fmaf(ps[t], a.dout[qrow[t] * D + d], dv);
            }
            dks[d] = dk;
            dvs[d] = dv;
        }
        __syncthreads();
    }
    for (int d = tid; d < D; d += kAttnBwdThreads) {
        a.dk[krow * D + d] = dks[d];
        a.dv[krow * D + d] = dvs[d];
    }
}

}  // namespace

cudaError_t launch_attention(uint32_t t, const bk_attention_op& a, const void* q, const void* k, const void* v,
                             void* o, const AttnGrid& g, void* scratch, cudaStream_t stream) {
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        const DenseView<T> w{static_cast<const T*>(q), static_cast<const T*>(k), static_cast<const T*>(v),
                             static_cast<T*>(o), a.heads, a.kv_heads, a.head_dim, a.seq_q, a.seq_kv, a.kv_capacity};
        return run_forward<T>(w, float(a.scale), a.causal != 0, g, scratch, stream);
    });
}

cudaError_t launch_paged_attention(uint32_t t, const bk_paged_attention_op& a, const void* q, const void* k_cache,
                                   const void* v_cache, const PagedIndex& idx, void* o, const AttnGrid& g,
                                   void* scratch, cudaStream_t stream) {
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        const PagedView<T> w{static_cast<const T*>(q), static_cast<const T*>(k_cache), static_cast<const T*>(v_cache),
                             static_cast<T*>(o), a.heads, a.kv_heads, a.head_dim, a.block_size, a.max_blocks,
                             idx.q_start, idx.kv_len, idx.block_table};
        return run_forward<T>(w, float(a.scale), a.causal != 0, g, scratch, stream);
    });
}

cudaError_t launch_attention_bwd(const bk_attention_op& a, const float* q, const float* k, const float* v,
                                 const float* dout, float* dq, float* dk, float* dv, float* stats,
                                 const NnGrid& gq, const NnGrid& gk, cudaStream_t stream) {
    const BwdArgs args{q, k, v, dout, dq, dk, dv, stats, a.heads, a.kv_heads, a.seq_q, a.head_dim, a.causal != 0,
                       float(a.scale)};
    attention_bwd_query<<<gq.x, gq.threads, gq.smem_bytes, stream>>>(args);
    if (cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
    attention_bwd_key<<<gk.x, gk.threads, gk.smem_bytes, stream>>>(args);
    return cudaGetLastError();
}

}  // namespace bakeoff::cuda
