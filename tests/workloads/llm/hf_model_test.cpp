// Hugging Face models written by the tests (model_writer.h): a folder with
// config.json, two shards and their index loads with the config's shape and
// the exact values; config.json maps Llama, Mistral and Qwen2 (biases),
// tied and untied, llama3 and linear rope scaling; F8_E4M3 tensors decode
// exactly; every bad or unsupported folder is refused with one line naming
// the file and the key or tensor.
#include "model_writer.h"
#include "numeric/f16.h"
#include "workloads/llm/hf_config.h"
#include "workloads/llm/model_file.h"
#include "workloads/llm/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::llm;
using namespace model_test;

namespace {

LlmConfig small(const std::string& arch) {
    LlmConfig c = *find_preset("tiny");
    c.arch = arch;
    c.tied = false;
    c.qkv_bias = arch == "qwen2";
    c.rope_scaling = {};
    c.rope_theta = 1e6;
    c.norm_eps = 1e-6;
    c.context = 4096;
    return c;
}

nlohmann::json config_of(const std::filesystem::path& dir) {
    return nlohmann::json::parse(std::ifstream(dir / "config.json"));
}
void set_config(const std::filesystem::path& dir, const nlohmann::json& j) { write_text(dir / "config.json", j.dump()); }

class HfModel : public ::testing::Test {
protected:
    // A folder holding `arch`'s model in `dtype`.
    std::filesystem::path folder(const std::string& name, const std::string& arch = "llama", const std::string& dtype = "BF16") {
        const auto d = fresh_dir("hf-" + name);
        src_ = random_weights(small(arch), dtype == "F32" ? BK_F32 : dtype == "BF16" ? BK_BF16 : BK_F16, 21);
        write_hf_folder(d, *src_, dtype);
        return d;
    }
    std::unique_ptr<WeightSource> src_;
};

}  // namespace

TEST_F(HfModel, AShardedFolderLoadsWithExactValuesInEachType) {
    for (const std::string dtype : {"F32", "BF16", "F16"}) {
        SCOPED_TRACE(dtype);
        const auto d = folder("sharded-" + dtype, "llama", dtype);
        const ModelFile m = open_model(d.string());
        EXPECT_EQ(m.format, "safetensors");
        EXPECT_EQ(m.config.name, "hf-sharded-" + dtype);
        const bk_dtype t = dtype == "F32" ? BK_F32 : dtype == "BF16" ? BK_BF16 : BK_F16;
        EXPECT_EQ(m.weight_type, t);
        expect_same_shape(m.config, small("llama"));
        EXPECT_EQ(m.config.rope_theta, 1e6);
        EXPECT_EQ(m.config.context, 4096);
        auto w = m.weights(BK_F32);
        for (std::size_t i = 0; i < w->tensors().size(); ++i) {
            const TensorInfo& ti = w->tensors()[i];
            const auto v = tensor_values(*src_, i);
            ASSERT_EQ(tensor_values(*w, i), v) << ti.hf_name;
            const bk_dtype f = ti.is_norm() ? BK_F32 : t;
            ASSERT_EQ(w->format(i), f) << ti.hf_name;
            std::vector<unsigned char> raw(format_row_bytes(f, row_length(ti)) * std::size_t(row_count(ti)));
            w->raw_rows(i, 0, row_count(ti), raw.data());
            ASSERT_EQ(raw, st_bytes(v, ti.is_norm() ? "F32" : dtype)) << ti.hf_name;
        }
        // The index file itself opens the same model.
        EXPECT_EQ(open_model((d / "model.safetensors.index.json").string()).config.dim, 64);
    }
}

TEST_F(HfModel, F32WeightsLoadRoundedToTheRunsType) {
    const auto d = folder("rounded", "llama", "F32");
    auto src32 = random_weights(small("llama"), BK_F32, 21);
    write_hf_folder(d, *src32, "F32");
    auto w = open_model(d.string()).weights(BK_BF16);
    const std::size_t wq = 2;
    auto v = tensor_values(*src32, wq);
    round_to_storage(BK_BF16, v.data(), std::int64_t(v.size()));
    EXPECT_EQ(tensor_values(*w, wq), v);
    EXPECT_EQ(w->format(wq), BK_F32);  // the stored type, whatever the load
}

