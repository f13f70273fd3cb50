// train.step — one training step (forward, backward, AdamW) of a small
// Llama-style decoder on a synthetic next-token task, every op through the
// ABI (docs/workloads-moe-train.md).
//
// Size: the batch (sequences per step). Metric: tokens/s (batch x seq per
// step). FLOPs: 6 N tokens with N the parameters outside the input
// embedding; the peak is the device's fp32 peak over 6 N, so percent of peak
// is the model-FLOPs utilisation (MFU). Verification: the first step's loss
// vs an fp64 host forward, then a fresh training run from the seed whose loss
// must fall below a fraction of ln(vocab).
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

class TrainStepWorkload final : public Workload {
public:
    std::string id() const override { return "train.step"; }
    BAKEOFF_WORKLOAD_OVERRIDES;

    // One case of a preset ("tiny", "small") at `batch` sequences per step.
    static CaseSpec make_case(const std::string& preset, std::int64_t batch, bk_path path);
};

}  // namespace bakeoff
