#include "workloads/llm/gguf_model.h"

#include "workloads/llm/file_weights.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace bakeoff::llm {

namespace {

// The shape as the config would have it: ne reversed ([rows, cols]).
std::vector<std::int64_t> hf_order(const GgufTensor& t) { return {t.ne.rbegin(), t.ne.rend()}; }

bool reordered(const LlmConfig& c, const TensorInfo& t) {
    return c.arch == "llama" && (t.kind == TensorKind::wq || t.kind == TensorKind::wk);
}

class GgufWeights final : public FileWeights {
public:
    GgufWeights(std::shared_ptr<const GgufFile> f, const LlmConfig& c, bk_dtype loaded_as)
        : FileWeights(c, loaded_as), file_(std::move(f)) {
        for (const TensorInfo& t : tensors_) {
            const std::string name = gguf_tensor_name(t);
            const GgufTensor* g = file_->find(name);
            std::vector<std::int64_t> shape;
            if (g) shape = hf_order(*g);
            check_shape(file_->path(), name, g ? &shape : nullptr, t);
            src_.push_back(g);
        }
    }
    std::string describe() const override { return "gguf " + file_->path(); }

private:
    bk_dtype stored(std::size_t index) const override { return src_.at(index)->dtype; }
    std::string file_of(std::size_t) const override { return file_->path(); }
    std::string name_of(std::size_t index) const override { return src_.at(index)->name; }
    const unsigned char* row(std::size_t index, std::int64_t r) const {
        const GgufTensor& g = *src_[index];
        if (reordered(config_, tensors_[index])) r = gguf_qk_row(r, config_.head_dim);
        return file_->bytes(g) + std::uint64_t(r) * g.row_bytes();
    }
    void check_range(std::size_t index, std::int64_t r0, std::int64_t r1) const {
        if (r0 < 0 || r1 < r0 || r1 > src_.at(index)->rows())
            throw ModelError(fmt::format("{}: tensor '{}': rows [{}, {}) are out of range", file_->path(),
                                         src_[index]->name, r0, r1));
    }
    void decode_rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const override {
        check_range(index, r0, r1);
        const GgufTensor& g = *src_[index];
        const std::int64_t n = g.row_length();
#pragma omp parallel for schedule(static) if ((r1 - r0) * n > 65536)
        for (std::int64_t r = r0; r < r1; ++r) decode_values(g.dtype, row(index, r), out + (r - r0) * n, n);
    }
    void copy_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const override {
        check_range(index, r0, r1);
        const std::uint64_t rb = src_[index]->row_bytes();
        for (std::int64_t r = r0; r < r1; ++r)
            std::memcpy(static_cast<unsigned char*>(out) + std::uint64_t(r - r0) * rb, row(index, r), rb);
    }

    std::shared_ptr<const GgufFile> file_;
    std::vector<const GgufTensor*> src_;  // model_tensors order
};

}  // namespace

std::string gguf_tensor_name(const TensorInfo& t) {
    const std::string blk = fmt::format("blk.{}.", t.layer);
    switch (t.kind) {
        case TensorKind::embed: return "token_embd.weight";
        case TensorKind::final_norm: return "output_norm.weight";
        case TensorKind::lm_head: return "output.weight";
        case TensorKind::attn_norm: return blk + "attn_norm.weight";
        case TensorKind::wq: return blk + "attn_q.weight";
        case TensorKind::wk: return blk + "attn_k.weight";
        case TensorKind::wv: return blk + "attn_v.weight";
        case TensorKind::wo: return blk + "attn_output.weight";
        case TensorKind::ffn_norm: return blk + "ffn_norm.weight";
        case TensorKind::wgate: return blk + "ffn_gate.weight";
        case TensorKind::wup: return blk + "ffn_up.weight";
        case TensorKind::wdown: return blk + "ffn_down.weight";
        case TensorKind::bq: return blk + "attn_q.bias";
        case TensorKind::bk: return blk + "attn_k.bias";
        case TensorKind::bv: return blk + "attn_v.bias";
    }
    return {};
}

