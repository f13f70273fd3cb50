// The serving engine of llm.serve: a paged model on one device driven by the
// continuous-batching scheduler (scheduler.h) through a load (load.h). One
// call of serve() is one run: every request of the load from arrival to its
// last token, with the wall-clock time of each event (docs/serving.md).
//
// Each step: the scheduler packs rows; the host writes the step's index
// operands (ids, positions, slots, per-sequence rows, lengths, block table);
// the forward runs (llm_plan.h, plan_paged_forward); the logits of each
// sequence's last row come back and the argmax is its next token (greedy).
// "Device time" of a step is its launches and the stream sync; the rest of
// the step (scheduling, planning, index uploads, the logits' download and
// the argmax) is the scheduler overhead the record reports.
#pragma once

#include "core/backend.h"
#include "numeric/serving_stats.h"
#include "workloads/llm/llm_model.h"
#include "workloads/serve/load.h"
#include "workloads/serve/scheduler.h"

#include <cstdint>
#include <vector>

namespace bakeoff::serve {

struct Served {
    serving::RequestTimes times;
    std::vector<std::int32_t> output;
    // For the requests the run keeps logits of: per output token, the
    // whole row of logits it was chosen from.
    std::vector<std::vector<float>> check_logits;
    // Teacher-forced runs: per output token, how far the fed token's logit
    // lies below the row's best, relative to the row's largest magnitude.
    std::vector<double> forced_gap;
};

struct RunResult {
    std::vector<Served> requests;  // in request order
    double wall_s = 0;
    std::int64_t steps = 0, preemptions = 0, waited = 0;
    double device_s = 0;           // summed launches + syncs
    std::vector<double> step_s;    // wall time of each step
};

class Engine {
public:
    Engine(Device& dev, const llm::WeightSource& w, const llm::ModelTypes& types, bk_path gemm_path,
           const SchedulerLimits& limits);

    // Serves `requests` under `load`'s arrival rule. keep_logits: how many
    // of the first requests keep check_logits. forced (optional): per
    // request the tokens to feed instead of the argmax (teacher forcing; the
    // logits are still the device's).
    RunResult serve(Stream& s, const std::vector<Request>& requests, const LoadSpec& load, std::int64_t keep_logits,
                    const std::vector<std::vector<std::int32_t>>* forced = nullptr);

    const SchedulerLimits& limits() const { return limits_; }
    llm::DeviceModel& model() { return model_; }

    static llm::PagedPool pool_of(const SchedulerLimits& l);

private:
    SchedulerLimits limits_;
    llm::DeviceModel model_;
    // The last step's plan and its (rows, sequences): decode steps repeat a shape.
    std::vector<llm::Step> plan_;
    std::int64_t plan_tokens_ = 0, plan_seqs_ = 0;
    std::vector<float> logits_;  // the step's logits rows, [sequences, vocab]
};

}  // namespace bakeoff::serve
