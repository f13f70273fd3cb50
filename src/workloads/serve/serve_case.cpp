#include "workloads/serve/serve_case.h"

#include "numeric/serving_stats.h"
#include "workloads/llm/llm_case.h"
#include "workloads/llm/llm_reference.h"
#include "workloads/llm/llm_source.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/serve/engine.h"
#include "workloads/serve/serve_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bakeoff::serve {

using namespace llm;

namespace {

// Raw times of at most this many timed runs are kept (and summarised).
constexpr std::size_t kKeptRuns = 32;
constexpr std::int64_t kCheckedRequests = 4;
// The kept rows of logits of the checked requests stay under this.
constexpr double kCheckBytes = 256.0 * (1 << 20);
constexpr std::int64_t kRefPrompt = 24, kRefOutput = 8;

class ServeCase final : public CaseInstance {
public:
    ServeCase(Device& dev, const CaseSpec& c, std::uint64_t seed) : c_(c) {
        const LlmConfig m = llm_case_config(c);
        const ModelTypes types = llm_case_types(c);
        dtype_ = c.dtype;
        formats_ = types.tensor;
        const std::string file = c.params.value("weights", std::string("random"));
        auto source = file == "random" ? random_weights(m, c.dtype, seed) : file_weights(file, c.dtype);
        bool same = true;
        for (std::size_t i = 0; i < types.tensor.size(); ++i) same = same && source->format(i) == types.tensor[i];
        weights_ = same ? std::move(source) : loaded_weights(std::move(source), c.dtype, types.tensor);
        load_ = serve_case_load(c);
        slo_ = {c.params.at("slo_ttft_ms").get<double>(), c.params.at("slo_tpot_ms").get<double>()};
        requests_ = make_requests(load_, m.vocab, c.params.at("load_seed").get<std::uint64_t>());
        engine_ = std::make_unique<Engine>(dev, *weights_, types, c.path, serve_case_limits(c));
        // As many requests as keep their logits rows within kCheckBytes (at least one).
        std::int64_t longest = 1;
        for (const auto& r : requests_) longest = std::max(longest, r.output_len);
        checked_ = std::clamp<std::int64_t>(std::int64_t(kCheckBytes / (4.0 * double(m.vocab) * double(longest))), 1,
                                            std::min<std::int64_t>(kCheckedRequests, std::int64_t(requests_.size())));
    }

    void poison() override { engine_->model().poison_logits(); }

    void run(Stream& stream) override {
        last_ = engine_->serve(stream, requests_, load_, checked_);
        // The first run is the harness's warm-up: its times are not kept.
        if (runs_++ > 0 && kept_.size() < kKeptRuns) {
            kept_.push_back(last_);
            for (auto& q : kept_.back().requests) q.check_logits.clear();  // the times are what is kept
        }
    }

    bk_op_desc main_op() const override {
        const auto l = serve_case_limits(c_);
        for (const auto& st : plan_paged_forward(llm_case_config(c_), llm_case_types(c_), c_.path,
                                                 {l.max_tokens, l.max_seqs, l.block_size, l.num_blocks, l.max_blocks}))
            if (st.op.kind == BK_OP_PAGED_ATTENTION) return st.op;
        return {};
    }

