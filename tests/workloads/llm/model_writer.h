// Writes small model files for the tests: a Hugging Face folder (config.json,
// two safetensors shards and their index) and GGUF v3 files with any of the
// types the reader knows, from a WeightSource's values. The GGUF writer also
// writes raw metadata and tensor infos for the malformed cases, and reorders
// the llama q/k rows as llama.cpp's converter does.
#pragma once

#include "st_writer.h"
#include "workloads/llm/gguf.h"
#include "workloads/llm/gguf_model.h"
#include "workloads/llm/llm_weights.h"
#include "workloads/llm/model_file.h"

#include <bakeoff/plugin_quant.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace model_test {

using bakeoff::llm::LlmConfig;
using bakeoff::llm::TensorInfo;
using bakeoff::llm::TensorKind;
using bakeoff::llm::WeightSource;

// A fresh folder under the test's temporary directory.
inline std::filesystem::path fresh_dir(const std::string& name) {
    const auto d = st_test::temp_dir() / name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

// config.json of c as Hugging Face writes it.
inline nlohmann::json hf_config_json(const LlmConfig& c) {
    const char* arch = c.arch == "qwen2" ? "Qwen2ForCausalLM" : c.arch == "mistral" ? "MistralForCausalLM" : "LlamaForCausalLM";
    nlohmann::json j = {{"architectures", {arch}},
                        {"model_type", c.arch},
                        {"hidden_size", c.dim},
                        {"num_hidden_layers", c.layers},
                        {"num_attention_heads", c.heads},
                        {"num_key_value_heads", c.kv_heads},
                        {"head_dim", c.head_dim},
                        {"intermediate_size", c.ffn},
                        {"vocab_size", c.vocab},
                        {"rope_theta", c.rope_theta},
                        {"rms_norm_eps", c.norm_eps},
                        {"tie_word_embeddings", c.tied},
                        {"hidden_act", "silu"},
                        {"max_position_embeddings", c.context ? c.context : 2048},
                        {"torch_dtype", "bfloat16"},
                        {"rope_scaling", nullptr}};
    if (c.rope_scaling.factor > 0) {
        if (c.rope_scaling.kind == bakeoff::llm::RopeScaling::Kind::linear)
            j["rope_scaling"] = {{"rope_type", "linear"}, {"factor", c.rope_scaling.factor}};
        else
            j["rope_scaling"] = {{"rope_type", "llama3"},
                                 {"factor", c.rope_scaling.factor},
                                 {"low_freq_factor", c.rope_scaling.low_freq_factor},
                                 {"high_freq_factor", c.rope_scaling.high_freq_factor},
                                 {"original_max_position_embeddings", c.rope_scaling.original_max_positions}};
    }
    return j;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary);
    f << text;
}

// A tensor's values from the source, whole.
inline std::vector<float> tensor_values(const WeightSource& w, std::size_t i) {
    const TensorInfo& t = w.tensors()[i];
    std::vector<float> v(static_cast<std::size_t>(t.elements()));
    w.rows(i, 0, bakeoff::llm::row_count(t), v.data());
    return v;
}

inline std::vector<std::int64_t> hf_shape(const TensorInfo& t) {
    return t.is_norm() ? std::vector<std::int64_t>{t.rows} : std::vector<std::int64_t>{t.rows, t.cols};
}

// Elements of values in a safetensors dtype ("F32", "BF16", "F16"); the values
// should already be representable.
inline std::vector<unsigned char> st_bytes(const std::vector<float>& v, const std::string& dtype) {
    if (dtype == "F32") return st_test::f32_bytes(v);
    std::vector<std::uint16_t> h(v.size());
    bakeoff::llm::to_16bit(dtype == "BF16" ? BK_BF16 : BK_F16, v.data(), h.data(), std::int64_t(v.size()));
    std::vector<unsigned char> b(h.size() * 2);
    std::memcpy(b.data(), h.data(), b.size());
    return b;
}

