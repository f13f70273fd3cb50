#include "workloads/llm/llm_workload.h"

#include "core/dtype.h"
#include "numeric/rng.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/model_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff {

using namespace llm;

namespace {

std::int64_t case_batch(const CaseSpec& c) { return c.params.value("batch", std::int64_t(1)); }

// Tokens in one run, the KV positions a run leaves in the cache, the longest forward.
struct RunShape {
    std::int64_t batch, seq, pos, capacity;
};
RunShape run_shape(bool prefill, const CaseSpec& c) {
    const std::int64_t b = case_batch(c);
    if (prefill) return {b, c.size, 0, c.size};
    return {b, 1, c.size, c.size + 1};
}

}  // namespace

LlmConfig llm_case_config(const CaseSpec& c) {
    const auto& p = c.params;
    LlmConfig m;
    m.name = p.at("preset").get<std::string>();
    m.dim = p.at("dim");
    m.layers = p.at("layers");
    m.heads = p.at("heads");
    m.kv_heads = p.at("kv_heads");
    m.head_dim = p.at("head_dim");
    m.ffn = p.at("ffn");
    m.vocab = p.at("vocab");
    m.rope_theta = p.at("rope_theta");
    m.norm_eps = p.at("norm_eps");
    m.tied = p.at("tied_embeddings");
    if (const auto& r = p.at("rope_scaling"); r.is_object()) {
        m.rope_scaling.factor = r.at("factor");
        m.rope_scaling.low_freq_factor = r.at("low_freq_factor");
        m.rope_scaling.high_freq_factor = r.at("high_freq_factor");
        m.rope_scaling.original_max_positions = r.at("original_max_position_embeddings");
    }
    return m;
}

std::string LlmWorkload::description() const {
    return mode_ == Mode::prefill
               ? "Llama-shaped prompt processing (prefill), tokens/s; presets tiny/small/1b/8b, fp32/bf16/fp16 weights"
               : "Llama-shaped token generation (one decode step over a KV cache), tokens/s; fp32/bf16/fp16 weights";
}

MetricDef LlmWorkload::metric(const CaseSpec&) const { return {"throughput", "tokens/s", "items", 1.0}; }

WorkCounts LlmWorkload::counts(const CaseSpec& c) const {
    const LlmConfig m = llm_case_config(c);
    const bool prefill = mode_ == Mode::prefill;
    const RunShape s = run_shape(prefill, c);
    const double B = double(s.batch), L = double(m.layers), d = double(m.dim), V = double(m.vocab);
    const double wbytes = double(dtype_size(c.dtype));
    const double tokens = B * double(s.seq);
    // Visible keys summed over the queries of one sequence (causal).
    double visible = 0;
    for (std::int64_t i = 0; i < s.seq; ++i) visible += double(s.pos + i + 1);
    WorkCounts w;
    w.flops = 2 * tokens * L * m.layer_matrix_params() + 2 * B * V * d + 4 * double(m.q_dim()) * L * B * visible;
    const double kv_row = double(dtype_size(kv_cache_dtype(c.dtype))) * double(m.kv_dim());  // one position, K or V
    const double kv_read = prefill ? double(s.seq) : double(s.pos + 1);
    w.bytes = wbytes * (L * m.layer_matrix_params() + V * d) + 4 * d * (2 * L + 1) +
              (m.tied ? 0 : B * d * wbytes) + 2 * L * B * kv_row * (kv_read + double(s.seq));
    w.items = tokens;
    return w;
}

std::uint64_t LlmWorkload::device_bytes(const CaseSpec& c) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    return DeviceModel::device_bytes(llm_case_config(c), c.dtype, s.batch, s.capacity, s.seq);
}

std::vector<bk_op_desc> LlmWorkload::ops(const CaseSpec& c) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    return distinct_ops(plan_forward(llm_case_config(c), c.dtype, c.path, {s.batch, s.seq, s.pos, s.capacity, -1, true}));
}

