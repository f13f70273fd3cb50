// One prepared llm.serve case: the engine with the model on the device, the
// requests of the load, the runs' raw times, and the verification
// (docs/serving.md, "Verification"):
//  1. every request of the last run got its output length, every kept logit
//     is finite;
//  2. batch invariance: the first requests (up to 4) of the last run are run
//     again alone (one sequence per step), fed the tokens the batched run
//     chose; the logits at 64 vocabulary ids (sampled once, from the seed)
//     at every output position must agree with the batched run's within the
//     model's dtype tolerance (max |a - b| / max |b|: batching changes only
//     the summation order), and each token the batched run chose must be
//     the single run's argmax or within that tolerance of it (a near-tie);
//  3. the single-request path against the fp64 host forward: a short request
//     (the first 24 tokens of request 0, 8 output tokens) alone, its logits
//     at every output position against llm_reference.h's, same measure.
#pragma once

#include "workloads/workload.h"

#include <cstdint>
#include <memory>

namespace bakeoff::serve {

std::unique_ptr<CaseInstance> make_serve_case(Device& device, const CaseSpec& c, std::uint64_t seed);

}  // namespace bakeoff::serve
