// Internals of the OpenCL backend plugin, shared by its translation units:
//   opencl_common.cpp   errors, device enumeration and description, timing probe
//   opencl_ops.cpp      programs (build and cache), op checking, launches
//   opencl_nn_ops.cpp   the neural-network ops: checks, program, launches
//   opencl_backend.cpp  the ABI entry points and the table
// The opaque ABI handles (bk_device, bk_buffer, bk_stream, bk_event) are
// defined here. Nothing in this header is exported (see backends/plugin_exports.map).
#pragma once

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_sdk.h"

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace bakeoff::opencl {

// ------------------------------------------------------------------ errors

// The plugin SDK's (bakeoff/plugin_errors.h): this thread's last-error text
// (one line), fail(), and guarded() at the ABI edge.
using bk_plugin::error_text;
using bk_plugin::fail;
using bk_plugin::guarded;
using bk_plugin::set_error;
const char* cl_error_name(cl_int e);
// BK_OUT_OF_MEMORY for allocation failures, BK_DEVICE_ERROR otherwise.
bk_status cl_fail(cl_int err, const std::string& what);

// ------------------------------------------------------------ strings

std::string trimmed(std::string s);
// Copies into a fixed char array, truncating, always NUL-terminated (cap > 0).
using bk_plugin::copy_str;  // the ABI structs' fixed-size strings

// -------------------------------------------------------------- devices

struct DeviceEntry {
    cl_platform_id platform = nullptr;
    cl_device_id device = nullptr;
    std::string platform_name, platform_version;
};

struct Registry {
    std::mutex mu;
    bool initialized = false;
    std::vector<DeviceEntry> devices;
    std::string note;  // why there are no devices, or which were skipped
};

Registry& registry();
bk_status do_init();  // enumerates platforms and devices once
const DeviceEntry* entry_at(int32_t index);

struct DeviceCaps {
    std::string name, vendor, kind, driver, device_version, c_version, extensions;
    cl_device_type type = 0;
    cl_uint compute_units = 0, clock_mhz = 0, vw_float = 0, vw_double = 0, cacheline = 0;
    cl_ulong global_mem = 0, max_alloc = 0, cache = 0, local_mem = 0, timer_ns = 0;
    size_t max_wg = 0;
    bool local_is_global = false, unified = false, fp64 = false, fp16 = false;
};

DeviceCaps query_caps(cl_device_id d);
// Free memory where a vendor extension reports it; 0 otherwise.
uint64_t vendor_free_bytes(cl_device_id d, const DeviceCaps& c);
// The device_props "key=value" lines.
std::string build_properties(const DeviceEntry& e, const DeviceCaps& c, uint64_t vendor_free);

// ------------------------------------------------------------- programs

// Stream and GEMM programs, then one NN program per activation type.
enum Variant { V_F32 = 0, V_F64, V_F16_GEMM, V_BF16_GEMM, V_NN_F32, V_NN_F64, V_NN_BF16, V_NN_F16, V_COUNT };
inline bool is_nn_variant(Variant v) { return v >= V_NN_F32; }
extern const char* const kVariantName[V_COUNT];

// The GEMM kernel's shape. Tiled (GPUs, accelerators): WGX x WGY work-items,
// each RM x RN of C, through local memory in TK-deep slices. Blocked (CPU
// devices): one work-item per group computing RM rows x BV*RNV columns.
struct GemmCfg {
    bool blocked = false;
    int wgx = 16, wgy = 16, rm = 4, rn = 4, tk = 16;
    int bv = 8, rnv = 3;
    // Small-m kernels (m <= kSmallM, B large): bk_gemm_sm_nt (B n x k) runs
    // work-groups of sks x scpg (sks work-items split B rows along k in
    // svk-vectors, snc columns per work-item); bk_gemm_sm_nn (B k x n) runs
    // groups of snw work-items of svn columns each. They take smr (smn) rows
    // of C at a time. sm: the compiled kernels can run their groups.
    bool sm = false;
    int sks = 64, scpg = 4, snc = 1, smr = 8, svk = 4, snw = 64, svn = 4, smn = 8;
    int tm() const { return blocked ? rm : wgy * rm; }    // rows of C per work-group
    int tn() const { return blocked ? bv * rnv : wgx * rn; }  // columns of C per work-group
    int threads() const { return blocked ? 1 : wgx * wgy; }
};

// The small-m GEMM path: m up to kSmallM rows, B of at least kSmallMinB
// elements (smaller B is not bandwidth-bound and keeps the general kernel).
constexpr int64_t kSmallM = 16;
constexpr int64_t kSmallMinB = int64_t(1) << 16;

struct Program {
    bool attempted = false;
    bk_status status = BK_OK;
    std::string error;
    cl_program prog = nullptr;
    std::map<std::string, cl_kernel> kernels;
    GemmCfg gemm;
    int vw = 1;               // stream vector width
    size_t stream_wg = 1;     // copy/scale/add/triad work-group size
    size_t dot_wg = 1;        // dot stage 1
    int dot_items = 1;        // vectors per work-item in dot stage 1
    size_t final_wg = 1;      // dot stage 2
    // NN programs (opencl_nn_ops.cpp)
    size_t row_wg = 1;        // row-wise ops: one work-group per row
    size_t elem_wg = 1;       // element-wise ops and per-column loops
    size_t bwd_wg = 1;        // attention backward
    int attn_lanes = 1, attn_rows = 1;  // tiled attention forward work-group (AL x AQ)
    bool attn_per_row = false;          // attention forward: one work-item per row (CPU devices)
    size_t attn_row_wg = 1;
};

enum class Timing { Markers, Kernels };

// What a validated op will run.
struct Plan {
    Variant variant = V_F32;
    bool vendor = false;  // the vendor library runs it (CLBlast, clblast_gemm.h): no program of ours
    size_t in_size = 0, out_size = 0;
    // NN ops: the operands' minimum sizes, in the ABI's order.
    uint32_t nn_operands = 0;
    uint64_t nn_bytes[8] = {};
};

struct LaunchGeom {
    size_t global[2] = {1, 1}, local[2] = {1, 1};
    int dims = 1;
};

}  // namespace bakeoff::opencl

