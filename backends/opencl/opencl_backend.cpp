// bakeoff OpenCL backend plugin: every device of every OpenCL platform, through
// the ICD loader, with bakeoff's own portable kernels (opencl_kernels.cpp).
//
// Design notes
//  - Devices are enumerated once in init() (platforms and devices older than
//    OpenCL 1.2 are skipped, and said so); device_open() creates a context, an
//    internal in-order queue for blocking copies and fills, and probes whether
//    marker events carry usable profiling timestamps.
//  - Streams are in-order queues with CL_QUEUE_PROFILING_ENABLE. event_record()
//    enqueues a marker; elapsed time is the difference of the markers'
//    CL_PROFILING_COMMAND_END. Where markers report nothing usable, a bracket
//    is timed from the START of the first kernel launched after the start
//    record to the END of the last kernel launched before the end record,
//    tracked per stream (copies and fills inside the bracket then do not count).
//  - Programs are compiled once per opened device and variant (f32, f64, f16
//    and bf16 GEMM) on first launch, and cached until device_close(). The GEMM
//    is a local-memory tiled kernel on GPUs and accelerators, a register-blocked
//    kernel without barriers on CPU devices. The neural-network ops (the model
//    workloads') have one program per activation type (opencl_nn_ops.cpp).
//  - No -cl-mad-enable: mad() precision is implementation-defined. Stream
//    kernels turn FP_CONTRACT off (exact results); the GEMM leaves it on.
//  - Every entry point returns a status and catches exceptions; the reason for
//    any status but BK_OK is in a thread-local last_error().
//
// Environment (read at device_open):
//   BAKEOFF_OPENCL_TIMING=auto|markers|kernels  timing method (default auto)
//   BAKEOFF_OPENCL_GEMM=tiled|blocked           GEMM kernel (default by device kind)
//   BAKEOFF_OPENCL_BUILD_OPTIONS=...            appended to every program build
//   BAKEOFF_OPENCL_ATTENTION=rows|tiled         attention forward kernel (default
//                                               by device kind; read at program build)
#include "clblast_gemm.h"
#include "opencl_internal.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

#ifndef BAKEOFF_OPENCL_PLUGIN_VERSION
#define BAKEOFF_OPENCL_PLUGIN_VERSION "0.0.0"
#endif

using namespace bakeoff::opencl;

namespace {

// ==================================================================== ABI

bk_status api_init(void) {
    return guarded([] { return do_init(); });
}

void api_shutdown(void) {
    bk_plugin::quietly([&] {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mu);
        r.devices.clear();
        r.note.clear();
        r.initialized = false;
    });
}

int32_t api_device_count(void) {
    return bk_plugin::quietly(int32_t(0), [] {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mu);
        return bk_plugin::device_count_answer(r.initialized, static_cast<int32_t>(r.devices.size()), r.note);
    });
}

bk_status api_device_props(int32_t index, bk_device_props* out) {
    return guarded([&]() -> bk_status {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: out is NULL");
        if (out->struct_size < sizeof(uint32_t))
            return fail(BK_INVALID_ARGUMENT, "device_props: struct_size is too small");
        const DeviceEntry* e = entry_at(index);
        if (!e) return fail(BK_INVALID_ARGUMENT, "device_props: no OpenCL device " + std::to_string(index));
        const DeviceCaps c = query_caps(e->device);
        const uint64_t vfree = vendor_free_bytes(e->device, c);
        auto p = std::make_unique<bk_device_props>();
        std::memset(p.get(), 0, sizeof *p);
        copy_str(p->name, sizeof p->name, c.name);
        copy_str(p->vendor, sizeof p->vendor, c.vendor);
        copy_str(p->kind, sizeof p->kind, c.kind);
        copy_str(p->driver_version, sizeof p->driver_version, c.driver);
        copy_str(p->library_versions, sizeof p->library_versions,
                 e->platform_name + " (" + e->platform_version + "); " + c.c_version);
        p->memory_bytes = c.global_mem;
        p->memory_free_bytes = vfree ? std::min<uint64_t>(vfree, c.global_mem) : c.global_mem;
        p->last_level_cache_bytes = c.cache;
        p->compute_units = c.compute_units;
        p->threads = (c.type & CL_DEVICE_TYPE_CPU) ? c.compute_units : 0;
        p->clock_mhz = c.clock_mhz;
        copy_str(p->peak_basis, sizeof p->peak_basis,
                 "no peak estimate: core OpenCL reports neither FLOP per cycle nor memory bus width; "
                 "clock_mhz is the device's reported max clock (CL_DEVICE_MAX_CLOCK_FREQUENCY), not a "
                 "measured one");
        copy_str(p->properties, sizeof p->properties, build_properties(*e, c, vfree));
        const size_t n = std::min<size_t>(out->struct_size, sizeof(bk_device_props));
        // Keep the caller's struct_size; copy the rest up to what it allocated.
        if (n > sizeof(uint32_t))
            std::memcpy(reinterpret_cast<char*>(out) + sizeof(uint32_t),
                        reinterpret_cast<const char*>(p.get()) + sizeof(uint32_t), n - sizeof(uint32_t));
        return BK_OK;
    });
}

