// OpenCL C source of the neural-network kernels (the model workloads' ops),
// compiled at run time once per device and activation type (see
// build_nn_program() in opencl_nn_ops.cpp). One source, specialised with -D:
//
//   ACT_F32 / ACT_F64 / ACT_BF16 / ACT_F16   the activation storage type
//       ACT_T, loaded into ACC (float; double for f64) with LD() and stored
//       with ST(). bf16 is its 16 bits, widened with a shift and narrowed with
//       round-to-nearest-even (NaN stays NaN); f16 goes through vload_half /
//       vstore_half_rte, so no cl_khr_fp16 is needed.
//   BK_FP64     the device has cl_khr_fp64 (f64 activations, conversions to f64)
//   AL, AQ      attention work-group: AL lanes x AQ query rows
//   DMAX        the largest attention head_dim (AL divides it)
//
// Row-wise ops run one work-group per row with a local-memory tree reduction
// (the host launches a power-of-two work-group size); element-wise ops one
// work-item per element; the router and the backward's dw one work-item per
// token or column with sequential sums. Statistics accumulate in ACC.
// Written for OpenCL C 1.2.
#include "opencl_nn_kernels.h"

namespace bakeoff::opencl {

const char* const kNnKernelSource = R"CLC(
#ifdef BK_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

/* ------------------------------------------------------------- storage */
inline float bk_bf16_to_f(ushort b) { return as_float(((uint)b) << 16); }

/* Round to nearest even on the 16 dropped bits; NaN stays a quiet NaN. */
inline ushort bk_f_to_bf16(float v)
{
    const uint w = as_uint(v);
    if ((w & 0x7FFFFFFFu) > 0x7F800000u) return (ushort)((w >> 16) | 0x40u);
    return (ushort)((w + 0x7FFFu + ((w >> 16) & 1u)) >> 16);
}

#ifdef BK_FP64
/* double -> float rounding to odd: a later rounding to a narrower type
 * (bf16, f16) then rounds once, as if directly from the double. */
inline float bk_d_to_f_odd(double d)
{
    const float f = (float)d; /* nearest; truncated below when it rounded up */
    if ((double)f == d || isnan(d)) return f;
    uint u = as_uint(f);
    if (fabs((double)f) > fabs(d)) u -= 1u;
    return as_float(u | 1u);
}
#endif

#if defined(ACT_F64)
#define ACT_T double
#define ACC double
#define BITS_T ulong
#define LD(p, i) ((p)[i])
#define ST(p, i, v) ((p)[i] = (v))
#elif defined(ACT_BF16)
#define ACT_T ushort
#define ACC float
#define BITS_T ushort
#define LD(p, i) bk_bf16_to_f((p)[i])
#define ST(p, i, v) ((p)[i] = bk_f_to_bf16(v))
#elif defined(ACT_F16)
#define ACT_T half
#define ACC float
#define BITS_T ushort
#define LD(p, i) vload_half((size_t)(i), (p))
#define ST(p, i, v) vstore_half_rte((v), (size_t)(i), (p))
#else
#define ACT_T float
#define ACC float
#define BITS_T uint
#define LD(p, i) ((p)[i])
#define ST(p, i, v) ((p)[i] = (v))
#endif

/* ------------------------------------------------ work-group reductions */
/* Sum / max of v over the work-group (size wg, a power of two), returned to
 * every work-item; red holds wg elements and is free again on return. */
inline ACC bk_wg_sum(__local ACC* red, ACC v, const int lid, const int wg)
{
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int off = wg / 2; off > 0; off >>= 1) {
        if (lid < off) red[lid] += red[lid + off];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const ACC t = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return t;
}

inline ACC bk_wg_max(__local ACC* red, ACC v, const int lid, const int wg)
{
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int off = wg / 2; off > 0; off >>= 1) {
        if (lid < off) red[lid] = fmax(red[lid], red[lid + off]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const ACC t = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return t;
}

/* ------------------------------------------------------------- convert */
/* out = (type) in, element-wise, rounding to nearest even. */
__kernel void bk_convert_to_f32(__global const ACT_T* in, __global float* out, const long n)
{
    const long i = get_global_id(0);
    if (i < n) out[i] = (float)LD(in, i);
}

__kernel void bk_convert_to_bf16(__global const ACT_T* in, __global ushort* out, const long n)
{
    const long i = get_global_id(0);
#ifdef ACT_F64
    if (i < n) out[i] = bk_f_to_bf16(bk_d_to_f_odd(LD(in, i)));
#else
    if (i < n) out[i] = bk_f_to_bf16(LD(in, i));
#endif
}

__kernel void bk_convert_to_f16(__global const ACT_T* in, __global half* out, const long n)
{
    const long i = get_global_id(0);
#ifdef ACT_F64
    /* Rounding to odd keeps the f64 -> f16 rounding single (24 >= 2 * 11 + 2
     * bits); some compilers round double -> float -> half in vstore_half. */
    if (i < n) vstore_half_rte(bk_d_to_f_odd(LD(in, i)), (size_t)i, out);
#else
    if (i < n) vstore_half_rte(LD(in, i), (size_t)i, out);
#endif
}

#ifdef BK_FP64
__kernel void bk_convert_to_f64(__global const ACT_T* in, __global double* out, const long n)
{
    const long i = get_global_id(0);
    if (i < n) out[i] = (double)LD(in, i);
}
#endif

/* ------------------------------------------------------------ row-wise */
/* One work-group per row. */
__kernel void bk_rmsnorm(__global const ACT_T* x, __global const ACT_T* w, __global ACT_T* y,
                         const long dim, const ACC eps, __local ACC* red)
{
    const long r = get_group_id(0);
    const int lid = get_local_id(0), wg = get_local_size(0);
    __global const ACT_T* xr = x + r * dim;
    __global ACT_T* yr = y + r * dim;
    ACC ss = 0;
    for (long j = lid; j < dim; j += wg) {
        const ACC v = LD(xr, j);
        ss += v * v;
    }
    ss = bk_wg_sum(red, ss, lid, wg);
    const ACC inv = (ACC)1 / sqrt(ss / (ACC)dim + eps);
    for (long j = lid; j < dim; j += wg) ST(yr, j, LD(xr, j) * inv * LD(w, j));
}

__kernel void bk_softmax(__global const ACT_T* x, __global ACT_T* y, const long dim, __local ACC* red)
{
    const long r = get_group_id(0);
    const int lid = get_local_id(0), wg = get_local_size(0);
    __global const ACT_T* xr = x + r * dim;
    __global ACT_T* yr = y + r * dim;
    ACC mx = -INFINITY;
    for (long j = lid; j < dim; j += wg) mx = fmax(mx, LD(xr, j));
    mx = bk_wg_max(red, mx, lid, wg);
    ACC sum = 0;
    for (long j = lid; j < dim; j += wg) sum += exp(LD(xr, j) - mx);
    sum = bk_wg_sum(red, sum, lid, wg);
    const ACC inv = (ACC)1 / sum;
    for (long j = lid; j < dim; j += wg) ST(yr, j, exp(LD(xr, j) - mx) * inv);
}

/* Rotary embedding. turns[i] = frac(f_i / 2pi) in units of 2^-64 (computed on
 * the host in double): p * turns[i] wraps modulo 2^64 to the angle's fraction
 * of a turn exactly, so positions far past 2^24 keep full accuracy in f32.
 * Work-item (pair, row); pair = head * head_dim/2 + i. */
#ifdef ACT_F64
#define ANG double
#define BK_TURN_SCALE 3.4061215800865545e-19 /* 2 pi / 2^64 */
#else
#define ANG float
#define BK_TURN_SCALE 3.4061215800865545e-19f
#endif
/* Rotates one pair by p * (turn fraction tf): y_i, y_{i+h} from x_i, x_{i+h}. */
inline void bk_rope_pair(__global const ACT_T* x, __global ACT_T* y, const ulong tf, const long p,
                         const int inverse, const long base, const int i, const int hd2)
{
    ulong t = (ulong)p * tf;
    if (inverse) t = (ulong)0 - t;
    const ANG ang = (ANG)(long)t * BK_TURN_SCALE;
    const ACC c = (ACC)cos(ang), s = (ACC)sin(ang);
    const ACC a0 = LD(x, base + i), a1 = LD(x, base + i + hd2);
    ST(y, base + i, a0 * c - a1 * s);
    ST(y, base + i + hd2, a1 * c + a0 * s);
}

/* The pair a work-item rotates: (row, pair) with pair = head * hd2 + i, and
 * where the row's head starts. False past the last pair. */
typedef struct { int i, hd2; long row, base; } bk_rope_at;
inline bool bk_rope_locate(const int heads, const int head_dim, bk_rope_at* at)
{
    at->hd2 = head_dim / 2;
    const int pair = get_global_id(0);
    if (pair >= heads * at->hd2) return false;
    at->row = get_global_id(1);
    const int h = pair / at->hd2;
    at->i = pair - h * at->hd2;
    at->base = at->row * (long)heads * head_dim + (long)h * head_dim;
    return true;
}

__kernel void bk_rope(__global const ACT_T* x, __global ACT_T* y, __global const ulong* turns,
                      const int heads, const int head_dim, const long seq, const long pos_offset,
                      const int inverse)
{
    bk_rope_at at;
    if (!bk_rope_locate(heads, head_dim, &at)) return;
    bk_rope_pair(x, y, turns[at.i], pos_offset + at.row % seq, inverse, at.base, at.i, at.hd2);
}

#ifdef BK_FP64
/* f / (2 pi) modulo 1 in units of 2^-64: the fixed-point fraction of a turn
 * the host computes for ROPE. */
inline ulong bk_turn_fraction(const double f)
{
    double g = f * 0.15915494309189535; /* 1 / (2 pi) */
    g -= floor(g);
    return (ulong)(g * 18446744073709551616.0); /* < 2^64: g <= 1 - 2^-53 */
}

/* ROPE_FREQ: the frequencies come as f64; each work-item turns its own into
 * the fixed-point fraction of a turn, as the host does for ROPE. */
__kernel void bk_rope_freq(__global const ACT_T* x, __global const double* freq, __global ACT_T* y,
                           const int heads, const int head_dim, const long seq, const long pos_offset,
                           const int inverse)
{
    bk_rope_at at;
    if (!bk_rope_locate(heads, head_dim, &at)) return;
    bk_rope_pair(x, y, bk_turn_fraction(freq[at.i]), pos_offset + at.row % seq, inverse, at.base, at.i, at.hd2);
}
#endif

/* --------------------------------------------------------- element-wise */
__kernel void bk_swiglu(__global const ACT_T* g, __global const ACT_T* u, __global ACT_T* y, const long n)
{
    const long i = get_global_id(0);
    if (i >= n) return;
    const ACC gv = LD(g, i);
    ST(y, i, gv / ((ACC)1 + exp(-gv)) * LD(u, i));
}

/* ------------------------------------------------------- gather, caches */
/* y[r, :] = table[ids[r], :]; work-item (column, row); a bit copy. */
__kernel void bk_gather_rows(__global const BITS_T* table, __global const int* ids, __global BITS_T* y,
                             const long dim)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    const long r = get_global_id(1);
    y[r * dim + j] = table[(long)ids[r] * dim + j];
}

/* y[b, pos_offset + s, :] = x[b, s, :]; work-item (column, row). */
__kernel void bk_kv_write(__global const BITS_T* x, __global BITS_T* y, const long dim, const long seq,
                          const long capacity, const long pos_offset)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    const long r = get_global_id(1);
    const long b = r / seq, s = r - b * seq;
    y[(b * capacity + pos_offset + s) * dim + j] = x[r * dim + j];
}

