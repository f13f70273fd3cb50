/*
 * A minimal bakeoff backend: the place to start porting a new chip.
 *
 * It runs the five stream ops (copy, scale, add, triad, dot) in f32 and f64
 * on the host, as the "portable" path, and says BK_UNSUPPORTED to everything
 * else. Replace the host memory and loops below with your runtime's calls
 * (device malloc, memcpy, queues, events, kernels) one entry point at a time,
 * and run `bakeoff conformance --backend template` after each step.
 * docs/backend-sdk.md maps the entry points to common accelerator runtimes.
 *
 * Build (out of tree, against the installed header):
 *   cmake -S . -B build -DBAKEOFF_INCLUDE_DIR=<prefix>/include
 *   cmake --build build
 *   BAKEOFF_PLUGIN_PATH=$PWD/build bakeoff conformance --backend template
 *
 * The file must be named libbakeoff_<name>.so; bakeoff finds it in the folders
 * of BAKEOFF_PLUGIN_PATH and in the plugins folder beside the binary.
 */
#define _POSIX_C_SOURCE 200809L
#include <bakeoff/backend_abi.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- errors ---
 * Every entry point returns a bk_status. On anything but BK_OK, last_error()
 * must return one line saying why. It is thread-local: two threads calling
 * the plugin never see each other's message. Never abort(), exit() or let a
 * C++ exception cross the ABI: catch it and return BK_INTERNAL_ERROR. */
static _Thread_local char t_error[512];

static bk_status fail(bk_status status, const char* why) {
    snprintf(t_error, sizeof t_error, "%s", why);
    return status;
}

static const char* api_last_error(void) { return t_error; }

/* --------------------------------------------------------------- objects ---
 * The handle types are opaque to the core: define them however suits your
 * runtime (a device ordinal and context; a device pointer and size; a queue;
 * an event object). The core owns nothing inside them and frees each one
 * exactly once through the matching *_free / *_destroy / *_close call. */
struct bk_device {
    int index;
};
struct bk_buffer {
    unsigned char* data; /* on a real device: the device address */
    uint64_t bytes;
};
struct bk_stream {
    bk_device* dev; /* on a real device: a queue / stream handle */
};
struct bk_event {
    double t_ms; /* on a real device: an event the device timestamps */
};

/* -------------------------------------------------------------- backend --- */
static bk_status api_init(void) {
    /* Load the driver, enumerate devices. With no device, still return BK_OK:
     * device_count() returns 0 and last_error() says why ("no driver"). */
    t_error[0] = '\0';
    return BK_OK;
}

static int32_t api_device_count(void) { return 1; }

static void copy_str(char* dst, size_t len, const char* src) {
    snprintf(dst, len, "%s", src);
}

static bk_status api_device_props(int32_t index, bk_device_props* out) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "device_props: no device with that index");
    if (!out) return fail(BK_INVALID_ARGUMENT, "device_props: null output");
    /* Versioning: the caller says how big its struct is. Fill a full copy and
     * hand over only what fits, so an older core is never written past. */
    bk_device_props p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    copy_str(p.name, sizeof p.name, "template host device");
    copy_str(p.vendor, sizeof p.vendor, "bakeoff example");
    copy_str(p.kind, sizeof p.kind, "cpu");
    copy_str(p.library_versions, sizeof p.library_versions, "none (plain C loops)");
    /* Unknown numbers stay 0. A real backend reports its memory (the harness
     * refuses sizes that do not fit in memory_free_bytes), its last-level
     * cache (working sets are sized past it) and its peaks, with peak_basis
     * saying where they come from ("datasheet", "estimate: ..."). */
    p.compute_units = 1;
    p.threads = 1;
    copy_str(p.properties, sizeof p.properties, "example=true");
    uint32_t n = out->struct_size;
    if (n == 0 || n > sizeof p) n = sizeof p;
    memcpy(out, &p, n);
    out->struct_size = n;
    return BK_OK;
}

static bk_status api_device_open(int32_t index, bk_device** out) {
    if (index != 0 || !out) return fail(BK_INVALID_ARGUMENT, "device_open: bad index or null output");
    bk_device* d = calloc(1, sizeof *d);
    if (!d) return fail(BK_OUT_OF_MEMORY, "device_open: out of host memory");
    d->index = index;
    *out = d;
    return BK_OK;
}

static void api_device_close(bk_device* dev) { free(dev); }

/* --------------------------------------------------------------- buffers ---
 * Upload, download and fill are blocking: when they return, the data is
 * where it should be. fill() writes a 4-byte pattern; the harness poisons
 * outputs with it (NaN) so an op that writes nothing cannot pass. */
