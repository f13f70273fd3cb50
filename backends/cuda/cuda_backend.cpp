// bakeoff CUDA backend plugin: every CUDA device the runtime sees.
//
// Design notes
//  - The CUDA runtime is linked statically and libcuda is never linked: on a
//    machine without a driver the plugin loads, init() succeeds and
//    device_count() is 0 with the reason ("no CUDA driver", "no CUDA device").
//  - Streams are non-blocking CUDA streams; events are CUDA events, so times
//    are the device's own. Blocking uploads, downloads and fills go through a
//    separate per-device stream and wait for it.
//  - Ops: STREAM kernels (cuda_stream_kernels.cu), the empty kernel and
//    copy-engine transfers, GEMM through cuBLASLt (vendor) or bakeoff's tiled
//    kernel (portable; also f32 x q8_0/q4_0 weights), and every NN op on
//    bakeoff's own kernels (cuda_nn_ops.cpp, cuda_nn_*.cu). Telemetry through NVML, found at run time; device
//    collectives through NCCL where it was found at build time.
//  - Every entry point returns a status and catches exceptions; the reason
//    for any status but BK_OK is in a thread-local last_error().
#include "cuda_internal.h"
#include "cuda_kernels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#ifndef BAKEOFF_CUDA_PLUGIN_VERSION
#define BAKEOFF_CUDA_PLUGIN_VERSION "0.0.0"
#endif

using namespace bakeoff::cuda;

namespace {

bk_status api_init(void) {
    return guarded([] { return do_init(); });
}

void api_shutdown(void) {
    bk_plugin::quietly([&] {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mu);
        r.initialized = false;
        r.count = 0;
    });
}

int32_t api_device_count(void) {
    return bk_plugin::quietly(int32_t(0), [] {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mu);
        return bk_plugin::device_count_answer(r.initialized, r.count, r.note);
    });
}

bk_status api_device_props(int32_t index, bk_device_props* out) {
    return guarded([&]() -> bk_status {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: out is NULL");
        if (out->struct_size < sizeof(uint32_t)) return fail(BK_INVALID_ARGUMENT, "device_props: struct_size is too small");
        if (!valid_index(index)) return fail(BK_INVALID_ARGUMENT, "device_props: no CUDA device " + std::to_string(index));
        auto p = std::make_unique<bk_device_props>();
        std::memset(p.get(), 0, sizeof *p);
        fill_props(index, p.get());
        const size_t n = std::min<size_t>(out->struct_size, sizeof(bk_device_props));
        if (n > sizeof(uint32_t))
            std::memcpy(reinterpret_cast<char*>(out) + sizeof(uint32_t),
                        reinterpret_cast<const char*>(p.get()) + sizeof(uint32_t), n - sizeof(uint32_t));
        return BK_OK;
    });
}

bk_status api_device_open(int32_t index, bk_device** out) {
    return guarded([&]() -> bk_status {
        if (!out) return fail(BK_INVALID_ARGUMENT, "device_open: out is NULL");
        *out = nullptr;
        if (!valid_index(index)) return fail(BK_INVALID_ARGUMENT, "device_open: no CUDA device " + std::to_string(index));
        auto d = std::make_unique<bk_device>();
        d->index = index;
        d->facts = query_facts(index);  // also creates the primary context
        check_cuda(cudaStreamCreateWithFlags(&d->io, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        *out = d.release();
        return BK_OK;
    });
}

void api_device_close(bk_device* d) {
    if (!d) return;
    bk_plugin::quietly([&] {
        cudaSetDevice(d->index);
        destroy_blaslt(d->blaslt);
        if (d->io) cudaStreamDestroy(d->io);
    });
    delete d;
}

bk_status api_buffer_alloc(bk_device* d, uint64_t bytes, bk_buffer** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: NULL device or out");
        *out = nullptr;
        use_device(d);
        auto b = std::make_unique<bk_buffer>();
        b->dev = d;
        b->bytes = bytes;
        // At least one allocation granule, so that a 0-byte buffer is a valid pointer.
        if (cudaError_t e = cudaMalloc(&b->ptr, bytes ? bytes : 256); e != cudaSuccess) {
            cudaGetLastError();
            return cuda_fail(e, "cudaMalloc of " + std::to_string(bytes) + " bytes");
        }
        *out = b.release();
        return BK_OK;
    });
}

