// A MoE case prepared on one device: weights uploaded, buffers for the
// activations and the per-expert routing lists allocated.
#pragma once

#include "workloads/moe/moe_config.h"
#include "workloads/workload.h"

#include <memory>

namespace bakeoff::moe {

// The descriptors of every distinct op the layer launches (for supports()).
std::vector<bk_op_desc> moe_ops(const MoeShape& s, bk_dtype weight_dtype, bk_path path);

// What the last run left on the device, for tests that tamper with it
// before calling verify_moe. Throws std::invalid_argument for another case type.
struct MoeOutputs {
    std::vector<float> x, y, weight;
    std::vector<std::int32_t> idx;
    std::vector<std::int64_t> tokens_per_expert;
};
MoeOutputs moe_outputs(const CaseInstance& c);

std::unique_ptr<CaseInstance> make_moe_case(Device& dev, const MoeShape& s, bk_dtype weight_dtype, bk_path path,
                                            std::uint64_t seed);

}  // namespace bakeoff::moe