static bk_status api_buffer_alloc(bk_device* dev, uint64_t bytes, bk_buffer** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: null device or output");
    bk_buffer* b = calloc(1, sizeof *b);
    if (!b) return fail(BK_OUT_OF_MEMORY, "buffer_alloc: out of host memory");
    b->data = malloc(bytes ? bytes : 1);
    if (!b->data) {
        free(b);
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: out of host memory");
    }
    b->bytes = bytes;
    *out = b;
    return BK_OK;
}

static void api_buffer_free(bk_buffer* b) {
    if (!b) return;
    free(b->data);
    free(b);
}

static int in_range(const bk_buffer* b, uint64_t offset, uint64_t bytes) {
    return b && offset <= b->bytes && bytes <= b->bytes - offset;
}

static bk_status api_buffer_upload(bk_buffer* b, uint64_t offset, const void* src, uint64_t bytes) {
    if (!in_range(b, offset, bytes) || (!src && bytes)) return fail(BK_INVALID_ARGUMENT, "upload: out of range");
    memcpy(b->data + offset, src, bytes);
    return BK_OK;
}

static bk_status api_buffer_download(bk_buffer* b, uint64_t offset, void* dst, uint64_t bytes) {
    if (!in_range(b, offset, bytes) || (!dst && bytes)) return fail(BK_INVALID_ARGUMENT, "download: out of range");
    memcpy(dst, b->data + offset, bytes);
    return BK_OK;
}

static bk_status api_buffer_fill(bk_buffer* b, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    if (!in_range(b, offset, bytes) || bytes % 4) return fail(BK_INVALID_ARGUMENT, "fill: bad range");
    for (uint64_t i = 0; i < bytes; i += 4) memcpy(b->data + offset + i, &pattern, 4);
    return BK_OK;
}

/* ------------------------------------------------------ streams, events ---
 * launch() may be asynchronous: the harness records an event before and after
 * the op on the same stream, calls stream_sync, then asks event_elapsed_ms.
 * The events must time the device's work, not the host's enqueue. Here every
 * launch runs to completion before it returns, so a host clock read at record
 * time is the right answer; on a real device use the runtime's events. */
static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static bk_status api_stream_create(bk_device* dev, bk_stream** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "stream_create: null argument");
    bk_stream* s = calloc(1, sizeof *s);
    if (!s) return fail(BK_OUT_OF_MEMORY, "stream_create: out of host memory");
    s->dev = dev;
    *out = s;
    return BK_OK;
}
static void api_stream_destroy(bk_stream* s) { free(s); }
static bk_status api_stream_sync(bk_stream* s) {
    return s ? BK_OK : fail(BK_INVALID_ARGUMENT, "stream_sync: null stream");
}

static bk_status api_event_create(bk_device* dev, bk_event** out) {
    if (!dev || !out) return fail(BK_INVALID_ARGUMENT, "event_create: null argument");
    bk_event* e = calloc(1, sizeof *e);
    if (!e) return fail(BK_OUT_OF_MEMORY, "event_create: out of host memory");
    *out = e;
    return BK_OK;
}
static void api_event_destroy(bk_event* e) { free(e); }
static bk_status api_event_record(bk_event* e, bk_stream* s) {
    if (!e || !s) return fail(BK_INVALID_ARGUMENT, "event_record: null argument");
    e->t_ms = now_ms();
    return BK_OK;
}
static bk_status api_event_elapsed_ms(bk_event* start, bk_event* end, double* ms) {
    if (!start || !end || !ms) return fail(BK_INVALID_ARGUMENT, "event_elapsed_ms: null argument");
    *ms = end->t_ms - start->t_ms;
    return BK_OK;
}

/* ------------------------------------------------------------------- ops ---
 * supports() is the capability query, and the coverage table users see: say
 * BK_OK only for what launch() really runs, and give a reason with every
 * BK_UNSUPPORTED ("bf16 needs ...", "no vendor library for ..."). Unsupported
 * is a result, not a failure. Grow from here: the five stream ops, then one
 * GEMM (fp32 portable), then the vendor library's GEMM, then more dtypes. */
static int is_stream_op(uint32_t kind) { return kind >= BK_OP_COPY && kind <= BK_OP_DOT; }

static bk_status api_supports(bk_device* dev, const bk_op_desc* op) {
    (void)dev;
    if (!op || op->struct_size < offsetof(bk_op_desc, u) + sizeof(bk_stream_op))
        return fail(BK_INVALID_ARGUMENT, "supports: null or truncated descriptor");
    if (!is_stream_op(op->kind)) return fail(BK_UNSUPPORTED, "the template backend runs the stream ops only");
    if (op->path != BK_PATH_PORTABLE)
        return fail(BK_UNSUPPORTED, "the template backend has no vendor library");
    if ((op->dtype_a != BK_F32 && op->dtype_a != BK_F64) || op->dtype_b != op->dtype_a || op->dtype_c != op->dtype_a)
        return fail(BK_UNSUPPORTED, "the template backend's stream ops take f32 or f64, all operands alike");
    if (op->u.stream.n < 0) return fail(BK_INVALID_ARGUMENT, "supports: negative n");
    return BK_OK;
}