void close_device(bk_device* d) {
    for (Program& p : d->programs) release_program(p);
    release_nn_tables(d);
    if (d->io_q) clReleaseCommandQueue(d->io_q);
    if (d->ctx) clReleaseContext(d->ctx);
    delete d;
}

std::mutex& lifetime_mutex() {
    static std::mutex m;
    return m;
}

void hold_device(bk_device* d) {
    std::lock_guard<std::mutex> lock(lifetime_mutex());
    ++d->live;
}

void drop_device(bk_device* d) {
    bool last = false;
    {
        std::lock_guard<std::mutex> lock(lifetime_mutex());
        last = --d->live == 0 && d->closed;
    }
    if (last) close_device(d);
}

bk_status api_device_open(int32_t index, bk_device** out) {
    return guarded([&]() -> bk_status {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_open: out is NULL");
        *out = nullptr;
        const DeviceEntry* e = entry_at(index);
        if (!e) return fail(BK_INVALID_ARGUMENT, "device_open: no OpenCL device " + std::to_string(index));
        auto d = std::make_unique<bk_device>();
        d->index = index;
        d->entry = *e;
        d->caps = query_caps(e->device);
        const cl_context_properties props[] = {CL_CONTEXT_PLATFORM,
                                               reinterpret_cast<cl_context_properties>(e->platform), 0};
        cl_int err = CL_SUCCESS;
        d->ctx = clCreateContext(props, 1, &e->device, nullptr, nullptr, &err);
        if (err != CL_SUCCESS) return cl_fail(err, "clCreateContext");
        d->io_q = clCreateCommandQueue(d->ctx, e->device, CL_QUEUE_PROFILING_ENABLE, &err);
        if (err != CL_SUCCESS) {
            const bk_status s = cl_fail(err, "clCreateCommandQueue");
            close_device(d.release());
            return s;
        }
        // The GEMM kernel suits the device kind; BAKEOFF_OPENCL_GEMM=tiled or
        // =blocked picks one (to compare them, and to test both anywhere).
        d->gemm_blocked = (d->caps.type & CL_DEVICE_TYPE_CPU) != 0;
        if (const char* g = std::getenv("BAKEOFF_OPENCL_GEMM")) {
            if (std::strcmp(g, "tiled") == 0) d->gemm_blocked = false;
            if (std::strcmp(g, "blocked") == 0) d->gemm_blocked = true;
        }
        if (const char* x = std::getenv("BAKEOFF_OPENCL_BUILD_OPTIONS")) d->extra_options = x;
        const char* env = std::getenv("BAKEOFF_OPENCL_TIMING");
        const std::string mode = env ? env : "auto";
        if (mode == "kernels") {
            d->timing = Timing::Kernels;
            d->timing_note = "kernel events (BAKEOFF_OPENCL_TIMING=kernels)";
        } else if (mode == "markers") {
            d->timing = Timing::Markers;
            d->timing_note = "marker events (BAKEOFF_OPENCL_TIMING=markers)";
        } else {
            std::string note;
            d->timing = markers_usable(d.get(), &note) ? Timing::Markers : Timing::Kernels;
            d->timing_note = note;
        }
        *out = d.release();
        return BK_OK;
    });
}