bk_status api_host_buffer_alloc(bk_device* d, uint64_t bytes, uint32_t flags, bk_buffer** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "host_buffer_alloc: NULL device or out");
        *out = nullptr;
        if (flags != BK_HOST_PAGEABLE && flags != BK_HOST_PINNED)
            return fail(BK_INVALID_ARGUMENT, "host_buffer_alloc: unknown flags " + std::to_string(flags));
        use_device(d);
        auto b = std::make_unique<bk_buffer>();
        b->dev = d;
        b->bytes = bytes;
        const uint64_t rounded = (std::max<uint64_t>(bytes, 1) + 4095) / 4096 * 4096;
        if (flags == BK_HOST_PINNED) {
            b->kind = MemKind::pinned;
            if (cudaError_t e = cudaHostAlloc(&b->ptr, rounded, cudaHostAllocPortable); e != cudaSuccess) {
                cudaGetLastError();
                return cuda_fail(e, "cudaHostAlloc of " + std::to_string(bytes) + " bytes");
            }
        } else {
            b->kind = MemKind::pageable;
            b->ptr = std::aligned_alloc(4096, rounded);
            if (!b->ptr) return fail(BK_OUT_OF_MEMORY, "host_buffer_alloc: " + std::to_string(bytes) + " bytes of host memory");
        }
        *out = b.release();
        return BK_OK;
    });
}

void api_buffer_free(bk_buffer* b) {
    if (!b) return;
    bk_plugin::quietly([&] {
        if (b->kind == MemKind::pageable) {
            std::free(b->ptr);
        } else {
            cudaSetDevice(b->dev->index);
            if (b->kind == MemKind::pinned) cudaFreeHost(b->ptr);
            else cudaFree(b->ptr);
        }
    });
    delete b;
}

// A buffer, and a range within it in the SDK's words (bakeoff/plugin_buffers.h).
bk_status check_range(const bk_buffer* b, uint64_t offset, uint64_t bytes, const char* fn) {
    if (!b) return fail(BK_INVALID_ARGUMENT, fn, ": NULL buffer");
    return bk_plugin::check_range(fn, b->bytes, offset, bytes);
}

bk_status copy_blocking(bk_buffer* b, void* dst, const void* src, uint64_t bytes, const char* what) {
    if (bytes == 0) return BK_OK;
    if (b->host()) {
        std::memcpy(dst, src, bytes);
        return BK_OK;
    }
    use_device(b->dev);
    check_cuda(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, b->dev->io), what);
    check_cuda(cudaStreamSynchronize(b->dev->io), what);
    return BK_OK;
}

bk_status api_buffer_upload(bk_buffer* b, uint64_t offset, const void* src, uint64_t bytes) {
    return guarded([&]() -> bk_status {
        if (bk_status s = check_range(b, offset, bytes, "buffer_upload"); s != BK_OK) return s;
        if (!src && bytes) return fail(BK_INVALID_ARGUMENT, "buffer_upload: NULL source");
        return copy_blocking(b, static_cast<char*>(b->ptr) + offset, src, bytes, "upload");
    });
}

bk_status api_buffer_download(bk_buffer* b, uint64_t offset, void* dst, uint64_t bytes) {
    return guarded([&]() -> bk_status {
        if (bk_status s = check_range(b, offset, bytes, "buffer_download"); s != BK_OK) return s;
        if (!dst && bytes) return fail(BK_INVALID_ARGUMENT, "buffer_download: NULL destination");
        return copy_blocking(b, dst, static_cast<const char*>(b->ptr) + offset, bytes, "download");
    });
}

bk_status api_buffer_fill(bk_buffer* b, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    return guarded([&]() -> bk_status {
        if (!b) return fail(BK_INVALID_ARGUMENT, "buffer_fill: NULL buffer");
        if (bk_status s = bk_plugin::check_fill("buffer_fill", b->bytes, offset, bytes); s != BK_OK) return s;
        // The fill kernel writes whole 4-byte words.
        if (offset % 4 != 0) return fail(BK_INVALID_ARGUMENT, "buffer_fill: offset ", offset, " is not a multiple of 4");
        char* p = static_cast<char*>(b->ptr) + offset;
        if (b->host()) {
            // Host buffers are page-aligned and the offset a multiple of 4.
            std::fill_n(reinterpret_cast<uint32_t*>(p), bytes / 4, pattern);
            return BK_OK;
        }
        use_device(b->dev);
        check_cuda(launch_fill_u32(p, bytes / 4, pattern, b->dev->io), "fill kernel");
        check_cuda(cudaStreamSynchronize(b->dev->io), "fill");
        return BK_OK;
    });
}

bk_status api_stream_create(bk_device* d, bk_stream** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "stream_create: NULL device or out");
        *out = nullptr;
        use_device(d);
        auto s = std::make_unique<bk_stream>();
        s->dev = d;
        check_cuda(cudaStreamCreateWithFlags(&s->s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        *out = s.release();
        return BK_OK;
    });
}

