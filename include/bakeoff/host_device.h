/* A whole device in host memory, for plugins written in C++: one device,
 * buffers in host memory, streams that finish each op before launch()
 * returns, wall-clock events and last_error(). What stays to write is what
 * makes a backend: supports() and launch() (and device_props' numbers).
 *
 * Who uses it: bakeoff's test plugins (tests/plugins, tests/cluster) and the
 * backend template (examples/backend-template). A vendor porting a chip
 * starts from the template: base_table() gives a table that passes
 * `bakeoff conformance` from the first build, and each group of entry points
 * is then replaced by the runtime's own (device memory: buffer_*; queues and
 * timing: stream_* and event_*), with a conformance run after each step.
 * Once buffers live on the device, the plugin defines its own handle types
 * and stops including this header.
 *
 * It defines the ABI's opaque handles (bk_device, bk_buffer, bk_stream,
 * bk_event), so a plugin includes it from one place. Its functions are
 * inline and hidden (plugin_visibility.h): each plugin has its own copy, and
 * exports nothing but its entry point. Not part of the ABI itself. */
#pragma once

#ifdef __cplusplus
#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_buffers.h"
#include "bakeoff/plugin_errors.h"
#include "bakeoff/plugin_strings.h"

// The ABI's opaque handles, defined here so that a plugin's launch (or
// collective) reads a buffer's bytes directly.
struct bk_device {
    int32_t index;
};
struct bk_buffer {
    std::vector<unsigned char> bytes;  // on a real device: a device address and a size
};
struct bk_stream {
    bk_device* dev;  // work runs inside launch: nothing to queue
};
struct bk_event {
    std::chrono::steady_clock::time_point t;  // on a real device: an event the device timestamps
};

namespace bk_host BK_PLUGIN_HIDDEN {

using bk_plugin::fail;

// What device_props reports for the one device, set by base_table().
struct DeviceInfo {
    const char* name = "host-memory device";
    const char* vendor = "bakeoff";
    const char* kind = "accelerator";  // "cpu", "gpu" or "accelerator"
    // Reported as total and free memory; buffer_alloc refuses a larger
    // buffer, so a size the harness thinks fits also allocates. 0: unknown,
    // no limit but the host's.
    uint64_t memory_bytes = 0;
};

inline DeviceInfo& device_info() {
    static DeviceInfo info;
    return info;
}

// Fills the properties every host device shares (name, vendor, kind, memory,
// one compute unit) into a zeroed full-size struct; device_props then adds its
// own (peaks, properties) before publish() hands it over.
inline bk_status describe_device(int32_t index, bk_device_props* p) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "device_props: no device with index ", index);
    const DeviceInfo& d = device_info();
    std::memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    bk_plugin::copy_str(p->name, sizeof p->name, d.name);
    bk_plugin::copy_str(p->vendor, sizeof p->vendor, d.vendor);
    bk_plugin::copy_str(p->kind, sizeof p->kind, d.kind);
    p->memory_bytes = p->memory_free_bytes = d.memory_bytes;
    p->compute_units = 1;
    p->threads = 1;
    return BK_OK;
}

// Versioning: the caller says how big its struct is. Hands over only what
// fits, so an older core is never written past.
inline bk_status publish(const bk_device_props& full, bk_device_props* out) {
    if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: null output");
    uint32_t n = out->struct_size;
    if (n == 0 || n > sizeof full) n = sizeof full;
    std::memcpy(out, &full, n);
    out->struct_size = n;
    return BK_OK;
}

// Milliseconds between two recorded events, as measured (may be 0).
inline double measured_ms(const bk_event* start, const bk_event* end) {
    return std::chrono::duration<double, std::milli>(end->t - start->t).count();
}

