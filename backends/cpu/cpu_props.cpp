// The device properties of the one CPU device: identity, topology, caches,
// memory, measured clock, peak estimate, library versions, and everything
// else as key=value lines.
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "bakeoff/plugin_strings.h"
#include "cpu_internal.h"

namespace bk_cpu {
namespace {

using bk_plugin::copy_str;  // the ABI structs' fixed-size strings

std::string kernel_release() {
    utsname u{};
    if (uname(&u) != 0) return "unknown";
    return std::string(u.sysname) + " " + u.release;
}

// Everything but the free memory, which changes.
struct Static {
    bk_device_props props{};
};

Static build() {
    Static s;
    bk_device_props& p = s.props;
    const CpuIsa& isa = cpu_isa();
    const HostInfo& host = host_info();
    const ClockInfo& clk = clock_info();
    const PeakInfo peak = estimate_peak(isa, host, clk.mhz);
    const MemInfo mem = mem_info();

    copy_str(p.name, sizeof p.name, isa.brand);
    copy_str(p.vendor, sizeof p.vendor, isa.vendor);
    copy_str(p.kind, sizeof p.kind, "cpu");
    copy_str(p.driver_version, sizeof p.driver_version, kernel_release());
    copy_str(p.library_versions, sizeof p.library_versions,
             openblas_version() + "; " + onednn_version() + "; " + host.source);
    p.memory_bytes = mem.total;
    p.last_level_cache_bytes = host.llc_total_bytes;
    p.compute_units = host.cores;
    p.threads = static_cast<uint32_t>(thread_count());
    p.clock_mhz = clk.mhz;
    for (int d = 0; d < BK_DTYPE_COUNT; ++d) p.peak_gflops[d] = peak.gflops[d];
    p.peak_mem_gbs = 0;
    copy_str(p.peak_basis, sizeof p.peak_basis, peak.basis);

    char buf[512];
    std::string kv;
    auto add = [&](const std::string& key, const std::string& value) {
        kv += key + "=" + value + "\n";
    };
    add("vendor_id", isa.vendor_id);
    add("cpu_family", std::to_string(isa.family));
    add("cpu_model", std::to_string(isa.model));
    add("cpu_stepping", std::to_string(isa.stepping));
    add("microarch", isa.microarch);
    add("isa", isa.feature_list());
    add("vector_bits", std::to_string(isa.vector_bits));
    add("fma_units", std::to_string(isa.fma_units));
    add("fma_basis", isa.fma_note);
    add("kernel_isa", kernel_isa_name(kernel_isa()));
    add("packages", std::to_string(host.packages));
    add("cores", std::to_string(host.cores));
    add("hw_threads", std::to_string(host.pus));
    add("omp_threads", std::to_string(thread_count()));
    add("numa_nodes", std::to_string(host.numa_nodes));
    add("l1d_bytes", std::to_string(host.l1d_bytes));
    add("l2_bytes", std::to_string(host.l2_bytes));
    add("l3_bytes", std::to_string(host.l3_bytes));
    add("llc_level", std::to_string(host.llc_level));
    add("llc_instances", std::to_string(host.llc_instances));
    add("llc_total_bytes", std::to_string(host.llc_total_bytes));
    add("topology_source", host.source);
    std::snprintf(buf, sizeof buf, "%.0f", clk.mhz);
    add("clock_mhz_measured", buf);
    add("clock_mhz_per_thread", clk.per_thread);
    std::snprintf(buf, sizeof buf, "%.0f", clk.reported_mhz);
    add("clock_mhz_reported", buf);
    add("clock_basis", clk.basis);
    kv += peak.notes;
    add("omp_binding", binding_description());
    add("openblas_core", openblas_core());
    add("openblas_env_override", openblas_env_override());
    const std::string note = openblas_core_note();
    if (!note.empty()) add("openblas_note", note);
    add("onednn_isa", onednn_isa());
    kv += stream_policy();
    add("buffers", buffer_policy());
    if (!mem.note.empty()) add("memory_limit", mem.note);
    add("telemetry", telemetry_sources());
    copy_str(p.properties, sizeof p.properties, kv);
    return s;
}

}  // namespace

bk_status fill_props(bk_device_props* out) {
    static const Static s = build();
    bk_device_props p = s.props;
    const MemInfo mem = mem_info();
    p.memory_bytes = mem.total;
    p.memory_free_bytes = mem.available;
    const size_t n = std::min<size_t>(out->struct_size, sizeof(bk_device_props));
    p.struct_size = static_cast<uint32_t>(n);
    std::memcpy(out, &p, n);
    return BK_OK;
}

}  // namespace bk_cpu