TEST_F(HfModel, ConfigsMapMistralQwen2TiedAndRopeScaling) {
    // Qwen2: q/k/v biases, read like the weights.
    const auto q = folder("qwen2", "qwen2", "BF16");
    const ModelFile qm = open_model(q.string());
    EXPECT_EQ(qm.config.arch, "qwen2");
    EXPECT_TRUE(qm.config.qkv_bias);
    auto qw = qm.weights(BK_F32);
    ASSERT_EQ(qw->tensors()[5].kind, TensorKind::bq);
    EXPECT_EQ(tensor_values(*qw, 5), tensor_values(*src_, 5));
    EXPECT_EQ(qw->format(5), BK_F32);

    // Mistral (a full-context window reads as none), tied, llama3 scaling.
    const auto m = folder("mistral", "mistral");
    auto j = config_of(m);
    j["sliding_window"] = 4096;
    j["tie_word_embeddings"] = true;
    j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 32.0}, {"low_freq_factor", 1.0},
                         {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
    set_config(m, j);
    const LlmConfig mc = open_model(m.string()).config;
    EXPECT_EQ(mc.arch, "mistral");
    EXPECT_TRUE(mc.tied);  // lm_head.weight in the file is then not read
    EXPECT_EQ(mc.rope_scaling.kind, RopeScaling::Kind::llama3);
    EXPECT_EQ(mc.rope_scaling.factor, 32.0);
    EXPECT_EQ(mc.rope_scaling.original_max_positions, 8192);

    // Defaults: kv heads = heads, head_dim = hidden / heads, theta 10000; linear scaling.
    const auto l = folder("defaults");
    j = config_of(l);
    j.erase("num_key_value_heads");
    j.erase("head_dim");
    j.erase("rope_theta");
    j["num_attention_heads"] = 2;
    j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
    set_config(l, j);
    // 2 heads of 32 (and so 2 KV heads of 32) do not fit the k_proj of 2 x 16.
    expect_open_error_names(l, {"model.layers.0.self_attn.k_proj.weight", "[32, 64]", "[64, 64]"});
    j["num_attention_heads"] = 4;
    j["num_key_value_heads"] = 2;
    set_config(l, j);
    const LlmConfig lc = open_model(l.string()).config;
    EXPECT_EQ(lc.head_dim, 16);
    EXPECT_EQ(lc.rope_theta, 10000.0);
    EXPECT_EQ(lc.rope_scaling.kind, RopeScaling::Kind::linear);
    EXPECT_EQ(lc.rope_scaling.factor, 2.0);
}

TEST_F(HfModel, F8E4M3TensorsDecodeExactly) {
    // 1, -1, 448 (largest), 2^-9 (smallest subnormal), 0.875 x 2^-6 (largest subnormal), NaN
    const std::vector<unsigned char> bytes{0x38, 0xB8, 0x7E, 0x01, 0x07, 0x7F};
    const auto d = fresh_dir("f8");
    st_test::write(d / "f8.safetensors", {{"x", "F8_E4M3", {6}, bytes}});
    SafetensorsFile f((d / "f8.safetensors").string());
    std::vector<float> out(6);
    f.read_f32(*f.find("x"), 0, 6, out.data());
    EXPECT_TRUE(std::isnan(out[5]));
    out.pop_back();
    EXPECT_EQ(out, (std::vector<float>{1.0f, -1.0f, 448.0f, std::ldexp(1.0f, -9), 0.875f * std::ldexp(1.0f, -6)}));

    // A model with fp8 matrices: stored type f8_e4m3, raw rows the bytes; one with scales refused.
    const auto m = fresh_dir("f8-model");
    auto src = random_weights(small("llama"), BK_F32, 4);
    std::vector<st_test::Tensor> ts;
    for (std::size_t i = 0; i < src->tensors().size(); ++i) {
        const TensorInfo& t = src->tensors()[i];
        if (t.is_norm()) {
            ts.push_back({t.hf_name, "F32", hf_shape(t), st_test::f32_bytes(tensor_values(*src, i))});
        } else {
            std::vector<unsigned char> b(std::size_t(t.elements()));
            for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<unsigned char>((k * 37 + i) % 0x7E);
            ts.push_back({t.hf_name, "F8_E4M3", hf_shape(t), b});
        }
    }
    st_test::write(m / "model.safetensors", ts);
    set_config(m, hf_config_json(src->config()));
    const ModelFile mf = open_model(m.string());
    EXPECT_EQ(mf.weight_type, BK_F8_E4M3);
    auto w = mf.weights(BK_F32);
    std::vector<unsigned char> raw(std::size_t(w->tensors()[2].elements()));
    w->raw_rows(2, 0, w->tensors()[2].rows, raw.data());
    EXPECT_EQ(raw, ts[2].bytes);
    EXPECT_EQ(tensor_values(*w, 2)[1], f8_e4m3_to_float(ts[2].bytes[1]));
    ts.push_back({"model.layers.0.self_attn.q_proj.weight_scale", "F32", {}, st_test::f32_bytes({0.5f})});
    st_test::write(m / "model.safetensors", ts);
    expect_open_error_names(m, {"model.layers.0.self_attn.q_proj.weight_scale", "scaled"});
}

