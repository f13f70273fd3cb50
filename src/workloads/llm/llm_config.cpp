#include "workloads/llm/llm_config.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff::llm {

double LlmConfig::layer_matrix_params() const {
    const double d = double(dim);
    return d * double(q_dim()) * 2 + d * double(kv_dim()) * 2 + 3 * d * double(ffn);
}

double LlmConfig::matrix_params() const {
    return double(layers) * layer_matrix_params() + double(vocab) * double(dim) * (tied ? 1 : 2);
}

std::vector<double> rope_frequencies(const LlmConfig& c) {
    const double pi = 3.14159265358979323846;
    const RopeScaling& r = c.rope_scaling;
    std::vector<double> f(static_cast<std::size_t>(c.head_dim / 2));
    for (std::size_t i = 0; i < f.size(); ++i) {
        f[i] = std::pow(c.rope_theta, -2.0 * double(i) / double(c.head_dim));
        if (!c.rope_freq_factors.empty()) {
            f[i] /= c.rope_freq_factors.at(i);
            continue;
        }
        if (r.factor <= 0) continue;
        if (r.kind == RopeScaling::Kind::linear) {
            f[i] /= r.factor;
            continue;
        }
        const double wavelength = 2 * pi / f[i], original = double(r.original_max_positions);
        if (wavelength < original / r.high_freq_factor) continue;  // high frequencies: kept
        if (wavelength > original / r.low_freq_factor) {           // low frequencies: slowed by factor
            f[i] /= r.factor;
            continue;
        }
        const double s = (original / wavelength - r.low_freq_factor) / (r.high_freq_factor - r.low_freq_factor);
        f[i] = (1 - s) * f[i] / r.factor + s * f[i];
    }
    return f;
}

const std::vector<LlmConfig>& presets() {
    static const std::vector<LlmConfig> list = {
        {"tiny", 64, 2, 4, 2, 16, 192, 256, 10000.0, 1e-5, true, {8, 1, 4, 64}},
        {"small", 512, 4, 8, 4, 64, 1536, 32000, 500000.0, 1e-5, true},
        {"1b", 2048, 16, 32, 8, 64, 8192, 128256, 500000.0, 1e-5, true, {32, 1, 4, 8192}},
        {"8b", 4096, 32, 32, 8, 128, 14336, 128256, 500000.0, 1e-5, false, {8, 1, 4, 8192}},
    };
    return list;
}

std::optional<LlmConfig> find_preset(const std::string& name) {
    for (const auto& p : presets())
        if (p.name == name) return p;
    return std::nullopt;
}

std::vector<TensorInfo> model_tensors(const LlmConfig& c) {
    std::vector<TensorInfo> t;
    t.push_back({TensorKind::embed, -1, c.vocab, c.dim, "model.embed_tokens.weight"});
    for (int l = 0; l < int(c.layers); ++l) {
        const std::string p = fmt::format("model.layers.{}.", l);
        t.push_back({TensorKind::attn_norm, l, c.dim, 0, p + "input_layernorm.weight"});
        t.push_back({TensorKind::wq, l, c.q_dim(), c.dim, p + "self_attn.q_proj.weight"});
        t.push_back({TensorKind::wk, l, c.kv_dim(), c.dim, p + "self_attn.k_proj.weight"});
        t.push_back({TensorKind::wv, l, c.kv_dim(), c.dim, p + "self_attn.v_proj.weight"});
        if (c.qkv_bias) {
            t.push_back({TensorKind::bq, l, c.q_dim(), 0, p + "self_attn.q_proj.bias"});
            t.push_back({TensorKind::bk, l, c.kv_dim(), 0, p + "self_attn.k_proj.bias"});
            t.push_back({TensorKind::bv, l, c.kv_dim(), 0, p + "self_attn.v_proj.bias"});
        }
        t.push_back({TensorKind::wo, l, c.dim, c.q_dim(), p + "self_attn.o_proj.weight"});
        t.push_back({TensorKind::ffn_norm, l, c.dim, 0, p + "post_attention_layernorm.weight"});
        t.push_back({TensorKind::wgate, l, c.ffn, c.dim, p + "mlp.gate_proj.weight"});
        t.push_back({TensorKind::wup, l, c.ffn, c.dim, p + "mlp.up_proj.weight"});
        t.push_back({TensorKind::wdown, l, c.dim, c.ffn, p + "mlp.down_proj.weight"});
    }
    t.push_back({TensorKind::final_norm, -1, c.dim, 0, "model.norm.weight"});
    if (!c.tied) t.push_back({TensorKind::lm_head, -1, c.vocab, c.dim, "lm_head.weight"});
    return t;
}

}  // namespace bakeoff::llm
