// OpenCL C source of the portable kernels, compiled at run time per device
// and per variant (see program_options() in opencl_ops.cpp). One source,
// specialised with -D options:
//
//   BK_STREAM  stream kernels (copy, scale, add, triad, two-stage dot) on
//              REAL, vectorised as REAL<VW> with a scalar tail.
//   BK_GEMM    the GEMM: inputs of IN_T (f32, f64, or f16 / bf16 storage
//              converted to float on load), math and output in ACC. Two
//              kernels under one name: local-memory tiles for GPUs and
//              accelerators, or (BK_GEMM_BLOCKED) register blocks with
//              explicit vectors and no barriers for CPU devices. Plus the
//              small-m kernels (bk_gemm_sm_nt, bk_gemm_sm_nn) for decode
//              shapes, which stream B at memory bandwidth.
//   BK_FP64    enables cl_khr_fp64.
//
// Written for OpenCL C 1.2 so that any vendor's compiler takes it.
#include "opencl_kernels.h"

namespace bakeoff::opencl {

const char* const kKernelSource = R"CLC(
#ifdef BK_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#define BK_CAT_(a, b) a##b
#define BK_CAT(a, b) BK_CAT_(a, b)

/* ------------------------------------------------------------------ stream */
#ifdef BK_STREAM
/* Stream results are compared exactly with the host: no fused multiply-add. */
#pragma OPENCL FP_CONTRACT OFF

#define REALV BK_CAT(REAL, VW)
#define BK_HSUM2(v) ((v).s0 + (v).s1)
#define BK_HSUM4(v) BK_HSUM2((v).lo + (v).hi)
#define BK_HSUM8(v) BK_HSUM4((v).lo + (v).hi)
#define BK_HSUM16(v) BK_HSUM8((v).lo + (v).hi)
#define HSUM BK_CAT(BK_HSUM, VW)

/* One vector per work-item, then the n % VW tail element-wise. The host
 * launches at least max(n / VW, n % VW) work-items. */
__kernel void bk_copy(__global const REALV* in, __global REALV* out, const long n)
{
    const long nv = n / VW, gid = get_global_id(0);
    if (gid < nv) out[gid] = in[gid];
    const long t = nv * VW + gid;
    if (t < n) ((__global REAL*)out)[t] = ((__global const REAL*)in)[t];
}

__kernel void bk_scale(__global const REALV* in, __global REALV* out, const long n, const REAL s)
{
    const long nv = n / VW, gid = get_global_id(0);
    if (gid < nv) out[gid] = s * in[gid];
    const long t = nv * VW + gid;
    if (t < n) ((__global REAL*)out)[t] = s * ((__global const REAL*)in)[t];
}

__kernel void bk_add(__global const REALV* a, __global const REALV* b, __global REALV* out,
                     const long n)
{
    const long nv = n / VW, gid = get_global_id(0);
    if (gid < nv) out[gid] = a[gid] + b[gid];
    const long t = nv * VW + gid;
    if (t < n) ((__global REAL*)out)[t] = ((__global const REAL*)a)[t] + ((__global const REAL*)b)[t];
}

__kernel void bk_triad(__global const REALV* a, __global const REALV* b, __global REALV* out,
                       const long n, const REAL s)
{
    const long nv = n / VW, gid = get_global_id(0);
    if (gid < nv) out[gid] = a[gid] + s * b[gid];
    const long t = nv * VW + gid;
    if (t < n)
        ((__global REAL*)out)[t] = ((__global const REAL*)a)[t] + s * ((__global const REAL*)b)[t];
}

/* Tree reduction of scratch[0..wg) (wg a power of two) into scratch[0]. */
static void bk_reduce_local(__local REAL* scratch, const int lid, const int wg)
{
    for (int off = wg / 2; off > 0; off >>= 1) {
        if (lid < off) scratch[lid] += scratch[lid + off];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

/* Dot, stage 1: work-group g sums vectors [g*wg*items, (g+1)*wg*items), each
 * work-item striding by wg (coalesced on GPUs, cache-resident on CPUs), and
 * writes one partial sum. Group 0 also takes the scalar tail. */
__kernel void bk_dot_partial(__global const REALV* a, __global const REALV* b,
                             __global REAL* partial, const long n, const int items,
                             __local REAL* scratch)
{
    const long nv = n / VW;
    const int lid = get_local_id(0), wg = get_local_size(0);
    const long base = (long)get_group_id(0) * wg * items + lid;
    REALV acc = (REALV)(0);
    for (int j = 0; j < items; ++j) {
        const long i = base + (long)j * wg;
        if (i < nv) acc += a[i] * b[i];
    }
    REAL s = HSUM(acc);
    if (get_group_id(0) == 0)
        for (long t = nv * VW + lid; t < n; t += wg)
            s += ((__global const REAL*)a)[t] * ((__global const REAL*)b)[t];
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    bk_reduce_local(scratch, lid, wg);
    if (lid == 0) partial[get_group_id(0)] = scratch[0];
}

/* Dot, stage 2: one work-group folds the partial sums into out[0]. */
__kernel void bk_dot_final(__global const REAL* partial, const int count, __global REAL* out,
                           __local REAL* scratch)
{
    const int lid = get_local_id(0), wg = get_local_size(0);
    REAL s = (REAL)(0);
    for (int i = lid; i < count; i += wg) s += partial[i];
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    bk_reduce_local(scratch, lid, wg);
    if (lid == 0) out[0] = scratch[0];
}
#endif /* BK_STREAM */

/* -------------------------------------------------------------------- GEMM */
#ifdef BK_GEMM
/* C = alpha * op(A) * op(B) + beta * C, row-major. With beta == 0, C is not
 * read (it may hold NaN poison). Multiply-adds may fuse where the hardware
 * has them. */
#pragma OPENCL FP_CONTRACT ON

#if defined(BK_IN_F16)
#define IN_T half
#define LOAD_IN(p, i) vload_half((size_t)(i), (p))
#elif defined(BK_IN_BF16)
#define IN_T ushort
#define LOAD_IN(p, i) as_float(((uint)(p)[i]) << 16)
#else
#define IN_T ACC
#define LOAD_IN(p, i) ((p)[i])
#endif

#ifdef BK_GEMM_BLOCKED
/* CPU devices. A work-item computes an RM x (BV*RNV) block of C in RM*RNV
 * vector accumulators of BV lanes; consecutive work-items take consecutive
 * row blocks, so they share the B panel in cache. Blocks wholly inside C with
 * B not transposed load B as vectors; edge blocks and transposed B load
 * element-wise, zero-padded. Work-groups of one work-item: no barriers, which
 * CPU implementations of OpenCL handle poorly. */
#define ACCV BK_CAT(ACC, BV)
#define VLOAD_ACC BK_CAT(vload, BV)
#define VSTORE_ACC BK_CAT(vstore, BV)
#if defined(BK_IN_F16)
#define LOADV_IN(p) BK_CAT(vload_half, BV)(0, (p))
#elif defined(BK_IN_BF16)
#define LOADV_IN(p) BK_CAT(as_float, BV)(BK_CAT(convert_uint, BV)(BK_CAT(vload, BV)(0, (p))) << 16)
#else
#define LOADV_IN(p) BK_CAT(vload, BV)(0, (p))
#endif
#define CW (BV * RNV) /* columns of C per work-item */

__kernel __attribute__((reqd_work_group_size(1, 1, 1)))
void bk_gemm(const int M, const int N, const int K,
             __global const IN_T* A, const long lda, const int ta,
             __global const IN_T* B, const long ldb, const int tb,
             __global ACC* C, const long ldc, const ACC alpha, const ACC beta)
{
    const int i0 = get_global_id(0) * RM, j0 = get_global_id(1) * CW;
    if (i0 >= M || j0 >= N) return;
    ACCV acc[RM][RNV];
#pragma unroll
    for (int r = 0; r < RM; ++r)
#pragma unroll
        for (int v = 0; v < RNV; ++v) acc[r][v] = (ACCV)(0);

    if (i0 + RM <= M && j0 + CW <= N && !tb) {
        /* op(A)(i, p): A[i*lda + p], or A[p*lda + i] when transposed */
        const long sa_r = ta ? 1 : lda, sa_p = ta ? lda : 1;
        __global const IN_T* a_row = A + (long)i0 * sa_r;
        __global const IN_T* b_row = B + j0;
        for (int p = 0; p < K; ++p) {
            ACCV b[RNV];
#pragma unroll
            for (int v = 0; v < RNV; ++v) b[v] = LOADV_IN(b_row + v * BV);
#pragma unroll
            for (int r = 0; r < RM; ++r) {
                const ACC a = LOAD_IN(a_row, r * sa_r);
#pragma unroll
                for (int v = 0; v < RNV; ++v) acc[r][v] += a * b[v];
            }
            a_row += sa_p;
            b_row += ldb;
        }
    } else {
        for (int p = 0; p < K; ++p) {
            ACCV b[RNV];
            for (int v = 0; v < RNV; ++v) {
                ACC t[BV];
                for (int l = 0; l < BV; ++l) {
                    const int j = j0 + v * BV + l;
                    t[l] = j < N ? (tb ? LOAD_IN(B, (long)j * ldb + p) : LOAD_IN(B, (long)p * ldb + j)) : (ACC)(0);
                }
                b[v] = VLOAD_ACC(0, t);
            }
            for (int r = 0; r < RM; ++r) {
                const int i = i0 + r;
                const ACC a = i < M ? (ta ? LOAD_IN(A, (long)p * lda + i) : LOAD_IN(A, (long)i * lda + p)) : (ACC)(0);
                for (int v = 0; v < RNV; ++v) acc[r][v] += a * b[v];
            }
        }
    }

    for (int r = 0; r < RM; ++r) {
        const int i = i0 + r;
        if (i >= M) break;
        for (int v = 0; v < RNV; ++v) {
            const int j = j0 + v * BV;
            if (j >= N) break;
            __global ACC* c = C + (long)i * ldc + j;
            if (j + BV <= N) {
                if (beta == (ACC)(0)) VSTORE_ACC(alpha * acc[r][v], 0, c);
                else VSTORE_ACC(alpha * acc[r][v] + beta * VLOAD_ACC(0, c), 0, c);
            } else {
                ACC t[BV];
                VSTORE_ACC(acc[r][v], 0, t);
                for (int l = 0; l < N - j; ++l)
                    c[l] = beta == (ACC)(0) ? alpha * t[l] : alpha * t[l] + beta * c[l];
            }
        }
    }
}

#else /* tiled */

#define TM (WGY * RM) /* rows of C per work-group */
#define TN (WGX * RN) /* columns of C per work-group */
#define NT (WGX * WGY)

/* Loads the TK x TO slice of op(X) at (k0, o0) into local T[kk][o], zero past
 * the edges; op(X)[o][k] is X[k * ld + o] when o_contig (A transposed, B not)
 * and X[o * ld + k] otherwise. The work-items read along the contiguous index. */
#define BK_LOAD_TILE(T, X, ld, o_contig, o0, O, TO)                                           \
    for (int l = tid; l < (TO) * TK; l += NT) {                                               \
        int o, kk;                                                                            \
        if (o_contig) { o = l % (TO); kk = l / (TO); } else { kk = l % TK; o = l / TK; }      \
        const int go = (o0) + o, gk = k0 + kk;                                                \
        ACC v = (ACC)(0);                                                                     \
        if (go < (O) && gk < K)                                                               \
            v = (o_contig) ? LOAD_IN(X, (long)gk * (ld) + go) : LOAD_IN(X, (long)go * (ld) + gk); \
        T[kk][o] = v;                                                                         \
    }

/* GPUs and accelerators. A work-group of WGX x WGY work-items computes a
 * TM x TN tile of C, each work-item an RM x RN block (rows ty + r*WGY,
 * columns tx + c*WGX); op(A) and op(B) pass through local memory in TK-deep
 * slices, zero-padded at the matrix edges. */
__kernel __attribute__((reqd_work_group_size(WGX, WGY, 1)))
void bk_gemm(const int M, const int N, const int K,
             __global const IN_T* A, const long lda, const int ta,
             __global const IN_T* B, const long ldb, const int tb,
             __global ACC* C, const long ldc, const ACC alpha, const ACC beta)
{
    __local ACC As[TK][TM + 1];
    __local ACC Bs[TK][TN + 1];
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int tid = ty * WGX + tx;
    const int m0 = get_group_id(1) * TM, n0 = get_group_id(0) * TN;

    ACC acc[RM][RN];
#pragma unroll
    for (int r = 0; r < RM; ++r)
#pragma unroll
        for (int c = 0; c < RN; ++c) acc[r][c] = (ACC)(0);

    for (int k0 = 0; k0 < K; k0 += TK) {
        BK_LOAD_TILE(As, A, lda, ta, m0, M, TM);  /* op(A)[m0 + i][k0 + kk] */
        BK_LOAD_TILE(Bs, B, ldb, !tb, n0, N, TN); /* op(B)[k0 + kk][n0 + j] */
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (int kk = 0; kk < TK; ++kk) {
            ACC a[RM], b[RN];
#pragma unroll
            for (int r = 0; r < RM; ++r) a[r] = As[kk][ty + r * WGY];
#pragma unroll
            for (int c = 0; c < RN; ++c) b[c] = Bs[kk][tx + c * WGX];
#pragma unroll
            for (int r = 0; r < RM; ++r)
#pragma unroll
                for (int c = 0; c < RN; ++c) acc[r][c] += a[r] * b[c];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

#pragma unroll
    for (int r = 0; r < RM; ++r) {
        const int gi = m0 + ty + r * WGY;
        if (gi >= M) continue;
        for (int c = 0; c < RN; ++c) {
            const int gj = n0 + tx + c * WGX;
            if (gj >= N) continue;
            const long o = (long)gi * ldc + gj;
            if (beta == (ACC)(0)) C[o] = alpha * acc[r][c];
            else C[o] = alpha * acc[r][c] + beta * C[o];
        }
    }
}
#endif /* tiled */

/* Small m (decode steps: m = batch rows of activations against a large weight
 * matrix B). Every element of B is used m times only, so the kernels stream B
 * once, with vector loads, and keep op(A) (m x k, small) in cache. Rows of C
 * are taken SMR (SMN) at a time; a second block of rows re-reads the B rows the
 * work-group just read, from cache.
 *
 * bk_gemm_sm_nt, B stored n x k (tb = 1): a work-group of SKS x SCPG
 * work-items computes SCPG * SNC columns of C, SNC per work-item; the SKS
 * work-items of a column split its B rows along k in SVK-element vectors
 * (neighbours read neighbouring vectors), then sum their partial dot
 * products through local memory. SKS = 1 on CPU devices: one work-item
 * walks SNC whole rows side by side (independent multiply-add chains, and
 * several streams for the prefetchers), no barriers.
 *
 * bk_gemm_sm_nn, B stored k x n (tb = 0): a work-item computes SVN
 * consecutive columns of C, SMN rows at a time, walking k; neighbouring work-items read
 * neighbouring vectors of each B row. */
#if defined(BK_IN_F16)
#define SM_LOADK(p) BK_CAT(vload_half, SVK)(0, (p))
#define SM_LOADN(p) BK_CAT(vload_half, SVN)(0, (p))
#elif defined(BK_IN_BF16)
#define SM_LOADK(p) BK_CAT(as_float, SVK)(BK_CAT(convert_uint, SVK)(BK_CAT(vload, SVK)(0, (p))) << 16)
#define SM_LOADN(p) BK_CAT(as_float, SVN)(BK_CAT(convert_uint, SVN)(BK_CAT(vload, SVN)(0, (p))) << 16)
#else
#define SM_LOADK(p) BK_CAT(vload, SVK)(0, (p))
#define SM_LOADN(p) BK_CAT(vload, SVN)(0, (p))
#endif
#define SM_KV BK_CAT(ACC, SVK)
#define SM_NV BK_CAT(ACC, SVN)
#define SM_HS1(v) (v)
#define SM_HS2(v) ((v).s0 + (v).s1)
#define SM_HS4(v) SM_HS2((v).lo + (v).hi)
#define SM_HS8(v) SM_HS4((v).lo + (v).hi)
#define SM_HS16(v) SM_HS8((v).lo + (v).hi)
#define SM_HSUM BK_CAT(SM_HS, SVK)
/* op(A)(i, p) */
#define SM_A(i, p) (ta ? LOAD_IN(A, (long)(p) * lda + (i)) : LOAD_IN(A, (long)(i) * lda + (p)))

__kernel __attribute__((reqd_work_group_size(SKS, SCPG, 1)))
void bk_gemm_sm_nt(const int M, const int N, const int K,
                   __global const IN_T* A, const long lda, const int ta,
                   __global const IN_T* B, const long ldb,
                   __global ACC* C, const long ldc, const ACC alpha, const ACC beta)
{
    const int l = get_local_id(0), c = get_local_id(1);
    const int j0 = (get_group_id(0) * SCPG + c) * SNC;
    /* Columns past N read row N - 1 and are not written; dead work-items
     * still take part in the barriers. */
    const bool live = j0 < N;
    __global const IN_T* b[SNC];
#pragma unroll
    for (int q = 0; q < SNC; ++q) b[q] = B + (long)min(j0 + q, N - 1) * ldb;
    const int kv = K / SVK;
#if SKS > 1
    __local ACC red[SCPG][SMR * SNC][SKS];
#endif
    for (int i0 = 0; i0 < M; i0 += SMR) {
        const int mr = min(SMR, M - i0);
        SM_KV acc[SMR][SNC];
#pragma unroll
        for (int r = 0; r < SMR; ++r)
#pragma unroll
            for (int q = 0; q < SNC; ++q) acc[r][q] = (SM_KV)(0);
        if (live) {
            if (!ta) {
                __global const IN_T* a = A + (long)i0 * lda;
                for (int v = l; v < kv; v += SKS) {
                    const int p = v * SVK;
                    SM_KV bv[SNC];
#pragma unroll
                    for (int q = 0; q < SNC; ++q) bv[q] = SM_LOADK(b[q] + p);
#pragma unroll
                    for (int r = 0; r < SMR; ++r)
                        if (r < mr) {
                            const SM_KV av = SM_LOADK(a + (long)r * lda + p);
#pragma unroll
                            for (int q = 0; q < SNC; ++q) acc[r][q] += av * bv[q];
                        }
                }
            } else {
                for (int v = l; v < kv; v += SKS) {
                    const int p = v * SVK;
                    SM_KV bv[SNC];
#pragma unroll
                    for (int q = 0; q < SNC; ++q) bv[q] = SM_LOADK(b[q] + p);
#pragma unroll
                    for (int r = 0; r < SMR; ++r)
                        if (r < mr) {
                            ACC t[SVK];
                            for (int e = 0; e < SVK; ++e) t[e] = LOAD_IN(A, (long)(p + e) * lda + i0 + r);
                            const SM_KV av = BK_CAT(vload, SVK)(0, t);
#pragma unroll
                            for (int q = 0; q < SNC; ++q) acc[r][q] += av * bv[q];
                        }
                }
            }
        }
        ACC s[SMR][SNC];
#pragma unroll
        for (int r = 0; r < SMR; ++r)
#pragma unroll
            for (int q = 0; q < SNC; ++q) s[r][q] = SM_HSUM(acc[r][q]);
        if (live)
            for (int p = kv * SVK + l; p < K; p += SKS)
                for (int r = 0; r < mr; ++r) {
                    const ACC av = SM_A(i0 + r, p);
                    for (int q = 0; q < SNC; ++q) s[r][q] += av * LOAD_IN(b[q], p);
                }
#if SKS > 1
        for (int r = 0; r < mr; ++r)
            for (int q = 0; q < SNC; ++q) red[c][r * SNC + q][l] = s[r][q];
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int off = SKS / 2; off > 0; off >>= 1) {
            if (l < off)
                for (int t = 0; t < mr * SNC; ++t) red[c][t][l] += red[c][t][l + off];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        for (int r = 0; r < mr; ++r)
            for (int q = 0; q < SNC; ++q) s[r][q] = red[c][r * SNC + q][0];
        barrier(CLK_LOCAL_MEM_FENCE); /* before the next block overwrites red */
#endif
        if (live && l == 0)
            for (int r = 0; r < mr; ++r)
                for (int q = 0; q < SNC && j0 + q < N; ++q) {
                    __global ACC* o = C + (long)(i0 + r) * ldc + j0 + q;
                    *o = beta == (ACC)(0) ? alpha * s[r][q] : alpha * s[r][q] + beta * *o;
                }
    }
}

__kernel __attribute__((reqd_work_group_size(SNW, 1, 1)))
void bk_gemm_sm_nn(const int M, const int N, const int K,
                   __global const IN_T* A, const long lda, const int ta,
                   __global const IN_T* B, const long ldb,
                   __global ACC* C, const long ldc, const ACC alpha, const ACC beta)
{
    const int j0 = get_global_id(0) * SVN;
    if (j0 >= N) return; /* no barriers below */
    const bool full = j0 + SVN <= N;
    for (int i0 = 0; i0 < M; i0 += SMN) {
        const int mr = min(SMN, M - i0);
        SM_NV acc[SMN];
#pragma unroll
        for (int r = 0; r < SMN; ++r) acc[r] = (SM_NV)(0);
        __global const IN_T* b = B + j0;
        for (int p = 0; p < K; ++p, b += ldb) {
            SM_NV bv;
            if (full) {
                bv = SM_LOADN(b);
            } else {
                ACC t[SVN];
                for (int e = 0; e < SVN; ++e) t[e] = j0 + e < N ? LOAD_IN(b, e) : (ACC)(0);
                bv = BK_CAT(vload, SVN)(0, t);
            }
#pragma unroll
            for (int r = 0; r < SMN; ++r)
                if (r < mr) acc[r] += SM_A(i0 + r, p) * bv;
        }
        for (int r = 0; r < mr; ++r) {
            __global ACC* o = C + (long)(i0 + r) * ldc + j0;
            if (full) {
                if (beta == (ACC)(0)) BK_CAT(vstore, SVN)(alpha * acc[r], 0, o);
                else BK_CAT(vstore, SVN)(alpha * acc[r] + beta * BK_CAT(vload, SVN)(0, o), 0, o);
            } else {
                ACC t[SVN];
                BK_CAT(vstore, SVN)(acc[r], 0, t);
                for (int e = 0; e < N - j0; ++e)
                    o[e] = beta == (ACC)(0) ? alpha * t[e] : alpha * t[e] + beta * o[e];
            }
        }
    }
}
#endif /* BK_GEMM */
)CLC";

}  // namespace bakeoff::opencl
