#include "specs/project_model.h"

#include "specs/text_util.h"

#include <array>
#include <cmath>

namespace bakeoff::specs {

std::optional<double> ModelShape::kv_elements_per_token() const {
    if (kv_elements_override) return kv_elements_override;
    if (layers <= 0 || kv_heads <= 0 || head_dim <= 0) return std::nullopt;
    return 2.0 * layers * kv_heads * head_dim;  // one K and one V vector per head and layer
}

namespace {

ModelShape preset(std::string id, std::string name, double total, double active, int layers, int kv_heads,
                  int head_dim, std::optional<double> kv_override, std::string kv_note, std::string source) {
    ModelShape m;
    m.id = std::move(id);
    m.name = std::move(name);
    m.total_params = total;
    m.active_params = active;
    m.layers = layers;
    m.kv_heads = kv_heads;
    m.head_dim = head_dim;
    m.kv_elements_override = kv_override;
    m.kv_note = std::move(kv_note);
    m.source = std::move(source);
    return m;
}

const std::array<ModelShape, 4>& presets() {
    static const std::array<ModelShape, 4> p = {
        preset("llama-3.1-8b", "Llama 3.1 8B", 8.03e9, 8.03e9, 32, 8, 128, std::nullopt,
               "2 x 32 layers x 8 KV heads x 128 (GQA)",
               "meta-llama/Llama-3.1-8B config.json (hidden 4096, 32 heads, 8 KV heads, 32 layers); "
               "8.03 B parameters per the model card"),
        preset("llama-3.1-70b", "Llama 3.1 70B", 70.6e9, 70.6e9, 80, 8, 128, std::nullopt,
               "2 x 80 layers x 8 KV heads x 128 (GQA)",
               "meta-llama/Llama-3.1-70B config.json (hidden 8192, 64 heads, 8 KV heads, 80 layers); "
               "70.6 B parameters per the model card"),
        preset("llama-3.1-405b", "Llama 3.1 405B", 405e9, 405e9, 126, 8, 128, std::nullopt,
               "2 x 126 layers x 8 KV heads x 128 (GQA)",
               "meta-llama/Llama-3.1-405B config.json (hidden 16384, 128 heads, 8 KV heads, 126 layers); "
               "405 B parameters per the model card and 'The Llama 3 Herd of Models' (2024)"),
        // MLA caches, per layer and token, the compressed latent c_KV (kv_lora_rank 512)
        // and the decoupled RoPE key (qk_rope_head_dim 64): 576 elements, x 61 layers.
        preset("deepseek-v3", "DeepSeek-V3", 671e9, 37e9, 61, 0, 0, 61.0 * (512 + 64),
               "MLA: 61 layers x (512 latent + 64 RoPE key) = 35,136 elements",
               "DeepSeek-V3 Technical Report (arXiv 2412.19437): 671 B total, 37 B activated per token, "
               "61 layers, kv_lora_rank 512, qk_rope_head_dim 64 (config.json); the 14 B MTP module is "
               "not counted"),
    };
    return p;
}

}  // namespace

std::span<const ModelShape> model_presets() { return presets(); }

const ModelShape* find_model_preset(std::string_view id) {
    for (const auto& m : presets())
        if (iequals(m.id, id)) return &m;
    return nullptr;
}

std::optional<double> dtype_bytes(std::string_view dtype) {
    const std::string d = to_lower(dtype);
    if (d == "fp64") return 8.0;
    if (d == "fp32" || d == "tf32") return 4.0;
    if (d == "bf16" || d == "fp16") return 2.0;
    if (d == "fp8" || d == "int8") return 1.0;
    if (d == "int4" || d == "fp4") return 0.5;
    return std::nullopt;
}

std::optional<double> parse_count(std::string_view text) {
    double scale = 1;
    if (!text.empty()) {
        switch (text.back()) {
            case 'k': case 'K': scale = 1e3; break;
            case 'M': scale = 1e6; break;
            case 'B': case 'G': scale = 1e9; break;
            case 'T': scale = 1e12; break;
            default: break;
        }
        if (scale != 1) text.remove_suffix(1);
    }
    const auto v = parse_number(text);
    if (!v || !(*v > 0)) return std::nullopt;
    const double r = *v * scale;
    if (!std::isfinite(r)) return std::nullopt;
    return r;
}

}  // namespace bakeoff::specs