    // Float weights: max |error| / max |reference| over whole logits rows
    // within the dtype's tolerance. Block-quantized weights: their kernels
    // round activations to 8-bit blocks for decode-sized steps and not for
    // steps mixed with a prompt (plugin_quant.h), so the same row may take
    // either rounding in two runs, and rounding compounds over the decode
    // steps: they are judged by the quality gate (docs/models.md), mean KL and
    // top-1 at decisive positions, as quantized models are.
    Verification verify() override {
        Verification v;
        const bool blocks = has_blocks();
        const GateThresholds th = gate_thresholds(dtype_);
        v.tolerance = blocks ? th.kl_mean : llm_tolerance(dtype_, formats_);
        v.measure = blocks ? "mean KL(p || q) in nats over the output positions (quality gate), top-1 at decisive "
                             "positions checked too"
                           : "max |error| / max |reference| over whole logits rows";
        v.method = "every request served; batched vs alone (teacher-forced); alone vs the fp64 forward";
        auto fail = [&](std::string why) {
            v.ok = false;
            v.error = std::numeric_limits<double>::infinity();
            v.detail = std::move(why);
            return v;
        };
        const std::int64_t vocab = engine_->model().config().vocab;
        // One comparison of `got` against `want` (rows of vocab logits): the
        // error in v's measure, and "" or why it fails.
        auto judge = [&](const std::vector<double>& got, const std::vector<double>& want, double* err) -> std::string {
            if (!blocks) {
                *err = relative_error(got, want);
                if (*err <= v.tolerance) return {};
                return fmt::format("max |error| / max |reference| {:.3g} (tolerance {:.3g})", *err, v.tolerance);
            }
            const GateFigures g = gate_figures(want, got, vocab);
            *err = g.kl_mean;
            if (gate_passes(g, th)) return {};
            return fmt::format("mean KL {:.3g} (limit {:.3g}), top-1 {:.0f} % of {} decisive positions (limit {:.0f} %)",
                               g.kl_mean, th.kl_mean, 100 * g.top1, g.top1_positions, 100 * th.top1);
        };
        for (std::size_t i = 0; i < requests_.size(); ++i)
            if (std::int64_t(last_.requests[i].output.size()) != requests_[i].output_len)
                return fail(fmt::format("request {} got {} of its {} output tokens", i, last_.requests[i].output.size(),
                                        requests_[i].output_len));
        // 2. Batched against alone, fed the batched run's tokens.
        double worst = 0;
        for (std::int64_t i = 0; i < checked_; ++i) {
            const Served& batched = last_.requests[std::size_t(i)];
            LoadSpec one = load_;
            one.open_loop = false;
            one.concurrency = 1;
            Request r = requests_[std::size_t(i)];
            r.id = 0;
            const std::vector<std::vector<std::int32_t>> forced{batched.output};
            Stream s(engine_->model().device());
            const Served a = run_alone(s, r, one, &forced).requests.at(0);
            std::vector<double> got, want;
            for (std::size_t t = 0; t < batched.check_logits.size(); ++t) {
                got.insert(got.end(), batched.check_logits[t].begin(), batched.check_logits[t].end());
                want.insert(want.end(), a.check_logits.at(t).begin(), a.check_logits.at(t).end());
            }
            double e = 0;
            if (auto why = judge(got, want, &e); !why.empty())
                return fail(fmt::format("request {}: the batched run against the request run alone: {}: a kernel of "
                                        "the batched path is wrong",
                                        i, why));
            worst = std::max(worst, e);
            // Each token the batched run chose is the alone run's best, or
            // within the tolerance of it (a near-tie); the gate's top-1
            // covers this for block-quantized weights.
            if (!blocks)
                for (std::size_t t = 0; t < a.forced_gap.size(); ++t)
                    if (!(a.forced_gap[t] <= v.tolerance))
                        return fail(fmt::format("request {} output {}: the batched run chose token {}, {:.3g} "
                                                "(relative) below the best logit of the request run alone "
                                                "(tolerance {:.3g})",
                                                i, t, batched.output[t], a.forced_gap[t], v.tolerance));
        }
        // 3. Alone against the fp64 reference.
        std::vector<double> got, want;
        reference_logits(&got, &want);
        double e = 0;
        if (auto why = judge(got, want, &e); !why.empty())
            return fail("a request run alone against the fp64 forward: " + why);
        v.ok = true;
        v.error = std::max(worst, e);
        return v;
    }

    nlohmann::json measured() const override;

private:
    RunResult run_alone(Stream& s, const Request& r, const LoadSpec& one,
                        const std::vector<std::vector<std::int32_t>>* forced) {
        const std::vector<Request> reqs{r};
        return engine_->serve(s, reqs, one, 1, forced);
    }

    bool has_blocks() const {
        return std::any_of(formats_.begin(), formats_.end(), [](bk_dtype f) { return is_block_type(f); });
    }

