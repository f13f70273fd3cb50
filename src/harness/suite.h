// A suite expanded into cases: workload x device x dtype x size x path, after
// the user's filters.
#pragma once

#include "workloads/workload.h"

#include <string>
#include <vector>

namespace bakeoff {

struct SuiteFilter {
    std::vector<std::string> workloads;  // globs on the workload id ("gemm", "membw.*")
    std::vector<bk_dtype> dtypes;
    std::vector<std::int64_t> sizes;
    std::vector<GemmShape> shapes;       // --size MxNxK[nt], gemm only
    std::vector<bk_path> paths;
    std::vector<std::string> devices;    // backend name ("cpu"), device id ("opencl:0") or glob
    std::string weights;                 // --weights FILE.safetensors, for the llm.* workloads
    ServeChoice serve;                   // llm.serve's load
};

struct PlannedCase {
    const Workload* workload = nullptr;
    CaseSpec spec;
    DeviceInfo device;
};

std::vector<PlannedCase> plan_suite(Suite suite, const std::vector<DeviceInfo>& devices, const SuiteFilter& f);

// The per-case time budget for timed samples, in seconds.
double default_time_budget(Suite suite);

// Whether a workload id matches one --workload entry ("membw" selects the family).
bool workload_matches(const std::string& pattern, const std::string& id);

// Whether a device matches one --device entry.
bool device_matches(const DeviceInfo& d, const std::string& pattern);

}  // namespace bakeoff