// ---- what it cannot run ----

TEST_F(HfModel, FeaturesTheDecoderLacksAreRefusedByKey) {
    const struct {
        const char* key;
        nlohmann::json value;
        const char* arch;
        const char* says;
    } cases[] = {
        {"num_local_experts", 8, "mistral", "mixture of experts"},
        {"num_experts", 60, "qwen2", "mixture of experts"},
        {"sliding_window", 1024, "mistral", "sliding-window"},
        {"use_sliding_window", true, "qwen2", "sliding-window"},
        {"attention_bias", true, "llama", "attention output"},
        {"mlp_bias", true, "llama", "MLP"},
        {"qk_layernorm", true, "llama", "q/k norms"},
        {"hidden_act", "gelu", "llama", "'gelu'"},
        {"partial_rotary_factor", 0.5, "llama", "whole heads"},
        {"quantization_config", {{"quant_method", "gptq"}}, "llama", "gptq"},
        {"rope_scaling", {{"rope_type", "yarn"}, {"factor", 4.0}}, "llama", "'yarn'"},
        {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}}, "llama", "original_max_position_embeddings"},
        {"architectures", {"GPT2LMHeadModel"}, "llama", "'GPT2LMHeadModel'"},
        {"hidden_size", 1ull << 40, "llama", "outside"},
        {"num_key_value_heads", 3, "llama", "3 KV heads"},
        {"vocab_size", -5, "llama", "out of range"},
        {"rms_norm_eps", "small", "llama", "not a number"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.key);
        const auto d = folder(std::string("refuse-") + c.key + "-" + c.arch, c.arch);
        auto j = config_of(d);
        j[c.key] = c.value;
        set_config(d, j);
        const std::string config = (d / "config.json").string();
        expect_open_error_names(d, {config, std::string("key '") + c.key, c.says});
    }
    // No architectures: model_type decides, and an unknown one is named.
    const auto d = folder("model-type");
    auto j = config_of(d);
    j.erase("architectures");
    j["model_type"] = "phi3";
    set_config(d, j);
    expect_open_error_names(d, {"key 'model_type'", "'phi3'"});
}

// ---- broken folders ----

TEST_F(HfModel, AnIndexNamingAMissingShardNamesIt) {
    const auto d = folder("missing-shard");
    std::filesystem::remove(d / "model-00002-of-00002.safetensors");
    expect_open_error_names(d, {(d / "model.safetensors.index.json").string(), "model-00002-of-00002.safetensors", "missing"});
    // A tensor the index puts in a shard that lacks it.
    const auto e = folder("index-lies");
    auto idx = nlohmann::json::parse(std::ifstream(e / "model.safetensors.index.json"));
    idx["weight_map"]["model.layers.1.mlp.up_proj.weight"] = "model-00001-of-00002.safetensors";
    write_text(e / "model.safetensors.index.json", idx.dump());
    expect_open_error_names(e, {(e / "model-00001-of-00002.safetensors").string(), "model.layers.1.mlp.up_proj.weight"});
    // A shard name that leaves the folder.
    idx["weight_map"]["model.layers.1.mlp.up_proj.weight"] = "../elsewhere.safetensors";
    write_text(e / "model.safetensors.index.json", idx.dump());
    expect_open_error_names(e, {"weight_map.model.layers.1.mlp.up_proj.weight", "not a file name"});
    write_text(e / "model.safetensors.index.json", "{\"weight_map\": 3}");
    expect_open_error_names(e, {"key 'weight_map'"});
    write_text(e / "model.safetensors.index.json", "[1,");
    expect_open_error_names(e, {"model.safetensors.index.json", "not valid JSON"});
}

