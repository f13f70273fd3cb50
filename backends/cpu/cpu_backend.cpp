// The CPU backend's ABI v1 table: init, the one device, buffers, streams and
// events, op dispatch, last-error text. Every entry point catches exceptions
// at the ABI edge and turns them into a status.
#include "cpu_backend.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "cpu_internal.h"
#include "nn_ops.h"

#ifndef BAKEOFF_CPU_BACKEND_VERSION
#define BAKEOFF_CPU_BACKEND_VERSION "0.0.0"
#endif

namespace bk_cpu {
namespace {

// Handles behind the ABI's opaque pointers.
struct Device {
    uint64_t magic = 0x62616b656f664456ull;
};
struct Stream {
    Device* dev = nullptr;
};
struct Event {
    std::chrono::steady_clock::time_point t{};
    bool recorded = false;
};

Device* as_device(bk_device* d) { return reinterpret_cast<Device*>(d); }
Stream* as_stream(bk_stream* s) { return reinterpret_cast<Stream*>(s); }
Event* as_event(bk_event* e) { return reinterpret_cast<Event*>(e); }
Buffer* as_buffer(bk_buffer* b) { return reinterpret_cast<Buffer*>(b); }

std::once_flag g_init_once;
bk_status g_init_status = BK_OK;
std::string g_init_error;

// Probes everything once: topology, ISA, thread placement, the clock (about
// 0.1 s) and the properties, so that the first timed op pays none of it.
bk_status ensure_init() {
    std::call_once(g_init_once, [] {
        g_init_status = guarded("init", [] {
            // Start OpenBLAS's thread pool before any thread is pinned, so its
            // workers inherit the process's full CPU mask.
            openblas_version();
            cpu_isa();
            host_info();
            threads_init();
            bk_device_props p{};
            p.struct_size = sizeof p;
            return fill_props(&p);
        });
        if (g_init_status != BK_OK) g_init_error = bk_plugin::error_text();
    });
    if (g_init_status != BK_OK) return fail(g_init_status, g_init_error);
    return BK_OK;
}

// ------------------------------------------------------------ backend

bk_status cpu_init(void) {
    return guarded("init", [] { return ensure_init(); });
}

void cpu_shutdown(void) {}

int32_t cpu_device_count(void) { return 1; }

bk_status cpu_device_props(int32_t index, bk_device_props* out) {
    return guarded("device_props", [&] {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: null output");
        if (out->struct_size < sizeof(uint32_t))
            return fail(BK_INVALID_ARGUMENT, "device_props: struct_size is too small");
        if (index != 0)
            return fail(BK_INVALID_ARGUMENT,
                        "device_props: no cpu device " + std::to_string(index) + " (there is one, 0)");
        if (bk_status st = ensure_init(); st != BK_OK) return st;
        return fill_props(out);
    });
}

bk_status cpu_device_open(int32_t index, bk_device** out) {
    return guarded("device_open", [&] {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_open: null output");
        *out = nullptr;
        if (index != 0)
            return fail(BK_INVALID_ARGUMENT,
                        "device_open: no cpu device " + std::to_string(index) + " (there is one, 0)");
        if (bk_status st = ensure_init(); st != BK_OK) return st;
        *out = reinterpret_cast<bk_device*>(new Device);
        return BK_OK;
    });
}

void cpu_device_close(bk_device* dev) { delete as_device(dev); }

// ------------------------------------------------------------ buffers

bk_status cpu_buffer_alloc(bk_device* dev, uint64_t bytes, bk_buffer** out) {
    return guarded("buffer_alloc", [&] {
        if (!dev) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: null device");
        Buffer* b = nullptr;
        const bk_status st = buffer_alloc(bytes, &b);
        if (out) *out = reinterpret_cast<bk_buffer*>(b);
        return st;
    });
}

void cpu_buffer_free(bk_buffer* buf) { buffer_free(as_buffer(buf)); }

bk_status cpu_buffer_upload(bk_buffer* buf, uint64_t offset, const void* src, uint64_t bytes) {
    return guarded("buffer_upload", [&] { return buffer_upload(as_buffer(buf), offset, src, bytes); });
}

bk_status cpu_buffer_download(bk_buffer* buf, uint64_t offset, void* dst, uint64_t bytes) {
    return guarded("buffer_download",
                   [&] { return buffer_download(as_buffer(buf), offset, dst, bytes); });
}

bk_status cpu_buffer_fill(bk_buffer* buf, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    return guarded("buffer_fill", [&] { return buffer_fill(as_buffer(buf), offset, bytes, pattern); });
}

// ------------------------------------------------------------ streams and events
// Launches run synchronously on the calling thread, so a stream is only a
// handle and an event is the steady_clock time at which it was recorded.

bk_status cpu_stream_create(bk_device* dev, bk_stream** out) {
    return guarded("stream_create", [&] {
        if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "stream_create: null argument");
        auto* s = new Stream;
        s->dev = as_device(dev);
        *out = reinterpret_cast<bk_stream*>(s);
        return BK_OK;
    });
}

void cpu_stream_destroy(bk_stream* s) { delete as_stream(s); }

bk_status cpu_stream_sync(bk_stream* s) {
    return guarded("stream_sync", [&] {
        if (!s) return fail(BK_INVALID_ARGUMENT, "stream_sync: null stream");
        return BK_OK;
    });
}

bk_status cpu_event_create(bk_device* dev, bk_event** out) {
    return guarded("event_create", [&] {
        if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "event_create: null argument");
        *out = reinterpret_cast<bk_event*>(new Event);
        return BK_OK;
    });
}

void cpu_event_destroy(bk_event* e) { delete as_event(e); }