namespace entry {

inline bk_status init() { return BK_OK; }
inline int32_t device_count() { return 1; }

inline bk_status device_props(int32_t index, bk_device_props* out) {
    if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: null output");
    bk_device_props p;
    if (bk_status s = describe_device(index, &p); s != BK_OK) return s;
    return publish(p, out);
}

inline bk_status device_open(int32_t index, bk_device** out) {
    if (index != 0 || !out) return fail(BK_INVALID_ARGUMENT, "device_open: no device with index ", index);
    return bk_plugin::guarded("device_open", [&] {
        *out = new bk_device{index};
        return BK_OK;
    });
}
inline void device_close(bk_device* d) { delete d; }

inline bk_status buffer_alloc(bk_device* dev, uint64_t bytes, bk_buffer** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: null device or output");
    const uint64_t limit = device_info().memory_bytes;
    if (limit && bytes > limit)
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: ", bytes, " bytes requested, the device has ", limit);
    // Host memory can still run out below the limit: guarded says so.
    return bk_plugin::guarded("buffer_alloc", [&] {
        *out = new bk_buffer{std::vector<unsigned char>(bytes)};
        return BK_OK;
    });
}
inline void buffer_free(bk_buffer* b) { delete b; }

inline bk_status buffer_upload(bk_buffer* b, uint64_t off, const void* src, uint64_t n) {
    if (!b || (!src && n)) return fail(BK_INVALID_ARGUMENT, "buffer_upload: null buffer or source");
    if (bk_status s = bk_plugin::check_range("buffer_upload", b->bytes.size(), off, n); s != BK_OK) return s;
    if (n) std::memcpy(b->bytes.data() + off, src, n);
    return BK_OK;
}
inline bk_status buffer_download(bk_buffer* b, uint64_t off, void* dst, uint64_t n) {
    if (!b || (!dst && n)) return fail(BK_INVALID_ARGUMENT, "buffer_download: null buffer or destination");
    if (bk_status s = bk_plugin::check_range("buffer_download", b->bytes.size(), off, n); s != BK_OK) return s;
    if (n) std::memcpy(dst, b->bytes.data() + off, n);
    return BK_OK;
}
inline bk_status buffer_fill(bk_buffer* b, uint64_t off, uint64_t n, uint32_t pattern) {
    if (!b) return fail(BK_INVALID_ARGUMENT, "buffer_fill: null buffer");
    if (bk_status s = bk_plugin::check_fill("buffer_fill", b->bytes.size(), off, n); s != BK_OK) return s;
    for (uint64_t i = 0; i < n; i += 4) std::memcpy(b->bytes.data() + off + i, &pattern, 4);
    return BK_OK;
}

inline bk_status stream_create(bk_device* dev, bk_stream** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "stream_create: null argument");
    return bk_plugin::guarded("stream_create", [&] {
        *out = new bk_stream{dev};
        return BK_OK;
    });
}
inline void stream_destroy(bk_stream* s) { delete s; }
inline bk_status stream_sync(bk_stream* s) {
    return s ? BK_OK : fail(BK_INVALID_ARGUMENT, "stream_sync: null stream");
}

inline bk_status event_create(bk_device* dev, bk_event** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "event_create: null argument");
    return bk_plugin::guarded("event_create", [&] {
        *out = new bk_event{};
        return BK_OK;
    });
}
inline void event_destroy(bk_event* e) { delete e; }
// Every launch runs to completion before it returns, so a host clock read at
// record time is the device's time. On a real device: the runtime's events,
// which time the device's work, not the host's enqueue.
inline bk_status event_record(bk_event* e, bk_stream* s) {
    if (!e || !s) return fail(BK_INVALID_ARGUMENT, "event_record: null argument");
    e->t = std::chrono::steady_clock::now();
    return BK_OK;
}
inline bk_status event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    if (!a || !b || !ms) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: null argument");
    *ms = measured_ms(a, b);
    // The harness divides by this time: a tiny positive value when the clock
    // did not advance between the two events.
    if (*ms <= 0) *ms = 1e-6;
    return BK_OK;
}

inline const char* last_error() { return bk_plugin::error_text(); }

}  // namespace entry

// A table with abi_version, struct_size, name, version and every entry point
// above, for `device`. supports and launch are left NULL for the plugin to
// set (the loader refuses a table that lacks one of them), and so are the
// optional entries; device_props reports `device` and may be replaced.
inline bk_backend base_table(const char* name, const char* version, const DeviceInfo& device) {
    device_info() = device;
    bk_backend t{};
    t.abi_version = BK_ABI_VERSION;
    t.struct_size = sizeof(bk_backend);
    t.name = name;
    t.version = version;
    t.init = entry::init;
    t.device_count = entry::device_count;
    t.device_props = entry::device_props;
    t.device_open = entry::device_open;
    t.device_close = entry::device_close;
    t.buffer_alloc = entry::buffer_alloc;
    t.buffer_free = entry::buffer_free;
    t.buffer_upload = entry::buffer_upload;
    t.buffer_download = entry::buffer_download;
    t.buffer_fill = entry::buffer_fill;
    t.stream_create = entry::stream_create;
    t.stream_destroy = entry::stream_destroy;
    t.stream_sync = entry::stream_sync;
    t.event_create = entry::event_create;
    t.event_destroy = entry::event_destroy;
    t.event_record = entry::event_record;
    t.event_elapsed_ms = entry::event_elapsed_ms;
    t.last_error = entry::last_error;
    return t;
}

}  // namespace bk_host
#endif