LlmConfig gguf_config(const GgufFile& f) {
    const std::string& path = f.path();
    auto fail = [&](const std::string& key, const std::string& why) {
        return ModelError(fmt::format("{}: key '{}': {}", path, key, why));
    };
    const auto arch = f.get_string("general.architecture");
    if (!arch) throw fail("general.architecture", "missing: not a model file");
    if (*arch != "llama" && *arch != "qwen2")
        throw fail("general.architecture", fmt::format("'{}' is not run by this decoder (llama and qwen2 are)", *arch));
    const std::string a = *arch + ".";
    auto required = [&](const std::string& key) -> std::int64_t {
        const auto v = f.get_uint(a + key);
        if (!v) throw fail(a + key, "missing");
        if (*v > (std::uint64_t(1) << 62)) throw fail(a + key, fmt::format("{} is absurdly large", *v));
        return std::int64_t(*v);
    };
    auto optional = [&](const std::string& key, std::int64_t dflt) {
        const auto v = f.get_uint(a + key);
        return v && *v <= (std::uint64_t(1) << 62) ? std::int64_t(*v) : v ? std::int64_t(1) << 62 : dflt;
    };
    if (const auto experts = f.get_uint(a + "expert_count"); experts && *experts > 0)
        throw fail(a + "expert_count", fmt::format("{} experts: a mixture of experts is not run by this decoder", *experts));

    LlmConfig c;
    c.arch = *arch;
    c.dim = required("embedding_length");
    c.layers = required("block_count");
    c.ffn = required("feed_forward_length");
    c.heads = required("attention.head_count");
    c.kv_heads = optional("attention.head_count_kv", c.heads);
    c.head_dim = optional("attention.key_length", c.heads > 0 ? c.dim / c.heads : 0);
    for (const char* key : {"attention.value_length", "rope.dimension_count"})
        if (const std::int64_t v = optional(key, c.head_dim); v != c.head_dim)
            throw fail(a + key, fmt::format("{} differs from the head size {} (this decoder ropes whole heads, with values "
                                            "as wide as keys)",
                                            v, c.head_dim));
    c.rope_theta = f.get_float(a + "rope.freq_base").value_or(10000.0);
    const auto eps = f.get_float(a + "attention.layer_norm_rms_epsilon");
    if (!eps) throw fail(a + "attention.layer_norm_rms_epsilon", "missing");
    c.norm_eps = *eps;
    c.context = optional("context_length", 0);

    const GgufTensor* embd = f.find("token_embd.weight");
    if (!embd || embd->ne.size() != 2)
        throw ModelError(fmt::format("{}: tensor 'token_embd.weight' is {}", path, embd ? "not a matrix" : "missing"));
    c.vocab = optional("vocab_size", embd->ne[1]);
    c.tied = f.find("output.weight") == nullptr;
    c.qkv_bias = c.arch == "qwen2" || f.find("blk.0.attn_q.bias") != nullptr;
    if (f.find("blk.0.attn_output.bias"))
        throw ModelError(fmt::format("{}: tensor 'blk.0.attn_output.bias': this decoder has no bias on the attention output", path));

    const std::string scaling = f.get_string(a + "rope.scaling.type").value_or("none");
    if (scaling == "linear") {
        const auto factor = f.get_float(a + "rope.scaling.factor");
        if (!factor || !(*factor > 0)) throw fail(a + "rope.scaling.factor", "missing or not positive for linear scaling");
        c.rope_scaling.kind = RopeScaling::Kind::linear;
        c.rope_scaling.factor = *factor;
    } else if (scaling != "none") {
        throw fail(a + "rope.scaling.type", fmt::format("'{}' is not run by this decoder (none and linear are)", scaling));
    }
    check_config(c, path,
                 {a + "embedding_length", a + "block_count", a + "attention.head_count", a + "attention.head_count_kv",
                  a + "attention.key_length", a + "feed_forward_length", a + "vocab_size"});
    if (const GgufTensor* freqs = f.find("rope_freqs.weight")) {
        if (freqs->ne != std::vector<std::int64_t>{c.head_dim / 2})
            throw ModelError(fmt::format("{}: tensor 'rope_freqs.weight' has shape {}, the config needs [{}]", path,
                                         shape_str(hf_order(*freqs)), c.head_dim / 2));
        std::vector<float> v(std::size_t(c.head_dim / 2));
        decode_values(freqs->dtype, f.bytes(*freqs), v.data(), std::int64_t(v.size()));
        for (float x : v)
            if (!(x > 0) || !std::isfinite(x))
                throw ModelError(fmt::format("{}: tensor 'rope_freqs.weight' holds {}, not a positive divisor", path, x));
        c.rope_freq_factors.assign(v.begin(), v.end());
    }
    return c;
}

std::unique_ptr<WeightSource> gguf_weights(std::shared_ptr<const GgufFile> f, const LlmConfig& c, bk_dtype loaded_as) {
    return std::make_unique<GgufWeights>(std::move(f), c, loaded_as);
}

}  // namespace bakeoff::llm
