// Serving records (workload "llm.serve", issue 18) as points of the
// throughput-versus-interactivity chart: per record its load (a concurrency,
// closed loop, or a request rate, open loop), output tokens/s per device (the
// record's figure) and per user (params.measured.serving.tokens_per_s_per_user),
// and its latency percentiles where the record has them. Points group into
// one series per (device, model, profile), each with its Pareto frontier
// marked. Used by `bakeoff compare` (a text table), `bakeoff report` (the
// chart and its table) and the static site. docs/report.md, "Serving".
#pragma once

#include "report/compare.h"
#include "report/pareto_chart.h"
#include "report/table.h"
#include "results/record.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff {

inline constexpr const char* kServingWorkload = "llm.serve";

struct ServingPoint {
    std::string device;  // the column label in a comparison; any device label elsewhere
    std::string model, profile;
    std::optional<std::int64_t> concurrency;  // closed loop
    std::optional<double> request_rate;       // open loop, requests/s
    double per_device = 0;                    // output tokens/s per device: the record's median
    double per_user = 0;                      // output tokens/s per user
    std::optional<double> ttft_p50_ms, ttft_p99_ms, tpot_p50_ms, tpot_p99_ms;
    bool on_frontier = false;
    const Record* record = nullptr;

    std::string load_label() const;  // "c4", "2 req/s", or "" when the record names neither
};

// The point of an ok llm.serve record with both throughputs finite and not
// negative; nullopt for anything else (another workload, a failed record, a
// record without tokens_per_s_per_user). Missing labels read as "".
std::optional<ServingPoint> serving_point(const Record& r, const std::string& device);
// The same from a record's params and figure (a registry row); record is null.
std::optional<ServingPoint> serving_point(const nlohmann::json& params, double per_device, const std::string& device);

// One series of the chart: a device, model and profile over its loads.
struct ServingSeries {
    std::string device, model, profile;
    std::vector<ServingPoint> points;  // by concurrency, then request rate; on_frontier set
    std::string name() const;          // "a.json · llama-8b · chat"
};

// Groups points into series in order of first appearance and marks each
// series' Pareto frontier (report/pareto.h).
std::vector<ServingSeries> group_serving_points(std::vector<ServingPoint> points);

// Every column's serving points (from the files' records, so every load
// counts whatever its size label), grouped.
std::vector<ServingSeries> serving_series(const Comparison& c);

// The chart of the series (report/pareto_chart.h draws it).
svg::ParetoChart serving_chart(const std::vector<ServingSeries>& series);

// Per series and load: device, model, profile, load, tok/s/device, tok/s/user,
// on the frontier (yes/no). `latencies` adds TTFT and TPOT p50/p99 (ms).
Table serving_table(const std::vector<ServingSeries>& series, bool latencies);

}  // namespace bakeoff
