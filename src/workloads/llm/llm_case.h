// One prepared llm.* case: the model on the device, the tokens, the plan of
// one run, and the verification of the last run's logits.
//
// Verification (every timed case):
//  - every logit must be finite: before each run every buffer it writes (all
//    activations, the cache rows at its positions) is filled with NaN, so a
//    skipped op shows even when an earlier run left the right values behind;
//  - small models (matrix parameters x tokens <= 5e8: tiny, small): the logits
//    of the last position of every sequence against a full fp64 host forward
//    (llm_reference.h) on the same weights, cache contents and tokens;
//  - larger ones (a full fp64 forward would take minutes): (a) the head — the
//    final residual rows the device computed, normed and multiplied in fp64 by
//    256 sampled vocabulary rows, against the device's logits there; (b) layer
//    0 — the first layer is run again on the device alone and its output rows
//    (the last row of each sequence, up to 4, and up to 4 random rows) checked
//    against the fp64 reference of that layer. Layers 1.. run the same ops as
//    layer 0 on other weights.
// Error: max |device - reference| / max |reference| over the checked values;
// tolerance 1e-4 with fp32 weights, 2e-2 with bf16 (activations are rounded
// to bf16 before every GEMM), 2.5e-3 with fp16 (bf16's over 8, the ratio of
// the rounding units; measured at most 8.6e-4, docs/workloads-llm.md).
#pragma once

#include "workloads/llm/llm_config.h"
#include "workloads/workload.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bakeoff::llm {

struct LlmRunSetup {
    LlmConfig config;
    bk_dtype weight_dtype = BK_F32;
    bk_path gemm_path = BK_PATH_VENDOR;
    std::int64_t batch = 1, seq = 1, pos = 0, capacity = 1;
    std::string weights_file;  // "" = random weights from the seed
    // Above this many matrix-parameter x token products the sampled check runs
    // instead of the full fp64 forward (tests lower it to exercise that path).
    double full_reference_limit = 5e8;
};

double llm_tolerance(bk_dtype weight_dtype);
// The type the fp64 reference rounds activations to where the device converts
// them (RefForward::act_dtype): f16 for f16 weights, f64 (none) otherwise.
bk_dtype reference_act_dtype(bk_dtype weight_dtype);
// max |a - b| / max |b|; +inf when a holds a non-finite value.
double relative_error(const std::vector<double>& a, const std::vector<double>& b);

std::unique_ptr<CaseInstance> make_llm_case(Device& device, const LlmRunSetup& s, std::uint64_t seed);

}  // namespace bakeoff::llm
