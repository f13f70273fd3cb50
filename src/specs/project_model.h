// Model shapes for `bakeoff project serve` / `train`: parameter counts and the
// attention geometry that sizes the KV cache, given on the command line or by
// a preset of a public model. Preset figures and their sources: docs/projections.md.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bakeoff::specs {

struct ModelShape {
    std::string id;               // "llama-3.1-70b"; "" for a shape given by flags
    std::string name;             // "Llama 3.1 70B"
    double total_params = 0;      // every weight, stored once
    double active_params = 0;     // used per token (== total for dense models)
    int layers = 0;               // transformer layers holding a KV cache
    int kv_heads = 0;             // key/value heads per layer (GQA)
    int head_dim = 0;             // elements per head
    // Cache elements per token over all layers when the cache is not plain K and
    // V heads (DeepSeek MLA); nullopt = 2 * layers * kv_heads * head_dim.
    std::optional<double> kv_elements_override;
    std::string kv_note;          // how the KV elements are counted
    std::string source;           // where the figures come from

    // KV-cache elements per token (all layers); nullopt when the geometry is unknown.
    std::optional<double> kv_elements_per_token() const;
};

std::span<const ModelShape> model_presets();
const ModelShape* find_model_preset(std::string_view id);  // case-insensitive; nullptr if unknown

// Bytes per element of a precision: fp64 8, fp32/tf32 4, bf16/fp16 2, fp8/int8 1,
// int4/fp4 0.5 (case-insensitive); nullopt for other names.
std::optional<double> dtype_bytes(std::string_view dtype);

// A positive count as typed on the command line: a plain decimal number
// ("405e9", "14.8") optionally followed by one suffix K (1e3), M (1e6),
// B or G (1e9), T (1e12) -- "405B", "14.8T". nullopt for anything else,
// including zero, negative and non-finite values.
std::optional<double> parse_count(std::string_view text);

}  // namespace bakeoff::specs