// A Hugging Face folder with w's tensors (matrices in `dtype`, norms F32) in
// two shards, the index and config.json.
inline void write_hf_folder(const std::filesystem::path& dir, const WeightSource& w, const std::string& dtype) {
    std::vector<st_test::Tensor> shard[2];
    nlohmann::json map = nlohmann::json::object();
    const char* names[2] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
    for (std::size_t i = 0; i < w.tensors().size(); ++i) {
        const TensorInfo& t = w.tensors()[i];
        const int s = t.layer < 1 && t.kind != TensorKind::final_norm && t.kind != TensorKind::lm_head ? 0 : 1;
        const std::string dt = t.is_norm() ? "F32" : dtype;
        shard[s].push_back({t.hf_name, dt, hf_shape(t), st_bytes(tensor_values(w, i), dt)});
        map[t.hf_name] = names[s];
    }
    for (int s = 0; s < 2; ++s) st_test::write(dir / names[s], shard[s]);
    write_text(dir / "model.safetensors.index.json", nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", map}}.dump());
    write_text(dir / "config.json", hf_config_json(w.config()).dump(2));
}

// The shape and switches a file gave against the config it was written from
// (floats within f32 rounding: GGUF stores them as f32).
inline void expect_same_shape(const LlmConfig& got, const LlmConfig& want) {
    EXPECT_EQ(got.arch, want.arch);
    EXPECT_EQ(got.dim, want.dim);
    EXPECT_EQ(got.layers, want.layers);
    EXPECT_EQ(got.heads, want.heads);
    EXPECT_EQ(got.kv_heads, want.kv_heads);
    EXPECT_EQ(got.head_dim, want.head_dim);
    EXPECT_EQ(got.ffn, want.ffn);
    EXPECT_EQ(got.vocab, want.vocab);
    EXPECT_EQ(got.tied, want.tied);
    EXPECT_EQ(got.qkv_bias, want.qkv_bias);
    EXPECT_NEAR(got.rope_theta, want.rope_theta, want.rope_theta * 1e-7);
    EXPECT_NEAR(got.norm_eps, want.norm_eps, want.norm_eps * 1e-7);
}

// open_model's error for p ("" when it opens).
inline std::string open_error(const std::filesystem::path& p) {
    try {
        bakeoff::llm::open_model(p.string());
    } catch (const bakeoff::llm::ModelError& e) {
        return e.what();
    }
    return "";
}

// Opening p fails with one line naming every one of `parts`.
inline void expect_open_error_names(const std::filesystem::path& p, std::initializer_list<std::string> parts) {
    const std::string e = open_error(p);
    ASSERT_FALSE(e.empty()) << p << " opened";
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    for (const std::string& part : parts) EXPECT_NE(e.find(part), std::string::npos) << part << " in: " << e;
}

// ---- GGUF ----

// Bytes of a GGUF file, appended field by field.
class GgufBytes {
public:
    template <class T>
    GgufBytes& put(T v) {
        const auto* p = reinterpret_cast<const unsigned char*>(&v);
        b.insert(b.end(), p, p + sizeof(T));
        return *this;
    }
    GgufBytes& str(const std::string& s) {
        put<std::uint64_t>(s.size());
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    GgufBytes& magic() { return put<char>('G').put<char>('G').put<char>('U').put<char>('F'); }
    GgufBytes& raw(const std::vector<unsigned char>& v) {
        b.insert(b.end(), v.begin(), v.end());
        return *this;
    }
    std::vector<unsigned char> b;
};

enum Vt : std::uint32_t { U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 };

struct GgufTensorOut {
    std::string name;
    std::vector<std::uint64_t> ne;
    std::uint32_t type;
    std::vector<unsigned char> data;
    std::int64_t offset = -1;  // -1: placed after the previous one, aligned
};

// A GGUF file: metadata entries are written as given (key, type, value bytes).
struct GgufWriter {
    std::uint32_t version = 3;
    std::uint64_t alignment = 32;
    std::vector<std::pair<std::string, GgufBytes>> kv;  // key, type + value
    std::vector<GgufTensorOut> tensors;
    // Overrides of the counts in the header (absurd-count cases).
    std::int64_t tensor_count = -1, kv_count = -1;

    void u32(const std::string& k, std::uint32_t v) { kv.push_back({k, GgufBytes().put<std::uint32_t>(U32).put(v)}); }
    void f32(const std::string& k, float v) { kv.push_back({k, GgufBytes().put<std::uint32_t>(F32).put(v)}); }
    void str(const std::string& k, const std::string& v) { kv.push_back({k, GgufBytes().put<std::uint32_t>(STRING).str(v)}); }

    std::vector<unsigned char> bytes() const {
        GgufBytes o;
        o.magic().put(version);
        o.put<std::uint64_t>(tensor_count >= 0 ? std::uint64_t(tensor_count) : tensors.size());
        o.put<std::uint64_t>(kv_count >= 0 ? std::uint64_t(kv_count) : kv.size());
        for (const auto& [k, v] : kv) o.str(k).raw(v.b);
        std::vector<std::uint64_t> offsets;
        std::uint64_t next = 0;
        for (const auto& t : tensors) {
            const std::uint64_t off = t.offset >= 0 ? std::uint64_t(t.offset) : next;
            offsets.push_back(off);
            next = (off + t.data.size() + alignment - 1) / alignment * alignment;
            o.str(t.name).put<std::uint32_t>(std::uint32_t(t.ne.size()));
            for (auto n : t.ne) o.put(n);
            o.put(t.type).put(off);
        }
        while (o.b.size() % alignment) o.b.push_back(0);
        const std::size_t data_start = o.b.size();
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            const std::size_t end = data_start + offsets[i] + tensors[i].data.size();
            if (o.b.size() < end) o.b.resize(end);
            std::memcpy(o.b.data() + data_start + offsets[i], tensors[i].data.data(), tensors[i].data.size());
        }
        std::uint64_t end = data_start;
        for (std::size_t i = 0; i < tensors.size(); ++i) end = std::max<std::uint64_t>(end, data_start + offsets[i] + tensors[i].data.size());
        o.b.resize(std::size_t(end));
        return o.b;
    }
    void write(const std::filesystem::path& p) const {
        const auto b = bytes();
        std::ofstream f(p, std::ios::binary);
        f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    }
};

// Rows of n floats encoded in type t (an element or block type).
inline std::vector<unsigned char> encode_rows(bk_dtype t, const std::vector<float>& v, std::int64_t n) {
    const std::uint64_t rb = bakeoff::llm::format_row_bytes(t, n);
    const std::size_t rows = v.size() / std::size_t(n);
    std::vector<unsigned char> out(rb * rows);
    for (std::size_t r = 0; r < rows; ++r) {
        unsigned char* dst = out.data() + r * rb;
        const float* src = v.data() + r * std::size_t(n);
        if (bk_is_block_type(t)) {
            bk_quantize_row(t, src, dst, n);
        } else if (t == BK_F32) {
            std::memcpy(dst, src, rb);
        } else {
            std::vector<std::uint16_t> h(static_cast<std::size_t>(n));
            bakeoff::llm::to_16bit(t, src, h.data(), n);
            std::memcpy(dst, h.data(), rb);
        }
    }
    return out;
}

// llama.cpp's converter on a q or k projection of `heads` heads: within each
// head, the rows viewed as (2, head_dim / 2) are transposed to (head_dim / 2, 2).
inline std::vector<unsigned char> converter_permute(const std::vector<unsigned char>& rows, std::int64_t heads,
                                                    std::int64_t head_dim, std::uint64_t row_bytes) {
    std::vector<unsigned char> out(rows.size());
    const std::int64_t half = head_dim / 2;
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t j = 0; j < 2; ++j)
            for (std::int64_t i = 0; i < half; ++i) {
                const std::int64_t from = h * head_dim + j * half + i, to = h * head_dim + 2 * i + j;
                std::memcpy(out.data() + std::uint64_t(to) * row_bytes, rows.data() + std::uint64_t(from) * row_bytes, row_bytes);
            }
    return out;
}

