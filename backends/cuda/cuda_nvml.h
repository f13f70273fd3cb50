// NVML, found at run time: no NVML header is needed to build the backend and
// no NVML library to load it. The few prototypes used are declared here as
// NVML documents them (nvmlReturn_t is an int, NVML_SUCCESS is 0).
#pragma once

#include <cstdint>
#include <string>

namespace bakeoff::cuda {

using nvml_device = struct nvml_device_st*;
using nvml_return = int;

struct NvmlApi {
    void* handle = nullptr;
    std::string unavailable;  // why NVML cannot be used ("" when it can)
    std::string version;      // driver version NVML reports
    nvml_return (*init)() = nullptr;
    const char* (*error_string)(nvml_return) = nullptr;
    nvml_return (*handle_by_pci)(const char*, nvml_device*) = nullptr;
    nvml_return (*handle_by_index)(unsigned, nvml_device*) = nullptr;
    nvml_return (*power_usage)(nvml_device, unsigned*) = nullptr;                  // mW
    nvml_return (*total_energy)(nvml_device, unsigned long long*) = nullptr;       // mJ
    nvml_return (*clock_info)(nvml_device, int, unsigned*) = nullptr;              // MHz
    nvml_return (*temperature)(nvml_device, int, unsigned*) = nullptr;             // C
    nvml_return (*throttle_reasons)(nvml_device, unsigned long long*) = nullptr;   // bit set
    nvml_return (*driver_version)(char*, unsigned) = nullptr;

    bool usable() const { return unavailable.empty(); }
    // "<what>: <NVML's error string>"
    std::string error(const std::string& what, nvml_return r) const;
};

// NVML's enumerator values used here.
constexpr int kNvmlClockSm = 1;
constexpr int kNvmlClockMem = 2;
constexpr int kNvmlTemperatureGpu = 0;

// Loads `library` (normally "libnvidia-ml.so.1"), resolves the functions and
// calls nvmlInit_v2. Never throws: a missing library, symbol or a failing
// init leaves `unavailable` saying which.
NvmlApi load_nvml(const char* library);

// The process-wide NVML, loaded on first use (thread-safe).
const NvmlApi& nvml();

}  // namespace bakeoff::cuda
