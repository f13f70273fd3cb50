#include "results/record.h"

#include "core/name_table.h"
#include "numeric/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace bakeoff {

Statistics compute_statistics(std::span<const double> v) {
    Statistics s;
    s.n = v.size();
    // One sorted copy serves the median and its CI; min, max, mean and stddev
    // read the samples in their own order (a sum's last bits depend on it).
    std::vector<double> sorted(v.begin(), v.end());
    std::sort(sorted.begin(), sorted.end());
    s.median = stats::median_sorted(sorted);
    s.min = stats::min(v);
    s.max = stats::max(v);
    s.mean = stats::mean(v);
    s.stddev = stats::stddev(v);
    s.cv = stats::cv(v);
    auto ci = stats::median_ci_sorted(sorted, 0.95);
    s.ci_low = ci.low;
    s.ci_high = ci.high;
    s.ci_coverage = ci.coverage;
    return s;
}

double metric_value(const MetricDef& m, double count, double seconds) {
    return m.lower_is_better ? seconds * m.scale / count : count / seconds / m.scale;
}

std::vector<double> metric_values(const MetricDef& m, const WorkCounts& w, std::span<const double> samples_s) {
    const double count = basis_count(w, m.basis);
    std::vector<double> out;
    out.reserve(samples_s.size());
    for (double t : samples_s) out.push_back(metric_value(m, count, t));
    return out;
}

namespace {
constexpr NameEntry<RecordStatus> kStatusNames[] = {{RecordStatus::ok, "ok"},
                                                    {RecordStatus::failed, "failed"},
                                                    {RecordStatus::unsupported, "unsupported"},
                                                    {RecordStatus::skipped, "skipped"},
                                                    {RecordStatus::not_applicable, "n/a"}};
}

std::string_view record_status_name(RecordStatus s) { return name_of(kStatusNames, s); }

std::optional<RecordStatus> parse_record_status(std::string_view s) { return value_named(kStatusNames, s); }

std::optional<double> Record::value() const {
    if (status != RecordStatus::ok || !stats) return std::nullopt;
    return stats->median;
}

std::optional<double> Record::percent_of_peak() const {
    auto v = value();
    if (!v || peak <= 0) return std::nullopt;
    return 100.0 * *v / peak;
}

bool Record::cache_resident() const {
    return params.is_object() && params.contains("cache_resident") && params["cache_resident"].is_boolean() &&
           params["cache_resident"].get<bool>();
}

std::optional<double> Record::percent_of_claim() const {
    if (!claim.is_object() || !claim.contains("percent") || !claim["percent"].is_number()) return std::nullopt;
    return claim["percent"].get<double>();
}

nlohmann::json to_json(const Record& r) {
    using nlohmann::json;
    json j = {
        {"id", r.id},
        {"workload", r.workload},
        {"dtype", r.dtype},
        {"path", r.path},
        {"size", r.size},
        {"size_label", r.size_label},
        {"params", r.params},
        {"device", {{"id", r.device_id}, {"name", r.device_name}, {"backend", r.backend}}},
        {"status", record_status_name(r.status)},
        {"reason", r.reason},
        {"implementation", r.implementation},
        {"warnings", r.warnings},
        {"seed", r.seed},
        {"work", {{"flops", r.work.flops}, {"bytes", r.work.bytes}, {"items", r.work.items}}},
        {"metric",
         {{"name", r.metric.name},
          {"unit", r.metric.unit},
          {"basis", r.metric.basis},
          {"scale", r.metric.scale},
          {"lower_is_better", r.metric.lower_is_better}}},
        {"samples_s", r.samples_s},
        {"first_call_s", r.first_call_s ? json(*r.first_call_s) : json(nullptr)},
        {"telemetry", r.telemetry},
        {"claim", r.claim},
        {"wall_s", r.wall_s},
    };
    if (r.rank) j["rank"] = *r.rank;
    if (!r.host.empty()) j["host"] = r.host;
    if (r.stats) {
        const auto& s = *r.stats;
        j["statistics"] = {{"n", s.n},           {"median", s.median}, {"min", s.min},
                           {"max", s.max},       {"mean", s.mean},     {"stddev", s.stddev},
                           {"cv", s.cv},         {"ci95_low", s.ci_low}, {"ci95_high", s.ci_high},
                           {"ci_coverage", s.ci_coverage}};
        j["value"] = s.median;
    } else {
        j["statistics"] = nullptr;
        j["value"] = nullptr;
    }
    j["peak"] = r.peak > 0 ? json{{"value", r.peak}, {"basis", r.peak_basis},
                                  {"percent", r.percent_of_peak() ? json(*r.percent_of_peak()) : json(nullptr)}}
                           : json(nullptr);
    if (r.verification) {
        const auto& v = *r.verification;
        j["verification"] = {{"ok", v.ok},           {"method", v.method}, {"measure", v.measure},
                             {"error", v.error},     {"tolerance", v.tolerance}, {"detail", v.detail}};
        // JSON has no infinity: an unbounded error is written as null.
        if (!std::isfinite(v.error)) j["verification"]["error"] = nullptr;
    } else {
        j["verification"] = nullptr;
    }
    return j;
}

