// One prepared llm.serve case: the engine with the model on the device, the
// requests of the load, the runs' raw times, and the verification
// (docs/serving.md, "Verification"):
//  1. every request of the last run got its output length;
//  2. batch invariance: the first requests (up to 4, fewer where their kept
//     logits rows would pass 256 MiB) of the last run are run again alone
//     (one sequence per step), fed the tokens the batched run chose, and the
//     whole logits rows at every output position are compared;
//  3. the single-request path against the fp64 host forward: a short request
//     (the first 24 tokens of request 0, 8 output tokens) alone, its logits
//     rows at every output position against llm_reference.h's.
// The measure: for float weights max |a - b| / max |b| within the dtype's
// tolerance (batching changes only the summation order; a non-finite logit
// fails) and each chosen token the argmax or a near-tie; for block-quantized
// weights the quality gate (mean KL, top-1 at decisive positions), since their
// kernels round activations to 8-bit blocks in some steps and not others.
#pragma once

#include "workloads/workload.h"

#include <cstdint>
#include <memory>

namespace bakeoff::serve {

std::unique_ptr<CaseInstance> make_serve_case(Device& device, const CaseSpec& c, std::uint64_t seed);

}  // namespace bakeoff::serve
