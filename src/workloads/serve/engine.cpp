#include "workloads/serve/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace bakeoff::serve {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
}  // namespace

llm::PagedPool Engine::pool_of(const SchedulerLimits& l) {
    return {l.max_tokens, l.max_seqs, l.block_size, l.num_blocks, l.max_blocks};
}

Engine::Engine(Device& dev, const llm::WeightSource& w, const llm::ModelTypes& types, bk_path gemm_path,
               const SchedulerLimits& limits)
    : limits_(limits), model_(dev, w, types, gemm_path, pool_of(limits)) {}

RunResult Engine::serve(Stream& stream, const std::vector<Request>& requests, const LoadSpec& load,
                        std::int64_t keep_logits, const std::vector<std::vector<std::int32_t>>* forced) {
    const std::int64_t vocab = model_.config().vocab;
    Scheduler sched(limits_);
    RunResult r;
    r.requests.resize(requests.size());
    std::size_t next = 0;  // the next request to arrive
    std::int64_t in_flight = 0;
    const auto t0 = Clock::now();
    auto arrive = [&](std::size_t i, double at) {
        sched.add(std::int64_t(i), requests[i].prompt, requests[i].output_len);
        auto& t = r.requests[i].times;
        t.arrival_s = at;
        t.input_tokens = std::int64_t(requests[i].prompt.size());
        ++in_flight;
    };
    llm::DeviceModel::PagedStep st;
    while (true) {
        // Arrivals: closed loop keeps `concurrency` in flight; open loop
        // admits every request whose time has come, and sleeps until the
        // next one when there is nothing to run.
        if (!load.open_loop) {
            for (; next < requests.size() && in_flight < load.concurrency; ++next) arrive(next, since(t0));
        } else {
            if (sched.idle() && next < requests.size()) {
                const double wait = requests[next].arrival_s - since(t0);
                if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
            }
            for (; next < requests.size() && requests[next].arrival_s <= since(t0); ++next)
                arrive(next, requests[next].arrival_s);
        }
        if (sched.idle()) {
            if (next >= requests.size()) break;
            continue;
        }
        const auto t_step = Clock::now();
        const StepPlan plan = sched.schedule();
        if (plan.chunks.empty()) throw std::logic_error("serve: the scheduler planned an empty step with work waiting");
        // The step's index operands.
        const std::int64_t S = std::int64_t(plan.chunks.size()), mb = limits_.max_blocks, bs = limits_.block_size;
        st.ids.clear(), st.pos.clear(), st.slot.clear(), st.q_start.assign(1, 0), st.kv_len.clear();
        st.block_table.assign(std::size_t(S * mb), 0);
        for (std::int64_t c = 0; c < S; ++c) {
            const Chunk& ch = plan.chunks[std::size_t(c)];
            const Sequence& seq = sched.sequence(ch.seq);
            for (std::int64_t p = ch.start; p < ch.start + ch.len; ++p) {
                st.ids.push_back(seq.tokens[std::size_t(p)]);
                st.pos.push_back(std::int32_t(p));
                st.slot.push_back(std::int32_t(seq.blocks[std::size_t(p / bs)] * bs + p % bs));
            }
            st.q_start.push_back(std::int32_t(st.ids.size()));
            st.kv_len.push_back(std::int32_t(ch.start + ch.len));
            std::copy(seq.blocks.begin(), seq.blocks.end(), st.block_table.begin() + c * mb);
        }
        model_.set_paged_step(st);
        if (plan.tokens != plan_tokens_ || S != plan_seqs_) {
            plan_ = model_.plan_paged(plan.tokens, S);
            plan_tokens_ = plan.tokens;
            plan_seqs_ = S;
        }
        const auto t_dev = Clock::now();
        model_.launch(stream, plan_);
        stream.sync();
        r.device_s += since(t_dev);
        logits_ = model_.download(llm::Act::logits, S * vocab);
        // Greedy: each sampling chunk's row's argmax (ties: the lower id).
        std::vector<std::int32_t> sampled;
        const double now = since(t0);
        for (std::int64_t c = 0; c < S; ++c) {
            const Chunk& ch = plan.chunks[std::size_t(c)];
            if (!ch.samples) continue;
            const float* row = logits_.data() + c * vocab;
            const std::size_t i = std::size_t(ch.seq);
            Served& out = r.requests[i];
            std::int32_t tok = std::int32_t(std::max_element(row, row + vocab) - row);
            if (forced) {
                const auto& f = (*forced).at(i);
                if (out.output.size() < f.size()) {
                    const float best = row[tok];
                    tok = f[out.output.size()];
                    float scale = 0;
                    for (std::int64_t v = 0; v < vocab; ++v) scale = std::max(scale, std::fabs(row[v]));
                    out.forced_gap.push_back(scale > 0 ? double(best - row[tok]) / double(scale) : 0.0);
                }
            }
            sampled.push_back(tok);
            out.output.push_back(tok);
            out.times.token_s.push_back(now);
            if (std::int64_t(i) < keep_logits) out.check_logits.emplace_back(row, row + vocab);
        }
        for (std::int64_t id : sched.complete(plan, sampled)) {
            auto& t = r.requests[std::size_t(id)].times;
            t.output_tokens = std::int64_t(r.requests[std::size_t(id)].output.size());
            t.first_token_s = t.token_s.front();
            t.done_s = t.token_s.back();
            --in_flight;
        }
        ++r.steps;
        r.step_s.push_back(since(t_step));
    }
    r.wall_s = since(t0);
    r.preemptions = sched.preemptions();
    for (std::size_t i = 0; i < requests.size(); ++i) r.waited += sched.sequence(std::int64_t(i)).waited ? 1 : 0;
    return r;
}

}  // namespace bakeoff::serve
