// Running the conformance cases of the neural-network ops (BK_OP_CONVERT ..
// BK_OP_PAGED_ATTENTION): each op's definition (nn_op_case.h, one file per op under
// nn_ops/) gives the descriptors, the inputs (random, rounded to their type),
// the fp64 reference (src/nn/reference.h) computed from the same rounded
// inputs and the tolerance; here the outputs are poisoned with guard elements
// after them, the op is launched, and every output is compared with its
// reference and the inputs with what was sent. Tolerances: nn_op_case.h and
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
// Runs one NN case, any descriptor of an NN kind (supports() already said yes).
// Throws BackendError from the core.
CaseResult run_nn_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r);

// The error allowed for an op's float outputs in a dtype, as a fraction of
// |ref_i| + mean|ref| (see nn_op_case.h), before a case widens it for its inputs.
double nn_tolerance(const bk_op_desc& op);

}  // namespace bakeoff::conformance
