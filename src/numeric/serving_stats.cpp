#include "numeric/serving_stats.h"

#include <algorithm>
#include <cmath>

namespace bakeoff::serving {

double percentile(std::span<const double> x, double p) {
    if (x.empty()) return 0;
    std::vector<double> s(x.begin(), x.end());
    std::sort(s.begin(), s.end());
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(s.size() - 1);
    const std::size_t lo = std::size_t(std::floor(rank));
    const std::size_t hi = std::min(lo + 1, s.size() - 1);
    return s[lo] + (rank - double(lo)) * (s[hi] - s[lo]);
}

Percentiles percentiles(std::span<const double> x) {
    Percentiles p;
    if (x.empty()) return p;
    p.p50 = percentile(x, 50);
    p.p90 = percentile(x, 90);
    p.p99 = percentile(x, 99);
    double sum = 0;
    for (double v : x) sum += v;
    p.mean = sum / double(x.size());
    return p;
}

double ttft_s(const RequestTimes& r) { return r.first_token_s - r.arrival_s; }
double e2e_s(const RequestTimes& r) { return r.done_s - r.arrival_s; }
double tpot_s(const RequestTimes& r) {
    return r.output_tokens > 1 ? (r.done_s - r.first_token_s) / double(r.output_tokens - 1) : 0.0;
}

Summary summarize(std::span<const RequestTimes> reqs, double total_run_s, const Slo& slo) {
    Summary s;
    std::vector<double> ttft, tpot, itl, e2e;
    std::int64_t good = 0;
    for (const auto& r : reqs) {
        ttft.push_back(1e3 * ttft_s(r));
        e2e.push_back(1e3 * e2e_s(r));
        if (r.output_tokens > 1) tpot.push_back(1e3 * tpot_s(r));
        for (std::size_t i = 1; i < r.token_s.size(); ++i) itl.push_back(1e3 * (r.token_s[i] - r.token_s[i - 1]));
        s.output_tokens += r.output_tokens;
        // A request of one token has no TPOT: it meets that bound.
        if (1e3 * ttft_s(r) <= slo.ttft_ms && 1e3 * tpot_s(r) <= slo.tpot_ms) ++good;
    }
    s.requests = std::int64_t(reqs.size());
    s.ttft_ms = percentiles(ttft);
    s.tpot_ms = percentiles(tpot);
    s.itl_ms = percentiles(itl);
    s.e2e_ms = percentiles(e2e);
    if (total_run_s > 0) {
        s.output_tokens_per_s = double(s.output_tokens) / total_run_s;
        s.requests_per_s = double(s.requests) / total_run_s;
        s.goodput_rps = double(good) / total_run_s;
    }
    s.goodput_fraction = s.requests ? double(good) / double(s.requests) : 0.0;
    s.tokens_per_s_per_user = s.tpot_ms.p50 > 0 ? 1e3 / s.tpot_ms.p50 : 0.0;
    return s;
}

}  // namespace bakeoff::serving
