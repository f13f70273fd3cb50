#include "workloads/llm/hf_config.h"

#include "workloads/llm/file_weights.h"
#include "workloads/llm/mapped_file.h"
#include "workloads/llm/model_error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace bakeoff::llm {

namespace {

using nlohmann::json;

json parse_object(const std::string& text, const std::string& path) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw ModelError(fmt::format("{}: not valid JSON", path));
    if (!j.is_object()) throw ModelError(fmt::format("{}: not a JSON object", path));
    return j;
}

// The keys of one config.json, each read with its type checked.
class Config {
public:
    Config(const json& j, std::string path) : j_(j), path_(std::move(path)) {}
    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw ModelError(fmt::format("{}: key '{}': {}", path_, key, why));
    }
    // Absent and null read alike: HF writes null for "use the default".
    const json* get(const std::string& key) const {
        auto it = j_.find(key);
        return it == j_.end() || it->is_null() ? nullptr : &*it;
    }
    std::int64_t integer(const std::string& key, std::optional<std::int64_t> dflt = std::nullopt) const {
        const json* v = get(key);
        if (!v) {
            if (!dflt) fail(key, "missing");
            return *dflt;
        }
        if (!v->is_number_integer()) fail(key, fmt::format("{} is not an integer", v->dump()));
        if (v->is_number_unsigned() ? v->get<std::uint64_t>() > (std::uint64_t(1) << 62) : v->get<std::int64_t>() < 0)
            fail(key, fmt::format("{} is out of range", v->dump()));
        return v->get<std::int64_t>();
    }
    double number(const std::string& key, double dflt) const {
        const json* v = get(key);
        if (!v) return dflt;
        if (!v->is_number()) fail(key, fmt::format("{} is not a number", v->dump()));
        return v->get<double>();
    }
    bool flag(const std::string& key) const {
        const json* v = get(key);
        if (!v) return false;
        if (!v->is_boolean()) fail(key, fmt::format("{} is not true or false", v->dump()));
        return v->get<bool>();
    }
    std::string string(const std::string& key) const {
        const json* v = get(key);
        if (!v) return {};
        if (!v->is_string()) fail(key, fmt::format("{} is not a string", v->dump()));
        return v->get<std::string>();
    }

private:
    const json& j_;
    std::string path_;
};

// The family from "architectures" (or "model_type" without it).
std::string family(const Config& k) {
    static const struct {
        const char* architecture;
        const char* model_type;
    } known[] = {{"LlamaForCausalLM", "llama"}, {"MistralForCausalLM", "mistral"}, {"Qwen2ForCausalLM", "qwen2"}};
    if (const json* a = k.get("architectures")) {
        if (!a->is_array() || a->empty() || !(*a)[0].is_string()) k.fail("architectures", "is not a list of names");
        const std::string name = (*a)[0].get<std::string>();
        for (const auto& f : known)
            if (name == f.architecture) return f.model_type;
        k.fail("architectures", fmt::format("'{}' is not run by this decoder (LlamaForCausalLM, MistralForCausalLM and "
                                            "Qwen2ForCausalLM are)",
                                            name));
    }
    const std::string type = k.string("model_type");
    for (const auto& f : known)
        if (type == f.model_type) return f.model_type;
    k.fail("model_type", type.empty() ? "missing, and no architectures either"
                                      : fmt::format("'{}' is not run by this decoder (llama, mistral and qwen2 are)", type));
}

// What the decoder cannot run, refused by the key that asks for it.
void refuse_features(const Config& k, const LlmConfig& c) {
    for (const char* key : {"num_local_experts", "num_experts", "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size"})
        if (const json* v = k.get(key); v && !(v->is_number() && v->get<double>() == 0))
            k.fail(key, fmt::format("{}: a mixture of experts is not run by this decoder", v->dump()));
    for (const char* key : {"qk_layernorm", "use_qk_norm", "qk_norm"})
        if (k.flag(key)) k.fail(key, "q/k norms are not run by this decoder");
    if (c.arch != "qwen2" && k.flag("attention_bias"))
        k.fail("attention_bias", "true: this decoder has no bias on the attention output");
    if (k.flag("mlp_bias")) k.fail("mlp_bias", "true: this decoder has no bias in the MLP");
    if (const std::string act = k.string("hidden_act"); !act.empty() && act != "silu")
        k.fail("hidden_act", fmt::format("'{}' is not run by this decoder (silu is)", act));
    if (const double p = k.number("partial_rotary_factor", 1.0); p != 1.0)
        k.fail("partial_rotary_factor", fmt::format("{}: this decoder ropes whole heads", p));
    if (const json* q = k.get("quantization_config")) {
        const std::string method = q->is_object() && q->contains("quant_method") ? (*q)["quant_method"].dump() : q->dump();
        k.fail("quantization_config", fmt::format("{}: quantized safetensors checkpoints are not read (GGUF files are)",
                                                  method.substr(0, 80)));
    }
    // A sliding window shorter than the context changes attention: Qwen2
    // switches it with use_sliding_window; Mistral and Llama by a window set.
    if (c.arch == "qwen2") {
        if (k.flag("use_sliding_window")) k.fail("use_sliding_window", "true: sliding-window attention is not run by this decoder");
    } else if (k.get("sliding_window")) {
        const std::int64_t w = k.integer("sliding_window");
        if (c.context == 0 || w < c.context)
            k.fail("sliding_window", fmt::format("{} (context {}): sliding-window attention is not run by this decoder", w,
                                                 c.context));
    }
}

