// Errors, device enumeration and description, and the marker-timing probe.
#include "opencl_internal.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <sstream>

// cl_amd_device_attribute_query: free device memory in KiB (total, largest block).
#ifndef CL_DEVICE_GLOBAL_FREE_MEMORY_AMD
#define CL_DEVICE_GLOBAL_FREE_MEMORY_AMD 0x4039
#endif

namespace bakeoff::opencl {

// ------------------------------------------------------------------ errors

const char* cl_error_name(cl_int e) {
    switch (e) {
#define BK_CL_ERR(x) \
    case x: return #x;
        BK_CL_ERR(CL_DEVICE_NOT_FOUND)
        BK_CL_ERR(CL_DEVICE_NOT_AVAILABLE)
        BK_CL_ERR(CL_COMPILER_NOT_AVAILABLE)
        BK_CL_ERR(CL_MEM_OBJECT_ALLOCATION_FAILURE)
        BK_CL_ERR(CL_OUT_OF_RESOURCES)
        BK_CL_ERR(CL_OUT_OF_HOST_MEMORY)
        BK_CL_ERR(CL_PROFILING_INFO_NOT_AVAILABLE)
        BK_CL_ERR(CL_MEM_COPY_OVERLAP)
        BK_CL_ERR(CL_BUILD_PROGRAM_FAILURE)
        BK_CL_ERR(CL_MISALIGNED_SUB_BUFFER_OFFSET)
        BK_CL_ERR(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
        BK_CL_ERR(CL_INVALID_VALUE)
        BK_CL_ERR(CL_INVALID_DEVICE_TYPE)
        BK_CL_ERR(CL_INVALID_PLATFORM)
        BK_CL_ERR(CL_INVALID_DEVICE)
        BK_CL_ERR(CL_INVALID_CONTEXT)
        BK_CL_ERR(CL_INVALID_QUEUE_PROPERTIES)
        BK_CL_ERR(CL_INVALID_COMMAND_QUEUE)
        BK_CL_ERR(CL_INVALID_MEM_OBJECT)
        BK_CL_ERR(CL_INVALID_BUILD_OPTIONS)
        BK_CL_ERR(CL_INVALID_PROGRAM)
        BK_CL_ERR(CL_INVALID_PROGRAM_EXECUTABLE)
        BK_CL_ERR(CL_INVALID_KERNEL_NAME)
        BK_CL_ERR(CL_INVALID_KERNEL)
        BK_CL_ERR(CL_INVALID_ARG_INDEX)
        BK_CL_ERR(CL_INVALID_ARG_VALUE)
        BK_CL_ERR(CL_INVALID_ARG_SIZE)
        BK_CL_ERR(CL_INVALID_KERNEL_ARGS)
        BK_CL_ERR(CL_INVALID_WORK_DIMENSION)
        BK_CL_ERR(CL_INVALID_WORK_GROUP_SIZE)
        BK_CL_ERR(CL_INVALID_WORK_ITEM_SIZE)
        BK_CL_ERR(CL_INVALID_GLOBAL_OFFSET)
        BK_CL_ERR(CL_INVALID_EVENT_WAIT_LIST)
        BK_CL_ERR(CL_INVALID_EVENT)
        BK_CL_ERR(CL_INVALID_OPERATION)
        BK_CL_ERR(CL_INVALID_BUFFER_SIZE)
        BK_CL_ERR(CL_INVALID_GLOBAL_WORK_SIZE)
#undef BK_CL_ERR
        case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
        default: return "OpenCL error";
    }
}

bk_status cl_fail(cl_int err, const std::string& what) {
    const bk_status s = (err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_HOST_MEMORY ||
                         err == CL_INVALID_BUFFER_SIZE)
                            ? BK_OUT_OF_MEMORY
                            : BK_DEVICE_ERROR;
    return fail(s, what + " failed: " + cl_error_name(err) + " (" + std::to_string(err) + ")");
}

// ------------------------------------------------------------ info queries

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\0' || std::isspace(static_cast<unsigned char>(s.back()))))
        s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    return s.substr(b);
}

// A string-valued query (clGetDeviceInfo, clGetPlatformInfo): asks its size,
// then its text; "" when either call fails.
template <class Handle, class Info>
static std::string info_string(cl_int(CL_API_CALL* get)(Handle, Info, size_t, void*, size_t*), Handle h, Info what) {
    size_t size = 0;
    if (get(h, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return {};
    std::string s(size, '\0');
    if (get(h, what, size, s.data(), nullptr) != CL_SUCCESS) return {};
    return trimmed(std::move(s));
}

static std::string device_string(cl_device_id d, cl_device_info what) { return info_string(clGetDeviceInfo, d, what); }

static std::string platform_string(cl_platform_id p, cl_platform_info what) {
    return info_string(clGetPlatformInfo, p, what);
}

template <class T>
static T device_value(cl_device_id d, cl_device_info what, T fallback = T{}) {
    T v{};
    return clGetDeviceInfo(d, what, sizeof v, &v, nullptr) == CL_SUCCESS ? v : fallback;
}

static bool has_extension(const std::string& extensions, const char* name) {
    std::istringstream in(extensions);
    std::string tok;
    while (in >> tok)
        if (tok == name) return true;
    return false;
}

// "OpenCL 3.0 PoCL ..." -> 300; 0 when unparsable.
static int parse_cl_version(const std::string& s) {
    int major = 0, minor = 0;
    if (std::sscanf(s.c_str(), "OpenCL %d.%d", &major, &minor) == 2) return major * 100 + minor * 10;
    return 0;
}

// -------------------------------------------------------------- registry

Registry& registry() {
    // Never destroyed: a host's own static objects may call shutdown() after
    // this library's statics are gone (at exit).
    static Registry* r = new Registry;
    return *r;
}

bk_status do_init() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    if (r.initialized) return BK_OK;
    r.devices.clear();
    r.note.clear();
    cl_uint np = 0;
    cl_int err = clGetPlatformIDs(0, nullptr, &np);
    if (err != CL_SUCCESS || np == 0) {
        r.note = "no OpenCL platform found (install an ICD, e.g. pocl-opencl-icd)";
        if (err != CL_SUCCESS && err != -1001)
            r.note += std::string("; clGetPlatformIDs: ") + cl_error_name(err);
        r.initialized = true;
        return BK_OK;
    }
    std::vector<cl_platform_id> platforms(np);
    clGetPlatformIDs(np, platforms.data(), nullptr);
    std::vector<std::string> skipped;
    for (cl_platform_id p : platforms) {
        const std::string pname = platform_string(p, CL_PLATFORM_NAME);
        const std::string pver = platform_string(p, CL_PLATFORM_VERSION);
        if (parse_cl_version(pver) < 120) {
            skipped.push_back(pname + " (" + pver + ": needs OpenCL 1.2)");
            continue;
        }
        cl_uint nd = 0;
        if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &nd) != CL_SUCCESS || nd == 0) continue;
        std::vector<cl_device_id> devs(nd);
        if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd, devs.data(), nullptr) != CL_SUCCESS) continue;
        for (cl_device_id d : devs) {
            const std::string dver = device_string(d, CL_DEVICE_VERSION);
            if (parse_cl_version(dver) < 120) {
                skipped.push_back(device_string(d, CL_DEVICE_NAME) + " (" + dver + ": needs OpenCL 1.2)");
                continue;
            }
            r.devices.push_back(DeviceEntry{p, d, pname, pver});
        }
    }
    if (r.devices.empty()) r.note = "no usable OpenCL device found";
    if (!skipped.empty()) {
        r.note += r.note.empty() ? "skipped: " : "; skipped: ";
        for (size_t i = 0; i < skipped.size(); ++i) r.note += (i ? ", " : "") + skipped[i];
    }
    r.initialized = true;
    return BK_OK;
}

