// OpenCL C source of the serving ops' kernels (ROPE_POS, PAGED_KV_WRITE,
// PAGED_ATTENTION), appended to the NN source (opencl_nn_kernels.cpp) and
// built with it, so they use its storage macros (ACT_T, ACC, LD, ST, BITS_T),
// its rope pair rotation and its per-row attention (bk_attend_row). Correct
// and simple first, not tuned: one work-item per rotated pair, per copied
// element, per (query row, head).
#include "opencl_nn_kernels.h"

namespace bakeoff::opencl {

const char* const kServingKernelSource = R"CLC(
#ifdef BK_FP64
/* ROPE_POS: ROPE_FREQ with row r at position pos[r]. */
__kernel void bk_rope_pos(__global const ACT_T* x, __global const double* freq, __global const int* pos,
                          __global ACT_T* y, const int heads, const int head_dim, const int inverse)
{
    bk_rope_at at;
    if (!bk_rope_locate(heads, head_dim, &at)) return;
    bk_rope_pair(x, y, bk_turn_fraction(freq[at.i]), (long)pos[at.row], inverse, at.base, at.i, at.hd2);
}
#endif

/* cache[slot[r], :] = x[r, :], rows with slot -1 skipped; work-item (column, row); a bit copy. */
__kernel void bk_paged_kv_write(__global const BITS_T* x, __global const int* slot, __global BITS_T* cache,
                                const long dim)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    const long r = get_global_id(1);
    const int sl = slot[r];
    if (sl >= 0) cache[(long)sl * dim + j] = x[r * dim + j];
}

/* Work-item (query row t, head h). Its sequence is the last s with
 * q_start[s] <= t (a binary search; sequences with no rows are passed over,
 * their q_start equals the next one's); rows at or past q_start[seqs] belong
 * to no sequence and are not written. Query i of s sits at position
 * kv_len - q_len + i; its keys are read through row s of the block table. */
__kernel void bk_paged_attention(__global const ACT_T* q, __global const ACT_T* k, __global const ACT_T* v,
                                 __global const int* q_start, __global const int* kv_len,
                                 __global const int* table, __global ACT_T* o, const int seqs, const int heads,
                                 const int kv_heads, const int D, const int bs, const int max_blocks,
                                 const int causal, const ACC scale)
{
    const int t = get_global_id(0), h = get_global_id(1);
    int lo = 0, hi = seqs;
    while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (q_start[mid] <= t) lo = mid;
        else hi = mid - 1;
    }
    if (lo == seqs) return;
    const int q_len = q_start[lo + 1] - q_start[lo], n = kv_len[lo], i = t - q_start[lo];
    const int kh = h / (heads / kv_heads);
    const long head = (long)kh * D;
    bk_attend_row(q, k + head, v + head, o, ((long)t * heads + h) * D, causal ? n - q_len + i + 1 : n,
                  (long)kv_heads * D, table + (long)lo * max_blocks, bs, D, scale);
}
)CLC";

}  // namespace bakeoff::opencl
