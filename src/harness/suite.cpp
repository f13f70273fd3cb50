#include "harness/suite.h"

#include <fnmatch.h>

#include <algorithm>

namespace bakeoff {

namespace {
bool glob_match(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool workload_selected(const SuiteFilter& f, const std::string& id) {
    if (f.workloads.empty()) return true;
    return std::any_of(f.workloads.begin(), f.workloads.end(), [&](const auto& g) { return workload_matches(g, id); });
}
}  // namespace

bool workload_matches(const std::string& pattern, const std::string& id) {
    return glob_match(pattern, id) || glob_match(pattern + ".*", id);
}

bool device_matches(const DeviceInfo& d, const std::string& pattern) {
    return pattern == d.backend->name || glob_match(pattern, d.id());
}

std::vector<PlannedCase> plan_suite(Suite suite, const std::vector<DeviceInfo>& devices, const SuiteFilter& f) {
    std::vector<PlannedCase> out;
    for (const auto& d : devices) {
        if (!f.devices.empty() &&
            std::none_of(f.devices.begin(), f.devices.end(), [&](const auto& p) { return device_matches(d, p); }))
            continue;
        for (const auto& w : all_workloads()) {
            if (!workload_selected(f, w->id())) continue;
            for (auto& c : w->cases(suite, d, CaseChoice{f.sizes, f.dtypes, f.weights, f.shapes, f.serve, f.paths})) {
                if (!f.paths.empty() && std::find(f.paths.begin(), f.paths.end(), c.path) == f.paths.end()) continue;
                out.push_back({w.get(), std::move(c), d});
            }
        }
    }
    return out;
}

double default_time_budget(Suite suite) {
    switch (suite) {
        case Suite::smoke: return 0.1;
        case Suite::quick: return 1.0;
        case Suite::standard: return 3.0;
        case Suite::full: return 10.0;
        case Suite::collective: return 1.0;
    }
    return 1.0;
}

}  // namespace bakeoff
