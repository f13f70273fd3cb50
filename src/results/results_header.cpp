#include "results/results_header.h"

#include "core/dtype.h"
#include "core/host_info.h"
#include "results/results_file.h"

#include <bakeoff/build_info.h>

namespace bakeoff {

nlohmann::json device_json(const DeviceInfo& d) {
    const auto& p = d.props;
    nlohmann::json peaks = nlohmann::json::object();
    for (int t = 0; t < BK_DTYPE_COUNT; ++t)
        if (p.peak_gflops[t] > 0) peaks[std::string(dtype_name(bk_dtype(t)))] = p.peak_gflops[t];
    nlohmann::json props = nlohmann::json::object();
    for (const auto& [k, v] : d.properties()) props[k] = v;
    return {{"id", d.id()},
            {"backend", d.backend->name},
            {"backend_version", d.backend->table->version ? d.backend->table->version : ""},
            {"backend_origin", d.backend->origin},
            {"name", p.name},
            {"vendor", p.vendor},
            {"kind", p.kind},
            {"driver_version", p.driver_version},
            {"library_versions", p.library_versions},
            {"memory_bytes", p.memory_bytes},
            {"last_level_cache_bytes", p.last_level_cache_bytes},
            {"compute_units", p.compute_units},
            {"threads", p.threads},
            {"clock_mhz", p.clock_mhz},
            {"peak_gflops", peaks},
            {"peak_mem_gbs", p.peak_mem_gbs > 0 ? nlohmann::json(p.peak_mem_gbs) : nlohmann::json(nullptr)},
            {"peak_basis", p.peak_basis},
            {"properties", props}};
}

nlohmann::json results_header(const std::vector<DeviceInfo>& devices, const std::vector<std::string>& command_line,
                              std::uint64_t seed, const std::string& suite) {
    nlohmann::json devs = nlohmann::json::array();
    for (const auto& d : devices) devs.push_back(device_json(d));
    return {{"schema", kResultsSchema},
            {"schema_version", kResultsSchemaVersion},
            {"tool",
             {{"name", "bakeoff"},
              {"version", BAKEOFF_VERSION},
              {"commit", BAKEOFF_GIT_COMMIT},
              {"compiler", BAKEOFF_CXX_COMPILER},
              {"flags", BAKEOFF_CXX_FLAGS},
              {"build_type", BAKEOFF_BUILD_TYPE}}},
            {"created_utc", utc_now()},
            {"command_line", command_line},
            {"seed", seed},
            {"suite", suite},
            {"host", host_info()},
            {"devices", devs},
            {"complete", false},
            {"interrupted", false}};
}

}  // namespace bakeoff
