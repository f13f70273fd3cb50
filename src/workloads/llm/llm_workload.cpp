#include "workloads/llm/llm_workload.h"

#include "core/dtype.h"
#include "numeric/rng.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_source.h"

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

namespace {

// The model file a case names ("" for random weights).
std::string model_path(const CaseSpec& c) {
    const std::string w = c.params.value("weights", std::string("random"));
    return w == "random" ? std::string() : w;
}

// Every matrix row of m is a whole number of t's blocks.
bool whole_blocks(const LlmConfig& m, bk_dtype t) {
    for (const auto& info : model_tensors(m))
        if (!info.is_norm() && format_row_bytes(t, row_length(info)) == 0) return false;
    return true;
}

}  // namespace

LlmConfig llm_case_config(const CaseSpec& c) {
    if (const std::string path = model_path(c); !path.empty()) return model_file_facts(path).config;
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
    m.qkv_bias = p.value("qkv_bias", false);
    return m;
}

ModelTypes llm_case_types(const CaseSpec& c) {
    const LlmConfig m = llm_case_config(c);
    const bk_dtype main = c.dtype;
    const auto infos = model_tensors(m);
    std::vector<bk_dtype> stored;
    if (const std::string path = model_path(c); !path.empty())
        stored = model_file_facts(path).stored;
    else
        stored = ModelTypes::uniform(m, main).tensor;
    // A float case type converts every matrix to it; a block one keeps each
    // matrix as stored (a quantized file mixes types), floats it cannot run
    // (fp8) in bf16.
    std::vector<bk_dtype> loaded(stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
        bk_dtype f = infos[i].is_norm() ? BK_F32 : !is_block_type(main) ? main : stored[i];
        if (!runs_weight_dtype(f)) f = BK_BF16;
        loaded[i] = f;
    }
    // Formats this device has no kernel for, dequantized at load (adapt()).
    if (const auto a = c.params.find("adapted"); a != c.params.end() && a->is_object())
        if (const auto d = a->find("dequantized"); d != a->end() && d->is_object())
            for (auto& f : loaded)
                if (auto it = d->find(std::string(dtype_name(f))); it != d->end())
                    if (auto to = parse_dtype(it->at("to").get<std::string>())) f = *to;
    return ModelTypes::of(m, main, loaded);
}

nlohmann::json llm_model_params(const LlmConfig& m, bk_dtype t, bk_path p, const std::string& weights) {
    return {{"preset", m.name},
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
                {"weights", weights.empty() ? std::string("random") : weights},
                {"weights_format", weights.empty() ? fmt::format("random {}", dtype_name(t))
                                                   : fmt::format("{} {}", model_file_facts(weights).format,
                                                                 dtype_name(model_file_facts(weights).main))},
                {"arch", m.arch},
                {"qkv_bias", m.qkv_bias},
                {"weight_dtype", dtype_name(t)},
                {"activation_dtype", "fp32"},
                {"kv_cache_dtype", dtype_name(kv_cache_dtype(t))},
                {"quality_gate_positions", m.matrix_params() <= 1.5e9 ? 64 : 8},
                {"gemm_path", path_name(p)},
                {"parameters", m.matrix_params() + m.norm_params()}};
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
    const ModelTypes types = llm_case_types(c);
    const double tokens = B * double(s.seq);
    // Visible keys summed over the queries of one sequence (causal).
    double visible = 0;
    for (std::int64_t i = 0; i < s.seq; ++i) visible += double(s.pos + i + 1);
    WorkCounts w;
    w.flops = 2 * tokens * L * m.layer_matrix_params() + 2 * B * V * d + 4 * double(m.q_dim()) * L * B * visible;
    const double kv_row = double(dtype_size(types.kv)) * double(m.kv_dim());  // one position, K or V
    const double kv_read = prefill ? double(s.seq) : double(s.pos + 1);
    // Every matrix read once in the format the device holds it (a quantized
    // one: its blocks' bytes), the embedding table only for the rows gathered
    // unless it is also the head; vectors (norms, biases) in f32.
    const auto infos = model_tensors(m);
    double weight_bytes = 0;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        const double bytes = double(row_count(infos[i])) * double(format_row_bytes(types.tensor[i], row_length(infos[i])));
        if (infos[i].kind != TensorKind::embed || m.tied)
            weight_bytes += bytes;
        else
            weight_bytes += bytes / V * tokens;
    }
    w.bytes = weight_bytes + 2 * L * B * kv_row * (kv_read + double(s.seq));
    w.items = tokens;
    return w;
}

std::uint64_t LlmWorkload::device_bytes(const CaseSpec& c) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    const std::int64_t gate = c.params.value("quality_gate_positions", std::int64_t(0));
    return DeviceModel::device_bytes(llm_case_config(c), llm_case_types(c), s.batch, std::max(s.capacity, gate), s.seq,
                                     gate);
}

std::vector<bk_op_desc> LlmWorkload::ops(const CaseSpec& c) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    return distinct_ops(
        plan_forward(llm_case_config(c), llm_case_types(c), c.path, {s.batch, s.seq, s.pos, s.capacity, -1, true}));
}