// ------------------------------------------------------------ ABI handles

struct bk_event;

struct bk_device {
    int32_t index = -1;
    bakeoff::opencl::DeviceEntry entry;
    bakeoff::opencl::DeviceCaps caps;
    cl_context ctx = nullptr;
    cl_command_queue io_q = nullptr;  // blocking uploads, downloads, fills
    bakeoff::opencl::Timing timing = bakeoff::opencl::Timing::Markers;
    std::string timing_note;
    bool gemm_blocked = false;  // register-blocked GEMM (CPU devices) or tiled
    std::string extra_options;  // BAKEOFF_OPENCL_BUILD_OPTIONS, appended to every build
    std::mutex mu;  // programs, kernel arguments, stream tracking state
    bakeoff::opencl::Program programs[bakeoff::opencl::V_COUNT];
    // ROPE: per (theta, head_dim), the frequencies as fractions of a turn
    // (2^-64 units), built on the host in double at first use.
    std::map<std::pair<double, int64_t>, cl_mem> rope_turns;
    // Buffers, streams and events hold the device: device_close() before they
    // are freed defers the teardown to the last of them (lifetime_mutex()).
    int live = 0;
    bool closed = false;
};

struct bk_buffer {
    bk_device* dev = nullptr;
    cl_mem mem = nullptr;
    uint64_t bytes = 0;
};

struct bk_stream {
    bk_device* dev = nullptr;
    cl_command_queue q = nullptr;
    cl_mem scratch = nullptr;  // dot partial sums
    size_t scratch_bytes = 0;
    cl_mem nn_scratch = nullptr;  // NN ops' intermediates (row statistics)
    size_t nn_scratch_bytes = 0;
    // Kernel-timing fallback: the last kernel launched, and start events
    // waiting for the first kernel launched after them.
    cl_event last_kernel = nullptr;
    std::vector<bk_event*> waiting;
};

