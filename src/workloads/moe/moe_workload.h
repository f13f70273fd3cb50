// moe — one DeepSeek-V3-style mixture-of-experts layer (docs/workloads-moe-train.md).
//
// x [T, d] -> router GEMM x W_r^T -> TOPK_ROUTE (sigmoid scores, top-k,
// weights normalised over the chosen experts) -> per routed expert: gather
// its tokens (EMBEDDING), gate/up GEMMs, SWIGLU, down GEMM, SCATTER_ADD into
// the output with the routing weights; plus the shared expert (a dense SwiGLU
// MLP over all tokens) written first. The per-expert token lists are built on
// the host from the downloaded routing (a small device-host round trip inside
// the timed step, as simple real implementations do).
// Precisions: fp32 (f32 weights) and bf16 (bf16 weights; activations
// converted with CONVERT before each GEMM, f32 accumulation and outputs).
// Size: tokens T. Metric: tokens/s. FLOPs: router + routed top-k + shared.
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

class MoeWorkload final : public Workload {
public:
    std::string id() const override { return "moe"; }
    BAKEOFF_WORKLOAD_OVERRIDES;

    // One case of a preset ("tiny", "small", "v3-layer") at T tokens.
    static CaseSpec make_case(const std::string& preset, std::int64_t tokens, bk_dtype dtype, bk_path path);
};

}  // namespace bakeoff