void adapt_model_formats(CaseSpec& c, Device& device, const std::vector<bk_op_desc>& ops) {
    const LlmConfig m = llm_case_config(c);
    // Each block format whose GEMM or gather this device cannot run is
    // dequantized at load: to bf16 where its GEMMs run bf16, else to f32.
    nlohmann::json dequantized = nlohmann::json::object();
    for (const auto& op : ops) {
        const bk_dtype f = bk_dtype(op.kind == BK_OP_GEMM ? op.dtype_b : op.dtype_a);
        std::string why;
        if (!is_block_type(f) || dequantized.contains(std::string(dtype_name(f))) || device.supports(op, &why)) continue;
        // bf16 when every GEMM of this format runs in bf16 here, else fp32.
        bool bf16 = true;
        for (const auto& g : ops)
            if (g.kind == BK_OP_GEMM && g.dtype_b == f) {
                bk_op_desc b = g;
                b.dtype_a = b.dtype_b = BK_BF16;
                b.u.gemm.block_abi = 0;
                bf16 = bf16 && device.supports(b, nullptr);
            }
        dequantized[std::string(dtype_name(f))] = {{"to", bf16 ? "bf16" : "fp32"}, {"reason", why}};
    }
    nlohmann::json adapted = nlohmann::json::object();
    if (!dequantized.empty()) {
        adapted["dequantized"] = dequantized;
        // Shown next to the figure: it measures other weights than the label says.
        for (const auto& [from, d] : dequantized.items())
            adapted["notes"].push_back(fmt::format("{} weights run dequantized to {} (no {} kernel here: {})", from,
                                                   d.at("to").get<std::string>(), from, d.at("reason").get<std::string>()));
    }
    c.params["adapted"] = adapted;
    // What the device holds, matrices by parameters: "q4_0" or "q4_0 + q6_k".
    const ModelTypes loaded = llm_case_types(c);
    const auto infos = model_tensors(m);
    std::vector<std::pair<double, bk_dtype>> by_type;
    for (std::size_t i = 0; i < infos.size(); ++i) {
        if (infos[i].is_norm()) continue;
        auto it = std::find_if(by_type.begin(), by_type.end(), [&](const auto& p) { return p.second == loaded.tensor[i]; });
        if (it == by_type.end()) by_type.push_back({double(infos[i].elements()), loaded.tensor[i]});
        else it->first += double(infos[i].elements());
    }
    std::sort(by_type.begin(), by_type.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string as;
    for (const auto& [n, t] : by_type) as += (as.empty() ? "" : " + ") + std::string(dtype_name(t));
    c.params["adapted"]["weights_loaded_as"] = as;
}

void LlmWorkload::adapt(CaseSpec& c, Device& device) const {
    const RunShape s = run_shape(mode_ == Mode::prefill, c);
    adapt_model_formats(c, device,
                        distinct_ops(plan_forward(llm_case_config(c), llm_case_types(c), c.path,
                                                  {s.batch, s.seq, s.pos, s.capacity, -1, true})));
    const WorkCounts w = counts(c);  // the bytes the device reads, as loaded
    c.params["adapted"]["bytes_per_token"] = w.bytes / w.items;
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
    c.params = llm_model_params(m, t, p, weights);
    c.params["batch"] = batch;
    c.params[prefill ? "prompt_tokens" : "context_tokens"] = size;
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
            // With a model of one's own, its prompt processing too (128 tokens).
            if (!prefill || !choice.weights.empty()) pts.push_back({"small", 128, 1});
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
    // A model file fixes the shapes (its own replaces the suite's preset)
    // and the type: its own, unless --dtype converts it to a float type.
    const ModelFileFacts* file = choice.weights.empty() ? nullptr : &model_file_facts(choice.weights);
    // fp16 in the full suite and on request: fp32 and bf16 are the suites' pair.
    std::vector<bk_dtype> dtypes{BK_F32, BK_BF16};
    if (suite == Suite::full) dtypes.push_back(BK_F16);
    if (file) dtypes = {file->main};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes) {
            // A block type needs every matrix row in whole blocks; a file is
            // never requantized to a block type it is not stored in.
            if (!runs_weight_dtype(t) || (file && is_block_type(t) && t != file->main)) continue;
            dtypes.push_back(t);
        }
    }
    std::vector<CaseSpec> out;
    std::vector<std::string> labels;
    for (bk_dtype t : dtypes)
        for (const auto& pt : pts) {
            const LlmConfig m = file ? file->config : *find_preset(pt.preset);
            if (!file && is_block_type(t) && !whole_blocks(m, t)) continue;
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
    setup.weights_file = model_path(c);
    setup.formats = llm_case_types(c).tensor;
    setup.gate_positions = c.params.value("quality_gate_positions", std::int64_t(0));
    setup.gate_sampled_positions = setup.gate_positions;
    return make_llm_case(device, setup, seed);
}

}  // namespace bakeoff