struct bk_event {
    bk_device* dev = nullptr;
    bool recorded = false;
    cl_event marker = nullptr;       // Timing::Markers
    bk_stream* stream = nullptr;     // Timing::Kernels: waiting on this stream
    cl_event first_after = nullptr;  // first kernel launched after the record
    cl_event last_before = nullptr;  // last kernel launched before the record
};

namespace bakeoff::opencl {

// Do marker events on this device carry usable profiling timestamps?
bool markers_usable(bk_device* d, std::string* note);

void release_event(cl_event& e);
// Drops an event's timing state (device mutex held).
void reset_event(bk_event* e);

void release_program(Program& p);
// Compiles `src` with `opts` into p.prog and creates its kernels; a compile
// error is BK_DEVICE_ERROR with the build log's first lines.
bk_status build_program(bk_device* d, Variant v, const char* src, const std::string& opts,
                        const std::vector<const char*>& kernels, Program& p);
// Builds the variant's program on first use (device mutex held).
bk_status ensure_program(bk_device* d, Variant v, Program** out);

const char* op_name(uint32_t kind);
// Checks the descriptor and whether this device can run it.
bk_status check_op(const bk_device* d, const bk_op_desc* op, Plan* plan);
// Checks the operand list of a checked op: count, devices, sizes.
bk_status check_operands(const bk_device* d, const bk_op_desc* op, const Plan& plan, bk_buffer* const* operands,
                         uint32_t n_operands);
// Enqueues a checked op (device mutex held); track: kernel-event timing.
bk_status launch_op(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p, bk_buffer* const* ops,
                    bool track);
// What runs, for op_info().
std::string describe(const bk_device* d, const bk_op_desc* op, const Plan& plan, const Program& p);

// Shared by the launch code of opencl_ops.cpp and opencl_nn_ops.cpp.
std::string log_excerpt(const std::string& log, size_t max_lines, size_t max_chars);
size_t kernel_wg_size(cl_kernel k, cl_device_id d);
size_t pow2_floor(size_t v);
bk_status set_args(cl_kernel k, std::initializer_list<std::pair<size_t, const void*>> args);
// Makes *buf (a stream's scratch, *bytes long) hold at least `need` bytes.
bk_status grow_scratch(cl_context ctx, cl_mem* buf, size_t* bytes, size_t need, const char* what);
bk_status enqueue(bk_stream* s, cl_kernel k, const LaunchGeom& g, cl_event* ev, const char* name);
// Kernel-timing bookkeeping after enqueuing kernels (device mutex held).
void note_kernels(bk_stream* s, cl_event first, cl_event last);

// ---- neural-network ops (opencl_nn_ops.cpp)
using bk_nn_rules::is_nn_op;
bk_status check_nn_op(const bk_device* d, const bk_op_desc* op, Plan* plan);
bk_status check_nn_operands(const bk_device* d, const bk_op_desc* op, const Plan& plan, bk_buffer* const* operands,
                            uint32_t n_operands);
// Compiles the NN program of variant v into p (device mutex held).
bk_status build_nn_program(bk_device* d, Variant v, Program& p);
bk_status launch_nn(bk_stream* s, const bk_op_desc* op, const Plan& plan, Program& p, bk_buffer* const* ops,
                    bool track);
std::string describe_nn(const bk_device* d, const bk_op_desc* op, const Plan& plan, const Program& p);
// GEMM f32 x q8_0 | q4_0 -> f32: its kernel lives in the f32 NN program.
bk_status launch_qgemm(bk_stream* s, const bk_op_desc* op, Program& p, bk_buffer* const* ops, bool track);
// Frees the device's cached NN tables (device_close).
void release_nn_tables(bk_device* d);

}  // namespace bakeoff::opencl