/* y[ids[i], :] += w[i] * x[i, :] in order of i: a work-item owns a column
 * and walks every row, so repeated ids add in order without atomics. */
__kernel void bk_scatter_add(__global const ACT_T* x, __global const int* ids, __global const float* w,
                             __global ACT_T* y, const long rows, const long dim)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    for (long i = 0; i < rows; ++i) {
        const long at = (long)ids[i] * dim + j;
        ST(y, at, LD(y, at) + (ACC)w[i] * LD(x, i * dim + j));
    }
}

/* ------------------------------------------------------------ attention */
/* Forward, online softmax. A work-group serves one (batch, KV head) and AQ
 * consecutive rows of the flattened (query, head of the group) list, so the
 * query heads that share a KV head share its key tiles (decode with grouped
 * heads fills the group). Keys stream through local memory in tiles of kb;
 * lane l of a row scores keys l, l+AL, ... of the tile and accumulates output
 * elements d = l, l+AL, ... in registers (at most DMAX / AL each). Keys past
 * the block's last visible key are never loaded: cache slots past seq_kv are
 * not read. Local: qs[AQ*D], ks[kb*(D+1)], vs[kb*D], sc[AQ*kb]. */
#define AP (DMAX / AL)
__kernel __attribute__((reqd_work_group_size(AL, AQ, 1)))
void bk_attention(__global const ACT_T* q, __global const ACT_T* k, __global const ACT_T* v,
                  __global ACT_T* o, const int heads, const int kv_heads, const int seq_q,
                  const int seq_kv, const int cap, const int D, const int causal, const ACC scale,
                  const int kb, __local ACC* qs, __local ACC* ks, __local ACC* vs, __local ACC* sc)
{
    const int lane = get_local_id(0), r = get_local_id(1);
    const int tid = r * AL + lane, nt = AL * AQ;
    const int group = heads / kv_heads;
    const int b = get_group_id(1) / kv_heads, kh = get_group_id(1) % kv_heads;
    const int rows = seq_q * group;
    const int R0 = get_group_id(0) * AQ, R = R0 + r;
    const bool active = R < rows;
    const int qi = R / group, h = kh * group + R % group;
    const int first = seq_kv - seq_q; /* position of query 0 */
    const int seen = !active ? 0 : causal ? min(first + qi + 1, seq_kv) : seq_kv;
    const int last_q = (min(R0 + AQ, rows) - 1) / group;
    const int kmax = causal ? min(first + last_q + 1, seq_kv) : seq_kv;
    const int DP = D + 1;

    for (int e = tid; e < AQ * D; e += nt) {
        const int rr = e / D, d = e - rr * D, RR = R0 + rr;
        ACC val = 0;
        if (RR < rows) {
            const int qq = RR / group, hh = kh * group + RR % group;
            val = LD(q, (((long)b * seq_q + qq) * heads + hh) * D + d) * scale;
        }
        qs[e] = val;
    }
    ACC acc[AP];
#pragma unroll
    for (int t = 0; t < AP; ++t) acc[t] = 0;
    ACC m = -INFINITY, l = 0;
    __local const ACC* qrow = qs + r * D;
    __local ACC* srow = sc + r * kb;

    for (int j0 = 0; j0 < kmax; j0 += kb) {
        const int nk = min(kb, kmax - j0);
        barrier(CLK_LOCAL_MEM_FENCE); /* queries loaded; the previous tile consumed */
        for (int e = tid; e < nk * D; e += nt) {
            const int jj = e / D, d = e - jj * D;
            const long at = (((long)b * cap + j0 + jj) * kv_heads + kh) * D + d;
            ks[jj * DP + d] = LD(k, at);
            vs[jj * D + d] = LD(v, at);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int jj = lane; jj < nk; jj += AL) {
            ACC s = -INFINITY;
            if (j0 + jj < seen) {
                __local const ACC* kr = ks + jj * DP;
                s = 0;
                for (int d = 0; d < D; ++d) s += qrow[d] * kr[d];
            }
            srow[jj] = s;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        ACC bmax = -INFINITY;
        for (int jj = 0; jj < nk; ++jj) bmax = fmax(bmax, srow[jj]);
        const ACC mnew = fmax(m, bmax);
        barrier(CLK_LOCAL_MEM_FENCE); /* every lane has the row's max */
        for (int jj = lane; jj < nk; jj += AL) {
            const ACC s = srow[jj];
            srow[jj] = s == -INFINITY ? (ACC)0 : exp(s - mnew);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (mnew != -INFINITY) {
            const ACC corr = exp(m - mnew); /* 0 on the first tile (m = -inf) */
            ACC lsum = 0;
            for (int jj = 0; jj < nk; ++jj) lsum += srow[jj];
            l = l * corr + lsum;
#pragma unroll
            for (int t = 0; t < AP; ++t) {
                const int d = lane + t * AL;
                if (d < D) {
                    ACC a = acc[t] * corr;
                    for (int jj = 0; jj < nk; ++jj) a += srow[jj] * vs[jj * D + d];
                    acc[t] = a;
                }
            }
            m = mnew;
        }
    }
    if (active) {
        const ACC inv = (ACC)1 / l;
        const long at = (((long)b * seq_q + qi) * heads + h) * D;
#pragma unroll
        for (int t = 0; t < AP; ++t) {
            const int d = lane + t * AL;
            if (d < D) ST(o, at + d, acc[t] * inv);
        }
    }
}

/* Forward for CPU devices: one work-item per (query, head) row, no local
 * memory and no barriers (which CPU implementations run as separate loops
 * over the work-items). The row walks its visible keys in blocks of RKB with
 * the same online softmax; a block's scores are RKB independent sums (the
 * last block reads its last key again for the missing ones, then masks
 * them), so the arithmetic does not wait on one sum. Work-items of a group
 * are consecutive queries of one head: they share key and value rows in cache. */
#define RKB 8
/* One (query, head) row: online softmax over its n visible keys. Key
 * position j is row r(j) of kb and vb (rows kstride elements apart):
 * r(j) = j, or with a block table (PAGED_ATTENTION), table[j / bs] * bs +
 * j % bs. The query row starts at q + qo, the output row at o + qo. */
inline long bk_key_row(const int j, __global const int* table, const int bs)
{
    return table ? (long)table[j / bs] * bs + j % bs : (long)j;
}

inline void bk_attend_row(__global const ACT_T* q, __global const ACT_T* kb, __global const ACT_T* vb,
                          __global ACT_T* o, const long qo, const int n, const long kstride,
                          __global const int* table, const int bs, const int D, const ACC scale)
{
    ACC qv[DMAX], acc[DMAX];
    for (int d = 0; d < D; ++d) {
        qv[d] = LD(q, qo + d) * scale;
        acc[d] = 0;
    }
    ACC m = -INFINITY, l = 0;
    for (int j0 = 0; j0 < n; j0 += RKB) {
        long row[RKB];
        ACC s[RKB];
#pragma unroll
        for (int jj = 0; jj < RKB; ++jj) {
            row[jj] = bk_key_row(min(j0 + jj, n - 1), table, bs) * kstride;
            s[jj] = 0;
        }
        for (int d = 0; d < D; ++d) {
            const ACC qd = qv[d];
#pragma unroll
            for (int jj = 0; jj < RKB; ++jj) s[jj] += qd * LD(kb, row[jj] + d);
        }
        ACC bmax = -INFINITY;
#pragma unroll
        for (int jj = 0; jj < RKB; ++jj) {
            if (j0 + jj >= n) s[jj] = -INFINITY;
            bmax = fmax(bmax, s[jj]);
        }
        const ACC mnew = fmax(m, bmax);
        const ACC corr = exp(m - mnew); /* 0 on the first block (m = -inf) */
        ACC p[RKB];
#pragma unroll
        for (int jj = 0; jj < RKB; ++jj) {
            p[jj] = exp(s[jj] - mnew); /* 0 for the masked ones */
            l = jj == 0 ? l * corr + p[0] : l + p[jj];
        }
        for (int d = 0; d < D; ++d) {
            ACC a = acc[d] * corr;
#pragma unroll
            for (int jj = 0; jj < RKB; ++jj) a += p[jj] * LD(vb, row[jj] + d);
            acc[d] = a;
        }
        m = mnew;
    }
    const ACC inv = (ACC)1 / l;
    for (int d = 0; d < D; ++d) ST(o, qo + d, acc[d] * inv);
}

__kernel void bk_attention_rows(__global const ACT_T* q, __global const ACT_T* k, __global const ACT_T* v,
                                __global ACT_T* o, const int heads, const int kv_heads, const int seq_q,
                                const int seq_kv, const int cap, const int D, const int causal,
                                const ACC scale)
{
    const int i = get_global_id(0);
    if (i >= seq_q) return;
    const int b = get_global_id(1) / heads, h = get_global_id(1) % heads;
    const int kh = h / (heads / kv_heads);
    const int n = causal ? min(seq_kv - seq_q + i + 1, seq_kv) : seq_kv;
    const long base = ((long)b * cap * kv_heads + kh) * D;
    bk_attend_row(q, k + base, v + base, o, (((long)b * seq_q + i) * heads + h) * D, n, (long)kv_heads * D,
                  (__global const int*)0, 1, D, scale);
}

/* -------------------------------------------------- router and training */
#ifdef ACT_F32
/* One work-item per token: scores, then top_k selection passes in the order
 * (score falling, index rising), without a taken-list. */
__kernel void bk_topk_route(__global const float* logits, __global int* idx, __global float* weight,
                            const int tokens, const int experts, const int top_k, const int score_fn,
                            const int normalize)
{
    const int t = get_global_id(0);
    if (t >= tokens) return;
    __global const float* lg = logits + (long)t * experts;
    float mx = -INFINITY, sum = 0;
    if (score_fn == 0) {
        for (int e = 0; e < experts; ++e) mx = fmax(mx, lg[e]);
        for (int e = 0; e < experts; ++e) sum += exp(lg[e] - mx);
    }
    float prev_s = INFINITY, wsum = 0;
    int prev_e = -1;
    for (int kk = 0; kk < top_k; ++kk) {
        int best = -1;
        float bs = 0;
        for (int e = 0; e < experts; ++e) {
            const float s = score_fn == 0 ? exp(lg[e] - mx) / sum : 1.0f / (1.0f + exp(-lg[e]));
            const bool after = s < prev_s || (s == prev_s && e > prev_e);
            if (after && (best < 0 || s > bs)) best = e, bs = s;
        }
        idx[(long)t * top_k + kk] = best;
        weight[(long)t * top_k + kk] = bs;
        wsum += bs;
        prev_s = bs, prev_e = best;
    }
    if (normalize)
        for (int kk = 0; kk < top_k; ++kk) weight[(long)t * top_k + kk] /= wsum;
}

/* RMSNorm backward, part 1: one work-group per row writes dx and the row's
 * 1/rms into rinv. */
__kernel void bk_rmsnorm_bwd_rows(__global const float* x, __global const float* w, __global const float* dy,
                                  __global float* dx, __global float* rinv, const long dim, const float eps,
                                  __local float* red)
{
    const long r = get_group_id(0);
    const int lid = get_local_id(0), wg = get_local_size(0);
    __global const float* xr = x + r * dim;
    __global const float* gr = dy + r * dim;
    __global float* dxr = dx + r * dim;
    float ss = 0, dot = 0;
    for (long j = lid; j < dim; j += wg) {
        ss += xr[j] * xr[j];
        dot += gr[j] * w[j] * xr[j];
    }
    ss = bk_wg_sum(red, ss, lid, wg);
    dot = bk_wg_sum(red, dot, lid, wg);
    const float inv = 1.0f / sqrt(ss / (float)dim + eps);
    const float c = dot * inv * inv * inv / (float)dim;
    for (long j = lid; j < dim; j += wg) dxr[j] = gr[j] * w[j] * inv - xr[j] * c;
    if (lid == 0) rinv[r] = inv;
}

/* Part 2: dw[j] = sum_r dy[r, j] x[r, j] / rms_r, rows in order. */
__kernel void bk_rmsnorm_bwd_dw(__global const float* x, __global const float* dy, __global const float* rinv,
                                __global float* dw, const long rows, const long dim)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    float s = 0;
    for (long r = 0; r < rows; ++r) s += dy[r * dim + j] * x[r * dim + j] * rinv[r];
    dw[j] = s;
}

__kernel void bk_swiglu_bwd(__global const float* g, __global const float* u, __global const float* dy,
                            __global float* dg, __global float* du, const long n)
{
    const long i = get_global_id(0);
    if (i >= n) return;
    const float gv = g[i], sg = 1.0f / (1.0f + exp(-gv));
    dg[i] = dy[i] * u[i] * sg * (1.0f + gv * (1.0f - sg));
    du[i] = dy[i] * gv * sg;
}

/* One work-group per row: loss and dx = (softmax - onehot) / rows. */
__kernel void bk_cross_entropy(__global const float* x, __global const int* t, __global float* loss,
                               __global float* dx, const long dim, const float inv_rows, __local float* red)
{
    const long r = get_group_id(0);
    const int lid = get_local_id(0), wg = get_local_size(0);
    __global const float* xr = x + r * dim;
    __global float* dxr = dx + r * dim;
    float mx = -INFINITY;
    for (long j = lid; j < dim; j += wg) mx = fmax(mx, xr[j]);
    mx = bk_wg_max(red, mx, lid, wg);
    float sum = 0;
    for (long j = lid; j < dim; j += wg) sum += exp(xr[j] - mx);
    sum = bk_wg_sum(red, sum, lid, wg);
    const int tr = t[r];
    if (lid == 0) loss[r] = mx + log(sum) - xr[tr];
    const float scale = inv_rows / sum;
    for (long j = lid; j < dim; j += wg) dxr[j] = exp(xr[j] - mx) * scale - (j == tr ? inv_rows : 0.0f);
}

/* In place; c1, c2: the bias corrections 1 / (1 - beta^step), from the host. */
__kernel void bk_adamw(__global float* p, __global const float* g, __global float* m, __global float* v,
                       const long n, const float b1, const float b2, const float eps, const float lr,
                       const float wd, const float c1, const float c2)
{
    const long i = get_global_id(0);
    if (i >= n) return;
    const float gi = g[i];
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= lr * ((mi * c1) / (sqrt(vi * c2) + eps) + wd * p[i]);
}

/* Attention backward: (q_i . k_j, dout_i . v_j) for one query row and one key row. */
inline float2 bk_attn_dots(__global const float* qi, __global const float* gi, __global const float* kr,
                           __global const float* vr, const int D)
{
    float dot = 0, dp = 0;
    for (int d = 0; d < D; ++d) {
        dot += qi[d] * kr[d];
        dp += gi[d] * vr[d];
    }
    return (float2)(dot, dp);
}

/* Attention backward (seq_q == seq_kv == S), f32, in two kernels that
 * recompute scores instead of storing an S x S matrix.
 * Part 1: one work-group per (batch, head, query i). Each work-item streams
 * its share of the keys with a running max and rescaled sums, merged over the
 * group: lse_i = log sum_j exp(s_ij) and Dl_i = sum_j P_ij dP_ij (dP = do v^T)
 * go to stats[2 * row]; then dq_i = scale * sum_j P_ij (dP_ij - Dl_i) k_j,
 * keys in chunks of the work-group size through local memory. */
__kernel void bk_attention_bwd_q(__global const float* q, __global const float* k, __global const float* v,
                                 __global const float* dout, __global float* dq, __global float* stats,
                                 const int heads, const int kv_heads, const int S, const int D,
                                 const int causal, const float scale, __local float* red,
                                 __local float* ds, __local float* dacc)
{
    const int lid = get_local_id(0), wg = get_local_size(0);
    const int i = get_group_id(0);
    const int b = get_group_id(1) / heads, h = get_group_id(1) % heads;
    const int kh = h / (heads / kv_heads);
    const int n = causal ? i + 1 : S;
    __global const float* qi = q + (((long)b * S + i) * heads + h) * D;
    __global const float* gi = dout + (((long)b * S + i) * heads + h) * D;
    float m = -INFINITY, l = 0, u = 0;
    for (int j = lid; j < n; j += wg) {
        const long kv = (((long)b * S + j) * kv_heads + kh) * D;
        const float2 dots = bk_attn_dots(qi, gi, k + kv, v + kv, D);
        const float s = scale * dots.x, dp = dots.y;
        if (s > m) {
            const float c = exp(m - s);
            l *= c;
            u *= c;
            m = s;
        }
        const float e = exp(s - m);
        l += e;
        u += e * dp;
    }
    const float M = bk_wg_max(red, m, lid, wg);
    const float c = m == -INFINITY ? 0.0f : exp(m - M);
    l = bk_wg_sum(red, l * c, lid, wg);
    u = bk_wg_sum(red, u * c, lid, wg);
    const float lse = M + log(l), Dl = u / l;
    const long row = ((long)b * heads + h) * S + i;
    if (lid == 0) {
        stats[2 * row] = lse;
        stats[2 * row + 1] = Dl;
    }
    for (int d = lid; d < D; d += wg) dacc[d] = 0;
    for (int j0 = 0; j0 < n; j0 += wg) {
        const int j = j0 + lid;
        float dsj = 0;
        if (j < n) {
            const long kv = (((long)b * S + j) * kv_heads + kh) * D;
            const float2 dots = bk_attn_dots(qi, gi, k + kv, v + kv, D);
            dsj = exp(scale * dots.x - lse) * (dots.y - Dl) * scale;
        }
        ds[lid] = dsj;
        barrier(CLK_LOCAL_MEM_FENCE);
        const int nj = min(wg, n - j0);
        for (int d = lid; d < D; d += wg) {
            float a = dacc[d];
            for (int t = 0; t < nj; ++t) a += ds[t] * k[(((long)b * S + j0 + t) * kv_heads + kh) * D + d];
            dacc[d] = a;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global float* dqi = dq + (((long)b * S + i) * heads + h) * D;
    for (int d = lid; d < D; d += wg) dqi[d] = dacc[d];
}

/* Part 2: one work-group per (batch, KV head, key j): dk_j and dv_j sum over
 * the query heads of the group and the queries that see j, in chunks of
 * (head, query) pairs, with P and dS recomputed from part 1's statistics. */
__kernel void bk_attention_bwd_kv(__global const float* q, __global const float* k, __global const float* v,
                                  __global const float* dout, __global const float* stats, __global float* dk,
                                  __global float* dv, const int heads, const int kv_heads, const int S,
                                  const int D, const int causal, const float scale, __local float* pp,
                                  __local float* ds, __local int* qrow, __local float* dacc)
{
    const int lid = get_local_id(0), wg = get_local_size(0);
    const int j = get_group_id(0);
    const int b = get_group_id(1) / kv_heads, kh = get_group_id(1) % kv_heads;
    const int group = heads / kv_heads;
    const int i0 = causal ? j : 0, ni = S - i0, pairs = group * ni;
    __global const float* kr = k + (((long)b * S + j) * kv_heads + kh) * D;
    __global const float* vr = v + (((long)b * S + j) * kv_heads + kh) * D;
    for (int d = lid; d < 2 * D; d += wg) dacc[d] = 0;
    for (int p0 = 0; p0 < pairs; p0 += wg) {
        const int p = p0 + lid;
        float pj = 0, dsj = 0;
        int at = 0;
        if (p < pairs) {
            const int h = kh * group + p / ni, i = i0 + p % ni;
            at = ((b * S + i) * heads + h) * D;
            const float2 dots = bk_attn_dots(q + at, dout + at, kr, vr, D);
            const long row = ((long)b * heads + h) * S + i;
            pj = exp(scale * dots.x - stats[2 * row]);
            dsj = pj * (dots.y - stats[2 * row + 1]) * scale;
        }
        pp[lid] = pj;
        ds[lid] = dsj;
        qrow[lid] = at;
        barrier(CLK_LOCAL_MEM_FENCE);
        const int np = min(wg, pairs - p0);
        for (int d = lid; d < D; d += wg) {
            float a = dacc[d], c = dacc[D + d];
            for (int t = 0; t < np; ++t) {
                a += ds[t] * q[qrow[t] + d];
                c += pp[t] * dout[qrow[t] + d];
            }
            dacc[d] = a;
            dacc[D + d] = c;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global float* dkr = dk + (((long)b * S + j) * kv_heads + kh) * D;
    __global float* dvr = dv + (((long)b * S + j) * kv_heads + kh) * D;
    for (int d = lid; d < D; d += wg) {
        dkr[d] = dacc[d];
        dvr[d] = dacc[D + d];
    }
}
#endif /* ACT_F32 */

/* ------------------------------------------- block-quantized weights (f32) */
#ifdef ACT_F32
/* GGML blocks of 32 values (bakeoff/plugin_quant.h): qtype 0 = Q8_0 (34 B:
 * f16 d, 32 x int8 q; x = d q), 1 = Q4_0 (18 B: f16 d, 16 B of nibbles, low
 * = values 0..15, high = 16..31; x = d q - 8 d). The scale goes through
 * vload_half (no cl_khr_fp16 needed); blocks are 2-byte aligned. */
inline int bk_q_block_bytes(const int qtype) { return qtype == 0 ? 34 : 18; }

/* Value l of a row, rounded as the reference dequantization: no
 * contraction, so Q4_0 keeps its two roundings (d q, then + (-8 d)). */
inline float bk_q_value(__global const uchar* row, const int qtype, const long l)
{
#pragma OPENCL FP_CONTRACT OFF
    __global const uchar* b = row + (l >> 5) * bk_q_block_bytes(qtype);
    const float d = vload_half(0, (__global const half*)b);
    const int j = (int)(l & 31);
    if (qtype == 0) return d * (float)(char)b[2 + j];
    const uchar byte = b[2 + (j & 15)];
    const int q = j < 16 ? (byte & 15) : (byte >> 4);
    const float m = -8.0f * d;
    return d * (float)q + m;
}

/* y[r, :] = dequant(table[ids[r], :]); work-item (column, row). */
__kernel void bk_qgather(__global const uchar* table, __global const int* ids, __global float* y, const long dim,
                         const int qtype)
{
    const long j = get_global_id(0);
    if (j >= dim) return;
    const long r = get_global_id(1);
    __global const uchar* row = table + (long)ids[r] * (dim / 32) * bk_q_block_bytes(qtype);
    y[r * dim + j] = bk_q_value(row, qtype, j);
}

/* C = alpha A dequant(B)^T + beta C; A m x k f32 (rows lda apart), B n rows
 * of k / 32 blocks; work-item (column j, row i) walks row j of B block by
 * block: the integer values times A summed per block, then times the
 * block's scale (Q4_0's offset -8 folded into the integer). */
__kernel void bk_qgemm(__global const float* a, __global const uchar* b, __global float* c, const long n,
                       const long k, const long lda, const long ldc, const int qtype, const float alpha,
                       const float beta)
{
    const long j = get_global_id(0);
    if (j >= n) return;
    const long i = get_global_id(1);
    const long nb = k / 32;
    const int bb = bk_q_block_bytes(qtype);
    __global const uchar* row = b + j * nb * bb;
    __global const float* x = a + i * lda;
    float acc = 0.0f;
    for (long blk = 0; blk < nb; ++blk) {
        __global const uchar* p = row + blk * bb;
        __global const float* xb = x + blk * 32;
        const float d = vload_half(0, (__global const half*)p);
        float s = 0.0f;
        if (qtype == 0) {
            for (int l = 0; l < 32; ++l) s += xb[l] * (float)(char)p[2 + l];
        } else {
            for (int l = 0; l < 16; ++l) {
                const uchar q = p[2 + l];
                s += xb[l] * (float)((int)(q & 15) - 8) + xb[l + 16] * (float)((int)(q >> 4) - 8);
            }
        }
        acc += d * s;
    }
    const long at = i * ldc + j;
    c[at] = beta == 0.0f ? alpha * acc : alpha * acc + beta * c[at];  /* C unread when beta = 0 */
}
#endif
)CLC";

}  // namespace bakeoff::opencl
