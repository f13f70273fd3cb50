// The built-in CPU device, opened once per test process.
#pragma once

#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"

#include <memory>

namespace llm_test {

inline bakeoff::Device& cpu_device() {
    static bakeoff::PluginRegistry reg;
    static std::unique_ptr<bakeoff::Device> dev = [] {
        reg.add_builtin(bakeoff_cpu_backend());
        return std::make_unique<bakeoff::Device>(reg.devices().at(0));
    }();
    return *dev;
}

}  // namespace llm_test