void api_device_close(bk_device* d) {
    if (!d) return;
    bk_plugin::quietly([&] {
        bool now = false;
        {
            std::lock_guard<std::mutex> lock(lifetime_mutex());
            d->closed = true;
            now = d->live == 0;
        }
        if (now) close_device(d);
    });
}

bk_status api_buffer_alloc(bk_device* d, uint64_t bytes, bk_buffer** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: device or out is NULL");
        *out = nullptr;
        if (bytes == 0) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: zero bytes");
        if (bytes > d->caps.max_alloc)
            return fail(BK_OUT_OF_MEMORY, "buffer_alloc: " + std::to_string(bytes) +
                                              " bytes exceed the device's largest allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " +
                                              std::to_string(d->caps.max_alloc) + ")");
        cl_int err = CL_SUCCESS;
        cl_mem m = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, static_cast<size_t>(bytes), nullptr, &err);
        if (err != CL_SUCCESS) return cl_fail(err, "clCreateBuffer(" + std::to_string(bytes) + " bytes)");
        auto* b = new (std::nothrow) bk_buffer{d, m, bytes};
        if (!b) {
            clReleaseMemObject(m);
            return fail(BK_OUT_OF_MEMORY, "out of host memory");
        }
        hold_device(d);
        *out = b;
        return BK_OK;
    });
}

void api_buffer_free(bk_buffer* b) {
    if (!b) return;
    bk_plugin::quietly([&] {
        if (b->mem) clReleaseMemObject(b->mem);
        bk_device* d = b->dev;
        delete b;
        drop_device(d);
    });
}

// A buffer, and a range within it in the SDK's words (bakeoff/plugin_buffers.h).
bk_status check_range(const bk_buffer* b, uint64_t offset, uint64_t bytes, const char* fn) {
    if (!b) return fail(BK_INVALID_ARGUMENT, fn, ": buffer is NULL");
    return bk_plugin::check_range(fn, b->bytes, offset, bytes);
}

bk_status api_buffer_upload(bk_buffer* b, uint64_t offset, const void* src, uint64_t bytes) {
    return guarded([&]() -> bk_status {
        if (bk_status s = check_range(b, offset, bytes, "buffer_upload"); s != BK_OK) return s;
        if (bytes == 0) return BK_OK;
        if (!src) return fail(BK_INVALID_ARGUMENT, "buffer_upload: src is NULL");
        const cl_int err =
            clEnqueueWriteBuffer(b->dev->io_q, b->mem, CL_TRUE, offset, bytes, src, 0, nullptr, nullptr);
        return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clEnqueueWriteBuffer");
    });
}

bk_status api_buffer_download(bk_buffer* b, uint64_t offset, void* dst, uint64_t bytes) {
    return guarded([&]() -> bk_status {
        if (bk_status s = check_range(b, offset, bytes, "buffer_download"); s != BK_OK) return s;
        if (bytes == 0) return BK_OK;
        if (!dst) return fail(BK_INVALID_ARGUMENT, "buffer_download: dst is NULL");
        const cl_int err =
            clEnqueueReadBuffer(b->dev->io_q, b->mem, CL_TRUE, offset, bytes, dst, 0, nullptr, nullptr);
        return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clEnqueueReadBuffer");
    });
}

bk_status api_buffer_fill(bk_buffer* b, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    return guarded([&]() -> bk_status {
        if (!b) return fail(BK_INVALID_ARGUMENT, "buffer_fill: buffer is NULL");
        if (bk_status s = bk_plugin::check_fill("buffer_fill", b->bytes, offset, bytes); s != BK_OK) return s;
        if (bytes == 0) return BK_OK;
        cl_int err = CL_SUCCESS;
        if (offset % 4 == 0) {
            err = clEnqueueFillBuffer(b->dev->io_q, b->mem, &pattern, sizeof pattern, offset, bytes, 0, nullptr,
                                      nullptr);
            if (err != CL_SUCCESS) return cl_fail(err, "clEnqueueFillBuffer");
            err = clFinish(b->dev->io_q);
            return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clFinish");
        }
        // OpenCL wants fill offsets aligned to the pattern: write from the host.
        std::vector<uint32_t> host(bytes / 4, pattern);
        err = clEnqueueWriteBuffer(b->dev->io_q, b->mem, CL_TRUE, offset, bytes, host.data(), 0, nullptr, nullptr);
        return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clEnqueueWriteBuffer");
    });
}

