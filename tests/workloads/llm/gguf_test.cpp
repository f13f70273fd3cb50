// GGUF files written by the tests' own writer (model_writer.h) in every type
// the reader knows: the model's shape from the metadata, every tensor's rows
// and stored bytes back exactly (q/k rows of llama files un-reordered), and
// every malformed or unsupported file refused with one line naming the file
// and the key or tensor.
#include "model_writer.h"
#include "numeric/f16.h"
#include "numeric/rng.h"
#include "workloads/llm/gguf.h"
#include "workloads/llm/gguf_model.h"
#include "workloads/llm/model_file.h"

#include <bakeoff/plugin_quant.h>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace bakeoff;
using namespace bakeoff::llm;
using namespace model_test;

namespace {

// Rows of 256 (whole K-quant blocks) everywhere: dim, q_dim and ffn.
LlmConfig k_sized(const std::string& arch = "llama") {
    // name, dim, layers, heads, kv_heads, head_dim, ffn, vocab, theta, eps,
    // tied, rope scaling, rope factors, qkv bias, context, arch
    return {"k", 256, 2, 4, 2, 64, 512, 48, 10000.0, 1e-6, false, {}, {}, arch == "qwen2", 0, arch};
}

// Values a row of type t decodes to.
std::vector<float> decoded(bk_dtype t, const std::vector<unsigned char>& bytes, std::int64_t n) {
    const std::uint64_t rb = format_row_bytes(t, n);
    const std::size_t rows = bytes.size() / rb;
    std::vector<float> v(rows * std::size_t(n));
    for (std::size_t r = 0; r < rows; ++r) {
        const unsigned char* p = bytes.data() + r * rb;
        float* out = v.data() + r * std::size_t(n);
        if (bk_is_block_type(t)) {
            bk_dequantize_row(t, p, out, n);
        } else if (t == BK_F32) {
            std::memcpy(out, p, rb);
        } else {
            for (std::int64_t j = 0; j < n; ++j) {
                std::uint16_t h;
                std::memcpy(&h, p + 2 * j, 2);
                out[j] = t == BK_F16 ? f16_to_float(h) : bf16_to_float(h);
            }
        }
    }
    return v;
}

// Opening p fails with one line that names every one of `parts` and the file.
void expect_error_names(const std::filesystem::path& p, std::initializer_list<std::string> parts) {
    expect_open_error_names(p, parts);
    EXPECT_NE(open_error(p).find(p.string()), std::string::npos) << open_error(p);
}

class Gguf : public ::testing::Test {
protected:
    void SetUp() override { dir_ = fresh_dir("gguf"); }
    std::filesystem::path path(const std::string& name) { return dir_ / name; }
    // A valid Q8_0 llama model, to be broken by the test.
    GgufWriter good() {
        src_ = random_weights(k_sized(), BK_F32, 3);
        return gguf_model(*src_, BK_Q8_0);
    }
    // good() changed by `edit`, written as `file`.
    std::filesystem::path broken(const std::string& file, const std::function<void(GgufWriter&)>& edit) {
        GgufWriter g = good();
        edit(g);
        const auto p = path(file);
        g.write(p);
        return p;
    }
    std::size_t tensor(GgufWriter& g, const std::string& name) {
        for (std::size_t i = 0; i < g.tensors.size(); ++i)
            if (g.tensors[i].name == name) return i;
        ADD_FAILURE() << name;
        return 0;
    }
    std::filesystem::path dir_;
    std::unique_ptr<WeightSource> src_;
};

}  // namespace

