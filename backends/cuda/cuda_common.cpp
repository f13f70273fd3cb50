#include "cuda_internal.h"

#include <cstring>

namespace bakeoff::cuda {

std::string cuda_error_text(cudaError_t e) {
    const char* name = cudaGetErrorName(e);
    const char* text = cudaGetErrorString(e);
    return std::string(name ? name : "cudaError") + " (" + (text ? text : "?") + ")";
}

static bk_status status_of(cudaError_t e) {
    return e == cudaErrorMemoryAllocation ? BK_OUT_OF_MEMORY : BK_DEVICE_ERROR;
}

bk_status cuda_fail(cudaError_t e, const std::string& what) {
    return fail(status_of(e), what + ": " + cuda_error_text(e));
}

void check_cuda(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw Failure{status_of(e), std::string(what) + ": " + cuda_error_text(e)};
}

Registry& registry() {
    static Registry r;
    return r;
}

bk_status do_init() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    if (r.initialized) return BK_OK;
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    // Without a driver (or a device) the runtime says so here; that is a
    // machine with no CUDA devices, not an error.
    if (e == cudaErrorInsufficientDriver || e == cudaErrorInitializationError || e == cudaErrorStubLibrary) {
        r.count = 0;
        // A driver that is there but older than this runtime needs is not "no driver".
        int driver = 0, runtime = 0;
        cudaDriverGetVersion(&driver);
        cudaRuntimeGetVersion(&runtime);
        r.note = driver > 0 && driver < runtime
                     ? "CUDA driver " + cuda_version_string(driver) + " is older than the CUDA runtime " +
                           cuda_version_string(runtime) + " this plugin was built with"
                     : "no CUDA driver";
    } else if (e == cudaErrorNoDevice) {
        r.count = 0;
        r.note = "no CUDA device";
    } else if (e != cudaSuccess) {
        r.count = 0;
        r.note = "CUDA runtime: " + cuda_error_text(e);
    } else {
        r.count = count;
        r.note = count == 0 ? "no CUDA device" : "";
    }
    cudaGetLastError();  // clear the sticky-free error the query left
    r.initialized = true;
    return BK_OK;
}

bool valid_index(int32_t index) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    return r.initialized && index >= 0 && index < r.count;
}

std::string too_old(const bk_device* d) {
    if (d->facts.cc_major >= 8) return {};
    return "the cuda plugin's kernels need compute capability 8.0 or newer; this device is " +
           std::to_string(d->facts.cc_major) + "." + std::to_string(d->facts.cc_minor);
}

void* grow_scratch(void** ptr, size_t* bytes, size_t need, const char* what) {
    if (*bytes < need) {
        // cudaFree waits for the kernels that may still use the old buffer.
        if (*ptr) check_cuda(cudaFree(*ptr), "cudaFree");
        *ptr = nullptr;
        *bytes = 0;
        check_cuda(cudaMalloc(ptr, need), (std::string("cudaMalloc (") + what + ")").c_str());
        *bytes = need;
    }
    return *ptr;
}

void use_device(const bk_device* d) { check_cuda(cudaSetDevice(d->index), "cudaSetDevice"); }

DeviceFacts query_facts(int index) {
    DeviceFacts f;
    check_cuda(cudaSetDevice(index), "cudaSetDevice");
    cudaDeviceProp p{};
    check_cuda(cudaGetDeviceProperties(&p, index), "cudaGetDeviceProperties");
    f.name = p.name;
    f.cc_major = p.major;
    f.cc_minor = p.minor;
    f.sms = p.multiProcessorCount;
    f.l2_bytes = p.l2CacheSize;
    f.max_threads_per_sm = p.maxThreadsPerMultiProcessor;
    f.max_blocks_per_sm = p.maxBlocksPerMultiProcessor;
    f.ecc = p.ECCEnabled;
    f.integrated = p.integrated;
    // Clocks and the bus width are attributes (no longer cudaDeviceProp fields).
    auto attr = [&](cudaDeviceAttr a) {
        int v = 0;
        if (cudaDeviceGetAttribute(&v, a, index) != cudaSuccess) {
            cudaGetLastError();
            return 0;
        }
        return v;
    };
    f.clock_khz = attr(cudaDevAttrClockRate);
    f.mem_clock_khz = attr(cudaDevAttrMemoryClockRate);
    f.bus_width = attr(cudaDevAttrGlobalMemoryBusWidth);
    char bus[64] = {};
    if (cudaDeviceGetPCIBusId(bus, sizeof bus, index) == cudaSuccess) f.pci_bus_id = bus;
    else cudaGetLastError();
    check_cuda(cudaMemGetInfo(&f.free_mem, &f.total_mem), "cudaMemGetInfo");
    cudaDriverGetVersion(&f.driver_version);
    cudaRuntimeGetVersion(&f.runtime_version);
    return f;
}

}  // namespace bakeoff::cuda