bk_status api_stream_create(bk_device* d, bk_stream** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "stream_create: device or out is NULL");
        *out = nullptr;
        cl_int err = CL_SUCCESS;
        cl_command_queue q = clCreateCommandQueue(d->ctx, d->entry.device, CL_QUEUE_PROFILING_ENABLE, &err);
        if (err != CL_SUCCESS) return cl_fail(err, "clCreateCommandQueue");
        auto* s = new (std::nothrow) bk_stream;
        if (!s) {
            clReleaseCommandQueue(q);
            return fail(BK_OUT_OF_MEMORY, "out of host memory");
        }
        s->dev = d;
        s->q = q;
        hold_device(d);
        *out = s;
        return BK_OK;
    });
}

void api_stream_destroy(bk_stream* s) {
    if (!s) return;
    bk_plugin::quietly([&] {
        clFinish(s->q);
        {
            std::lock_guard<std::mutex> lock(s->dev->mu);
            for (bk_event* e : s->waiting) e->stream = nullptr;
            s->waiting.clear();
            release_event(s->last_kernel);
        }
        if (s->scratch) clReleaseMemObject(s->scratch);
        if (s->nn_scratch) clReleaseMemObject(s->nn_scratch);
        clReleaseCommandQueue(s->q);
        bk_device* d = s->dev;
        delete s;
        drop_device(d);
    });
}

bk_status api_stream_sync(bk_stream* s) {
    return guarded([&]() -> bk_status {
        if (!s) return fail(BK_INVALID_ARGUMENT, "stream_sync: stream is NULL");
        const cl_int err = clFinish(s->q);
        return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clFinish");
    });
}

bk_status api_event_create(bk_device* d, bk_event** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "event_create: device or out is NULL");
        auto* e = new (std::nothrow) bk_event;
        if (!e) return fail(BK_OUT_OF_MEMORY, "out of host memory");
        e->dev = d;
        hold_device(d);
        *out = e;
        return BK_OK;
    });
}

void api_event_destroy(bk_event* e) {
    if (!e) return;
    bk_device* d = e->dev;
    bk_plugin::quietly([&] {
        std::lock_guard<std::mutex> lock(d->mu);
        reset_event(e);
    });
    delete e;
    bk_plugin::quietly([&] {
        drop_device(d);
    });
}

bk_status api_event_record(bk_event* e, bk_stream* s) {
    return guarded([&]() -> bk_status {
        if (!e || !s) return fail(BK_INVALID_ARGUMENT, "event_record: event or stream is NULL");
        if (e->dev != s->dev) return fail(BK_INVALID_ARGUMENT, "event_record: event and stream are on different devices");
        std::lock_guard<std::mutex> lock(s->dev->mu);
        reset_event(e);
        if (s->dev->timing == Timing::Markers) {
            const cl_int err = clEnqueueMarkerWithWaitList(s->q, 0, nullptr, &e->marker);
            if (err != CL_SUCCESS) return cl_fail(err, "clEnqueueMarkerWithWaitList");
            clFlush(s->q);  // start the work recorded so far
        } else {
            if (s->last_kernel) {
                clRetainEvent(s->last_kernel);
                e->last_before = s->last_kernel;
            }
            e->stream = s;
            s->waiting.push_back(e);
            clFlush(s->q);
        }
        e->recorded = true;
        return BK_OK;
    });
}

bk_status profile(cl_event ev, cl_profiling_info what, cl_ulong* t) {
    cl_int err = clWaitForEvents(1, &ev);
    if (err != CL_SUCCESS) return cl_fail(err, "clWaitForEvents");
    err = clGetEventProfilingInfo(ev, what, sizeof *t, t, nullptr);
    return err == CL_SUCCESS ? BK_OK : cl_fail(err, "clGetEventProfilingInfo");
}

