// Facts about the host recorded in every results file.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace bakeoff {

// hostname, OS, kernel, CPU model, logical CPUs, memory, and the environment
// variables that change what libraries do (OMP_*, OPENBLAS_*, ONEDNN_*/DNNL_*, CUDA_*).
nlohmann::json host_info();
// MemAvailable from /proc/meminfo, 0 if unknown.
std::uint64_t host_available_memory();
// Current UTC time through strftime; by default ISO 8601 ("2026-11-22T23:59:01Z").
std::string utc_now(const char* strftime_format = "%Y-%m-%dT%H:%M:%SZ");

}  // namespace bakeoff