TEST_F(HfModel, AConfigThatDisagreesWithATensorNamesBothShapes) {
    const auto d = folder("disagree");
    auto j = config_of(d);
    j["intermediate_size"] = 128;
    set_config(d, j);
    expect_open_error_names(d, {(d / "model-00001-of-00002.safetensors").string(), "model.layers.0.mlp.gate_proj.weight",
                           "[192, 64]", "[128, 64]"});
    // Untied in the config, but no lm_head in the files.
    const auto t = folder("no-head");
    std::vector<st_test::Tensor> keep;
    auto idx = nlohmann::json::parse(std::ifstream(t / "model.safetensors.index.json"));
    idx["weight_map"].erase("lm_head.weight");
    write_text(t / "model.safetensors.index.json", idx.dump());
    SafetensorsFile s((t / "model-00002-of-00002.safetensors").string());
    for (const auto& [name, st] : s.tensors()) {
        if (name == "lm_head.weight") continue;
        std::vector<unsigned char> b(st.end - st.begin);
        std::memcpy(b.data(), s.bytes(st), b.size());
        keep.push_back({name, st.dtype == StDtype::f32 ? "F32" : "BF16", st.shape, b});
    }
    st_test::write(t / "model-00002-of-00002.safetensors", keep);
    expect_open_error_names(t, {"tensor 'lm_head.weight' is missing"});
}

TEST_F(HfModel, MissingOrBadConfigFilesAreNamed) {
    const auto d = folder("no-config");
    std::filesystem::remove(d / "config.json");
    expect_open_error_names(d, {"no config.json"});
    write_text(d / "config.json", "{\"hidden_size\": ");
    expect_open_error_names(d, {(d / "config.json").string(), "not valid JSON"});
    write_text(d / "config.json", std::string(kMaxConfigBytes + 1, ' '));
    expect_open_error_names(d, {(d / "config.json").string(), "bytes"});
    std::filesystem::remove(d / "config.json");
    std::filesystem::create_directory(d / "config.json");
    expect_open_error_names(d, {(d / "config.json").string(), "not a regular file"});
    const auto e = fresh_dir("hf-empty");
    expect_open_error_names(e, {"neither model.safetensors nor model.safetensors.index.json"});
    write_text(e / "notes.txt", "x");
    expect_open_error_names(e / "notes.txt", {"notes.txt", "not a model"});
}

TEST(HfConfig, ParsesWithoutFilesAndNamesTheKey) {
    const LlmConfig c = parse_hf_config(
        R"({"architectures":["LlamaForCausalLM"],"hidden_size":576,"num_hidden_layers":30,"num_attention_heads":9,
            "num_key_value_heads":3,"intermediate_size":1536,"vocab_size":49152,"rms_norm_eps":1e-5,"rope_theta":10000.0,
            "tie_word_embeddings":true,"max_position_embeddings":2048,"head_dim":null,"rope_scaling":null})",
        "smollm/config.json");
    EXPECT_EQ(c.dim, 576);
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_EQ(c.kv_heads, 3);
    EXPECT_EQ(c.vocab, 49152);
    EXPECT_TRUE(c.tied);
    EXPECT_EQ(c.rope_scaling.factor, 0);
    try {
        parse_hf_config(R"({"architectures":["LlamaForCausalLM"],"hidden_size":576})", "x/config.json");
        ADD_FAILURE() << "accepted without num_hidden_layers";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("x/config.json: key 'num_hidden_layers': missing"), std::string::npos) << e.what();
    }
    const HfIndex idx = parse_hf_index(R"({"weight_map":{"a":"s2.safetensors","b":"s1.safetensors","c":"s2.safetensors"}})", "i.json");
    EXPECT_EQ(idx.shards, (std::vector<std::string>{"s1.safetensors", "s2.safetensors"}));
    EXPECT_EQ(idx.weight_map.at("b"), "s1.safetensors");
}