bk_status cpu_event_record(bk_event* e, bk_stream* s) {
    if (e && s) {
        Event* ev = as_event(e);
        ev->t = std::chrono::steady_clock::now();
        ev->recorded = true;
        return BK_OK;
    }
    return guarded("event_record",
                   [] { return fail(BK_INVALID_ARGUMENT, "event_record: null argument"); });
}

bk_status cpu_event_elapsed_ms(bk_event* start, bk_event* end, double* ms) {
    return guarded("event_elapsed_ms", [&] {
        if (!start || !end || !ms)
            return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: null argument");
        const Event* a = as_event(start);
        const Event* b = as_event(end);
        if (!a->recorded || !b->recorded)
            return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: an event was never recorded");
        *ms = std::chrono::duration<double, std::milli>(b->t - a->t).count();
        return BK_OK;
    });
}

// ------------------------------------------------------------ ops

bool is_stream_kind(uint32_t kind) { return kind >= BK_OP_COPY && kind <= BK_OP_DOT; }

bk_status route_supports(const bk_op_desc& op) {
    if (is_stream_kind(op.kind)) return stream_supports(op);
    if (op.kind == BK_OP_GEMM) return gemm_supports(op);
    if (bk_nn_rules::is_nn_op(op.kind)) return nn_supports(op);
    // Transfers and launch latency have nothing to measure where host memory
    // is the device's memory and nothing is launched.
    return fail(BK_UNSUPPORTED, std::string(bk_op_name(op.kind)) + " (op kind " + std::to_string(op.kind) +
                                    ") is not run by the cpu backend");
}

bk_status cpu_supports(bk_device* dev, const bk_op_desc* op) {
    return guarded("supports", [&] {
        if (!dev) return fail(BK_INVALID_ARGUMENT, "supports: null device");
        bk_op_desc d;
        if (bk_status st = read_desc(op, &d); st != BK_OK) return st;
        return route_supports(d);
    });
}

bk_status cpu_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands,
                     uint32_t n_operands) {
    return guarded("launch", [&] {
        if (!s) return fail(BK_INVALID_ARGUMENT, "launch: null stream");
        bk_op_desc d;
        if (bk_status st = read_desc(op, &d); st != BK_OK) return st;
        if (is_stream_kind(d.kind)) return stream_launch(d, operands, n_operands);
        if (d.kind == BK_OP_GEMM) return gemm_launch(d, operands, n_operands);
        if (bk_nn_rules::is_nn_op(d.kind)) return nn_launch(d, operands, n_operands);
        return route_supports(d);
    });
}

const char* cpu_last_error(void) { return bk_plugin::error_text(); }

bk_status cpu_op_info(bk_device* dev, const bk_op_desc* op, char* buf, size_t len) {
    return guarded("op_info", [&] {
        if (!dev) return fail(BK_INVALID_ARGUMENT, "op_info: null device");
        if (!buf || len == 0) return fail(BK_INVALID_ARGUMENT, "op_info: no output buffer");
        buf[0] = '\0';
        bk_op_desc d;
        if (bk_status st = read_desc(op, &d); st != BK_OK) return st;
        std::string text;
        bk_status st = BK_OK;
        if (is_stream_kind(d.kind))
            st = stream_info(d, &text);
        else if (d.kind == BK_OP_GEMM)
            st = gemm_info(d, &text);
        else if (bk_nn_rules::is_nn_op(d.kind))
            st = nn_info(d, &text);
        else
            st = route_supports(d);
        if (st != BK_OK) return st;
        std::snprintf(buf, len, "%s", text.c_str());
        return BK_OK;
    });
}

bk_status cpu_telemetry_read(bk_device* dev, bk_telemetry* out) {
    return guarded("telemetry_read", [&] {
        if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "telemetry_read: null argument");
        if (out->struct_size < sizeof(uint32_t))
            return fail(BK_INVALID_ARGUMENT, "telemetry_read: struct_size is too small");
        return telemetry_read(out);
    });
}

const bk_backend kTable = {
    BK_ABI_VERSION,
    sizeof(bk_backend),
    "cpu",
    BAKEOFF_CPU_BACKEND_VERSION,
    cpu_init,
    cpu_shutdown,
    cpu_device_count,
    cpu_device_props,
    cpu_device_open,
    cpu_device_close,
    cpu_buffer_alloc,
    cpu_buffer_free,
    cpu_buffer_upload,
    cpu_buffer_download,
    cpu_buffer_fill,
    cpu_stream_create,
    cpu_stream_destroy,
    cpu_stream_sync,
    cpu_event_create,
    cpu_event_destroy,
    cpu_event_record,
    cpu_event_elapsed_ms,
    cpu_supports,
    cpu_launch,
    cpu_last_error,
    cpu_op_info,
    cpu_telemetry_read,
    nullptr,  // host_buffer_alloc: host memory is this device's memory; no transfers to measure
    nullptr,  // collectives: host collectives go through MPI, not the backend
};

}  // namespace

bk_status read_desc(const bk_op_desc* op, bk_op_desc* out) {
    if (!op) return fail(BK_INVALID_ARGUMENT, "null op descriptor");
    std::memset(out, 0, sizeof *out);
    if (std::string why = bk_plugin::desc_size_rule(*op); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    std::memcpy(out, op, std::min<size_t>(op->struct_size, sizeof *out));
    out->struct_size = sizeof *out;
    return BK_OK;
}

const char* kind_name(uint32_t kind) { return bk_op_name(kind); }

}  // namespace bk_cpu

extern "C" const bk_backend* bakeoff_cpu_backend(void) { return &bk_cpu::kTable; }
