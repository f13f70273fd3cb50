#include "results/serving_check.h"

#include "numeric/serving_stats.h"
#include "results/metric.h"

#include <fmt/format.h>


namespace bakeoff {

std::string check_serving_figures(const nlohmann::json& params) {
    const auto m = params.find("measured");
    if (m == params.end() || !m->is_object() || !m->contains("serving")) return {};
    const nlohmann::json& s = m->at("serving");
    try {
        std::vector<serving::RequestTimes> reqs;
        for (const auto& q : s.at("per_request")) {
            serving::RequestTimes t;
            t.run = q.at("run").get<int>();
            t.arrival_s = q.at("arrival_s").get<double>();
            t.first_token_s = q.at("first_token_s").get<double>();
            t.done_s = q.at("done_s").get<double>();
            t.input_tokens = q.at("input_tokens").get<std::int64_t>();
            t.output_tokens = q.at("output_tokens").get<std::int64_t>();
            t.token_s = q.at("token_s").get<std::vector<double>>();
            if (std::int64_t(t.token_s.size()) != t.output_tokens || t.token_s.empty() ||
                t.token_s.front() != t.first_token_s || t.token_s.back() != t.done_s)
                return "serving: a request's token times do not match its first token, last token and output count";
            reqs.push_back(std::move(t));
        }
        double wall = 0;
        for (double w : s.at("run_wall_s").get<std::vector<double>>()) wall += w;
        const serving::Slo slo{s.at("slo").at("ttft_ms").get<double>(), s.at("slo").at("tpot_ms").get<double>()};
        const serving::Summary want = serving::summarize(reqs, wall, slo);
        const std::pair<const char*, serving::Percentiles> groups[] = {
            {"ttft_ms", want.ttft_ms}, {"tpot_ms", want.tpot_ms}, {"itl_ms", want.itl_ms}, {"e2e_ms", want.e2e_ms}};
        for (const auto& [name, p] : groups)
            for (const auto& [k, v] : {std::pair{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"mean", p.mean}})
                if (!same_figure(s.at(name).at(k).get<double>(), v))
                    return fmt::format("serving: {}.{} is {} but the per-request times give {}", name, k,
                                       s.at(name).at(k).get<double>(), v);
        for (const auto& [k, v] : {std::pair{"output_tokens_per_s", want.output_tokens_per_s},
                                   {"requests_per_s", want.requests_per_s},
                                   {"tokens_per_s_per_user", want.tokens_per_s_per_user},
                                   {"goodput_rps", want.goodput_rps},
                                   {"goodput_fraction", want.goodput_fraction}})
            if (!same_figure(s.at(k).get<double>(), v))
                return fmt::format("serving: {} is {} but the per-request times give {}", k, s.at(k).get<double>(), v);
        if (s.at("requests").get<std::int64_t>() != want.requests)
            return "serving: the request count does not match the per-request times";
    } catch (const nlohmann::json::exception& e) {
        return fmt::format("serving: the figures or their raw times are malformed ({})", e.what());
    }
    return {};
}

}  // namespace bakeoff
