// Conformance cases of the block-quantized weight types (BK_Q8_0 .. BK_Q8_K):
// GEMM f32 x q* -> f32 (B the weights [n, k] stored in blocks, trans_b) on
// decode (m = 1, 4, 8) and prefill (m = 37) shapes with k over several
// blocks, odd n, padded rows of A and C and alpha/beta, against fp64 of A
// times the dequantized weights (bk_dequantize_row); and EMBEDDING from a
// block-quantized table, which must give the dequantized rows bit for bit.
//
// GEMM tolerance, per element (derived, not tuned). The ABI lets a backend
// round A to 8-bit blocks with an f32 scale first, as llama.cpp does: blocks
// of 32 values for the 32-value weight types, of 32 or 256 for the K-types.
// A value of a block b is then off by at most half a step, amax_b / 254 (a
// scale amax_b / 127, round to nearest; the clamp to +-127 never bites, and
// the f32 scale's own rounding adds a relative 2^-23 at most, covered by a
// factor 1.001). That moves C[i, j] by at most
//   R = sum_b amax_b(A_i) / 254 * sum_{l in b} |W_jl|   (W dequantized),
// taken over blocks of the weight type's block size (for the K-types, 256:
// a block of 256's bound is at least that of its eight blocks of 32, so it
// covers both). Then f32 arithmetic: at most k + 4 roundings of relative
// u = 2^-24 on sum_l |a_l W_jl| + R (any summation order, the scale
// products, the conversion of integer sums, alpha), times |alpha|; beta C0
// adds 2u |beta C0|. A backend that does not round A meets the second part
// alone. The case fails when any |C - ref| exceeds its bound; error is the
// worst |C - ref| / bound (so the tolerance is 1). A kernel that drops or
// misreads a block is off by about |d W| sum |a| of that block: tens of R.
#pragma once

#include "conformance/conformance.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <vector>

namespace bakeoff::conformance {

// GEMM with a block-quantized B, or EMBEDDING from a block-quantized table.
bool is_quant_case(const bk_op_desc& op);
std::vector<bk_op_desc> planned_quant_ops();
// Runs one case (supports() already said yes). Throws BackendError from the core.
CaseResult run_quant_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r);

}  // namespace bakeoff::conformance