void api_stream_destroy(bk_stream* s) {
    if (!s) return;
    cudaSetDevice(s->dev->index);
    cudaStreamSynchronize(s->s);
    if (s->scratch) cudaFree(s->scratch);
    if (s->nn_scratch) cudaFree(s->nn_scratch);
    cudaStreamDestroy(s->s);
    cudaGetLastError();
    delete s;
}

bk_status api_stream_sync(bk_stream* s) {
    return guarded([&]() -> bk_status {
        if (!s) return fail(BK_INVALID_ARGUMENT, "stream_sync: NULL stream");
        use_device(s->dev);
        check_cuda(cudaStreamSynchronize(s->s), "cudaStreamSynchronize");
        return BK_OK;
    });
}

bk_status api_event_create(bk_device* d, bk_event** out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "event_create: NULL device or out");
        *out = nullptr;
        use_device(d);
        auto e = std::make_unique<bk_event>();
        e->dev = d;
        check_cuda(cudaEventCreate(&e->e), "cudaEventCreate");
        *out = e.release();
        return BK_OK;
    });
}

void api_event_destroy(bk_event* e) {
    if (!e) return;
    cudaSetDevice(e->dev->index);
    cudaEventDestroy(e->e);
    cudaGetLastError();
    delete e;
}

bk_status api_event_record(bk_event* e, bk_stream* s) {
    return guarded([&]() -> bk_status {
        if (!e || !s) return fail(BK_INVALID_ARGUMENT, "event_record: NULL event or stream");
        use_device(s->dev);
        check_cuda(cudaEventRecord(e->e, s->s), "cudaEventRecord");
        e->recorded = true;
        return BK_OK;
    });
}

bk_status api_event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    return guarded([&]() -> bk_status {
        if (!a || !b || !ms) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: NULL argument");
        if (!a->recorded || !b->recorded) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: an event was never recorded");
        use_device(a->dev);
        float f = 0;
        check_cuda(cudaEventElapsedTime(&f, a->e, b->e), "cudaEventElapsedTime");
        *ms = f;
        return BK_OK;
    });
}

bk_status api_supports(bk_device* d, const bk_op_desc* op) {
    return guarded([&]() -> bk_status {
        if (!d || !op) return fail(BK_INVALID_ARGUMENT, "supports: NULL device or op");
        return check_op(d, op);
    });
}

bk_status api_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n) {
    return guarded([&]() -> bk_status {
        if (!s || !op) return fail(BK_INVALID_ARGUMENT, "launch: NULL stream or op");
        return launch_op(s, op, operands, n);
    });
}

const char* api_last_error(void) { return error_text(); }

bk_status api_op_info(bk_device* d, const bk_op_desc* op, char* buf, size_t len) {
    return guarded([&]() -> bk_status {
        if (!d || !op || !buf || len == 0) return fail(BK_INVALID_ARGUMENT, "op_info: NULL argument");
        std::string text;
        if (bk_status s = op_info(d, op, &text); s != BK_OK) return s;
        copy_str(buf, len, text);
        return BK_OK;
    });
}

bk_status api_telemetry_read(bk_device* d, bk_telemetry* out) {
    return guarded([&]() -> bk_status {
        if (!d || !out) return fail(BK_INVALID_ARGUMENT, "telemetry_read: NULL device or out");
        return read_telemetry(d, out);
    });
}

const bk_collectives* api_collectives(void) {
    return bk_plugin::quietly(static_cast<const bk_collectives*>(nullptr), [] { return nccl_collectives(); });
}

bk_backend make_table() {
    bk_backend t{};
    t.abi_version = BK_ABI_VERSION;
    t.struct_size = sizeof(bk_backend);
    t.name = "cuda";
    t.version = BAKEOFF_CUDA_PLUGIN_VERSION;
    t.init = api_init;
    t.shutdown = api_shutdown;
    t.device_count = api_device_count;
    t.device_props = api_device_props;
    t.device_open = api_device_open;
    t.device_close = api_device_close;
    t.buffer_alloc = api_buffer_alloc;
    t.buffer_free = api_buffer_free;
    t.buffer_upload = api_buffer_upload;
    t.buffer_download = api_buffer_download;
    t.buffer_fill = api_buffer_fill;
    t.stream_create = api_stream_create;
    t.stream_destroy = api_stream_destroy;
    t.stream_sync = api_stream_sync;
    t.event_create = api_event_create;
    t.event_destroy = api_event_destroy;
    t.event_record = api_event_record;
    t.event_elapsed_ms = api_event_elapsed_ms;
    t.supports = api_supports;
    t.launch = api_launch;
    t.last_error = api_last_error;
    t.op_info = api_op_info;
    t.telemetry_read = api_telemetry_read;
    t.host_buffer_alloc = api_host_buffer_alloc;
    t.collectives = api_collectives;
    return t;
}

}  // namespace

extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) {
    static const bk_backend table = make_table();
    return &table;
}