    // A short request (the first 24 tokens of request 0, 8 outputs) alone:
    // its logits rows, and the fp64 forward's at the same positions.
    void reference_logits(std::vector<double>* got, std::vector<double>* want) {
        Request r;
        const auto& p0 = requests_.front().prompt;
        r.prompt.assign(p0.begin(), p0.begin() + std::min<std::ptrdiff_t>(kRefPrompt, std::ptrdiff_t(p0.size())));
        r.output_len = kRefOutput;
        LoadSpec one = load_;
        one.open_loop = false;
        one.concurrency = 1;
        Stream s(engine_->model().device());
        const RunResult alone = run_alone(s, r, one, nullptr);
        const Served& a = alone.requests[0];
        // Teacher-forced fp64 forward of prompt + outputs; logits at the rows
        // that predicted each output token.
        RefForward f;
        f.weights = weights_.get();
        f.tokens = r.prompt;
        f.tokens.insert(f.tokens.end(), a.output.begin(), a.output.end() - 1);
        f.seq = std::int64_t(f.tokens.size());
        f.kv_dtype = kv_cache_dtype(dtype_);
        f.act_dtype = reference_act_dtype(dtype_);
        std::vector<std::int64_t> rows;
        for (std::int64_t t = 0; t < kRefOutput; ++t) rows.push_back(std::int64_t(r.prompt.size()) - 1 + t);
        const auto x = ref_residual(f, -1, rows);
        *want = ref_logits(*weights_, x, {}, f.act_dtype);
        got->clear();
        for (const auto& row : a.check_logits) got->insert(got->end(), row.begin(), row.end());
    }

    CaseSpec c_;
    bk_dtype dtype_ = BK_F32;
    std::vector<bk_dtype> formats_;
    std::unique_ptr<WeightSource> weights_;
    LoadSpec load_;
    serving::Slo slo_;
    std::vector<Request> requests_;
    std::unique_ptr<Engine> engine_;
    std::int64_t checked_ = 1;  // requests whose logits rows the batched run keeps
    std::size_t runs_ = 0;
    RunResult last_;
    std::vector<RunResult> kept_;
};

nlohmann::json percentiles_json(const serving::Percentiles& p) {
    return {{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"mean", p.mean}};
}

nlohmann::json ServeCase::measured() const {
    std::vector<serving::RequestTimes> all;
    std::vector<double> run_wall;
    double step_total = 0, device_total = 0;
    std::int64_t preempted = 0, waited = 0, steps = 0;
    nlohmann::json raw = nlohmann::json::array();
    for (std::size_t k = 0; k < kept_.size(); ++k) {
        const RunResult& r = kept_[k];
        run_wall.push_back(r.wall_s);
        for (double s : r.step_s) step_total += s;
        device_total += r.device_s;
        preempted += r.preemptions;
        waited += r.waited;
        steps += r.steps;
        for (const auto& q : r.requests) {
            serving::RequestTimes t = q.times;
            t.run = int(k);
            all.push_back(t);
            raw.push_back({{"run", k},
                           {"arrival_s", t.arrival_s},
                           {"first_token_s", t.first_token_s},
                           {"done_s", t.done_s},
                           {"input_tokens", t.input_tokens},
                           {"output_tokens", t.output_tokens},
                           {"token_s", t.token_s}});
        }
    }
    double wall = 0;
    for (double w : run_wall) wall += w;
    const serving::Summary s = serving::summarize(all, wall, slo_);
    nlohmann::json j = {{"runs", kept_.size()},
                        {"run_wall_s", run_wall},
                        {"requests", s.requests},
                        {"output_tokens", s.output_tokens},
                        {"ttft_ms", percentiles_json(s.ttft_ms)},
                        {"tpot_ms", percentiles_json(s.tpot_ms)},
                        {"itl_ms", percentiles_json(s.itl_ms)},
                        {"e2e_ms", percentiles_json(s.e2e_ms)},
                        {"output_tokens_per_s", s.output_tokens_per_s},
                        {"requests_per_s", s.requests_per_s},
                        {"tokens_per_s_per_user", s.tokens_per_s_per_user},
                        {"goodput_rps", s.goodput_rps},
                        {"goodput_fraction", s.goodput_fraction},
                        {"slo", {{"ttft_ms", slo_.ttft_ms}, {"tpot_ms", slo_.tpot_ms}}},
                        {"preemptions", preempted},
                        {"waited", waited},
                        {"steps", steps},
                        {"scheduler_overhead_fraction", step_total > 0 ? 1.0 - device_total / step_total : 0.0},
                        {"per_request", raw}};
    return nlohmann::json{{"serving", j}};
}

}  // namespace

std::unique_ptr<CaseInstance> make_serve_case(Device& device, const CaseSpec& c, std::uint64_t seed) {
    return std::make_unique<ServeCase>(device, c, seed);
}

}  // namespace bakeoff::serve
