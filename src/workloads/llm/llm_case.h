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
    bk_dtype weight_dtype = BK_F32;     // the case's type: the model's main one
    std::vector<bk_dtype> formats;      // per tensor, as the device holds it (empty: every matrix in weight_dtype)
    bk_path gemm_path = BK_PATH_VENDOR;
    std::int64_t batch = 1, seq = 1, pos = 0, capacity = 1;
    std::string weights_file;  // a model file or folder; "" = random weights from the seed
    // Above this many matrix-parameter x token products the sampled check runs
    // instead of the full fp64 forward (tests lower it to exercise that path).
    double full_reference_limit = 5e8;
    // The quality gate: teacher-forced positions (0: none), and above how many
    // matrix parameters it takes gate_sampled_positions instead.
    std::int64_t gate_positions = 64, gate_sampled_positions = 8;
    double gate_full_limit = 1.5e9;
};

// The quality gate's figures over n teacher-forced positions: the device's
// next-token distribution q against the fp64 reference's p, both softmax of
// the logits. kl: mean over positions of KL(p || q) in nats. top1: the share
// of decisive positions whose argmax agrees, a decisive position being one
// where the reference's best logit leads the second by at least
// kDecisiveMargin nats: at a near-tie any rounding picks either, so counting
// it would judge the tie, not the device (random weights give mostly ties;
// with none decisive, top1_positions is 0 and top-1 is not judged).
inline constexpr double kDecisiveMargin = 0.1;
struct GateFigures {
    std::int64_t positions = 0, top1_positions = 0;
    double top1 = 1, kl_mean = 0, kl_max = 0;
};
GateFigures gate_figures(const std::vector<double>& ref_logits, const std::vector<double>& dev_logits, std::int64_t vocab);

// Thresholds of the gate for a model whose matrices are mostly `t` (docs/models.md).
struct GateThresholds {
    double kl_mean, top1;
};
GateThresholds gate_thresholds(bk_dtype t);
// Mean KL within its limit (NaN fails) and, where any position was
// decisive, top-1 agreement at or above its limit.
bool gate_passes(const GateFigures& g, const GateThresholds& th);

double llm_tolerance(bk_dtype weight_dtype);
// Where the device holds a matrix in another format than the model's main
// one (a dequantized fallback), the loosest of their tolerances.
double llm_tolerance(bk_dtype weight_dtype, const std::vector<bk_dtype>& formats);
// The type the fp64 reference rounds activations to where the device converts
// them (RefForward::act_dtype): f16 for f16 weights, f64 (none) otherwise.
bk_dtype reference_act_dtype(bk_dtype weight_dtype);
// max |a - b| / max |b|; +inf when a holds a non-finite value.
double relative_error(const std::vector<double>& a, const std::vector<double>& b);

std::unique_ptr<CaseInstance> make_llm_case(Device& device, const LlmRunSetup& s, std::uint64_t seed);

}  // namespace bakeoff::llm
