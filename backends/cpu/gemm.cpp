// GEMM: descriptor validation (shape, leading dimensions, operand sizes,
// dtype combination) and routing to the implementation for the path:
//   vendor   f64/f32 -> OpenBLAS (gemm_openblas.cpp)
//            bf16->f32, i8->i32 -> oneDNN matmul (gemm_onednn.cpp)
//            f16->f32: none (unsupported, with the reason)
//   portable all five -> bakeoff's own kernel (gemm_portable.cpp); f32, bf16
//            and f16 with m <= 16 -> the small-m kernel (gemm_smallm.cpp)
#include <cmath>
#include <string>

#include "cpu_internal.h"
#include "gemm_smallm.h"

namespace bk_cpu {
namespace {

uint64_t elem_bytes(uint32_t dt) {
    switch (dt) {
        case BK_F64: return 8;
        case BK_F32:
        case BK_I32: return 4;
        case BK_BF16:
        case BK_F16: return 2;
        default: return 1;
    }
}

// Bytes spanned by a row-major rows x cols matrix with leading dimension ld.
uint64_t extent(int64_t rows, int64_t cols, int64_t ld, uint32_t dt) {
    const unsigned __int128 e =
        (static_cast<unsigned __int128>(rows - 1) * static_cast<unsigned __int128>(ld) +
         static_cast<unsigned __int128>(cols)) *
        elem_bytes(dt);
    return e > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(e);
}

struct Extents {
    uint64_t a = 0, b = 0, c = 0;
};

bk_status check_shape(const bk_op_desc& op, Extents* ext) {
    const bk_gemm_op& g = op.u.gemm;
    if (g.m <= 0 || g.n <= 0 || g.k <= 0)
        return fail(BK_INVALID_ARGUMENT, "gemm: m, n and k must be positive, got m=" +
                                             std::to_string(g.m) + " n=" + std::to_string(g.n) +
                                             " k=" + std::to_string(g.k));
    const int64_t a_rows = g.trans_a ? g.k : g.m, a_cols = g.trans_a ? g.m : g.k;
    const int64_t b_rows = g.trans_b ? g.n : g.k, b_cols = g.trans_b ? g.k : g.n;
    if (g.lda < a_cols)
        return fail(BK_INVALID_ARGUMENT, "gemm: lda=" + std::to_string(g.lda) + " is less than " +
                                             std::to_string(a_cols) + " (columns of A as stored)");
    if (g.ldb < b_cols)
        return fail(BK_INVALID_ARGUMENT, "gemm: ldb=" + std::to_string(g.ldb) + " is less than " +
                                             std::to_string(b_cols) + " (columns of B as stored)");
    if (g.ldc < g.n)
        return fail(BK_INVALID_ARGUMENT,
                    "gemm: ldc=" + std::to_string(g.ldc) + " is less than n=" + std::to_string(g.n));
    if (!std::isfinite(g.alpha) || !std::isfinite(g.beta))
        return fail(BK_INVALID_ARGUMENT, "gemm: alpha and beta must be finite");
    ext->a = extent(a_rows, a_cols, g.lda, op.dtype_a);
    ext->b = extent(b_rows, b_cols, g.ldb, op.dtype_b);
    ext->c = extent(g.m, g.n, g.ldc, op.dtype_c);
    if (ext->a == UINT64_MAX || ext->b == UINT64_MAX || ext->c == UINT64_MAX)
        return fail(BK_INVALID_ARGUMENT, "gemm: the operands' sizes overflow");
    return BK_OK;
}

bk_status check_types(const bk_op_desc& op) {
    const uint32_t a = op.dtype_a, b = op.dtype_b, c = op.dtype_c;
    if ((a == BK_F64 && b == BK_F64 && c == BK_F64) || (a == BK_F32 && b == BK_F32 && c == BK_F32) ||
        (a == BK_BF16 && b == BK_BF16 && c == BK_F32) || (a == BK_F16 && b == BK_F16 && c == BK_F32) ||
        (a == BK_I8 && b == BK_I8 && c == BK_I32))
        return BK_OK;
    std::string why = "gemm " + std::string(dtype_name(a)) + " x " + dtype_name(b) + " -> " +
                      dtype_name(c) + " is not run by the cpu backend";
    if (a == BK_TF32)
        why += " (x86 has no reduced-precision fp32 multiply)";
    else if (a == BK_F16)
        why += " (it runs f16 x f16 -> f32 only)";
    else if (a == BK_F8_E4M3)
        why += " (no fp8 on x86 CPUs)";
    else
        why += " (it runs f64, f32, bf16 -> f32, f16 -> f32 and i8 -> i32)";
    return fail(BK_UNSUPPORTED, why);
}

bk_status check_all(const bk_op_desc& op, Extents* ext) {
    if (op.path != BK_PATH_VENDOR && op.path != BK_PATH_PORTABLE)
        return fail(BK_UNSUPPORTED, "gemm: unknown path " + std::to_string(op.path));
    if (bk_status st = check_shape(op, ext); st != BK_OK) return st;
    if (bk_status st = check_types(op); st != BK_OK) return st;
    if (op.path == BK_PATH_PORTABLE) return portable_gemm_supports(op);
    if (op.dtype_a == BK_F64 || op.dtype_a == BK_F32) return openblas_gemm_supports(op);
    if (op.dtype_a == BK_F16)
        return fail(BK_UNSUPPORTED,
                    "gemm f16 x f16 -> f32 has no vendor path on the cpu backend: neither OpenBLAS nor "
                    "oneDNN as built here has an fp16 gemm (the portable path runs it)");
    return onednn_gemm_supports(op);
}

}  // namespace

bk_status gemm_supports(const bk_op_desc& op) {
    Extents ext;
    return check_all(op, &ext);
}

bk_status gemm_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands) {
    Extents ext;
    if (bk_status st = check_all(op, &ext); st != BK_OK) return st;
    if (!operands || n_operands != 3)
        return fail(BK_INVALID_ARGUMENT, "gemm: expects 3 operands (A, B, C), got " +
                                             std::to_string(operands ? n_operands : 0u));
    Buffer *a = nullptr, *b = nullptr, *c = nullptr;
    if (bk_status st = check_operand(operands, 0, ext.a, "A", &a); st != BK_OK) return st;
    if (bk_status st = check_operand(operands, 1, ext.b, "B", &b); st != BK_OK) return st;
    if (bk_status st = check_operand(operands, 2, ext.c, "C", &c); st != BK_OK) return st;
    if (smallm_applies(op)) return smallm_run(op, a->ptr, b->ptr, c->ptr);
    if (op.path == BK_PATH_PORTABLE) return portable_gemm_run(op, a->ptr, b->ptr, c->ptr);
    if (op.dtype_a == BK_F64 || op.dtype_a == BK_F32)
        return openblas_gemm_run(op, a->ptr, b->ptr, c->ptr);
    return onednn_gemm_run(op, a->ptr, b->ptr, c->ptr);
}

bk_status gemm_info(const bk_op_desc& op, std::string* out) {
    Extents ext;
    if (bk_status st = check_all(op, &ext); st != BK_OK) return st;
    if (smallm_applies(op)) {
        *out = smallm_info(op);
        return BK_OK;
    }
    if (op.path == BK_PATH_PORTABLE) {
        *out = portable_gemm_info(op);
        return BK_OK;
    }
    if (op.dtype_a == BK_F64 || op.dtype_a == BK_F32) {
        *out = openblas_gemm_info(op);
        return BK_OK;
    }
    return onednn_gemm_info(op, out);
}

}  // namespace bk_cpu