TEST_F(Gguf, EveryTypeReadsBackExactlyWithItsShape) {
    for (bk_dtype t : {BK_F32, BK_F16, BK_BF16, BK_Q8_0, BK_Q4_0, BK_Q4_1, BK_Q5_0, BK_Q5_1, BK_Q4_K, BK_Q5_K, BK_Q6_K, BK_Q8_K}) {
        SCOPED_TRACE(ggml_type_name(ggml_type_id(t)));
        auto src = random_weights(k_sized(), BK_F32, 11);
        const auto p = path("model-" + std::to_string(int(t)) + ".gguf");
        gguf_model(*src, t).write(p);
        const ModelFile m = open_model(p.string());
        EXPECT_EQ(m.format, "gguf");
        EXPECT_EQ(m.weight_type, t);
        EXPECT_EQ(m.config.name, "model-" + std::to_string(int(t)));
        expect_same_shape(m.config, k_sized());
        EXPECT_EQ(m.config.context, 2048);
        auto w = m.weights(BK_F32);
        ASSERT_EQ(w->tensors().size(), src->tensors().size());
        for (std::size_t i = 0; i < w->tensors().size(); ++i) {
            const TensorInfo& ti = w->tensors()[i];
            const bk_dtype ty = ti.is_norm() ? BK_F32 : t;
            const std::int64_t n = row_length(ti);
            // What was written, before the converter's reordering.
            const auto bytes = encode_rows(ty, tensor_values(*src, i), n);
            ASSERT_EQ(w->format(i), ty) << ti.hf_name;
            std::vector<unsigned char> raw(bytes.size());
            w->raw_rows(i, 0, row_count(ti), raw.data());
            ASSERT_EQ(raw, bytes) << ti.hf_name;
            ASSERT_EQ(tensor_values(*w, i), decoded(ty, bytes, n)) << ti.hf_name;
            // A slice of rows alone, from the middle.
            if (row_count(ti) > 3) {
                std::vector<float> two(2 * std::size_t(n));
                w->rows(i, 1, 3, two.data());
                const auto all = decoded(ty, bytes, n);
                ASSERT_TRUE(std::equal(two.begin(), two.end(), all.begin() + n)) << ti.hf_name;
            }
        }
    }
}

TEST_F(Gguf, LlamaQkRowsAreReorderedBackQwen2AreNot) {
    // gguf_qk_row against the converter's reshape (2, hd/2) -> (hd/2, 2).
    for (std::int64_t hd : {4, 8, 64})
        for (std::int64_t r = 0; r < 3 * hd; ++r) {
            const std::int64_t h = r / hd, j = (r % hd) / (hd / 2), i = r % (hd / 2);
            EXPECT_EQ(gguf_qk_row(r, hd), h * hd + 2 * i + j) << r;
        }
    // A llama file's stored q rows differ from Hugging Face order; read back, they match.
    auto src = random_weights(k_sized(), BK_F32, 5);
    GgufWriter g = gguf_model(*src, BK_F32);
    const auto p = path("perm.gguf");
    g.write(p);
    const std::size_t wq = 2;  // embed, attn_norm, wq
    ASSERT_EQ(src->tensors()[wq].kind, TensorKind::wq);
    ASSERT_EQ(g.tensors[wq].name, "blk.0.attn_q.weight");
    EXPECT_NE(g.tensors[wq].data, encode_rows(BK_F32, tensor_values(*src, wq), 256));
    auto w = open_model(p.string()).weights(BK_F32);
    EXPECT_EQ(tensor_values(*w, wq), tensor_values(*src, wq));
    EXPECT_EQ(tensor_values(*w, wq + 1), tensor_values(*src, wq + 1));  // wk
    // qwen2: stored in Hugging Face order, with q/k/v biases.
    auto qsrc = random_weights(k_sized("qwen2"), BK_F32, 6);
    GgufWriter q = gguf_model(*qsrc, BK_F32);
    EXPECT_EQ(q.tensors[wq].data, encode_rows(BK_F32, tensor_values(*qsrc, wq), 256));
    const auto qp = path("qwen2.gguf");
    q.write(qp);
    const ModelFile qm = open_model(qp.string());
    EXPECT_EQ(qm.config.arch, "qwen2");
    EXPECT_TRUE(qm.config.qkv_bias);
    auto qw = qm.weights(BK_F32);
    for (std::size_t i = 0; i < qw->tensors().size(); ++i) EXPECT_EQ(tensor_values(*qw, i), tensor_values(*qsrc, i)) << i;
    EXPECT_EQ(qw->tensors()[6].kind, TensorKind::bk);
}

