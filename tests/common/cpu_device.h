// The built-in CPU device, opened once per test process, for tests that run
// workloads or ops on it directly (no subprocess).
#pragma once

#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"

#include <memory>

namespace bakeoff::testing {

inline Device& cpu_device() {
    static PluginRegistry reg;
    static std::unique_ptr<Device> dev = [] {
        reg.add_builtin(bakeoff_cpu_backend());
        return std::make_unique<Device>(reg.devices().at(0));
    }();
    return *dev;
}

}  // namespace bakeoff::testing
