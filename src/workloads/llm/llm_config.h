// Llama-shaped decoder configurations and the tensors they hold.
//
// Presets (public configs, https://huggingface.co/meta-llama/<model>/blob/main/config.json):
//   tiny  test size: dim 64, 2 layers, 4 heads, 2 KV heads, head_dim 16, ffn 192, vocab 256
//   small ~100M-parameter shape for the quick suite: dim 512, 4 layers, 8 heads, 4 KV heads,
//         ffn 1536, vocab 32000 (tied)
//   1b    Llama-3.2-1B: hidden_size 2048, num_hidden_layers 16, num_attention_heads 32,
//         num_key_value_heads 8, head_dim 64, intermediate_size 8192, vocab_size 128256,
//         rope_theta 500000, rms_norm_eps 1e-5, tie_word_embeddings true
//   8b    Llama-3.1-8B: hidden_size 4096, num_hidden_layers 32, num_attention_heads 32,
//         num_key_value_heads 8, head_dim 128, intermediate_size 14336, vocab_size 128256,
//         rope_theta 500000, rms_norm_eps 1e-5, tie_word_embeddings false
// and both configs' "rope_scaling": {"rope_type": "llama3", "factor": 32 (1B) or 8 (8B),
// "low_freq_factor": 1, "high_freq_factor": 4, "original_max_position_embeddings": 8192}.
// tiny carries a scaled-down llama3 scaling (factor 8 over 64 positions) so tests
// reach all three of its regimes; small runs plain rope.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::llm {

// Rope frequency rescaling. Llama 3's (rope_type "llama3"): with wavelength
// w_i = 2 pi / f_i, frequencies with w_i < original / high_freq_factor are kept,
// those with w_i > original / low_freq_factor are divided by factor, and those
// between are blended: s = (original / w_i - low) / (high - low),
// f_i' = (1 - s) f_i / factor + s f_i. Linear (rope_type "linear", position
// interpolation): every f_i' = f_i / factor. factor 0: no rescaling.
struct RopeScaling {
    double factor = 0, low_freq_factor = 1, high_freq_factor = 4;
    std::int64_t original_max_positions = 8192;
    enum class Kind { llama3, linear } kind = Kind::llama3;
};

struct LlmConfig {
    std::string name;
    std::int64_t dim = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, ffn = 0, vocab = 0;
    double rope_theta = 500000.0;
    double norm_eps = 1e-5;
    bool tied = true;  // logits use the embedding table (no lm_head)
    RopeScaling rope_scaling{};
    // Per-frequency divisors (GGUF's rope_freqs tensor, llama.cpp's form of
    // Llama 3 scaling): f_i' = f_i / rope_freq_factors[i], head_dim / 2 of
    // them; they replace rope_scaling when present.
    std::vector<double> rope_freq_factors;
    bool qkv_bias = false;         // q, k, v projections add a bias (Qwen2)
    std::int64_t context = 0;      // max_position_embeddings / context_length; 0 = unknown
    std::string arch = "llama";    // the family it was read as ("llama", "mistral", "qwen2", ...)

    std::int64_t q_dim() const { return heads * head_dim; }
    // The rope frequencies differ from theta^(-2i/head_dim) (ROPE_FREQ runs, not ROPE).
    bool rescales_rope() const { return rope_scaling.factor > 0 || !rope_freq_factors.empty(); }
    std::int64_t kv_dim() const { return kv_heads * head_dim; }
    // Parameters of the matrices (embedding, projections, lm_head) and of the norms.
    double matrix_params() const;
    double norm_params() const { return double(dim) * double(2 * layers + 1); }
    // Matrix parameters a token's forward multiplies through (no embedding lookup;
    // the logits GEMM counts once, whether tied or not).
    double layer_matrix_params() const;  // one layer
};

// The rotary frequencies f_i, i < head_dim / 2: theta^(-2i/head_dim), rescaled
// when the config has rope_scaling.
std::vector<double> rope_frequencies(const LlmConfig& c);

const std::vector<LlmConfig>& presets();
std::optional<LlmConfig> find_preset(const std::string& name);

// What one tensor of the model is.
enum class TensorKind { embed, attn_norm, wq, wk, wv, wo, ffn_norm, wgate, wup, wdown, final_norm, lm_head, bq, bk, bv };

struct TensorInfo {
    TensorKind kind;
    int layer = -1;          // -1 for model-level tensors
    std::int64_t rows = 0;   // [rows, cols] row-major ([out, in] for projections)
    std::int64_t cols = 0;   // 0 for a vector (norm weight, bias)
    std::string hf_name;     // the Hugging Face Llama name
    // A vector: a norm weight or a bias (kept in f32 whatever the model's type).
    bool is_norm() const { return cols == 0; }
    std::int64_t elements() const { return cols == 0 ? rows : rows * cols; }
};

// Every tensor of the model, in a fixed order (the index is the tensor's id);
// with qkv_bias, each layer's bq, bk, bv follow its wv.
std::vector<TensorInfo> model_tensors(const LlmConfig& c);

}  // namespace bakeoff::llm
