// llm.serve: a Llama-shaped model served under load with continuous batching
// and a paged KV cache (engine.h), docs/serving.md.
//
//   size = the closed loop's concurrency (requests in flight), or for an
//   open loop the Poisson rate in milli-requests/s. One run serves every
//   request of the load, from the first arrival to the last token; the
//   harness repeats runs as for any case (the first is the warm-up).
//   Metric: output tokens/s of the device = output tokens of a run / its
//   time. Per-request latencies (TTFT, TPOT, ITL, end to end) and goodput go
//   to params.measured.serving with every request's raw times.
// Counts per run (Pm the matrix parameters of one layer, L layers, V vocab,
// d dim): FLOP = 2 L Pm (input + output tokens) + 2 V d (output tokens)
// (projections and logits; attention is left out: it depends on the
// schedule); bytes are not counted (the weights are read once per step, and
// the steps depend on the schedule); items = output tokens.
#pragma once

#include "workloads/llm/llm_config.h"
#include "workloads/serve/load.h"
#include "workloads/serve/scheduler.h"
#include "workloads/workload.h"

namespace bakeoff {

class ServeWorkload final : public Workload {
public:
    std::string id() const override { return "llm.serve"; }
    BAKEOFF_WORKLOAD_OVERRIDES;
    void adapt(CaseSpec& c, Device& device) const override;

    // The defaults of the service level objectives (MLPerf Inference's
    // Llama 2 70B server bounds): TTFT 2 s, TPOT 200 ms.
    static constexpr double kSloTtftMs = 2000, kSloTpotMs = 200;
    // A suite's profiles are the reference lengths divided by this (chat
    // 32/32: a CPU serves the standard sweep's 5 runs of 16 requests at
    // concurrency 1 within a case's time limit).
    static constexpr std::int64_t kProfileScale = 32;

    // One case: the model, weight type and GEMM path, the load, and the KV
    // blocks (0: enough for every request in flight).
    CaseSpec make_case(const llm::LlmConfig& m, bk_dtype t, bk_path p, const std::string& weights,
                       const serve::LoadSpec& load, double slo_ttft_ms, double slo_tpot_ms,
                       std::int64_t kv_blocks) const;
};

// The load and the scheduler's limits a case's params name.
serve::LoadSpec serve_case_load(const CaseSpec& c);
serve::SchedulerLimits serve_case_limits(const CaseSpec& c);

}  // namespace bakeoff
