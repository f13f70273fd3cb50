// Internals of the CUDA backend plugin, shared by its translation units:
//   cuda_common.cpp     errors, the device list (init), per-device state
//   cuda_props.cpp      device_props: names, clocks, memory, peaks, properties
//   cuda_ops.cpp        op checks (supports) and launches: stream ops, GEMM
//   cuda_nn_ops.cpp     the NN ops' checks, index checks and dispatch
//   cuda_cudnn.cpp      the vendor attention (cuDNN, loaded at run time)
//   cuda_blaslt.cpp     the vendor GEMM through cuBLASLt
//   cuda_telemetry.cpp  NVML readings
//   cuda_nccl.cpp       device collectives (NCCL)
//   cuda_*_kernels.cu   bakeoff's own kernels (cuda_kernels.h)
//   cuda_backend.cpp    the ABI entry points and the table
// The opaque ABI handles are defined here. Nothing is exported but the entry
// point (backends/plugin_exports.map).
#pragma once

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_sdk.h"
#include "cuda_host.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>

namespace bakeoff::cuda {

// ------------------------------------------------------------------ errors

// The plugin SDK's (bakeoff/plugin_errors.h): this thread's last-error text,
// fail(), the Failure thrown inside the plugin and guarded() at the ABI edge.
using bk_plugin::error_text;
using bk_plugin::fail;
using bk_plugin::Failure;
using bk_plugin::guarded;
using bk_plugin::set_error;
// "what: cudaErrorX (text)" as BK_OUT_OF_MEMORY or BK_DEVICE_ERROR.
bk_status cuda_fail(cudaError_t e, const std::string& what);
std::string cuda_error_text(cudaError_t e);
// Throws Failure unless e == cudaSuccess.
void check_cuda(cudaError_t e, const char* what);

using bk_plugin::copy_str;  // the ABI structs' fixed-size strings

// -------------------------------------------------------------- registry

struct Registry {
    std::mutex mu;
    bool initialized = false;
    int count = 0;
    std::string note;  // why there are no devices
};
Registry& registry();
bk_status do_init();
bool valid_index(int32_t index);

// Facts of one device read once at open (or for device_props).
struct DeviceFacts {
    std::string name, pci_bus_id;
    int cc_major = 0, cc_minor = 0, sms = 0;
    int clock_khz = 0, mem_clock_khz = 0, bus_width = 0, l2_bytes = 0;
    int max_blocks_per_sm = 0, max_threads_per_sm = 0, ecc = 0, integrated = 0;
    size_t total_mem = 0, free_mem = 0;
    int driver_version = 0, runtime_version = 0;
};
DeviceFacts query_facts(int index);
void fill_props(int index, bk_device_props* p);

struct BlasLt;  // cuda_blaslt.cpp
void destroy_blaslt(BlasLt* b) noexcept;

}  // namespace bakeoff::cuda

// ------------------------------------------------------------- ABI handles

struct bk_device {
    int32_t index = -1;
    bakeoff::cuda::DeviceFacts facts;
    cudaStream_t io = nullptr;  // blocking uploads, downloads and fills
    std::mutex mu;              // cuBLASLt state, scratch
    bakeoff::cuda::BlasLt* blaslt = nullptr;
    std::map<std::string, std::string> op_infos;  // vendor GEMM op_info by blaslt_key
};

enum class MemKind { device, pinned, pageable };

struct bk_buffer {
    bk_device* dev = nullptr;
    void* ptr = nullptr;
    uint64_t bytes = 0;
    MemKind kind = MemKind::device;
    bool host() const { return kind != MemKind::device; }
};

struct bk_stream {
    bk_device* dev = nullptr;
    cudaStream_t s = nullptr;
    void* scratch = nullptr;  // dot partials
    size_t scratch_bytes = 0;
    void* nn_scratch = nullptr;  // NN ops: attention split partials, backward statistics
    size_t nn_scratch_bytes = 0;
};

struct bk_event {
    bk_device* dev = nullptr;
    cudaEvent_t e = nullptr;
    bool recorded = false;
};

namespace bakeoff::cuda {

// Makes the device current on this thread (the runtime's current device is
// per thread).
void use_device(const bk_device* d);

// "" on a GPU the plugin has code for (compute capability 8.0 or newer), else why not.
std::string too_old(const bk_device* d);

// A stream's scratch buffer of at least `need` bytes (*ptr, *bytes), grown
// (freed and allocated again) when it is smaller.
void* grow_scratch(void** ptr, size_t* bytes, size_t need, const char* what);

// supports(): BK_OK or BK_UNSUPPORTED / BK_INVALID_ARGUMENT with the reason.
bk_status check_op(const bk_device* d, const bk_op_desc* op);
bk_status launch_op(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n);
bk_status op_info(bk_device* d, const bk_op_desc* op, std::string* out);

// NN ops (cuda_nn_ops.cpp): BK_OP_CONVERT .. BK_OP_PAGED_ATTENTION, after
// desc_size_rule; each checks the whole descriptor itself.
bk_status check_nn_op(const bk_device* d, const bk_op_desc* op);
bk_status launch_nn_op(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n);
bk_status nn_op_info(const bk_device* d, const bk_op_desc* op, std::string* out);

// The vendor attention through cuDNN (cuda_cudnn.cpp), loaded at run time.
bk_status cudnn_attention_check(const bk_device* d, const bk_op_desc* op);
bk_status cudnn_attention_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n);
bk_status cudnn_attention_info(const bk_device* d, const bk_op_desc* op, std::string* out);

// cuBLASLt (cuda_blaslt.cpp)
bk_status blaslt_check(const bk_device* d, const bk_op_desc* op);
void blaslt_gemm(bk_stream* s, const bk_op_desc* op, bk_buffer* a, bk_buffer* b, bk_buffer* c);
std::string blaslt_version();
// The cache key of a GEMM descriptor (types, transposes, sizes).
std::string blaslt_key(const bk_op_desc* op);

// telemetry (cuda_telemetry.cpp)
bk_status read_telemetry(bk_device* d, bk_telemetry* out);

// collectives (cuda_nccl.cpp); NULL without NCCL
const bk_collectives* nccl_collectives();

}  // namespace bakeoff::cuda
