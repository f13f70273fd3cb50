// device_props for a CUDA device: what cudaDeviceProp and device attributes
// say, peaks from the datasheet table (cuda_peaks.cpp) and the memory bus.
#include "cuda_internal.h"
#include "cuda_nvml.h"

#include <cstring>

#ifdef BAKEOFF_HAVE_NCCL
#include <nccl.h>
#endif

namespace bakeoff::cuda {

void fill_props(int index, bk_device_props* p) {
    const DeviceFacts f = query_facts(index);
    copy_str(p->name, sizeof p->name, f.name);
    copy_str(p->vendor, sizeof p->vendor, "NVIDIA");
    copy_str(p->kind, sizeof p->kind, "gpu");
    const NvmlApi& nv = nvml();
    std::string driver = "CUDA driver API " + cuda_version_string(f.driver_version);
    if (!nv.version.empty()) driver = nv.version + " (" + driver + ")";
    copy_str(p->driver_version, sizeof p->driver_version, driver);
    std::string libs = "CUDA runtime " + cuda_version_string(f.runtime_version) + " (static); " + blaslt_version();
#ifdef BAKEOFF_HAVE_NCCL
    int nccl = 0;
    if (ncclGetVersion(&nccl) == ncclSuccess)
        libs += "; NCCL " + std::to_string(nccl / 10000) + "." + std::to_string((nccl / 100) % 100) + "." +
                std::to_string(nccl % 100);
#endif
    copy_str(p->library_versions, sizeof p->library_versions, libs);
    p->memory_bytes = f.total_mem;
    p->memory_free_bytes = f.free_mem;
    p->last_level_cache_bytes = uint64_t(f.l2_bytes);
    p->compute_units = uint32_t(f.sms);
    p->threads = uint32_t(f.sms) * uint32_t(f.max_threads_per_sm);
    p->clock_mhz = f.clock_khz / 1000.0;
    const Peaks peaks = datasheet_peaks(f.cc_major, f.cc_minor, f.sms, f.name);
    for (int i = 0; i < BK_DTYPE_COUNT; ++i) p->peak_gflops[i] = peaks.gflops[i];
    p->peak_mem_gbs = memory_peak_gbs(f.mem_clock_khz, f.bus_width);
    copy_str(p->peak_basis, sizeof p->peak_basis, peaks.basis);
    std::string props;
    auto line = [&](const std::string& k, const std::string& v) { props += k + "=" + v + "\n"; };
    line("compute_capability", std::to_string(f.cc_major) + "." + std::to_string(f.cc_minor));
    line("sm_count", std::to_string(f.sms));
    line("pci_bus_id", f.pci_bus_id);
    line("sm_clock_max_mhz", std::to_string(f.clock_khz / 1000));
    line("memory_clock_mhz", std::to_string(f.mem_clock_khz / 1000));
    line("memory_bus_width_bits", std::to_string(f.bus_width));
    line("l2_cache_bytes", std::to_string(f.l2_bytes));
    line("max_threads_per_sm", std::to_string(f.max_threads_per_sm));
    line("max_blocks_per_sm", std::to_string(f.max_blocks_per_sm));
    line("ecc", f.ecc ? "on" : "off");
    line("integrated", f.integrated ? "yes" : "no");
    line("cuda_driver_api", cuda_version_string(f.driver_version));
    line("cuda_runtime", cuda_version_string(f.runtime_version));
    line("telemetry", nv.usable() ? "NVML" : "NVML unavailable: " + nv.unavailable);
    copy_str(p->properties, sizeof p->properties, props);
}

}  // namespace bakeoff::cuda
