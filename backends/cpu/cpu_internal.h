// Declarations shared by the CPU backend's source files. Not part of the ABI:
// the core sees only cpu_backend.h.
#pragma once

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_sdk.h"

#include <sched.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bk_cpu {

// ---------------------------------------------------------------- errors
// The plugin SDK's: this thread's last-error text (fail sets it and returns
// the status), and guarded() at the ABI edge.
using bk_plugin::fail;
using bk_plugin::guarded;

// ---------------------------------------------------------------- ISA (cpu_isa.cpp)
struct CpuIsa {
    std::string vendor_id;  // raw cpuid vendor, e.g. "AuthenticAMD"
    std::string vendor;     // "AMD", "Intel", ...
    std::string brand;      // cpuid brand string, or /proc/cpuinfo "model name"
    unsigned family = 0, model = 0, stepping = 0;
    // Usable features: cpuid bit set AND the OS saves the register state.
    bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
    bool avx512f = false, avx512dq = false, avx512bw = false, avx512vl = false;
    bool avx512_vnni = false, avx512_bf16 = false, avx512_fp16 = false, avx_vnni = false;
    bool amx_tile = false, amx_bf16 = false, amx_int8 = false;
    // Microarchitecture facts the peak estimate rests on.
    std::string microarch;  // "Zen 3", "Sapphire Rapids", "unknown"
    int vector_bits = 0;    // widest usable FP vector
    int fma_units = 0;      // FMA instructions of vector_bits per cycle per core
    std::string fma_note;   // why (one short sentence)

    std::string feature_list() const;  // "sse4.2,avx,avx2,fma,..."
};
const CpuIsa& cpu_isa();  // detected once, thread-safe

// Kernel variants compiled into the backend, picked at run time by cpuid.
enum class KernelIsa { scalar = 0, avx2 = 1, avx512 = 2 };
// Best variant this CPU runs, capped by BAKEOFF_CPU_ISA=scalar|avx2|avx512.
KernelIsa kernel_isa();

// The kernel set for kernel_isa(): each variant getter returns nullptr when its
// ISA was not compiled in, and the scalar set serves then.
template <class Set>
const Set& kernels_for_isa(const Set* (*avx512)(), const Set* (*avx2)(), const Set* (*scalar)()) {
    const Set* s = nullptr;
    switch (kernel_isa()) {
        case KernelIsa::avx512: s = avx512(); break;
        case KernelIsa::avx2: s = avx2(); break;
        case KernelIsa::scalar: break;
    }
    return s ? *s : *scalar();
}
const char* kernel_isa_name(KernelIsa isa);

// ---------------------------------------------------------------- topology (cpu_topology.cpp)
struct HostInfo {
    unsigned packages = 0, cores = 0, pus = 0, numa_nodes = 0;
    uint64_t l1d_bytes = 0, l2_bytes = 0, l3_bytes = 0;  // one instance each
    unsigned llc_level = 0, llc_instances = 0;
    uint64_t llc_total_bytes = 0;  // sum over all last-level cache instances
    std::vector<cpu_set_t> core_sets;  // the cores this process may use, in order
    std::string source;                // "hwloc 2.9.0" or the fallback used
};
const HostInfo& host_info();  // probed once, thread-safe

struct MemInfo {
    uint64_t total = 0, available = 0;
    std::string note;  // e.g. "cgroup limit 8 GiB"
};
MemInfo mem_info();  // read now

// ---------------------------------------------------------------- clock / peak
struct ClockInfo {
    double mhz = 0;           // measured core clock (slowest thread's best run)
    double reported_mhz = 0;  // /proc/cpuinfo "cpu MHz" (often the TSC in VMs)
    std::string basis;
    std::string per_thread;   // "3480,3475"
};
const ClockInfo& clock_info();  // measured once (about 0.1 s), thread-safe

struct PeakInfo {
    double gflops[BK_DTYPE_COUNT] = {};
    double flop_per_cycle[BK_DTYPE_COUNT] = {};  // per core
    std::string basis;                           // for bk_device_props::peak_basis
    std::string notes;                           // extra key=value lines
};
PeakInfo estimate_peak(const CpuIsa& isa, const HostInfo& host, double clock_mhz);

// ---------------------------------------------------------------- threads (cpu_threads.cpp)
void threads_init();                  // decides the pinning plan; idempotent
std::string binding_description();   // for the properties
int thread_count();                   // omp_get_max_threads()
// Call first thing inside every parallel region the backend opens: pins an
// OpenMP worker to its core (once per thread and team size).
void pin_omp_thread();
// RAII for one launch: makes sure the OpenMP team is pinned and that the
// launching thread runs on the first core (pinning it there for the op if it
// was elsewhere, and restoring its mask after).
class LaunchPin {
public:
    LaunchPin();
    ~LaunchPin();
    LaunchPin(const LaunchPin&) = delete;
    LaunchPin& operator=(const LaunchPin&) = delete;

private:
    bool active_ = false;
    cpu_set_t saved_{};
};

