#include "workloads/moe/moe_config.h"

#include "workloads/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bakeoff::moe {

namespace {
// v3-layer: DeepSeek-V3's published configuration (config.json of
// deepseek-ai/DeepSeek-V3 on Hugging Face; DeepSeek-V3 Technical Report,
// arXiv:2412.19437, section 4.2): hidden_size 7168, n_routed_experts 256,
// num_experts_per_tok 8, moe_intermediate_size 2048, n_shared_experts 1,
// scoring_func sigmoid, norm_topk_prob true. small keeps V3's proportions
// (many fine-grained experts, a handful active, one shared) at a size a
// workstation or a CPU runs in seconds; tiny is for tests.
const std::vector<MoeShape>& presets() {
    static const std::vector<MoeShape> p = {
        {"tiny", 64, 8, 2, 32, 1, 0},
        {"small", 1024, 64, 6, 512, 1, 0},
        {"v3-layer", 7168, 256, 8, 2048, 1, 0},
    };
    return p;
}

std::int64_t positive(const nlohmann::json& p, const char* key) { return positive_param(p, key, "moe"); }
}  // namespace

std::optional<MoeShape> moe_preset(const std::string& name) {
    for (const auto& s : presets())
        if (s.preset == name) return s;
    return std::nullopt;
}

const std::vector<std::string>& moe_preset_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& s : presets()) n.push_back(s.preset);
        return n;
    }();
    return names;
}

nlohmann::json moe_params(const MoeShape& s) {
    return {{"preset", s.preset},         {"tokens", s.tokens},         {"dim", s.dim},
            {"experts", s.experts},       {"top_k", s.top_k},           {"expert_ffn", s.expert_ffn},
            {"shared_experts", s.shared}, {"score_fn", "sigmoid"},      {"normalize", true}};
}

MoeShape moe_shape_from_params(const nlohmann::json& p) {
    MoeShape s;
    s.preset = p.value("preset", std::string("custom"));
    s.tokens = positive(p, "tokens");
    s.dim = positive(p, "dim");
    s.experts = positive(p, "experts");
    s.top_k = positive(p, "top_k");
    s.expert_ffn = positive(p, "expert_ffn");
    if (!p.contains("shared_experts") || !p.at("shared_experts").is_number_integer() ||
        p.at("shared_experts").get<std::int64_t>() < 0)
        throw std::invalid_argument("moe case parameters: 'shared_experts' missing or negative");
    s.shared = p.at("shared_experts").get<std::int64_t>();
    if (s.top_k > s.experts)
        throw std::invalid_argument(
            fmt::format("moe case parameters: top_k {} exceeds the {} experts", s.top_k, s.experts));
    return s;
}

MoeFlops moe_flops(const MoeShape& s) {
    const double t = double(s.tokens), d = double(s.dim), f = double(s.expert_ffn);
    MoeFlops r;
    r.router = 2 * t * d * double(s.experts);
    r.routed = t * double(s.top_k) * 3 * (2 * d * f);
    r.shared = 3 * (2 * t * d * double(s.shared_ffn()));
    return r;
}

double moe_bytes(const MoeShape& s, std::size_t wb) {
    const double d = double(s.dim), f = double(s.expert_ffn);
    const double active = double(std::min(s.experts, s.tokens * s.top_k));
    const double weights = double(s.experts) * d + active * 3 * d * f + 3 * d * double(s.shared_ffn());
    return weights * double(wb) + 2 * double(s.tokens) * d * 4;
}

std::uint64_t moe_device_bytes(const MoeShape& s, std::size_t wb) {
    const std::uint64_t t = std::uint64_t(s.tokens), d = std::uint64_t(s.dim), e = std::uint64_t(s.experts);
    const std::uint64_t f = std::uint64_t(s.expert_ffn), fs = std::uint64_t(s.shared_ffn());
    const std::uint64_t fmax = std::max(f, fs), k = std::uint64_t(s.top_k);
    const bool narrow = wb != 4;
    std::uint64_t b = 0;
    b += e * d * wb + 3 * e * d * f * wb + 3 * d * fs * wb;  // router, experts, shared
    b += t * d * 4 * 3;                                      // x, output, one expert's output rows
    if (narrow) b += t * d * wb;                             // x converted for the GEMMs
    b += t * d * wb;                                         // gathered rows of one expert
    b += t * e * 4 + 2 * t * k * 4;                          // logits, idx, weight
    b += 2 * e * t * 4;                                      // per-expert token ids and weights
    b += 3 * t * fmax * 4 + (narrow ? t * fmax * wb : 0);    // gate, up, swiglu (and converted)
    return b;
}

Imbalance routing_imbalance(std::span<const std::int64_t> counts) {
    Imbalance r;
    if (counts.empty()) return r;
    double sum = 0;
    for (auto c : counts) {
        sum += double(c);
        r.max_tokens = std::max(r.max_tokens, c);
        if (c == 0) ++r.idle_experts;
    }
    const double mean = sum / double(counts.size());
    if (!(mean > 0)) return r;
    double var = 0;
    for (auto c : counts) var += (double(c) - mean) * (double(c) - mean);
    var /= double(counts.size());
    r.max_over_mean = double(r.max_tokens) / mean;
    r.cv = std::sqrt(var) / mean;
    return r;
}

}  // namespace bakeoff::moe