// The metadata of config c under architecture c.arch.
inline void put_config(GgufWriter& g, const LlmConfig& c) {
    const std::string a = c.arch;
    g.str("general.architecture", a);
    g.str("general.name", "test model");
    g.u32(a + ".context_length", std::uint32_t(c.context ? c.context : 2048));
    g.u32(a + ".embedding_length", std::uint32_t(c.dim));
    g.u32(a + ".block_count", std::uint32_t(c.layers));
    g.u32(a + ".feed_forward_length", std::uint32_t(c.ffn));
    g.u32(a + ".attention.head_count", std::uint32_t(c.heads));
    g.u32(a + ".attention.head_count_kv", std::uint32_t(c.kv_heads));
    g.u32(a + ".rope.dimension_count", std::uint32_t(c.head_dim));
    g.f32(a + ".rope.freq_base", float(c.rope_theta));
    g.f32(a + ".attention.layer_norm_rms_epsilon", float(c.norm_eps));
    g.u32(a + ".vocab_size", std::uint32_t(c.vocab));
    g.str("tokenizer.ggml.model", "none");
}

// w's model as GGUF: metadata from its config (arch "llama" or "qwen2"),
// matrices in type t (the source's values quantized or rounded), norms and
// biases f32; llama q/k rows reordered as the converter does.
inline GgufWriter gguf_model(const WeightSource& w, bk_dtype t) {
    GgufWriter g;
    const LlmConfig& c = w.config();
    put_config(g, c);
    for (std::size_t i = 0; i < w.tensors().size(); ++i) {
        const TensorInfo& ti = w.tensors()[i];
        const bk_dtype ty = ti.is_norm() ? BK_F32 : t;
        const std::int64_t n = bakeoff::llm::row_length(ti);
        std::vector<unsigned char> data = encode_rows(ty, tensor_values(w, i), n);
        if (c.arch == "llama" && (ti.kind == TensorKind::wq || ti.kind == TensorKind::wk))
            data = converter_permute(data, ti.rows / c.head_dim, c.head_dim, bakeoff::llm::format_row_bytes(ty, n));
        std::vector<std::uint64_t> ne{std::uint64_t(n)};
        if (!ti.is_norm()) ne.push_back(std::uint64_t(ti.rows));
        g.tensors.push_back({bakeoff::llm::gguf_tensor_name(ti), ne, bakeoff::llm::ggml_type_id(ty), std::move(data)});
    }
    return g;
}

}  // namespace model_test
