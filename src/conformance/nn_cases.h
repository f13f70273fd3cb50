// Conformance cases of the neural-network ops (BK_OP_CONVERT .. BK_OP_ROPE_FREQ):
// each op x {fp64, fp32, bf16, fp16} (CONVERT: every ordered pair) on odd
// sizes (1, 7, 63 and rows past any SIMD width), attention with grouped-query
// heads, causal and not, seq_q < seq_kv inside a larger KV cache; top-k with
// ties; scatter_add with repeated ids. Inputs are random (rounded to their
// type), outputs are poisoned with guard elements after them, and every
// output is compared with the fp64 reference (src/nn/reference.h) computed
// from the same rounded inputs. Tolerances: see nn_tolerance() and
// docs/methodology.md.
#pragma once

#include "conformance/conformance.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bakeoff::conformance {

bool is_nn_kind(std::uint32_t kind);
std::vector<bk_op_desc> planned_nn_ops();
std::string nn_shape_label(const bk_op_desc& op);
// "fp32", or "fp32->bf16" for CONVERT.
std::string nn_dtype_label(const bk_op_desc& op);
// Runs one NN case (supports() already said yes). Throws BackendError from the core.
CaseResult run_nn_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r);

// The error allowed for an op's float outputs in a dtype, as a fraction of
// |ref_i| + mean|ref| (see nn_cases.cpp).
double nn_tolerance(const bk_op_desc& op);

}  // namespace bakeoff::conformance
