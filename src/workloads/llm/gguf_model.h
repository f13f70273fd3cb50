// A Llama-family model read from a GGUF file: its shape from the metadata,
// its weights from the tensors.
//
// Metadata ({arch} = general.architecture, "llama" or "qwen2"; others, and a
// mixture of experts ({arch}.expert_count > 0), are refused by name):
//   {arch}.embedding_length, block_count, feed_forward_length,
//   attention.head_count, attention.head_count_kv (default head_count),
//   attention.key_length (head size; default embedding_length / head_count;
//   attention.value_length and rope.dimension_count must equal it),
//   rope.freq_base (default 10000), attention.layer_norm_rms_epsilon,
//   context_length, vocab_size (default token_embd's rows),
//   rope.scaling.type ("none"; "linear" with rope.scaling.factor; others
//   refused), and a rope_freqs.weight tensor: per-frequency divisors,
//   llama.cpp's form of Llama 3 rope scaling.
// Tensors: token_embd, output_norm, output (absent: tied embeddings),
// blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm, ffn_gate,
// ffn_up, ffn_down}.weight and, for qwen2, blk.N.attn_{q,k,v}.bias.
//
// llama.cpp's converter reorders the rows of attn_q and attn_k of the llama
// architecture so rope rotates adjacent pairs: within each head of head_dim
// rows, GGUF row 2i + j holds Hugging Face row j head_dim/2 + i. bakeoff's
// rope rotates halves (Hugging Face's), so the weight source hands those rows
// out in Hugging Face order; qwen2 files are not reordered.
#pragma once

#include "workloads/llm/gguf.h"
#include "workloads/llm/llm_weights.h"

#include <memory>
#include <string>

namespace bakeoff::llm {

// The config the metadata describes; throws ModelError naming the file and the key.
LlmConfig gguf_config(const GgufFile& f);

// The weights of a file read with gguf_config (c its result); matrices load
// as `loaded_as`. Every tensor's shape is checked against c here (ModelError
// naming the tensor).
std::unique_ptr<WeightSource> gguf_weights(std::shared_ptr<const GgufFile> f, const LlmConfig& c, bk_dtype loaded_as);

// The GGUF name of a model tensor ("blk.0.attn_q.weight").
std::string gguf_tensor_name(const TensorInfo& t);

// The GGUF row that holds Hugging Face row r of a reordered q or k projection.
inline std::int64_t gguf_qk_row(std::int64_t r, std::int64_t head_dim) {
    const std::int64_t half = head_dim / 2, in_head = r % head_dim;
    return r - in_head + 2 * (in_head % half) + in_head / half;
}

}  // namespace bakeoff::llm