TEST_F(Gguf, TensorNamesAreLlamaCpps) {
    const auto ts = model_tensors(k_sized("qwen2"));
    std::vector<std::string> names;
    for (const auto& t : ts) names.push_back(gguf_tensor_name(t));
    const std::vector<std::string> first{"token_embd.weight",   "blk.0.attn_norm.weight", "blk.0.attn_q.weight",
                                         "blk.0.attn_k.weight", "blk.0.attn_v.weight",    "blk.0.attn_q.bias",
                                         "blk.0.attn_k.bias",   "blk.0.attn_v.bias",      "blk.0.attn_output.weight",
                                         "blk.0.ffn_norm.weight", "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight",
                                         "blk.0.ffn_down.weight"};
    EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 13), first);
    EXPECT_EQ(names[names.size() - 2], "output_norm.weight");
    EXPECT_EQ(names.back(), "output.weight");
}

TEST_F(Gguf, TiedRopeFreqsAndLinearScalingMapToTheConfig) {
    LlmConfig c = k_sized();
    c.tied = true;
    auto src = random_weights(c, BK_F32, 7);
    GgufWriter g = gguf_model(*src, BK_Q4_0);
    // llama.cpp's Llama 3 scaling: one divisor per frequency.
    std::vector<float> freqs(32);
    for (std::size_t i = 0; i < freqs.size(); ++i) freqs[i] = 1.0f + float(i) / 4;
    g.tensors.push_back({"rope_freqs.weight", {32}, 0, st_test::f32_bytes(freqs)});
    g.u32("llama.context_length", 131072);  // a second entry: refused below
    g.kv.pop_back();
    const auto p = path("tied.gguf");
    g.write(p);
    const ModelFile m = open_model(p.string());
    EXPECT_TRUE(m.config.tied);
    ASSERT_EQ(m.config.rope_freq_factors.size(), 32u);
    EXPECT_EQ(m.config.rope_freq_factors[8], 3.0);
    EXPECT_TRUE(m.config.rescales_rope());
    EXPECT_EQ(rope_frequencies(m.config)[8], std::pow(10000.0, -16.0 / 64) / 3.0);
    EXPECT_EQ(m.weights(BK_F32)->tensors().back().kind, TensorKind::final_norm);  // no lm_head

    GgufWriter lin = gguf_model(*src, BK_F16);
    lin.str("llama.rope.scaling.type", "linear");
    lin.f32("llama.rope.scaling.factor", 4.0f);
    const auto lp = path("linear.gguf");
    lin.write(lp);
    const LlmConfig lc = open_model(lp.string()).config;
    EXPECT_EQ(lc.rope_scaling.kind, RopeScaling::Kind::linear);
    EXPECT_EQ(lc.rope_scaling.factor, 4.0);
    EXPECT_TRUE(lc.rope_freq_factors.empty());
}

TEST_F(Gguf, RowsLoadAsTheRunsTypeRawRowsStayStored) {
    auto src = random_weights(k_sized(), BK_F32, 9);
    const auto p = path("q8.gguf");
    gguf_model(*src, BK_Q8_0).write(p);
    const ModelFile m = open_model(p.string());
    auto exact = m.weights(BK_F32), as_bf16 = m.weights(BK_BF16), as_q8 = m.weights(BK_Q8_0);
    const std::size_t up = 8;  // layer 0's up projection
    ASSERT_EQ(exact->tensors()[up].kind, TensorKind::wup);
    auto v = tensor_values(*exact, up);
    EXPECT_EQ(tensor_values(*as_q8, up), v);  // the stored type: not quantized again
    round_to_storage(BK_BF16, v.data(), std::int64_t(v.size()));
    EXPECT_EQ(tensor_values(*as_bf16, up), v);
    EXPECT_EQ(as_bf16->format(up), BK_Q8_0);
    EXPECT_EQ(as_bf16->format(1), BK_F32);  // attn_norm
}

