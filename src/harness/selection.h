// The case and device selection `run`, `list` and `conformance` share: the
// values of --suite, --workload, --dtype, --size, --path, --weights, --device
// and --backend, checked here once, so a filter means the same to every
// command and a bad one is refused with the same line.
#pragma once

#include "core/usage_error.h"

#include "core/plugin_registry.h"
#include "harness/suite.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff {

// What the user typed, before any checking.
struct SelectionArgs {
    std::string suite;  // "" = the default suite, quick
    std::vector<std::string> workloads, dtypes, sizes, paths;
    std::vector<std::string> devices;   // backend names, device ids or globs ("cpu", "opencl:0", "opencl:*")
    std::vector<std::string> backends;  // backend names
    std::string weights;                // --weights FILE (run only)
    ServeChoice serve;                  // llm.serve's load (run only; checked by the options)

    // Whether any case filter or --suite was given (list shows cases then).
    bool selects_cases() const;
};


// The suite --suite names ("" = quick). Throws UsageError.
Suite selected_suite(const SelectionArgs& a);

// The case filters, parsed and checked (--device is copied as given).
// Throws UsageError.
SuiteFilter case_filter(const SelectionArgs& a);

struct DeviceSelection {
    std::vector<DeviceInfo> devices;  // in the registry's order
    std::string none_because;         // devices empty: "backend cuda: no CUDA driver", or ""
};

// The devices that --backend and --device both let through (every device when
// neither is given). Each --backend must name a loaded backend and each
// --device must match some device; a backend that loaded without devices says
// why. An empty result without an error is a --backend whose hardware is
// absent here. Throws UsageError.
DeviceSelection select_devices(const PluginRegistry& reg, const std::vector<std::string>& devices,
                               const std::vector<std::string>& backends);

// The cases a command would run, on the selected devices.
struct Selection {
    Suite suite = Suite::quick;
    SuiteFilter filter;
    DeviceSelection devices;
    std::vector<PlannedCase> plan;
    // One line per group of --workload entries with no case of a --dtype,
    // saying which types they do run: a type is never dropped without a word.
    std::vector<std::string> notes;
};

// Filters, devices and plan together. Throws UsageError for a bad value; an
// empty plan is not an error here (run refuses it, list shows it).
Selection select_cases(const SelectionArgs& a, const PluginRegistry& reg);

}  // namespace bakeoff
