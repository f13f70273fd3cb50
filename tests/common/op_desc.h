// Op descriptions for the backend tests that drive a plugin's ABI table
// directly (tests/cpu, tests/opencl, tests/cuda, tests/nn): the header every
// op shares, and the stream and GEMM ops with their operands spelled out.
#pragma once

#include "bakeoff/backend_abi.h"

#include <cstdint>
#include <cstring>

namespace bktest {

// Zeroed, with struct_size, kind, path and one dtype for every operand.
inline bk_op_desc op_desc(uint32_t kind, uint32_t dtype, uint32_t path = BK_PATH_PORTABLE) {
    bk_op_desc d;
    std::memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.kind = kind;
    d.path = path;
    d.dtype_a = d.dtype_b = d.dtype_c = dtype;
    return d;
}

inline bk_op_desc stream_op_desc(uint32_t kind, uint32_t dtype, int64_t n, double scalar,
                                 uint32_t path = BK_PATH_PORTABLE) {
    bk_op_desc d = op_desc(kind, dtype, path);
    d.u.stream.n = n;
    d.u.stream.scalar = scalar;
    return d;
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