// ---- malformed files ----

TEST_F(Gguf, BadMagicAndOtherVersionsAreRefused) {
    auto g = good();
    auto b = g.bytes();
    b[3] = 'X';
    const auto p = path("magic.gguf");
    write_text(p, std::string(b.begin(), b.end()));
    expect_error_names(p, {"GGUF\" magic"});
    g.version = 2;
    const auto v = path("v2.gguf");
    g.write(v);
    expect_error_names(v, {"version 2"});
    write_text(path("empty.gguf"), "");
    expect_error_names(path("empty.gguf"), {"magic"});
}

TEST_F(Gguf, ATensorPastTheEndIsNamed) {
    auto b = good().bytes();
    b.resize(b.size() - 10);
    const auto p = path("truncated.gguf");
    write_text(p, std::string(b.begin(), b.end()));
    expect_error_names(p, {"tensor 'output.weight'", "past the end"});
    // Cut inside the tensor infos: the read that runs out is named.
    auto h = good().bytes();
    h.resize(200);
    const auto q = path("cut.gguf");
    write_text(q, std::string(h.begin(), h.end()));
    expect_error_names(q, {"metadata entry", "runs past the end"});
}

TEST_F(Gguf, OverlappingAndMisalignedOffsetsAreRefused) {
    expect_error_names(broken("overlap.gguf", [&](GgufWriter& g) {
        g.tensors[tensor(g, "blk.0.attn_k.weight")].offset = 0;  // over token_embd
    }), {"overlaps", "blk.0.attn_k.weight"});
    expect_error_names(broken("misaligned.gguf", [&](GgufWriter& g) {
        g.tensors[1].offset = 4;
    }), {"tensor 'blk.0.attn_norm.weight'", "alignment 32"});
}

TEST_F(Gguf, UnknownAndUnreadTypesAreNamed) {
    expect_error_names(broken("q2k.gguf", [&](GgufWriter& g) {
        g.tensors[tensor(g, "blk.1.ffn_up.weight")].type = 10;
    }), {"tensor 'blk.1.ffn_up.weight'", "Q2_K"});
    expect_error_names(broken("t99.gguf", [&](GgufWriter& g) {
        g.tensors[0].type = 99;
    }), {"tensor 'token_embd.weight'", "type 99"});
    // A row that is not whole blocks.
    expect_error_names(broken("blocks.gguf", [&](GgufWriter& g) {
        g.tensors[0].ne = {48, 256};
        g.tensors[0].type = ggml_type_id(BK_Q4_0);
        g.tensors[0].data.resize(256 * 2 * 18 / 2 * 3);
    }), {"tensor 'token_embd.weight'", "whole Q4_0 blocks"});
}

