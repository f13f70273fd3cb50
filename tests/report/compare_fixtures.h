// Hand-made results files for the compare and report tests: records whose
// per-sample metric values are given directly (work.bytes = 1e9 bytes, so a
// sample of v GB/s takes 1/v seconds).
#pragma once

#include "common/serving_figures.h"

#include "results/record.h"
#include "results/results_file.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace bakeoff::testing {

struct TestDevice {
    std::string id = "cpu:0";
    std::string name = "Test CPU";
    std::string backend = "cpu";
};

inline Record make_record(const TestDevice& d, const std::string& workload, const std::string& dtype,
                          const std::string& path, std::int64_t size, const std::vector<double>& values,
                          RecordStatus status = RecordStatus::ok, const std::string& reason = "") {
    Record r;
    r.workload = workload;
    r.dtype = dtype;
    r.path = path;
    r.size = size;
    r.size_label = std::to_string(size);
    r.id = workload + "/" + dtype + "/" + r.size_label + "/" + path + "@" + d.id;
    r.device_id = d.id;
    r.device_name = d.name;
    r.backend = d.backend;
    r.status = status;
    r.reason = reason;
    r.seed = 1;
    const bool gemm = workload == "gemm";
    if (gemm) {
        const double n = double(size);
        r.work = {2 * n * n * n, 3 * n * n * 4};
        r.metric = {"throughput", "GFLOP/s", "flops", 1e9};
        r.params = {{"m", size}, {"n", size}, {"k", size}};
    } else {
        r.work = {0, 1e9};
        r.metric = {"bandwidth", "GB/s", "bytes", 1e9};
        r.params = {{"elements", size}, {"cache_resident", false}};
    }
    const double count = gemm ? r.work.flops : r.work.bytes;
    for (double v : values) r.samples_s.push_back(count / (v * 1e9));
    r.first_call_s = 0.01;
    if (status == RecordStatus::ok) {
        r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
        r.verification = Verification{true, "exact", "elements that differ", 0, 0, ""};
    } else if (status == RecordStatus::failed) {
        r.verification = Verification{false, "exact", "elements that differ", 3, 0, "3 wrong"};
    }
    return r;
}

// A serving record (workload llm.serve) at one load: per-sample figures in
// tok/s per device, `per_user` tok/s per user, and TTFT / TPOT percentiles
// only when `latencies` is set. `concurrency` > 0 is a closed loop; otherwise
// `rate` requests/s, an open loop.
inline Record make_serving_record(const TestDevice& d, const std::string& model, const std::string& profile,
                                  int concurrency, double rate, const std::vector<double>& per_device,
                                  double per_user, bool latencies = true) {
    Record r;
    r.workload = "llm.serve";
    r.dtype = "bf16";
    r.path = "portable";
    r.size = concurrency > 0 ? concurrency : std::int64_t(rate * 1000);
    r.size_label = model + "-" + profile + (concurrency > 0 ? "-c" + std::to_string(concurrency)
                                                              : "-r" + std::to_string(r.size));
    r.id = "llm.serve/bf16/" + r.size_label + "/portable@" + d.id;
    r.device_id = d.id;
    r.device_name = d.name;
    r.backend = d.backend;
    r.status = RecordStatus::ok;
    r.seed = 1;
    r.work.items = 1000;  // output tokens per sample
    r.metric = {"throughput", "tok/s", "items", 1};
    for (double v : per_device) r.samples_s.push_back(r.work.items / v);
    r.first_call_s = 0.01;
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.verification = Verification{true, "exact", "tokens that differ", 0, 0, ""};
    r.params = {{"model", model}, {"profile", profile}, {"measured", {{"serving", serving_figures(per_user)}}}};
    if (!latencies) {  // as a reader that lacks them sees it (the file would not validate)
        r.params["measured"]["serving"].erase("ttft_ms");
        r.params["measured"]["serving"].erase("tpot_ms");
    }
    if (concurrency > 0) r.params["concurrency"] = concurrency;
    else r.params["request_rate"] = rate;
    return r;
}

inline ResultsFile make_file(const std::vector<TestDevice>& devices, std::vector<Record> records,
                             const std::string& hostname = "host-a") {
    ResultsFile f;
    nlohmann::json devs = nlohmann::json::array();
    for (const auto& d : devices)
        devs.push_back({{"id", d.id}, {"name", d.name}, {"backend", d.backend}, {"backend_version", "1.0"},
                        {"vendor", "Test"}, {"kind", "cpu"}, {"driver_version", "drv 2"},
                        {"library_versions", "libfoo 3"}, {"memory_bytes", 1ull << 34},
                        {"peak_gflops", {{"fp32", 2000.0}, {"fp64", 1000.0}}}, {"peak_mem_gbs", nullptr},
                        {"peak_basis", "estimate: test"}});
    f.header = {{"schema", kResultsSchema},
                {"schema_version", kResultsSchemaVersion},
                {"tool", {{"name", "bakeoff"}, {"version", "0.1.0"}, {"commit", "abcdef123456"}}},
                {"host", {{"hostname", hostname}, {"os", "Linux"}}},
                {"devices", devs},
                {"created_utc", "2026-01-02T03:04:05Z"},
                {"seed", 42},
                {"suite", "smoke"},
                {"command_line", {"bakeoff", "run"}},
                {"complete", true},
                {"interrupted", false}};
    f.records = std::move(records);
    return f;
}

inline std::filesystem::path temp_dir(const std::string& tag) {
    auto d = std::filesystem::temp_directory_path() / ("bakeoff-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Values spread evenly in [centre - half, centre + half].
inline std::vector<double> spread(double centre, double half, int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(centre - half + 2 * half * (n == 1 ? 0.5 : double(i) / (n - 1)));
    // Interleave so the samples are not sorted (order must not matter).
    std::vector<double> o;
    for (int i = 0; i < n; i += 2) o.push_back(v[i]);
    for (int i = 1; i < n; i += 2) o.push_back(v[i]);
    return o;
}

}  // namespace bakeoff::testing
