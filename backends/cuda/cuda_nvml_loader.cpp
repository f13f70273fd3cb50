#include "cuda_nvml.h"

#include <dlfcn.h>

#include <type_traits>

namespace bakeoff::cuda {

std::string NvmlApi::error(const std::string& what, nvml_return r) const {
    const char* s = error_string ? error_string(r) : nullptr;
    return what + ": " + (s ? s : "NVML error " + std::to_string(r));
}

NvmlApi load_nvml(const char* library) {
    NvmlApi api;
    try {
        api.handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
        if (!api.handle) {
            const char* e = dlerror();
            api.unavailable = std::string("cannot load ") + library + ": " + (e ? e : "unknown dlopen error");
            return api;
        }
        auto sym = [&](const char* name, auto& fn, bool required) {
            void* p = dlsym(api.handle, name);
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
            if (!p && required && api.unavailable.empty()) api.unavailable = std::string(library) + " has no " + name;
        };
        sym("nvmlInit_v2", api.init, true);
        sym("nvmlErrorString", api.error_string, true);
        sym("nvmlDeviceGetHandleByPciBusId_v2", api.handle_by_pci, false);
        sym("nvmlDeviceGetHandleByIndex_v2", api.handle_by_index, false);
        sym("nvmlDeviceGetPowerUsage", api.power_usage, false);
        sym("nvmlDeviceGetTotalEnergyConsumption", api.total_energy, false);
        sym("nvmlDeviceGetClockInfo", api.clock_info, false);
        sym("nvmlDeviceGetTemperature", api.temperature, false);
        // Renamed in newer drivers; the old name stays as an alias.
        sym("nvmlDeviceGetCurrentClocksEventReasons", api.throttle_reasons, false);
        if (!api.throttle_reasons) sym("nvmlDeviceGetCurrentClocksThrottleReasons", api.throttle_reasons, false);
        sym("nvmlSystemGetDriverVersion", api.driver_version, false);
        if (!api.unavailable.empty()) return api;
        if (!api.handle_by_pci && !api.handle_by_index) {
            api.unavailable = std::string(library) + " has no nvmlDeviceGetHandleByPciBusId_v2 or ByIndex_v2";
            return api;
        }
        const nvml_return r = api.init();
        if (r != 0) {
            api.unavailable = api.error("nvmlInit_v2 failed", r);
            return api;
        }
        if (api.driver_version) {
            char buf[96] = {};
            if (api.driver_version(buf, sizeof buf) == 0) api.version = buf;
        }
    } catch (...) {
        api.unavailable = "NVML loading failed";
    }
    return api;
}

const NvmlApi& nvml() {
    static const NvmlApi api = load_nvml("libnvidia-ml.so.1");
    return api;
}

}  // namespace bakeoff::cuda
