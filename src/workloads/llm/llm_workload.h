// llm.prefill and llm.decode: a Llama-shaped decoder (llm_config.h presets,
// random weights from the seed or a safetensors checkpoint) run op by op
// through the backend (llm_plan.h). See docs/workloads-llm.md.
//
//   llm.prefill  size = prompt length P (batch 1): one run is the forward of P
//                tokens from position 0, logits of the last position only.
//                tokens/s = P / run time; the run time itself is the time to
//                first token (each sample in the record is one TTFT).
//   llm.decode   size = context depth D: the KV cache of every layer holds D
//                positions (random keys and values), one run is one decode
//                step of `batch` sequences at position D. tokens/s = batch /
//                step time.
// Counts per run (L layers, Pm the matrix parameters of one layer, V vocab,
// d dim, qd = heads x head_dim, kvd = kv_heads x head_dim, w weight bytes):
//   FLOP  = 2 tokens (L Pm) + 2 batch V d               (projections, logits)
//         + 4 qd L sum over queries of its visible keys (attention: QK^T and PV)
//   bytes = w (L Pm + V d) + 4 d (2L + 1)               (every weight read once)
//         + c kvd L 2 batch (positions read + written)  (KV cache in the weights'
//                                                          type, c bytes, K and V)
// Decode: each sequence reads D + 1 positions and writes 1; prefill: writes P
// and reads P positions per layer (at least once). Activations are not counted
// (they stay in caches at decode sizes); the untied head's embedding gather
// adds batch x d x w.
#pragma once

#include "workloads/llm/llm_config.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/workload.h"

namespace bakeoff {

class LlmWorkload final : public Workload {
public:
    enum class Mode { prefill, decode };
    explicit LlmWorkload(Mode m) : mode_(m) {}

    std::string id() const override { return mode_ == Mode::prefill ? "llm.prefill" : "llm.decode"; }
    std::string description() const override;
    MetricDef metric(const CaseSpec& c) const override;
    std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const override;
    WorkCounts counts(const CaseSpec& c) const override;
    std::uint64_t device_bytes(const CaseSpec& c) const override;
    std::vector<bk_op_desc> ops(const CaseSpec& c) const override;
    double peak(const CaseSpec& c, const DeviceInfo& device) const override { return 0; }
    std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const override;
    void adapt(CaseSpec& c, Device& device) const override;

    // One case (used by cases() and by tests): preset, weight dtype, GEMM path,
    // size (prompt length or context depth), batch, checkpoint ("" = random).
    CaseSpec make_case(const llm::LlmConfig& cfg, bk_dtype dtype, bk_path path, std::int64_t size, std::int64_t batch,
                       const std::string& weights) const;

private:
    Mode mode_;
};

// The model of a case, from its params (the preset), or its model file.
llm::LlmConfig llm_case_config(const CaseSpec& c);
// The model's part of a case's params (preset shape, weights, types, path):
// what llm_case_config and llm_case_types read back. llm.serve shares it.
nlohmann::json llm_model_params(const llm::LlmConfig& m, bk_dtype t, bk_path p, const std::string& weights);
// Writes c.params["adapted"] for a model case whose plan has `ops`: each
// block format this device has no kernel for, dequantized at load (with a
// note shown next to the figure), and weights_loaded_as.
void adapt_model_formats(CaseSpec& c, Device& device, const std::vector<bk_op_desc>& ops);
// The format the device holds each tensor of the case's model in.
llm::ModelTypes llm_case_types(const CaseSpec& c);

}  // namespace bakeoff
