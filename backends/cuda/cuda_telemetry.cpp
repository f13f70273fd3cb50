// Telemetry through NVML (cuda_nvml.h): power, the energy counter, SM and
// memory clocks, GPU temperature and the clock-event (throttle) reasons. The
// NVML device is matched to the CUDA device by PCI bus id. Without NVML the
// read is BK_UNSUPPORTED with the reason, never an error.
#include "cuda_internal.h"
#include "cuda_nvml.h"

#include <algorithm>
#include <cstring>

namespace bakeoff::cuda {

namespace {

// NVML handle of a CUDA device, looked up once per device (by PCI bus id).
bool nvml_handle(const NvmlApi& nv, const bk_device* d, nvml_device* out, std::string* why) {
    static std::mutex mu;
    static std::map<std::string, nvml_device> cache;
    std::lock_guard<std::mutex> lock(mu);
    std::string key = d->facts.pci_bus_id;
    if (key.empty()) key.append("index ").append(std::to_string(d->index));
    if (auto it = cache.find(key); it != cache.end()) {
        *out = it->second;
        return true;
    }
    nvml_return r = -1;
    nvml_device h = nullptr;
    if (nv.handle_by_pci && !d->facts.pci_bus_id.empty()) r = nv.handle_by_pci(d->facts.pci_bus_id.c_str(), &h);
    // By index only when the bus id is unknown: CUDA and NVML orders can differ.
    else if (nv.handle_by_index) r = nv.handle_by_index(unsigned(d->index), &h);
    if (r != 0) {
        *why = nv.error("NVML has no device for PCI bus " + d->facts.pci_bus_id, r);
        return false;
    }
    cache[key] = h;
    *out = h;
    return true;
}

}  // namespace

bk_status read_telemetry(bk_device* d, bk_telemetry* out) {
    const NvmlApi& nv = nvml();
    if (!nv.usable()) return fail(BK_UNSUPPORTED, "NVML unavailable: " + nv.unavailable);
    nvml_device h = nullptr;
    std::string why;
    if (!nvml_handle(nv, d, &h, &why)) return fail(BK_UNSUPPORTED, "NVML unavailable: " + why);
    bk_telemetry t{};
    t.struct_size = out->struct_size;
    unsigned v = 0;
    unsigned long long ull = 0;
    if (nv.power_usage && nv.power_usage(h, &v) == 0) {
        t.power_w = v / 1000.0;
        t.valid_mask |= BK_TEL_POWER;
    }
    if (nv.total_energy && nv.total_energy(h, &ull) == 0) {
        t.energy_j = double(ull) / 1000.0;
        t.valid_mask |= BK_TEL_ENERGY;
    }
    if (nv.clock_info && nv.clock_info(h, kNvmlClockSm, &v) == 0) {
        t.core_clock_mhz = v;
        t.valid_mask |= BK_TEL_CORE_CLOCK;
    }
    if (nv.clock_info && nv.clock_info(h, kNvmlClockMem, &v) == 0) {
        t.mem_clock_mhz = v;
        t.valid_mask |= BK_TEL_MEM_CLOCK;
    }
    if (nv.temperature && nv.temperature(h, kNvmlTemperatureGpu, &v) == 0) {
        t.temperature_c = v;
        t.valid_mask |= BK_TEL_TEMPERATURE;
    }
    if (nv.throttle_reasons && nv.throttle_reasons(h, &ull) == 0) {
        // Bit 0 is "GPU idle", not a limit on a running kernel.
        t.throttle_reasons = ull & ~1ull;
        t.valid_mask |= BK_TEL_THROTTLE;
    }
    if (t.valid_mask == 0) return fail(BK_UNSUPPORTED, "NVML unavailable: no reading succeeded for this device");
    // Write no further than the caller's struct_size.
    const size_t n = std::min<size_t>(out->struct_size, sizeof t);
    std::memcpy(out, &t, n);
    return BK_OK;
}

}  // namespace bakeoff::cuda