const DeviceEntry* entry_at(int32_t index) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    if (!r.initialized || index < 0 || static_cast<size_t>(index) >= r.devices.size()) return nullptr;
    return &r.devices[static_cast<size_t>(index)];
}

// ------------------------------------------------------ device description

DeviceCaps query_caps(cl_device_id d) {
    DeviceCaps c;
    c.name = device_string(d, CL_DEVICE_NAME);
    c.vendor = device_string(d, CL_DEVICE_VENDOR);
    c.driver = device_string(d, CL_DRIVER_VERSION);
    c.device_version = device_string(d, CL_DEVICE_VERSION);
    c.c_version = device_string(d, CL_DEVICE_OPENCL_C_VERSION);
    c.extensions = device_string(d, CL_DEVICE_EXTENSIONS);
    c.type = device_value<cl_device_type>(d, CL_DEVICE_TYPE);
    c.kind = (c.type & CL_DEVICE_TYPE_GPU) ? "gpu" : (c.type & CL_DEVICE_TYPE_CPU) ? "cpu" : "accelerator";
    c.compute_units = device_value<cl_uint>(d, CL_DEVICE_MAX_COMPUTE_UNITS);
    c.clock_mhz = device_value<cl_uint>(d, CL_DEVICE_MAX_CLOCK_FREQUENCY);
    c.vw_float = device_value<cl_uint>(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT);
    c.vw_double = device_value<cl_uint>(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE);
    c.cacheline = device_value<cl_uint>(d, CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE);
    c.global_mem = device_value<cl_ulong>(d, CL_DEVICE_GLOBAL_MEM_SIZE);
    c.max_alloc = device_value<cl_ulong>(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    c.cache = device_value<cl_ulong>(d, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE);
    c.local_mem = device_value<cl_ulong>(d, CL_DEVICE_LOCAL_MEM_SIZE);
    c.timer_ns = device_value<size_t>(d, CL_DEVICE_PROFILING_TIMER_RESOLUTION);
    c.max_wg = device_value<size_t>(d, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    c.local_is_global = device_value<cl_device_local_mem_type>(d, CL_DEVICE_LOCAL_MEM_TYPE) == CL_GLOBAL;
    c.unified = device_value<cl_bool>(d, CL_DEVICE_HOST_UNIFIED_MEMORY) == CL_TRUE;
    c.fp64 = has_extension(c.extensions, "cl_khr_fp64") &&
             device_value<cl_device_fp_config>(d, CL_DEVICE_DOUBLE_FP_CONFIG) != 0;
    c.fp16 = has_extension(c.extensions, "cl_khr_fp16");
    return c;
}

uint64_t vendor_free_bytes(cl_device_id d, const DeviceCaps& c) {
    if (!has_extension(c.extensions, "cl_amd_device_attribute_query")) return 0;
    size_t kib[2] = {0, 0};
    if (clGetDeviceInfo(d, CL_DEVICE_GLOBAL_FREE_MEMORY_AMD, sizeof kib, kib, nullptr) != CL_SUCCESS)
        return 0;
    return static_cast<uint64_t>(kib[0]) * 1024u;
}

// ------------------------------------------------------------ properties

std::string build_properties(const DeviceEntry& e, const DeviceCaps& c,
                             uint64_t vendor_free) {
    std::vector<std::string> lines = {
        "platform=" + e.platform_name,
        "platform_version=" + e.platform_version,
        "device_version=" + c.device_version,
        "opencl_c_version=" + c.c_version,
        "compute_units=" + std::to_string(c.compute_units),
        "max_clock_mhz=" + std::to_string(c.clock_mhz) + " (CL_DEVICE_MAX_CLOCK_FREQUENCY, as reported)",
        "global_mem_bytes=" + std::to_string(c.global_mem),
        "max_alloc_bytes=" + std::to_string(c.max_alloc),
        std::string("memory_free=") +
            (vendor_free ? "CL_DEVICE_GLOBAL_FREE_MEMORY_AMD"
                         : "not queryable in core OpenCL; memory_free_bytes reports the global memory size"),
        "global_mem_cache_bytes=" + std::to_string(c.cache),
        "global_mem_cacheline_bytes=" + std::to_string(c.cacheline),
        "local_mem_bytes=" + std::to_string(c.local_mem),
        std::string("local_mem_type=") + (c.local_is_global ? "global" : "local"),
        "max_work_group_size=" + std::to_string(c.max_wg),
        "preferred_vector_width_float=" + std::to_string(c.vw_float),
        "preferred_vector_width_double=" + std::to_string(c.vw_double),
        std::string("fp64=") + (c.fp64 ? "yes" : "no"),
        std::string("fp16=") + (c.fp16 ? "yes" : "no"),
        std::string("host_unified_memory=") + (c.unified ? "yes" : "no"),
        "profiling_timer_resolution_ns=" + std::to_string(c.timer_ns),
        "extensions=" + c.extensions,
    };
    std::string out;
    for (const std::string& l : lines) {
        std::string line = l;
        for (char& ch : line)
            if (ch == '\n' || ch == '\r') ch = ' ';
        if (out.size() + line.size() + 1 >= sizeof(bk_device_props::properties)) break;
        out += line + "\n";
    }
    return out;
}

// ------------------------------------------------------- timing probe

// Brackets a fill with two markers and compares with the fill's own profile.
bool markers_usable(bk_device* d, std::string* note) {
    const size_t bytes = 16u << 20;
    cl_int err = CL_SUCCESS;
    cl_mem buf = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, std::min<uint64_t>(bytes, d->caps.max_alloc),
                                nullptr, &err);
    if (err != CL_SUCCESS) {
        *note = "probe buffer failed";
        return false;
    }
    const size_t size = std::min<uint64_t>(bytes, d->caps.max_alloc) & ~size_t{3};
    const cl_uint pattern = 0x3f800000u;
    cl_event m0 = nullptr, m1 = nullptr, f = nullptr;
    bool ok = false;
    cl_ulong t0 = 0, t1 = 0, fs = 0, fe = 0;
    if (clEnqueueFillBuffer(d->io_q, buf, &pattern, 4, 0, size, 0, nullptr, nullptr) == CL_SUCCESS &&
        clFinish(d->io_q) == CL_SUCCESS &&
        clEnqueueMarkerWithWaitList(d->io_q, 0, nullptr, &m0) == CL_SUCCESS &&
        clEnqueueFillBuffer(d->io_q, buf, &pattern, 4, 0, size, 0, nullptr, &f) == CL_SUCCESS &&
        clEnqueueMarkerWithWaitList(d->io_q, 0, nullptr, &m1) == CL_SUCCESS && clFinish(d->io_q) == CL_SUCCESS &&
        clGetEventProfilingInfo(m0, CL_PROFILING_COMMAND_END, sizeof t0, &t0, nullptr) == CL_SUCCESS &&
        clGetEventProfilingInfo(m1, CL_PROFILING_COMMAND_END, sizeof t1, &t1, nullptr) == CL_SUCCESS &&
        clGetEventProfilingInfo(f, CL_PROFILING_COMMAND_START, sizeof fs, &fs, nullptr) == CL_SUCCESS &&
        clGetEventProfilingInfo(f, CL_PROFILING_COMMAND_END, sizeof fe, &fe, nullptr) == CL_SUCCESS) {
        // The bracket must contain the fill: [t0, t1] covers [fs, fe].
        ok = t0 > 0 && t1 > t0 && fe > fs && fs + 1000 >= t0 && t1 + 1000 >= fe;
        char b[160];
        std::snprintf(b, sizeof b, "probe: marker bracket %.3f ms around a %.3f ms fill", (t1 - t0) * 1e-6,
                      fe > fs ? (fe - fs) * 1e-6 : 0.0);
        *note = b;
    } else {
        *note = "probe: marker profiling unavailable";
    }
    release_event(m0);
    release_event(m1);
    release_event(f);
    clReleaseMemObject(buf);
    return ok;
}

}  // namespace bakeoff::opencl
