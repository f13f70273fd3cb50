// Op descriptions for the backend tests that drive a plugin's ABI table
// directly (tests/cpu, tests/opencl, tests/cuda, tests/nn): the header every
// op shares, and the stream and GEMM ops with their operands spelled out.
#pragma once

#include "bakeoff/backend_abi.h"
#include "workloads/op_desc.h"

#include <cstdint>

namespace bktest {

// Zeroed, with struct_size, kind, path and one dtype for every operand: the
// workloads' own builder (src/workloads/op_desc.h), with the ABI's plain types.
inline bk_op_desc op_desc(uint32_t kind, uint32_t dtype, uint32_t path = BK_PATH_PORTABLE) {
    const auto t = bk_dtype(dtype);
    return bakeoff::blank_op(bk_op_kind(kind), bk_path(path), t, t, t);
}

inline bk_op_desc stream_op_desc(uint32_t kind, uint32_t dtype, int64_t n, double scalar,
                                 uint32_t path = BK_PATH_PORTABLE) {
    return bakeoff::stream_op(bk_op_kind(kind), bk_dtype(dtype), bk_path(path), n, scalar);
}

// A GEMM with every field given; callers pick their own leading dimensions.
struct GemmShape {
    int64_t m, n, k;
    int64_t lda, ldb, ldc;
    bool trans_a = false, trans_b = false;
    double alpha = 1.0, beta = 0.0;
};

inline bk_op_desc gemm_op_desc(uint32_t path, uint32_t a, uint32_t b, uint32_t c, const GemmShape& s) {
    bk_op_desc d = op_desc(BK_OP_GEMM, a, path);
    d.dtype_b = b;
    d.dtype_c = c;
    bk_gemm_op& g = d.u.gemm;
    g.m = s.m;
    g.n = s.n;
    g.k = s.k;
    g.lda = s.lda;
    g.ldb = s.ldb;
    g.ldc = s.ldc;
    g.trans_a = s.trans_a;
    g.trans_b = s.trans_b;
    g.alpha = s.alpha;
    g.beta = s.beta;
    return d;
}

}  // namespace bktest
