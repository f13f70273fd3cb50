// One result record: a workload case run (or not run) on one device. The
// results file (docs/results-schema.md) is a header plus a list of these.
#pragma once

#include "results/metric.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bakeoff {

// The statistics written for a record, all over the per-sample metric values.
struct Statistics {
    std::size_t n = 0;
    double median = 0, min = 0, max = 0, mean = 0, stddev = 0, cv = 0;
    double ci_low = 0, ci_high = 0, ci_coverage = 0;  // 95 % CI of the median
};
Statistics compute_statistics(std::span<const double> values);

// One sample's metric value, `count` being basis_count(w, m.basis):
// count / seconds / scale, or seconds * scale / count when lower is better.
double metric_value(const MetricDef& m, double count, double seconds);
// Per-sample metric values: metric_value of each sample.
std::vector<double> metric_values(const MetricDef& m, const WorkCounts& w, std::span<const double> samples_s);

// not_applicable ("n/a"): the case means nothing on the device (a host-device
// copy where the device is the host); kept in the file, left out of tables,
// charts and coverage counts.
enum class RecordStatus { ok, failed, unsupported, skipped, not_applicable };
std::string_view record_status_name(RecordStatus s);
std::optional<RecordStatus> parse_record_status(std::string_view s);

struct Record {
    std::string id;          // "<case id>@<device id>", unique in a file
    std::string workload;
    std::string dtype, path, size_label;
    std::int64_t size = 0;
    nlohmann::json params = nlohmann::json::object();
    std::string device_id, device_name, backend;
    RecordStatus status = RecordStatus::skipped;
    std::string reason;      // why not ok (empty when ok)
    std::string implementation;          // what the backend ran (op_info)
    std::vector<std::string> warnings;   // shown next to the figure
    std::uint64_t seed = 0;
    WorkCounts work;
    MetricDef metric;
    std::vector<double> samples_s;       // timed runs, seconds each
    std::optional<double> first_call_s;  // the untimed warm-up run, timed on its own
    std::optional<Statistics> stats;     // present only for ok records
    double peak = 0;                     // theoretical peak in the metric's unit; 0 = unknown
    std::string peak_basis;
    std::optional<Verification> verification;
    nlohmann::json telemetry = nlohmann::json::object();
    nlohmann::json claim = nullptr;      // claimed vs measured (report/claims.h); null when not asked
    double wall_s = 0;                   // whole case, setup and verification included
    // Under MPI: the rank that measured the record and its host (written only when set).
    std::optional<int> rank;
    std::string host;

    // The headline figure (median of the metric), when there is one.
    std::optional<double> value() const;
    std::optional<double> percent_of_peak() const;
    // True for a memory-bandwidth case whose arrays fit in the caches
    // (params.cache_resident): a cache figure, not to be set against a memory claim.
    bool cache_resident() const;
    // % of the vendor's claim, when the device matched a chip with a claim.
    std::optional<double> percent_of_claim() const;
};

nlohmann::json to_json(const Record& r);
// Throws std::runtime_error naming the missing or mistyped field.
Record record_from_json(const nlohmann::json& j);

}  // namespace bakeoff