/* One loop body per element type. Operands come inputs first, then the
 * output, in the order backend_abi.h gives for each op. */
#define STREAM_BODY(T)                                                              \
    do {                                                                            \
        const T q = (T)op->u.stream.scalar;                                         \
        const T* x = (const T*)operands[0]->data;                                   \
        if (op->kind == BK_OP_COPY || op->kind == BK_OP_SCALE) {                    \
            T* out = (T*)operands[1]->data;                                         \
            for (int64_t i = 0; i < n; ++i) out[i] = op->kind == BK_OP_COPY ? x[i] : q * x[i]; \
            return BK_OK;                                                           \
        }                                                                           \
        const T* y = (const T*)operands[1]->data;                                   \
        T* out = (T*)operands[2]->data;                                             \
        if (op->kind == BK_OP_DOT) {                                                \
            /* Any summation order passes (tolerance 8 sqrt(n) u); this one        \
               accumulates in double. */                                            \
            double s = 0;                                                           \
            for (int64_t i = 0; i < n; ++i) s += (double)x[i] * (double)y[i];       \
            out[0] = (T)s;                                                          \
            return BK_OK;                                                           \
        }                                                                           \
        /* add and triad: exact results are required (triad may be fused). */      \
        for (int64_t i = 0; i < n; ++i) out[i] = op->kind == BK_OP_ADD ? x[i] + y[i] : x[i] + q * y[i]; \
        return BK_OK;                                                               \
    } while (0)

static bk_status api_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n_operands) {
    if (!s) return fail(BK_INVALID_ARGUMENT, "launch: null stream");
    bk_status st = api_supports(s->dev, op); /* never run what supports() refuses */
    if (st != BK_OK) return st;
    const uint32_t need = (op->kind == BK_OP_COPY || op->kind == BK_OP_SCALE) ? 2u : 3u;
    if (!operands || n_operands != need) return fail(BK_INVALID_ARGUMENT, "launch: wrong number of operands");
    const int64_t n = op->u.stream.n;
    const uint64_t esize = op->dtype_a == BK_F64 ? 8u : 4u;
    /* Check every operand is big enough: a bad descriptor is an error, not a crash. */
    for (uint32_t i = 0; i < need; ++i) {
        const uint64_t want = (op->kind == BK_OP_DOT && i == need - 1) ? esize : (uint64_t)n * esize;
        if (!operands[i] || operands[i]->bytes < want)
            return fail(BK_INVALID_ARGUMENT, "launch: an operand is smaller than the op needs");
    }
    if (op->dtype_a == BK_F64) STREAM_BODY(double);
    else STREAM_BODY(float);
}

/* The table: lives for the life of the process. OPTIONAL members (shutdown,
 * op_info, telemetry_read) may be NULL; the loader refuses a table with any
 * other member NULL and says which. */
static const bk_backend kTable = {
    .abi_version = BK_ABI_VERSION,
    .struct_size = sizeof(bk_backend),
    .name = "template",
    .version = "0.1",
    .init = api_init,
    .shutdown = NULL,
    .device_count = api_device_count,
    .device_props = api_device_props,
    .device_open = api_device_open,
    .device_close = api_device_close,
    .buffer_alloc = api_buffer_alloc,
    .buffer_free = api_buffer_free,
    .buffer_upload = api_buffer_upload,
    .buffer_download = api_buffer_download,
    .buffer_fill = api_buffer_fill,
    .stream_create = api_stream_create,
    .stream_destroy = api_stream_destroy,
    .stream_sync = api_stream_sync,
    .event_create = api_event_create,
    .event_destroy = api_event_destroy,
    .event_record = api_event_record,
    .event_elapsed_ms = api_event_elapsed_ms,
    .supports = api_supports,
    .launch = api_launch,
    .last_error = api_last_error,
    .op_info = NULL,        /* say which kernel ran, and "warning: " lines */
    .telemetry_read = NULL, /* power, clocks, temperature, energy */
    .host_buffer_alloc = NULL, /* pinned/pageable host memory, for transfer bandwidth */
    .collectives = NULL,       /* device collectives (NCCL-like), see docs/backend-sdk.md */
};

/* The one exported symbol. Build with hidden visibility so nothing else leaks. */
BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &kTable; }
