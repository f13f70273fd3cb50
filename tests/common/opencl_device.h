// The first OpenCL device, loaded through the plugin registry as the bakeoff
// command loads it; null where the plugin is not built or finds no device.
#pragma once

#include "core/backend.h"
#include "core/plugin_registry.h"

#include <memory>

namespace bakeoff::testing {

inline Device* opencl_device() {
#ifdef BAKEOFF_OPENCL_PLUGIN_PATH
    static PluginRegistry reg;
    static std::unique_ptr<Device> dev = []() -> std::unique_ptr<Device> {
        if (!reg.load_file(BAKEOFF_OPENCL_PLUGIN_PATH)) return nullptr;
        for (const DeviceInfo& d : reg.devices())
            if (d.id().rfind("opencl:", 0) == 0) return std::make_unique<Device>(d);
        return nullptr;
    }();
    return dev.get();
#else
    return nullptr;
#endif
}

}  // namespace bakeoff::testing