CaseSpec LlmWorkload::make_case(const LlmConfig& m, bk_dtype t, bk_path p, std::int64_t size, std::int64_t batch,
                                const std::string& weights) const {
    CaseSpec c;
    c.workload = id();
    c.dtype = t;
    c.path = p;
    c.size = size;
    const bool prefill = mode_ == Mode::prefill;
    c.size_label = prefill ? fmt::format("{}-p{}", m.name, size) : fmt::format("{}-ctx{}-b{}", m.name, size, batch);
    if (prefill && batch != 1) c.size_label += fmt::format("-b{}", batch);
    c.params = {{"preset", m.name},
                {"dim", m.dim},
                {"layers", m.layers},
                {"heads", m.heads},
                {"kv_heads", m.kv_heads},
                {"head_dim", m.head_dim},
                {"ffn", m.ffn},
                {"vocab", m.vocab},
                {"rope_theta", m.rope_theta},
                {"rope_scaling", m.rope_scaling.factor > 0
                                     ? nlohmann::json{{"rope_type", "llama3"},
                                                      {"factor", m.rope_scaling.factor},
                                                      {"low_freq_factor", m.rope_scaling.low_freq_factor},
                                                      {"high_freq_factor", m.rope_scaling.high_freq_factor},
                                                      {"original_max_position_embeddings",
                                                       m.rope_scaling.original_max_positions}}
                                     : nlohmann::json(nullptr)},
                {"norm_eps", m.norm_eps},
                {"tied_embeddings", m.tied},
                {"batch", batch},
                {prefill ? "prompt_tokens" : "context_tokens", size},
                {"weights", weights.empty() ? std::string("random") : weights},
                {"weight_dtype", dtype_name(t)},
                {"activation_dtype", "fp32"},
                {"kv_cache_dtype", dtype_name(kv_cache_dtype(t))},
                {"gemm_path", path_name(p)},
                {"parameters", m.matrix_params() + m.norm_params()}};
    const WorkCounts w = counts(c);
    c.params["flops_per_token"] = w.flops / w.items;
    c.params["bytes_per_token"] = w.bytes / w.items;
    if (prefill) c.params["time_to_first_token"] = "each sample's time (one run = the whole prompt)";
    return c;
}

std::vector<CaseSpec> LlmWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    const bool prefill = mode_ == Mode::prefill;
    struct Point {
        const char* preset;
        std::int64_t size, batch;
    };
    std::vector<Point> pts;
    std::vector<const char*> big{"1b"};
    if (suite == Suite::full) big.push_back("8b");
    switch (suite) {
        case Suite::smoke:
        case Suite::collective: return {};
        case Suite::quick:
            if (!prefill) pts.push_back({"small", 128, 1});
            break;
        case Suite::standard:
        case Suite::full:
            for (const char* p : big) {
                if (prefill) {
                    // 2048 tokens of 1b are ~4 TFLOP a run: the full suite only.
                    for (std::int64_t n : {128, 512}) pts.push_back({p, n, 1});
                    if (suite == Suite::full) pts.push_back({p, 2048, 1});
                } else {
                    for (std::int64_t n : {128, 1024, 4096}) pts.push_back({p, n, 1});
                    pts.push_back({p, 1024, 8});
                }
            }
            break;
    }
    if (pts.empty()) return {};
    // --size replaces the lengths (keeping each preset and batch once).
    if (!choice.sizes.empty()) {
        std::vector<Point> with;
        for (const auto& p : pts) {
            bool seen = false;
            for (const auto& q : with) seen = seen || (std::string(q.preset) == p.preset && q.batch == p.batch);
            if (seen) continue;
            for (std::int64_t n : choice.sizes) with.push_back({p.preset, n, p.batch});
        }
        pts = with;
    }
    // A model file fixes the shapes: its config replaces the suite's presets.
    std::optional<LlmConfig> from_file;
    if (!choice.weights.empty()) from_file = open_model(choice.weights).config;
    // fp16 in the full suite and on request: fp32 and bf16 are the suites' pair.
    std::vector<bk_dtype> dtypes{BK_F32, BK_BF16};
    if (suite == Suite::full) dtypes.push_back(BK_F16);
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (runs_weight_dtype(t)) dtypes.push_back(t);
    }
    std::vector<CaseSpec> out;
    std::vector<std::string> labels;
    for (bk_dtype t : dtypes)
        for (const auto& pt : pts) {
            const LlmConfig m = from_file ? *from_file : *find_preset(pt.preset);
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) {
                CaseSpec c = make_case(m, t, p, pt.size, pt.batch, choice.weights);
                if (std::find(labels.begin(), labels.end(), c.id()) != labels.end()) continue;
                labels.push_back(c.id());
                out.push_back(std::move(c));
            }
        }
    return out;
}

std::unique_ptr<CaseInstance> LlmWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    LlmRunSetup setup;
    setup.config = llm_case_config(c);
    setup.weight_dtype = c.dtype;
    setup.gemm_path = c.path;
    setup.batch = s.batch;
    setup.seq = s.seq;
    setup.pos = s.pos;
    setup.capacity = s.capacity;
    setup.weights_file = c.params.value("weights", std::string("random"));
    if (setup.weights_file == "random") setup.weights_file.clear();
    return make_llm_case(device, setup, seed);
}

}  // namespace bakeoff
