// The figures of a serving run, from each request's raw times (docs/serving.md
// defines them; `validate` recomputes them from the raw values a results file
// keeps, so they live here, below both the workload and the results reader).
//
// Per request (times in seconds from the start of its run):
//   TTFT  = first_token - arrival           (queueing and prefill included)
//   E2E   = done - arrival
//   TPOT  = (done - first_token) / (output_tokens - 1), for output_tokens > 1
//   ITL   = the gaps between successive output tokens (output_tokens - 1 each)
// Percentiles interpolate linearly between order statistics (numpy's default,
// "linear": the p-th percentile of sorted x[0..n-1] is x at rank p/100 (n-1)).
// Over a run set: output tokens/s = total output tokens / total run time;
// requests/s likewise; tokens/s per user = 1000 / TPOT p50 (ms) — the
// interactivity axis of the throughput-versus-interactivity chart; goodput =
// requests meeting TTFT <= slo_ttft and TPOT <= slo_tpot per second of run.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bakeoff::serving {

struct RequestTimes {
    int run = 0;                 // which timed run served it
    double arrival_s = 0, first_token_s = 0, done_s = 0;
    std::int64_t input_tokens = 0, output_tokens = 0;
    std::vector<double> token_s;  // the time of every output token (output_tokens values, token_s[0] = first_token_s)
};

struct Percentiles {
    double p50 = 0, p90 = 0, p99 = 0, mean = 0;
};

// Linear-interpolation percentile of unsorted x (p in [0, 100]); 0 for empty x.
double percentile(std::span<const double> x, double p);
Percentiles percentiles(std::span<const double> x);

double ttft_s(const RequestTimes& r);
double e2e_s(const RequestTimes& r);
// Mean time per output token after the first; 0 for a request of one token.
double tpot_s(const RequestTimes& r);

struct Slo {
    double ttft_ms = 0, tpot_ms = 0;
};

struct Summary {
    Percentiles ttft_ms, tpot_ms, itl_ms, e2e_ms;
    double output_tokens_per_s = 0, requests_per_s = 0, tokens_per_s_per_user = 0;
    double goodput_rps = 0, goodput_fraction = 0;
    std::int64_t requests = 0, output_tokens = 0;
};

// total_run_s: the summed wall time of the runs that served the requests.
Summary summarize(std::span<const RequestTimes> requests, double total_run_s, const Slo& slo);

}  // namespace bakeoff::serving
