// A Llama-shaped decoder on one device: weights uploaded from a WeightSource,
// a KV cache per layer ([batch, capacity, kv_heads, head_dim] for keys and for
// values, of kv_cache_dtype: the weights' type), activation buffers sized for
// the longest forward, and the plans of llm_plan.h bound to them.
#pragma once

#include "core/backend.h"
#include "workloads/llm/llm_plan.h"
#include "workloads/llm/llm_weights.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace bakeoff::llm {

class DeviceModel {
public:
    // w hands out every tensor in its format of `types` (loaded_weights());
    // max_logit_rows: the most rows a forward takes logits of (0: batch).
    DeviceModel(Device& dev, const WeightSource& w, const ModelTypes& types, bk_path gemm_path, std::int64_t batch,
                std::int64_t capacity, std::int64_t max_seq, std::int64_t max_logit_rows = 0);
    // Every matrix in weight_dtype (ModelTypes::uniform).
    DeviceModel(Device& dev, const WeightSource& w, bk_dtype weight_dtype, bk_path gemm_path, std::int64_t batch,
                std::int64_t capacity, std::int64_t max_seq)
        : DeviceModel(dev, w, ModelTypes::uniform(w.config(), weight_dtype), gemm_path, batch, capacity, max_seq) {}

    // Device bytes such a model allocates (weights, caches, activations).
    static std::uint64_t device_bytes(const LlmConfig& c, const ModelTypes& types, std::int64_t batch,
                                      std::int64_t capacity, std::int64_t max_seq, std::int64_t max_logit_rows = 0);

    // Positions [0, depth) of every layer's cache get cache_row(seed, ...) values:
    // the context a decode step attends to.
    void fill_cache(std::uint64_t seed, std::int64_t depth);
    // Token ids of the next forward, batch x seq row-major.
    void set_tokens(const std::vector<std::int32_t>& ids, std::int64_t seq);

    std::vector<Step> plan(std::int64_t seq, std::int64_t pos, int layers = -1, bool head = true) const;
    // A forward of one sequence (batch entry 0) taking the logits of every row.
    std::vector<Step> plan_all_logits(std::int64_t seq, std::int64_t pos) const;
    void launch(Stream& s, const std::vector<Step>& steps);

    void poison_logits();
    // NaN into every buffer a forward of seq tokens at pos writes (activations,
    // the cache rows [pos, pos + seq)), so an op that skips its work on a later
    // run cannot pass on values left by an earlier one.
    void poison(std::int64_t seq, std::int64_t pos);
    std::vector<float> download(Act a, std::int64_t elements) const;

    const LlmConfig& config() const { return c_; }
    std::int64_t batch() const { return batch_; }
    std::int64_t capacity() const { return capacity_; }

private:
    Buffer* resolve(const Operand& o);

    Device& dev_;
    LlmConfig c_;
    ModelTypes types_;
    bk_path path_;
    std::int64_t batch_, capacity_, max_seq_, max_logit_rows_;
    std::vector<std::unique_ptr<Buffer>> weights_;
    std::vector<std::unique_ptr<Buffer>> kcache_, vcache_;
    std::unique_ptr<Buffer> rope_freq_;  // f64 rope_frequencies(c_), when the model rescales them
    std::array<std::unique_ptr<Buffer>, std::size_t(Act::count)> acts_;
};

}  // namespace bakeoff::llm
