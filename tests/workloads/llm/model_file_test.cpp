// A model read from each kind of file runs as an llm case on the CPU device
// and passes the case's verification: the readers hand the decoder weights
// in its layout (GGUF q/k rows back in Hugging Face order, quantized rows
// dequantized), and the same weights give the same logits whichever file
// they come from.
#include "common/cpu_device.h"
#include "model_writer.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_reference.h"
#include "workloads/llm/model_file.h"

#include <gtest/gtest.h>

using namespace bakeoff;
using namespace bakeoff::llm;
using namespace model_test;

namespace {

LlmConfig tiny_untied() {
    LlmConfig c = *find_preset("tiny");
    c.tied = false;
    c.rope_scaling = {};
    return c;
}

// Logits of the last position of a 5-token prompt, fp64 host forward.
std::vector<double> logits(const WeightSource& w) {
    const auto ids = random_tokens(5, w.config().vocab, 2);
    RefForward f{&w, 1, 5, 0, ids, 0};
    return ref_logits(w, ref_residual(f, -1, {4}), {});
}

}  // namespace

TEST(ModelFile, GgufAndHuggingFaceFilesOfTheSameWeightsGiveTheSameLogits) {
    auto src = random_weights(tiny_untied(), BK_BF16, 31);
    const auto d = fresh_dir("same-weights");
    write_hf_folder(d, *src, "BF16");
    const auto g = d / "model-bf16.gguf";
    gguf_model(*src, BK_BF16).write(g);
    const auto hf = open_model(d.string()).weights(BK_F32);
    const auto gg = open_model(g.string()).weights(BK_F32);
    const auto expect = logits(*src);
    EXPECT_EQ(logits(*hf), expect);
    // GGUF keeps the norm epsilon as an f32: 1e-5 differs in the 9th digit.
    EXPECT_LE(relative_error(logits(*gg), expect), 1e-9);
    // The same GGUF read without undoing the reordering would be another model.
    GgufWriter wrong = gguf_model(*src, BK_BF16);
    wrong.kv[0] = {"general.architecture", GgufBytes().put<std::uint32_t>(STRING).str("qwen2")};
    for (auto& [k, v] : wrong.kv)
        if (k.rfind("llama.", 0) == 0) k = "qwen2." + k.substr(6);
    for (std::size_t i = 0; i < src->tensors().size(); ++i)
        if (src->tensors()[i].kind == TensorKind::wq)  // qwen2 needs biases: zero ones
            for (const char* b : {"attn_q", "attn_k", "attn_v"}) {
                const std::int64_t n = std::string(b) == "attn_q" ? src->config().q_dim() : src->config().kv_dim();
                wrong.tensors.push_back({"blk." + std::to_string(src->tensors()[i].layer) + "." + b + ".bias",
                                         {std::uint64_t(n)}, 0, std::vector<unsigned char>(std::size_t(n) * 4)});
            }
    const auto wp = d / "not-reordered.gguf";
    wrong.write(wp);
    const auto ww = open_model(wp.string()).weights(BK_F32);
    EXPECT_GT(relative_error(logits(*ww), expect), 1e-3);
}

TEST(ModelFile, AQuantizedGgufRunsAsACaseAndVerifies) {
    for (bk_dtype t : {BK_Q8_0, BK_Q4_K}) {
        LlmConfig c = tiny_untied();
        if (t == BK_Q4_K) c.dim = 256, c.heads = 4, c.head_dim = 64, c.ffn = 256, c.vocab = 64, c.layers = 1;
        auto src = random_weights(c, BK_F32, 41);
        const auto d = fresh_dir("case-" + std::to_string(int(t)));
        const auto p = d / "model.gguf";
        gguf_model(*src, t).write(p);
        const ModelFile m = open_model(p.string());
        ASSERT_EQ(m.weight_type, t);
        LlmRunSetup s;
        s.config = m.config;
        s.weight_dtype = BK_F32;
        s.gemm_path = BK_PATH_PORTABLE;
        s.seq = 6;
        s.capacity = 6;
        s.weights_file = p.string();
        auto k = make_llm_case(bakeoff::testing::cpu_device(), s, 5);
        Stream st(bakeoff::testing::cpu_device());
        k->poison();
        k->run(st);
        st.sync();
        const Verification v = k->verify();
        EXPECT_TRUE(v.ok) << v.method << ": " << v.detail << " error " << v.error;
    }
}