namespace {
template <typename T>
T field(const nlohmann::json& j, const char* name) {
    if (!j.contains(name)) throw std::runtime_error(fmt::format("missing field '{}'", name));
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        // The library's own conversion casts a float or an out-of-range integer
        // without a check (undefined for 1e300); accept only integers that fit.
        const auto& v = j.at(name);
        if (!v.is_number_integer())
            throw std::runtime_error(fmt::format("field '{}' must be an integer, not {}", name,
                                                 v.is_number() ? "a fraction" : v.type_name()));
        const bool fits = v.is_number_unsigned()
                              ? v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max())
                              : std::in_range<T>(v.get<std::int64_t>());
        if (!fits) throw std::runtime_error(fmt::format("field '{}' is out of range ({})", name, v.dump()));
        return v.is_number_unsigned() ? T(v.get<std::uint64_t>()) : T(v.get<std::int64_t>());
    }
    try {
        return j.at(name).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error(fmt::format("field '{}' has the wrong type ({})", name, j.at(name).type_name()));
    }
}
const nlohmann::json& object(const nlohmann::json& j, const char* name) {
    if (!j.contains(name) || !j.at(name).is_object())
        throw std::runtime_error(fmt::format("field '{}' must be an object", name));
    return j.at(name);
}
}  // namespace

Record record_from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw std::runtime_error("a record must be a JSON object");
    Record r;
    r.id = field<std::string>(j, "id");
    r.workload = field<std::string>(j, "workload");
    r.dtype = field<std::string>(j, "dtype");
    r.path = field<std::string>(j, "path");
    r.size = field<std::int64_t>(j, "size");
    r.size_label = field<std::string>(j, "size_label");
    r.params = object(j, "params");
    const auto& d = object(j, "device");
    r.device_id = field<std::string>(d, "id");
    r.device_name = field<std::string>(d, "name");
    r.backend = field<std::string>(d, "backend");
    auto st = parse_record_status(field<std::string>(j, "status"));
    if (!st) throw std::runtime_error(fmt::format("unknown status '{}'", j.at("status").get<std::string>()));
    r.status = *st;
    r.reason = field<std::string>(j, "reason");
    r.implementation = field<std::string>(j, "implementation");
    r.warnings = field<std::vector<std::string>>(j, "warnings");
    r.seed = field<std::uint64_t>(j, "seed");
    const auto& w = object(j, "work");
    r.work.flops = field<double>(w, "flops");
    r.work.bytes = field<double>(w, "bytes");
    if (w.contains("items")) r.work.items = field<double>(w, "items");
    const auto& m = object(j, "metric");
    r.metric.name = field<std::string>(m, "name");
    r.metric.unit = field<std::string>(m, "unit");
    r.metric.basis = field<std::string>(m, "basis");
    r.metric.scale = field<double>(m, "scale");
    if (m.contains("lower_is_better")) r.metric.lower_is_better = field<bool>(m, "lower_is_better");
    r.samples_s = field<std::vector<double>>(j, "samples_s");
    if (j.contains("first_call_s") && !j.at("first_call_s").is_null()) r.first_call_s = field<double>(j, "first_call_s");
    if (j.contains("telemetry")) r.telemetry = j.at("telemetry");
    if (j.contains("claim")) {
        r.claim = j.at("claim");
        if (!r.claim.is_null() && !r.claim.is_object()) throw std::runtime_error("field 'claim' must be an object or null");
    }
    r.wall_s = field<double>(j, "wall_s");
    if (j.contains("rank")) r.rank = field<int>(j, "rank");
    if (j.contains("host")) r.host = field<std::string>(j, "host");
    if (j.contains("statistics") && !j.at("statistics").is_null()) {
        const auto& s = object(j, "statistics");
        Statistics st2;
        st2.n = field<std::size_t>(s, "n");
        st2.median = field<double>(s, "median");
        st2.min = field<double>(s, "min");
        st2.max = field<double>(s, "max");
        st2.mean = field<double>(s, "mean");
        st2.stddev = field<double>(s, "stddev");
        st2.cv = field<double>(s, "cv");
        st2.ci_low = field<double>(s, "ci95_low");
        st2.ci_high = field<double>(s, "ci95_high");
        st2.ci_coverage = field<double>(s, "ci_coverage");
        r.stats = st2;
    }
    // `value` repeats statistics.median (to_json writes both from one double):
    // one without the other, or two different figures, is an edit.
    const bool has_value = j.contains("value") && !j.at("value").is_null();
    if (has_value != r.stats.has_value())
        throw std::runtime_error(has_value ? "a value without statistics" : "statistics without a value (value is null)");
    if (has_value && field<double>(j, "value") != r.stats->median)
        throw std::runtime_error(fmt::format("value {} is not statistics.median {}", field<double>(j, "value"),
                                             r.stats->median));
    if (j.contains("peak") && !j.at("peak").is_null()) {
        const auto& p = object(j, "peak");
        r.peak = field<double>(p, "value");
        r.peak_basis = field<std::string>(p, "basis");
    }
    if (j.contains("verification") && !j.at("verification").is_null()) {
        const auto& v = object(j, "verification");
        Verification ver;
        ver.ok = field<bool>(v, "ok");
        ver.method = field<std::string>(v, "method");
        ver.measure = field<std::string>(v, "measure");
        ver.error = v.contains("error") && v.at("error").is_null() ? INFINITY : field<double>(v, "error");
        ver.tolerance = field<double>(v, "tolerance");
        ver.detail = field<std::string>(v, "detail");
        r.verification = ver;
    }
    return r;
}

}  // namespace bakeoff
