// params.measured.serving as llm.serve writes it, for tests that hand-make
// llm.serve records: consistent with its raw times, as validate recomputes them.
#pragma once

#include "numeric/serving_stats.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace bakeoff::testing {

// params.measured.serving as llm.serve writes it, consistent with its raw
// times (validate recomputes them): three requests of 5 tokens `1 / per_user`
// s apart, first tokens 120, 150 and 210 ms after arrival.
inline nlohmann::json serving_figures(double per_user) {
    std::vector<serving::RequestTimes> reqs;
    nlohmann::json raw = nlohmann::json::array();
    const double ttft[] = {0.12, 0.15, 0.21};
    for (int i = 0; i < 3; ++i) {
        serving::RequestTimes t;
        t.arrival_s = 0.01 * i;
        for (int k = 0; k < 5; ++k) t.token_s.push_back(t.arrival_s + ttft[i] + k / per_user);
        t.first_token_s = t.token_s.front();
        t.done_s = t.token_s.back();
        t.input_tokens = 16;
        t.output_tokens = 5;
        raw.push_back({{"run", 0}, {"arrival_s", t.arrival_s}, {"first_token_s", t.first_token_s},
                       {"done_s", t.done_s}, {"input_tokens", 16}, {"output_tokens", 5}, {"token_s", t.token_s}});
        reqs.push_back(t);
    }
    const double wall = 1.0;
    const serving::Slo slo{2000, 200};
    const serving::Summary s = serving::summarize(reqs, wall, slo);
    auto pct = [](const serving::Percentiles& p) {
        return nlohmann::json{{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"mean", p.mean}};
    };
    return {{"runs", 1}, {"run_wall_s", {wall}}, {"requests", s.requests}, {"output_tokens", s.output_tokens},
            {"ttft_ms", pct(s.ttft_ms)}, {"tpot_ms", pct(s.tpot_ms)}, {"itl_ms", pct(s.itl_ms)},
            {"e2e_ms", pct(s.e2e_ms)}, {"output_tokens_per_s", s.output_tokens_per_s},
            {"requests_per_s", s.requests_per_s}, {"tokens_per_s_per_user", s.tokens_per_s_per_user},
            {"goodput_rps", s.goodput_rps}, {"goodput_fraction", s.goodput_fraction},
            {"slo", {{"ttft_ms", slo.ttft_ms}, {"tpot_ms", slo.tpot_ms}}}, {"per_request", raw}};
}

}  // namespace bakeoff::testing
