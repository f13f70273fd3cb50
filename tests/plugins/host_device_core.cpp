#include "host_device_core.h"

#include <cstring>
#include <new>
#include <string>

namespace host_device {
namespace {
thread_local std::string g_error;

bk_status init() { return BK_OK; }
int32_t device_count() { return 1; }

bk_status device_open(int32_t index, bk_device** out) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "no such device");
    *out = new bk_device{index};
    return BK_OK;
}
void device_close(bk_device* d) { delete d; }

bk_status buffer_alloc(bk_device*, uint64_t bytes, bk_buffer** out) {
    if (bytes > kMemoryBytes) return fail(BK_OUT_OF_MEMORY, "the test device has 1 GiB");
    // A plugin must not throw across the ABI. Host memory can still run out
    // below the 1 GiB limit.
    try {
        *out = new bk_buffer{std::vector<unsigned char>(bytes)};
    } catch (const std::bad_alloc&) {
        return fail(BK_OUT_OF_MEMORY, "out of host memory");
    }
    return BK_OK;
}
void buffer_free(bk_buffer* b) { delete b; }

bk_status buffer_upload(bk_buffer* b, uint64_t off, const void* src, uint64_t n) {
    if (off + n > b->bytes.size()) return fail(BK_INVALID_ARGUMENT, "upload past the end");
    std::memcpy(b->bytes.data() + off, src, n);
    return BK_OK;
}
bk_status buffer_download(bk_buffer* b, uint64_t off, void* dst, uint64_t n) {
    if (off + n > b->bytes.size()) return fail(BK_INVALID_ARGUMENT, "download past the end");
    std::memcpy(dst, b->bytes.data() + off, n);
    return BK_OK;
}
bk_status buffer_fill(bk_buffer* b, uint64_t off, uint64_t n, uint32_t pattern) {
    if (off + n > b->bytes.size() || n % 4) return fail(BK_INVALID_ARGUMENT, "bad fill");
    for (uint64_t i = 0; i < n; i += 4) std::memcpy(b->bytes.data() + off + i, &pattern, 4);
    return BK_OK;
}

bk_status stream_create(bk_device*, bk_stream** out) {
    *out = new bk_stream{0};
    return BK_OK;
}
void stream_destroy(bk_stream* s) { delete s; }
bk_status stream_sync(bk_stream*) { return BK_OK; }

bk_status event_create(bk_device*, bk_event** out) {
    *out = new bk_event{};
    return BK_OK;
}
void event_destroy(bk_event* e) { delete e; }
bk_status event_record(bk_event* e, bk_stream*) {
    e->t = std::chrono::steady_clock::now();
    return BK_OK;
}
bk_status event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    *ms = measured_ms(a, b);
    // The harness divides by this time, so report a tiny positive value when
    // the clock did not advance between the two events.
    if (*ms <= 0) *ms = 1e-6;
    return BK_OK;
}

const char* last_error() { return g_error.c_str(); }
}  // namespace

bk_status fail(bk_status s, const char* why) {
    g_error = why;
    return s;
}

bk_status describe_device(int32_t index, bk_device_props* p, const char* name) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "no such device");
    std::strcpy(p->name, name);
    std::strcpy(p->vendor, "bakeoff tests");
    std::strcpy(p->kind, "accelerator");
    p->memory_bytes = kMemoryBytes;
    p->memory_free_bytes = kMemoryBytes;
    p->compute_units = 1;
    p->threads = 1;
    return BK_OK;
}

double measured_ms(const bk_event* start, const bk_event* end) {
    return std::chrono::duration<double, std::milli>(end->t - start->t).count();
}

bk_backend base_table(const char* name) {
    bk_backend t{};
    t.abi_version = BK_ABI_VERSION;
    t.struct_size = sizeof(bk_backend);
    t.name = name;
    t.version = "test";
    t.init = init;
    t.device_count = device_count;
    t.device_open = device_open;
    t.device_close = device_close;
    t.buffer_alloc = buffer_alloc;
    t.buffer_free = buffer_free;
    t.buffer_upload = buffer_upload;
    t.buffer_download = buffer_download;
    t.buffer_fill = buffer_fill;
    t.stream_create = stream_create;
    t.stream_destroy = stream_destroy;
    t.stream_sync = stream_sync;
    t.event_create = event_create;
    t.event_destroy = event_destroy;
    t.event_record = event_record;
    t.event_elapsed_ms = event_elapsed_ms;
    t.last_error = last_error;
    return t;
}

}  // namespace host_device
