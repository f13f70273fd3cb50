// A Hugging Face model folder's text files: config.json (the model's shape)
// and model.safetensors.index.json (which shard holds each tensor).
//
// config.json: "architectures" [0] (or "model_type") LlamaForCausalLM /
// llama, MistralForCausalLM / mistral or Qwen2ForCausalLM / qwen2 (bias on
// q, k, v); hidden_size, num_hidden_layers, num_attention_heads,
// num_key_value_heads (default the heads), head_dim (default hidden_size /
// heads), intermediate_size, vocab_size, rope_theta (default 10000),
// rms_norm_eps (default 1e-6), tie_word_embeddings (default false),
// max_position_embeddings, hidden_act "silu", rope_scaling (null; rope_type
// "llama3" with factor, low_freq_factor, high_freq_factor and
// original_max_position_embeddings; "linear" with factor; "default" is none;
// any other refused by name). Refused, naming the key: attention_bias or
// mlp_bias on a Llama (the decoder has no bias on o, gate, up, down), an
// active sliding window, experts (num_local_experts, num_experts, ...), q/k
// norms, quantization_config.
//
// The index: {"weight_map": {tensor: shard file name}}; each shard a plain
// file name in the same folder.
//
// Both files are read whole with a size limit; errors throw ModelError naming
// the file and the key.
#pragma once

#include "workloads/llm/llm_config.h"

#include <map>
#include <string>
#include <vector>

namespace bakeoff::llm {

// config.json's text (as read from `path`) into a config; name left empty.
LlmConfig parse_hf_config(const std::string& text, const std::string& path);
LlmConfig read_hf_config(const std::string& path);

struct HfIndex {
    std::map<std::string, std::string> weight_map;  // tensor -> shard file name
    std::vector<std::string> shards;                // each once, sorted
};
// The index's text; shard names checked to be plain file names.
HfIndex parse_hf_index(const std::string& text, const std::string& path);
// Read from `path`; every shard must exist beside it (a missing one is named).
HfIndex read_hf_index(const std::string& path);

constexpr std::uint64_t kMaxConfigBytes = 1 << 20;   // config.json: a few KiB in practice
constexpr std::uint64_t kMaxIndexBytes = 64 << 20;   // an index: ~100 bytes a tensor

}  // namespace bakeoff::llm