// Contiguous static split of [0, n) into `parts` pieces whose boundaries are
// multiples of `grain`; identical for first touch (bytes, grain 4096) and the
// stream kernels (elements, grain 4096/sizeof(T)), so each thread's pages were
// first touched by that thread.
inline void static_range(int64_t n, int64_t grain, int part, int parts, int64_t& begin,
                         int64_t& end) {
    const int64_t units = (n + grain - 1) / grain;
    const int64_t per = (units + parts - 1) / parts;
    begin = per * grain * part;
    end = begin + per * grain;
    if (begin > n) begin = n;
    if (end > n) end = n;
}
constexpr int64_t kPageBytes = 4096;

// ---------------------------------------------------------------- buffers (cpu_buffers.cpp)
struct Buffer {
    static constexpr uint64_t kMagic = 0x62616b656f666643ull;  // "bakeoffC"
    uint64_t magic = kMagic;
    unsigned char* ptr = nullptr;
    uint64_t bytes = 0;
    bool huge = false;  // 2 MiB aligned with MADV_HUGEPAGE
};
bk_status buffer_alloc(uint64_t bytes, Buffer** out);
void buffer_free(Buffer* b);
bk_status buffer_upload(Buffer* b, uint64_t offset, const void* src, uint64_t bytes);
bk_status buffer_download(Buffer* b, uint64_t offset, void* dst, uint64_t bytes);
bk_status buffer_fill(Buffer* b, uint64_t offset, uint64_t bytes, uint32_t pattern);
std::string buffer_policy();  // for the properties
// Checks an operand: non-null, ours, at least `need` bytes. `what` names it.
bk_status check_operand(bk_buffer* const* operands, uint32_t index, uint64_t need, const char* what,
                        Buffer** out);

// ---------------------------------------------------------------- ops
// Copies a caller's descriptor into a zeroed full-size one, checking struct_size.
bk_status read_desc(const bk_op_desc* op, bk_op_desc* out);
const char* kind_name(uint32_t kind);

// stream_ops.cpp
bk_status stream_supports(const bk_op_desc& op);
bk_status stream_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands);
bk_status stream_info(const bk_op_desc& op, std::string* out);
std::string stream_policy();  // nt_stores=... for the properties

// gemm.cpp (validation and routing)
bk_status gemm_supports(const bk_op_desc& op);
bk_status gemm_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands);
bk_status gemm_info(const bk_op_desc& op, std::string* out);

// gemm_openblas.cpp
bk_status openblas_gemm_supports(const bk_op_desc& op);
bk_status openblas_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c);
std::string openblas_gemm_info(const bk_op_desc& op);
std::string openblas_version();        // "OpenBLAS 0.3.21 (core Zen, ...)"
std::string openblas_core();           // openblas_get_corename()
std::string openblas_env_override();   // "none" or "OPENBLAS_CORETYPE=Haswell,..."
std::string openblas_core_note();      // "" or why OpenBLAS runs below the CPU (lib_fallback.h)

// gemm_onednn.cpp
bk_status onednn_gemm_supports(const bk_op_desc& op);
bk_status onednn_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c);
bk_status onednn_gemm_info(const bk_op_desc& op, std::string* out);
std::string onednn_gemm_unsupported(const bk_op_desc& op);  // "" or why oneDNN cannot run it
std::string onednn_gemm_fallback(const bk_op_desc& op);     // "" or why its kernel runs below the CPU
std::string onednn_version();  // "oneDNN 2.6.3 (OpenMP, ISA avx2)"
std::string onednn_isa();      // "avx2"

// gemm_portable.cpp
bk_status portable_gemm_supports(const bk_op_desc& op);
bk_status portable_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c);
std::string portable_gemm_info(const bk_op_desc& op);

// ---------------------------------------------------------------- telemetry (cpu_telemetry.cpp)
std::string telemetry_sources();  // "rapl energy, ..." or "none"
bk_status telemetry_read(bk_telemetry* out);

// ---------------------------------------------------------------- properties (cpu_props.cpp)
bk_status fill_props(bk_device_props* out);  // honours out->struct_size

// Formats bytes like "32 MiB".
std::string human_bytes(uint64_t bytes);

}  // namespace bk_cpu
