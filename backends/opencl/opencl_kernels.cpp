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
//              explicit vectors and no barriers for CPU devices.
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
        /* op(A)[m0 + i][k0 + kk]; read along the contiguous index. */
        for (int l = tid; l < TM * TK; l += NT) {
            int i, kk;
            if (ta) { i = l % TM; kk = l / TM; } else { kk = l % TK; i = l / TK; }
            const int gi = m0 + i, gk = k0 + kk;
            ACC v = (ACC)(0);
            if (gi < M && gk < K)
                v = ta ? LOAD_IN(A, (long)gk * lda + gi) : LOAD_IN(A, (long)gi * lda + gk);
            As[kk][i] = v;
        }
        /* op(B)[k0 + kk][n0 + j] */
        for (int l = tid; l < TK * TN; l += NT) {
            int j, kk;
            if (tb) { kk = l % TK; j = l / TK; } else { j = l % TN; kk = l / TN; }
            const int gj = n0 + j, gk = k0 + kk;
            ACC v = (ACC)(0);
            if (gj < N && gk < K)
                v = tb ? LOAD_IN(B, (long)gj * ldb + gk) : LOAD_IN(B, (long)gk * ldb + gj);
            Bs[kk][j] = v;
        }
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
#endif /* BK_GEMM */
)CLC";

}  // namespace bakeoff::opencl
