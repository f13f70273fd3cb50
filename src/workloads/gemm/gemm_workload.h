// gemm — dense matrix multiply C = A B, row-major: square (m = n = k = size)
// from the suites, or any MxNxK from --size (e.g. the GEMMs of a model's
// prefill); with "nt" B is stored n x k, as a linear layer's weight is.
//
// Precisions (inputs -> output/accumulator):
//   fp64  f64 x f64 -> f64      fp32  f32 x f32 -> f32
//   bf16  bf16 x bf16 -> f32    int8  i8 x i8 -> i32 (A in [0, 127], B in [-128, 127])
//   fp16  f16 x f16 -> f32      (on request; backends without it report unsupported)
// FLOP (or integer OP) count: 2 m n k — a multiply-add counts two.
// Bytes: m k + k n elements read once, m n written once (the compulsory traffic).
// Metric: GFLOP/s (GOP/s for int8) = 2 m n k / seconds / 1e9.
// The label of a shaped case is "MxNxK" ("MxNxKnt" with B transposed); the
// record's size is then m.
// Inputs: uniform in [-1, 1) rounded to the input type; int8 as above.
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

class GemmWorkload final : public Workload {
public:
    std::string id() const override { return "gemm"; }
    BAKEOFF_WORKLOAD_OVERRIDES;

    // The output type of a GEMM whose inputs are `in`.
    static bk_dtype output_type(bk_dtype in);
    // The case's m, n, k and layout (from its params).
    static GemmShape shape(const CaseSpec& c);
};

}  // namespace bakeoff