bk_status api_event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    return guarded([&]() -> bk_status {
        if (!a || !b || !ms) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: NULL argument");
        if (a->dev != b->dev) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: events are on different devices");
        std::lock_guard<std::mutex> lock(a->dev->mu);
        if (!a->recorded || !b->recorded) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: event not recorded");
        cl_ulong t0 = 0, t1 = 0;
        if (a->dev->timing == Timing::Markers) {
            if (!a->marker || !b->marker) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: event not recorded");
            if (bk_status s = profile(a->marker, CL_PROFILING_COMMAND_END, &t0); s != BK_OK) return s;
            if (bk_status s = profile(b->marker, CL_PROFILING_COMMAND_END, &t1); s != BK_OK) return s;
            if (t0 == 0 || t1 < t0)
                return fail(BK_DEVICE_ERROR, "event_elapsed_ms: marker timestamps out of order (" + std::to_string(t0) +
                                                 ", " + std::to_string(t1) + ")");
        } else {
            // From the first kernel after a to the last kernel before b; no
            // kernel between the two records is 0 ms.
            cl_event first = a->first_after, last = b->last_before;
            if (!first || !last) {
                *ms = 0.0;
                return BK_OK;
            }
            if (bk_status s = profile(first, CL_PROFILING_COMMAND_START, &t0); s != BK_OK) return s;
            if (bk_status s = profile(last, CL_PROFILING_COMMAND_END, &t1); s != BK_OK) return s;
            if (t1 < t0) {
                *ms = 0.0;
                return BK_OK;
            }
        }
        *ms = static_cast<double>(t1 - t0) * 1e-6;
        return BK_OK;
    });
}

bk_status api_supports(bk_device* d, const bk_op_desc* op) {
    return guarded([&]() -> bk_status {
        Plan plan;
        return check_op(d, op, &plan);
    });
}

bk_status api_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n_operands) {
    return guarded([&]() -> bk_status {
        if (!s) return fail(BK_INVALID_ARGUMENT, "launch: stream is NULL");
        bk_device* d = s->dev;
        Plan plan;
        if (bk_status st = check_op(d, op, &plan); st != BK_OK) return st;
        if (bk_status st = check_operands(d, op, plan, operands, n_operands); st != BK_OK) return st;
        std::lock_guard<std::mutex> lock(d->mu);
        if (plan.vendor) return clblast_gemm_launch(s, *op, operands, d->timing == Timing::Kernels);
        Program* p = nullptr;
        if (bk_status st = ensure_program(d, plan.variant, &p); st != BK_OK) return st;
        return launch_op(s, op, plan, *p, operands, d->timing == Timing::Kernels);
    });
}

const char* api_last_error(void) { return error_text(); }

bk_status api_op_info(bk_device* d, const bk_op_desc* op, char* buf, size_t len) {
    return guarded([&]() -> bk_status {
        if (!buf || len == 0) return fail(BK_INVALID_ARGUMENT, "op_info: empty output buffer");
        buf[0] = '\0';
        Plan plan;
        if (bk_status st = check_op(d, op, &plan); st != BK_OK) return st;
        if (plan.vendor) {
            copy_str(buf, len, clblast_gemm_describe(d, *op));
            return BK_OK;
        }
        std::lock_guard<std::mutex> lock(d->mu);
        Program* p = nullptr;
        if (bk_status st = ensure_program(d, plan.variant, &p); st != BK_OK) return st;
        copy_str(buf, len, describe(d, op, plan, *p));
        return BK_OK;
    });
}

const bk_backend kBackend = {
    BK_ABI_VERSION,
    sizeof(bk_backend),
    "opencl",
    BAKEOFF_OPENCL_PLUGIN_VERSION,
    api_init,
    api_shutdown,
    api_device_count,
    api_device_props,
    api_device_open,
    api_device_close,
    api_buffer_alloc,
    api_buffer_free,
    api_buffer_upload,
    api_buffer_download,
    api_buffer_fill,
    api_stream_create,
    api_stream_destroy,
    api_stream_sync,
    api_event_create,
    api_event_destroy,
    api_event_record,
    api_event_elapsed_ms,
    api_supports,
    api_launch,
    api_last_error,
    api_op_info,
    nullptr,  // telemetry_read: core OpenCL has no power, clock or temperature readings
    nullptr,  // host_buffer_alloc
    nullptr,  // collectives
};

}  // namespace

extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &kBackend; }