TEST_F(Gguf, AbsurdCountsAndLengthsAreRefusedBeforeAllocating) {
    expect_error_names(broken("kvcount.gguf", [&](GgufWriter& g) {
        g.kv_count = std::int64_t(1) << 60;
    }), {"metadata count 1152921504606846976"});
    expect_error_names(broken("tcount.gguf", [&](GgufWriter& g) {
        g.tensor_count = std::int64_t(1) << 61;
    }), {"tensor count 2305843009213693952"});
    // A string claiming 2^50 bytes.
    expect_error_names(broken("strlen.gguf", [&](GgufWriter& g) {
        g.kv.insert(g.kv.begin(), {"general.name", GgufBytes().put<std::uint32_t>(STRING).put<std::uint64_t>(1ull << 50)});
    }), {"key 'general.name'", "1125899906842624 bytes", "past the end"});
    // A key whose own length is absurd.
    GgufBytes raw;
    raw.magic().put<std::uint32_t>(3).put<std::uint64_t>(0).put<std::uint64_t>(1).put<std::uint64_t>(~0ull);
    raw.raw(std::vector<unsigned char>(32, 'k'));
    const auto kp = path("keylen.gguf");
    write_text(kp, std::string(raw.b.begin(), raw.b.end()));
    expect_error_names(kp, {"metadata entry 0", "past the end"});
    // An array of 2^40 strings.
    expect_error_names(broken("array.gguf", [&](GgufWriter& g) {
        g.kv.push_back({"tokenizer.ggml.tokens", GgufBytes().put<std::uint32_t>(ARRAY).put<std::uint32_t>(STRING).put<std::uint64_t>(1ull << 40)});
    }), {"key 'tokenizer.ggml.tokens'", "array of 1099511627776 string elements"});
    // Nested arrays: walked, not stored; a count beyond the file refused the same way.
    expect_error_names(broken("nested.gguf", [&](GgufWriter& g) {
        g.kv.push_back({"x.nested", GgufBytes().put<std::uint32_t>(ARRAY).put<std::uint32_t>(ARRAY).put<std::uint64_t>(2)
                                        .put<std::uint32_t>(U8).put<std::uint64_t>(1).put<std::uint8_t>(7)
                                        .put<std::uint32_t>(U8).put<std::uint64_t>(1ull << 62)});
    }), {"key 'x.nested'", "array of 4611686018427387904 u8 elements"});
    // An unknown value type; a dimension count past 4.
    expect_error_names(broken("vtype.gguf", [&](GgufWriter& g) {
        g.kv.push_back({"x.odd", GgufBytes().put<std::uint32_t>(13)});
    }), {"key 'x.odd'", "unknown value type 13"});
    expect_error_names(broken("dims.gguf", [&](GgufWriter& g) {
        g.tensors[0].ne = {256, 48, 1, 1, 1};
    }), {"tensor 'token_embd.weight'", "5 dimensions"});
}

TEST_F(Gguf, DuplicatesAndBadAlignmentAreRefused) {
    expect_error_names(broken("dupkey.gguf", [&](GgufWriter& g) {
        g.u32("llama.block_count", 2);
    }), {"key 'llama.block_count'", "twice"});
    expect_error_names(broken("align.gguf", [&](GgufWriter& g) {
        g.u32("general.alignment", 24);
    }), {"key 'general.alignment'", "power of two"});
    expect_error_names(broken("alignf.gguf", [&](GgufWriter& g) {
        g.f32("general.alignment", 32.0f);
    }), {"key 'general.alignment'", "not a u32"});
    // A file at another alignment reads.
    auto w = good();
    w.alignment = 64;
    w.u32("general.alignment", 64);
    const auto s = path("align64.gguf");
    w.write(s);
    EXPECT_EQ(open_error(s), "");
}

