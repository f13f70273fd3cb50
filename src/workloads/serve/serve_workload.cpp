#include "workloads/serve/serve_workload.h"

#include "core/dtype.h"
#include "core/usage_error.h"
#include "workloads/llm/llm_model.h"
#include "workloads/llm/llm_source.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/serve/engine.h"
#include "workloads/serve/serve_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bakeoff {

using namespace llm;

namespace {

// Rows per step: enough for every sequence's decode row, and a prompt chunk.
constexpr std::int64_t kStepTokens = 256;
constexpr std::int64_t kBlockSize = 16;
// An open loop's cap on sequences in flight (the rest queue).
constexpr std::int64_t kOpenLoopSeqs = 32;

}  // namespace

serve::LoadSpec serve_case_load(const CaseSpec& c) {
    const auto& p = c.params;
    serve::LoadSpec l;
    l.profile = p.at("profile").get<std::string>();
    l.isl = positive_param(p, "input_tokens", "llm.serve");
    l.osl = positive_param(p, "output_tokens", "llm.serve");
    l.requests = positive_param(p, "requests", "llm.serve");
    l.open_loop = p.at("arrival").get<std::string>() == "poisson";
    if (l.open_loop)
        l.rate = number_param(p, "request_rate", "llm.serve");
    else
        l.concurrency = positive_param(p, "concurrency", "llm.serve");
    return l;
}

serve::SchedulerLimits serve_case_limits(const CaseSpec& c) {
    const auto& p = c.params;
    serve::SchedulerLimits l;
    l.max_tokens = positive_param(p, "step_tokens", "llm.serve");
    l.max_seqs = positive_param(p, "max_seqs", "llm.serve");
    l.block_size = positive_param(p, "kv_block_size", "llm.serve");
    l.num_blocks = positive_param(p, "kv_blocks", "llm.serve");
    l.max_blocks = positive_param(p, "kv_blocks_per_seq", "llm.serve");
    return l;
}

std::string ServeWorkload::description() const {
    return "Llama-shaped model served under load: continuous batching, paged KV cache; output tokens/s, TTFT/TPOT/ITL "
           "percentiles, goodput";
}

MetricDef ServeWorkload::metric(const CaseSpec&) const { return {"throughput", "tokens/s", "items", 1.0}; }

WorkCounts ServeWorkload::counts(const CaseSpec& c) const {
    const LlmConfig m = llm_case_config(c);
    const auto reqs = serve::make_requests(serve_case_load(c), m.vocab, c.params.at("load_seed").get<std::uint64_t>());
    double in = 0, out = 0;
    for (const auto& r : reqs) in += double(r.prompt.size()), out += double(r.output_len);
    WorkCounts w;
    w.flops = 2 * double(m.layers) * m.layer_matrix_params() * (in + out) + 2 * double(m.vocab) * double(m.dim) * out;
    w.bytes = 0;
    w.items = out;
    return w;
}

std::uint64_t ServeWorkload::device_bytes(const CaseSpec& c) const {
    return DeviceModel::device_bytes(llm_case_config(c), llm_case_types(c),
                                     serve::Engine::pool_of(serve_case_limits(c)));
}

std::vector<bk_op_desc> ServeWorkload::ops(const CaseSpec& c) const {
    const auto l = serve_case_limits(c);
    return distinct_ops(plan_paged_forward(llm_case_config(c), llm_case_types(c), c.path,
                                           {l.max_tokens, l.max_seqs, l.block_size, l.num_blocks, l.max_blocks}));
}

double ServeWorkload::peak(const CaseSpec&, const DeviceInfo&) const { return 0; }

void ServeWorkload::adapt(CaseSpec& c, Device& device) const { adapt_model_formats(c, device, ops(c)); }