RopeScaling rope_scaling(const Config& k) {
    RopeScaling r;
    const json* s = k.get("rope_scaling");
    if (!s) return r;
    if (!s->is_object()) k.fail("rope_scaling", "is not an object");
    const Config sk(*s, "");  // only its readers; failures name rope_scaling's fields below
    std::string type;
    for (const char* key : {"rope_type", "type"})
        if (const json* t = sk.get(key)) {
            if (!t->is_string()) k.fail(std::string("rope_scaling.") + key, "is not a string");
            type = t->get<std::string>();
            break;
        }
    auto field = [&](const char* key, std::optional<double> dflt) {
        const json* v = sk.get(key);
        if (!v && !dflt) k.fail(std::string("rope_scaling.") + key, "missing");
        if (v && !v->is_number()) k.fail(std::string("rope_scaling.") + key, fmt::format("{} is not a number", v->dump()));
        const double x = v ? v->get<double>() : *dflt;
        if (!(x > 0) || x > 1e9) k.fail(std::string("rope_scaling.") + key, fmt::format("{} is not a positive factor", x));
        return x;
    };
    if (type == "default" || type.empty()) return r;
    if (type == "linear") {
        r.kind = RopeScaling::Kind::linear;
        r.factor = field("factor", std::nullopt);
    } else if (type == "llama3") {
        r.kind = RopeScaling::Kind::llama3;
        r.factor = field("factor", std::nullopt);
        r.low_freq_factor = field("low_freq_factor", 1.0);
        r.high_freq_factor = field("high_freq_factor", 4.0);
        r.original_max_positions = std::int64_t(field("original_max_position_embeddings", std::nullopt));
        if (r.high_freq_factor <= r.low_freq_factor)
            k.fail("rope_scaling.high_freq_factor", "must exceed low_freq_factor");
    } else {
        k.fail("rope_scaling", fmt::format("rope type '{}' is not run by this decoder (llama3 and linear are)", type));
    }
    return r;
}

}  // namespace

LlmConfig parse_hf_config(const std::string& text, const std::string& path) {
    const json j = parse_object(text, path);
    const Config k(j, path);
    LlmConfig c;
    c.arch = family(k);
    c.dim = k.integer("hidden_size");
    c.layers = k.integer("num_hidden_layers");
    c.heads = k.integer("num_attention_heads");
    c.kv_heads = k.integer("num_key_value_heads", c.heads);
    c.head_dim = k.integer("head_dim", c.heads > 0 ? c.dim / c.heads : 0);
    c.ffn = k.integer("intermediate_size");
    c.vocab = k.integer("vocab_size");
    c.rope_theta = k.number("rope_theta", 10000.0);
    c.norm_eps = k.number("rms_norm_eps", 1e-6);
    c.tied = k.flag("tie_word_embeddings");
    c.context = k.integer("max_position_embeddings", 0);
    c.qkv_bias = c.arch == "qwen2";
    c.rope_scaling = rope_scaling(k);
    refuse_features(k, c);
    check_config(c, path,
                 {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                  "intermediate_size", "vocab_size"});
    return c;
}

LlmConfig read_hf_config(const std::string& path) { return parse_hf_config(read_small_file(path, kMaxConfigBytes), path); }

HfIndex parse_hf_index(const std::string& text, const std::string& path) {
    const json j = parse_object(text, path);
    auto it = j.find("weight_map");
    if (it == j.end() || !it->is_object()) throw ModelError(fmt::format("{}: key 'weight_map': missing or not an object", path));
    HfIndex idx;
    for (const auto& [tensor, shard] : it->items()) {
        if (!shard.is_string())
            throw ModelError(fmt::format("{}: key 'weight_map.{}': {} is not a file name", path, tensor, shard.dump()));
        const std::string s = shard.get<std::string>();
        // A plain name in the model's folder: no way out of it.
        if (s.empty() || s == "." || s == ".." || s.find('/') != std::string::npos || s.find('\0') != std::string::npos)
            throw ModelError(fmt::format("{}: key 'weight_map.{}': '{}' is not a file name in the model's folder", path, tensor, s));
        idx.weight_map.emplace(tensor, s);
        idx.shards.push_back(s);
    }
    std::sort(idx.shards.begin(), idx.shards.end());
    idx.shards.erase(std::unique(idx.shards.begin(), idx.shards.end()), idx.shards.end());
    if (idx.shards.empty()) throw ModelError(fmt::format("{}: key 'weight_map': names no tensor", path));
    return idx;
}

HfIndex read_hf_index(const std::string& path) {
    HfIndex idx = parse_hf_index(read_small_file(path, kMaxIndexBytes), path);
    const auto folder = std::filesystem::path(path).parent_path();
    for (const auto& s : idx.shards) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(folder / s, ec)) {
            std::string tensor;
            for (const auto& [t, sh] : idx.weight_map)
                if (sh == s) {
                    tensor = t;
                    break;
                }
            throw ModelError(fmt::format("{}: shard '{}' (tensor '{}' and others) is missing from {}", path, s, tensor,
                                         folder.string()));
        }
    }
    return idx;
}

}  // namespace bakeoff::llm