TEST_F(Gguf, ArchitecturesAndFeaturesItCannotRunAreNamed) {
    const struct {
        const char* file;
        std::function<void(GgufWriter&)> edit;
        std::vector<std::string> parts;
    } cases[] = {
        {"gpt2.gguf", [](GgufWriter& g) { g.kv[0] = {"general.architecture", GgufBytes().put<std::uint32_t>(STRING).str("gpt2")}; },
         {"key 'general.architecture'", "'gpt2'"}},
        {"moe.gguf", [](GgufWriter& g) { g.u32("llama.expert_count", 8); }, {"key 'llama.expert_count'", "8 experts"}},
        {"yarn.gguf", [](GgufWriter& g) { g.str("llama.rope.scaling.type", "yarn"); }, {"key 'llama.rope.scaling.type'", "'yarn'"}},
        {"partial.gguf",
         [](GgufWriter& g) {
             for (auto& [k, v] : g.kv)
                 if (k == "llama.rope.dimension_count") v = GgufBytes().put<std::uint32_t>(U32).put<std::uint32_t>(32);
         },
         {"key 'llama.rope.dimension_count'", "32"}},
        {"noeps.gguf",
         [](GgufWriter& g) {
             for (auto& [k, v] : g.kv)
                 if (k == "llama.attention.layer_norm_rms_epsilon") k = "llama.attention.layer_norm_epsilon";
         },
         {"key 'llama.attention.layer_norm_rms_epsilon'", "missing"}},
        {"strheads.gguf",
         [](GgufWriter& g) {
             for (auto& [k, v] : g.kv)
                 if (k == "llama.attention.head_count") v = GgufBytes().put<std::uint32_t>(STRING).str("four");
         },
         {"key 'llama.attention.head_count'", "not an integer"}},
        {"kvheads.gguf",
         [](GgufWriter& g) {
             for (auto& [k, v] : g.kv)
                 if (k == "llama.attention.head_count_kv") v = GgufBytes().put<std::uint32_t>(U32).put<std::uint32_t>(3);
         },
         {"key 'llama.attention.head_count_kv'", "3 KV heads"}},
        {"obias.gguf",
         [](GgufWriter& g) { g.tensors.push_back({"blk.0.attn_output.bias", {256}, 0, std::vector<unsigned char>(1024)}); },
         {"tensor 'blk.0.attn_output.bias'"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        const auto p = broken(c.file, c.edit);
        expect_error_names(p, {});
        for (const auto& part : c.parts) EXPECT_NE(open_error(p).find(part), std::string::npos) << part << " in: " << open_error(p);
    }
}

TEST_F(Gguf, AConfigThatDisagreesWithATensorNamesBoth) {
    expect_error_names(broken("ffn.gguf", [&](GgufWriter& g) {
        for (auto& [k, v] : g.kv)
        if (k == "llama.feed_forward_length") v = GgufBytes().put<std::uint32_t>(U32).put<std::uint32_t>(256);
    }), {"tensor 'blk.0.ffn_gate.weight'", "[512, 256]", "[256, 256]"});
    expect_error_names(broken("missing.gguf", [&](GgufWriter& g) {
        g.tensors.erase(g.tensors.begin() + std::ptrdiff_t(tensor(g, "blk.1.attn_v.weight")));
    }), {"tensor 'blk.1.attn_v.weight'", "missing"});
    expect_error_names(broken("freqs.gguf", [&](GgufWriter& g) {
        g.tensors.push_back({"rope_freqs.weight", {16}, 0, std::vector<unsigned char>(64)});
    }), {"tensor 'rope_freqs.weight'", "[16]", "[32]"});
}

// The fuzz seeds, written by a separate Python writer (not model_writer.h),
// are models the reader opens: a llama Q8_0 file, tied, and a qwen2 F32 file
// with biases and an output matrix.
TEST(GgufSeeds, FilesFromAnotherWriterOpen) {
    const std::string dir = std::string(BAKEOFF_SOURCE_DIR) + "/fuzz/corpus/gguf/";
    const ModelFile l = open_model(dir + "llama-q8_0.gguf");
    EXPECT_EQ(l.weight_type, BK_Q8_0);
    EXPECT_EQ(l.config.dim, 32);
    EXPECT_EQ(l.config.kv_heads, 1);
    EXPECT_EQ(l.config.head_dim, 16);
    EXPECT_EQ(l.config.context, 128);
    EXPECT_TRUE(l.config.tied);
    auto lw = l.weights(BK_F32);
    for (std::size_t i = 0; i < lw->tensors().size(); ++i)
        for (double v : lw->tensor_f64(i)) ASSERT_LE(std::fabs(v), 1.06) << lw->tensors()[i].hf_name;
    const ModelFile q = open_model(dir + "qwen2-f32-bias.gguf");
    EXPECT_EQ(q.config.arch, "qwen2");
    EXPECT_TRUE(q.config.qkv_bias);
    EXPECT_FALSE(q.config.tied);
    EXPECT_EQ(q.weight_type, BK_F32);
    EXPECT_NE(open_error(dir + "header-only.gguf").find("embedding_length"), std::string::npos);
}