CaseSpec ServeWorkload::make_case(const LlmConfig& m, bk_dtype t, bk_path p, const std::string& weights,
                                  const serve::LoadSpec& load, double slo_ttft_ms, double slo_tpot_ms,
                                  std::int64_t kv_blocks) const {
    serve::SchedulerLimits lim;
    lim.block_size = kBlockSize;
    // The last output token is sampled, never cached.
    lim.max_blocks = (load.isl + load.osl - 1 + kBlockSize - 1) / kBlockSize;
    lim.max_seqs = load.open_loop ? kOpenLoopSeqs : load.concurrency;
    lim.max_tokens = std::max(kStepTokens, lim.max_seqs);
    lim.num_blocks = kv_blocks > 0 ? kv_blocks : lim.max_seqs * lim.max_blocks;
    if (m.context > 0 && load.isl + load.osl > m.context)
        throw UsageError(fmt::format("--isl + --osl: {} tokens is longer than the model's context ({})",
                                                load.isl + load.osl, m.context));
    if (auto why = serve::Scheduler(lim).check_request(load.isl, load.osl); !why.empty())
        throw UsageError(fmt::format("--kv-blocks: {} blocks: {}", lim.num_blocks, why));
    CaseSpec c;
    c.workload = id();
    c.dtype = t;
    c.path = p;
    c.size = load.open_loop ? std::int64_t(std::llround(load.rate * 1000)) : load.concurrency;
    c.size_label = load.open_loop ? fmt::format("{}-{}-r{:g}", m.name, load.profile, load.rate)
                                  : fmt::format("{}-{}-c{}", m.name, load.profile, load.concurrency);
    c.params = llm_model_params(m, t, p, weights);
    c.params.erase("quality_gate_positions");
    c.params["model"] = weights.empty() ? m.name : weights;
    c.params["profile"] = load.profile;
    c.params["input_tokens"] = load.isl;
    c.params["output_tokens"] = load.osl;
    c.params["requests"] = load.requests;
    c.params["arrival"] = load.open_loop ? "poisson" : "closed";
    if (load.open_loop)
        c.params["request_rate"] = load.rate;
    else
        c.params["concurrency"] = load.concurrency;
    c.params["load_seed"] = 1;
    c.params["slo_ttft_ms"] = slo_ttft_ms;
    c.params["slo_tpot_ms"] = slo_tpot_ms;
    c.params["step_tokens"] = lim.max_tokens;
    c.params["max_seqs"] = lim.max_seqs;
    c.params["kv_block_size"] = lim.block_size;
    c.params["kv_blocks"] = lim.num_blocks;
    c.params["kv_blocks_per_seq"] = lim.max_blocks;
    c.params["preemption"] = "recompute";
    c.params["sampling"] = "greedy";
    return c;
}

std::vector<CaseSpec> ServeWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    const ServeChoice& sc = choice.serve;
    const char* preset = nullptr;
    std::vector<std::int64_t> conc;
    std::int64_t requests = 16;
    switch (suite) {
        case Suite::smoke:
        case Suite::collective: return {};
        case Suite::quick: preset = "tiny", conc = {4}; break;
        case Suite::standard:
        case Suite::full:
            preset = "small";
            conc = {1, 2, 4, 8, 16};
            break;
    }
    if (!sc.concurrency.empty()) conc = sc.concurrency;
    const ModelFileFacts* file = choice.weights.empty() ? nullptr : &model_file_facts(choice.weights);
    const LlmConfig m = file ? file->config : *find_preset(preset);
    serve::LoadSpec load;
    load.profile = sc.profile.empty() ? "chat" : sc.profile;
    const auto prof = serve::find_profile(load.profile);
    if (!prof) throw UsageError(fmt::format("--profile: '{}' is not a profile (chat, summarize, reason)", load.profile));
    load.isl = sc.isl > 0 ? sc.isl : prof->isl / kProfileScale;
    load.osl = sc.osl > 0 ? sc.osl : prof->osl / kProfileScale;
    if (sc.isl > 0 || sc.osl > 0) load.profile = "custom";
    load.requests = sc.requests > 0 ? sc.requests : requests;
    std::vector<serve::LoadSpec> loads;
    if (!sc.rates.empty()) {
        for (double r : sc.rates) {
            serve::LoadSpec l = load;
            l.open_loop = true;
            l.rate = r;
            loads.push_back(l);
        }
    } else {
        for (std::int64_t n : conc) {
            serve::LoadSpec l = load;
            l.concurrency = n;
            loads.push_back(l);
        }
    }
    std::vector<bk_dtype> dtypes{BK_F32};
    if (file) dtypes = {file->main};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (runs_weight_dtype(t) && (!file || !is_block_type(t) || t == file->main)) dtypes.push_back(t);
    }
    const double ttft = sc.slo_ttft_ms > 0 ? sc.slo_ttft_ms : kSloTtftMs;
    const double tpot = sc.slo_tpot_ms > 0 ? sc.slo_tpot_ms : kSloTpotMs;
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes) {
        // One path, as a server runs one: the platform's GEMMs for float
        // weights; bakeoff's kernels for block-quantized ones (no vendor
        // library runs GGML blocks). --path chooses otherwise.
        std::vector<bk_path> paths{is_block_type(t) ? BK_PATH_PORTABLE : BK_PATH_VENDOR};
        if (!choice.paths.empty()) paths = choice.paths;
        for (bk_path p : paths)
            for (const auto& l : loads) out.push_back(make_case(m, t, p, choice.weights, l, ttft, tpot, sc.kv_blocks));
    }
    return out;
}

std::unique_ptr<CaseInstance> ServeWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    return serve::make_serve_case(device, c, seed);
}

}  // namespace bakeoff
