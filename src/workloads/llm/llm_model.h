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

// A paged KV cache for serving (llm.serve): per layer one pool of num_blocks
// blocks of block_size positions for keys and one for values, forwards of at
// most max_tokens packed rows from at most max_seqs sequences, each of at
// most max_blocks blocks.
struct PagedPool {
    std::int64_t max_tokens = 1, max_seqs = 1;
    std::int64_t block_size = 16, num_blocks = 1, max_blocks = 1;
};

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

    // A model over a paged cache (plan_paged, set_paged_step).
    DeviceModel(Device& dev, const WeightSource& w, const ModelTypes& types, bk_path gemm_path, const PagedPool& pool);
    static std::uint64_t device_bytes(const LlmConfig& c, const ModelTypes& types, const PagedPool& pool);

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

    // The serving forward of one scheduler step (paged models only): token
    // ids, each row's position and cache slot, each sequence's first row
    // (seqs + 1 values), key count and block-table row (max_blocks each).
    struct PagedStep {
        std::vector<std::int32_t> ids, pos, slot, q_start, kv_len, block_table;
    };
    void set_paged_step(const PagedStep& st);
    std::vector<Step> plan_paged(std::int64_t tokens, std::int64_t seqs) const;
    const PagedPool& pool() const { return pool_; }

    void poison_logits();
    // NaN into every buffer a forward of seq tokens at pos writes (activations,
    // the cache rows [pos, pos + seq)), so an op that skips its work on a later
    // run cannot pass on values left by an earlier one.
    void poison(std::int64_t seq, std::int64_t pos);
    std::vector<float> download(Act a, std::int64_t elements) const;

    const LlmConfig& config() const { return c_; }
    Device& device() const { return dev_; }
    std::int64_t batch() const { return batch_; }
    std::int64_t capacity() const { return capacity_; }

private:
    void upload_weights(const WeightSource& w);
    void allocate_acts(std::int64_t batch, std::int64_t tokens, std::int64_t max_logit_rows, std::int64_t max_blocks);
    Buffer* resolve(const Operand& o);

    Device& dev_;
    LlmConfig c_;
    ModelTypes types_;
    bk_path path_;
    std::int64_t batch_ = 1, capacity_ = 1, max_seq_ = 1, max_logit_rows_ = 0;
    std::vector<std::unique_ptr<Buffer>> weights_;
    std::vector<std::unique_ptr<Buffer>> kcache_, vcache_;
    std::unique_ptr<Buffer> rope_freq_;  // f64 rope_frequencies(c_), when the model rescales them or is paged
    PagedPool pool_;                     // max_blocks 0: a dense model
    std::array<std::unique_ptr<Buffer>, std::size_t(Act::count)> acts_;
};

}  // namespace bakeoff::llm
