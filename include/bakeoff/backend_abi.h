/*
 * bakeoff backend ABI, version 1.
 *
 * A backend is a shared library that exports one C function,
 *
 *     const bk_backend* bakeoff_backend_entry(void);
 *
 * returning a table of function pointers that lives for the life of the
 * process. The core never includes a vendor header: everything it knows about
 * a device comes through this table. The layers follow the order a user meets
 * them: backend (registry level) -> device -> stream/event -> buffer -> op.
 *
 * Rules every plugin follows:
 *  - Every call returns a bk_status; a plugin never aborts or exits the process.
 *    On any status other than BK_OK, last_error() returns one line of text
 *    saying why (thread-local, valid until the next call on that thread).
 *  - Members marked OPTIONAL may be NULL; every other member is REQUIRED and the
 *    loader refuses a plugin where one is NULL, naming it.
 *  - Structs passed in carry struct_size so a later ABI can append members; a
 *    plugin must not write past the struct_size it is given.
 *  - Ops are launched on a stream and may run asynchronously; the harness
 *    brackets them with events and calls stream_sync before reading results.
 *
 * The loader checks abi_version == BK_ABI_VERSION exactly: a v1 core does not
 * load a v2 plugin, and says so.
 */
#ifndef BAKEOFF_BACKEND_ABI_H
#define BAKEOFF_BACKEND_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BK_ABI_VERSION 1u
#define BK_ENTRY_SYMBOL "bakeoff_backend_entry"

#if defined(_WIN32)
#define BK_EXPORT __declspec(dllexport)
#else
#define BK_EXPORT __attribute__((visibility("default")))
#endif

typedef enum bk_status {
    BK_OK = 0,
    BK_UNSUPPORTED = 1,      /* the op / dtype / path is not implemented here */
    BK_INVALID_ARGUMENT = 2, /* a malformed descriptor, size or operand list */
    BK_OUT_OF_MEMORY = 3,
    BK_DEVICE_ERROR = 4,     /* the driver or device reported an error */
    BK_INTERNAL_ERROR = 5    /* anything else: a bug or an exception caught at the ABI edge */
} bk_status;

/* Element types. Values are stable: they are written into results files. */
typedef enum bk_dtype {
    BK_F64 = 0,
    BK_F32 = 1,
    BK_TF32 = 2,    /* fp32 storage, reduced-precision (10-bit mantissa) multiply */
    BK_BF16 = 3,
    BK_F16 = 4,
    BK_F8_E4M3 = 5,
    BK_I8 = 6,
    BK_U8 = 7,
    BK_I32 = 8,
    BK_DTYPE_COUNT = 9
} bk_dtype;

/* Two implementations per op where they exist: the platform's tuned library,
 * and bakeoff's own kernel. The gap is a finding about software maturity. */
typedef enum bk_path {
    BK_PATH_VENDOR = 0,
    BK_PATH_PORTABLE = 1
} bk_path;

/*
 * Operations. Operands are passed as an array of buffers, inputs first, then
 * outputs, in the order given here. Stream ops work on dims n elements of
 * dtype_a; their output has the same dtype.
 */
typedef enum bk_op_kind {
    BK_OP_COPY = 1,  /* out = in0                        operands: in0, out      */
    BK_OP_SCALE = 2, /* out = scalar * in0               operands: in0, out      */
    BK_OP_ADD = 3,   /* out = in0 + in1                  operands: in0, in1, out */
    BK_OP_TRIAD = 4, /* out = in0 + scalar * in1         operands: in0, in1, out */
    BK_OP_DOT = 5,   /* out[0] = sum_i in0[i] * in1[i]   operands: in0, in1, out
                        (out holds one element of dtype_c) */
    BK_OP_GEMM = 16  /* C = alpha * op(A) * op(B) + beta * C, row-major
                        operands: A, B, C. A is m x k (k x m if trans_a),
                        B is k x n (n x k if trans_b), C is m x n.
                        dtype_a/dtype_b: input types, dtype_c: output/accumulator
                        type (f64xf64->f64, f32xf32->f32, bf16xbf16->f32,
                        i8xi8->i32). For i8, A's values lie in [0, 127], so a
                        backend may treat A as u8 (x86 VNNI) or s8 (others). */
} bk_op_kind;

/* The op's name as results and messages show it ("triad", "gemm"). */
static inline const char* bk_op_name(uint32_t kind) {
    switch (kind) {
        case BK_OP_COPY: return "copy";
        case BK_OP_SCALE: return "scale";
        case BK_OP_ADD: return "add";
        case BK_OP_TRIAD: return "triad";
        case BK_OP_DOT: return "dot";
        case BK_OP_GEMM: return "gemm";
        default: return "unknown op";
    }
}

typedef struct bk_stream_op {
    int64_t n;      /* elements per array */
    double scalar;  /* for SCALE and TRIAD */
} bk_stream_op;

typedef struct bk_gemm_op {
    int64_t m, n, k;
    int64_t lda, ldb, ldc; /* leading dimensions, in elements (row-major) */
    int32_t trans_a, trans_b;
    double alpha, beta;
} bk_gemm_op;

typedef struct bk_op_desc {
    uint32_t struct_size; /* sizeof(bk_op_desc) as the caller knows it */
    uint32_t kind;        /* bk_op_kind */
    uint32_t path;        /* bk_path */
    uint32_t dtype_a;     /* bk_dtype of the (first) input */
    uint32_t dtype_b;     /* bk_dtype of the second input */
    uint32_t dtype_c;     /* bk_dtype of the output */
    union {
        bk_stream_op stream;
        bk_gemm_op gemm;
        uint8_t reserved[256]; /* room for later ops without changing the size */
    } u;
} bk_op_desc;

/* Properties of one device. Strings are NUL-terminated and truncated to fit.
 * Numbers that are unknown are 0. */
typedef struct bk_device_props {
    uint32_t struct_size;
    char name[256];             /* e.g. "AMD EPYC 9654 96-Core Processor", "NVIDIA H100 80GB HBM3" */
    char vendor[128];
    char kind[32];              /* "cpu", "gpu" or "accelerator" */
    char driver_version[128];
    char library_versions[512]; /* "; "-separated, e.g. "OpenBLAS 0.3.21 (core Zen); oneDNN 2.6.3" */
    uint64_t memory_bytes;      /* total device memory */
    uint64_t memory_free_bytes; /* free now: the harness refuses sizes that do not fit */
    uint64_t last_level_cache_bytes; /* working sets are sized past this */
    uint32_t compute_units;     /* cores / SMs / AI cores */
    uint32_t threads;           /* hardware threads used by the backend */
    double clock_mhz;           /* the clock the peak estimate is built on */
    double peak_gflops[BK_DTYPE_COUNT]; /* theoretical dense peak per input dtype (GFLOP/s or GOP/s) */
    double peak_mem_gbs;        /* theoretical memory bandwidth, 1e9 B/s */
    char peak_basis[512];       /* how the peaks were obtained ("estimate: ...", "datasheet") */
    char properties[4096];      /* further facts as "key=value" lines separated by '\n' */
} bk_device_props;

/* Telemetry read at one instant. valid_mask says which fields hold a reading. */
enum {
    BK_TEL_POWER = 1u << 0,
    BK_TEL_ENERGY = 1u << 1,
    BK_TEL_CORE_CLOCK = 1u << 2,
    BK_TEL_MEM_CLOCK = 1u << 3,
    BK_TEL_TEMPERATURE = 1u << 4,
    BK_TEL_THROTTLE = 1u << 5
};

typedef struct bk_telemetry {
    uint32_t struct_size;
    uint32_t valid_mask;
    double power_w;
    double energy_j;       /* monotonic counter since an arbitrary origin */
    double core_clock_mhz;
    double mem_clock_mhz;
    double temperature_c;
    uint64_t throttle_reasons; /* backend-specific bit set; 0 = not throttled */
} bk_telemetry;

typedef struct bk_device bk_device; /* opaque, owned by the plugin */
typedef struct bk_buffer bk_buffer;
typedef struct bk_stream bk_stream;
typedef struct bk_event bk_event;

typedef struct bk_backend {
    uint32_t abi_version; /* BK_ABI_VERSION the plugin was built against */
    uint32_t struct_size; /* sizeof(bk_backend) as the plugin knows it */
    const char* name;     /* short id used on the command line: "cpu", "opencl", "cuda" */
    const char* version;  /* the plugin's own version string */

    /* --- backend (registry level) --- */
    /* Called once before anything else. Returns BK_OK even when there are no
     * devices; device_count() then returns 0 and last_error() says why
     * ("no CUDA driver", "no OpenCL platform"). */
    bk_status (*init)(void);
    void (*shutdown)(void); /* OPTIONAL */
    int32_t (*device_count)(void);
    bk_status (*device_props)(int32_t index, bk_device_props* out);
    bk_status (*device_open)(int32_t index, bk_device** out);
    void (*device_close)(bk_device* dev);

    /* --- buffers: device memory, opaque to the core --- */
    bk_status (*buffer_alloc)(bk_device* dev, uint64_t bytes, bk_buffer** out);
    void (*buffer_free)(bk_buffer* buf);
    /* Blocking copies between host memory and a buffer. */
    bk_status (*buffer_upload)(bk_buffer* buf, uint64_t offset, const void* src, uint64_t bytes);
    bk_status (*buffer_download)(bk_buffer* buf, uint64_t offset, void* dst, uint64_t bytes);
    /* Blocking fill with a repeated 4-byte pattern (poisoning outputs);
     * bytes is a multiple of 4. */
    bk_status (*buffer_fill)(bk_buffer* buf, uint64_t offset, uint64_t bytes, uint32_t pattern);

    /* --- streams and timing events --- */
    bk_status (*stream_create)(bk_device* dev, bk_stream** out);
    void (*stream_destroy)(bk_stream* s);
    bk_status (*stream_sync)(bk_stream* s);
    bk_status (*event_create)(bk_device* dev, bk_event** out);
    void (*event_destroy)(bk_event* e);
    bk_status (*event_record)(bk_event* e, bk_stream* s);
    /* Milliseconds between two recorded events, after stream_sync. */
    bk_status (*event_elapsed_ms)(bk_event* start, bk_event* end, double* ms);

    /* --- ops --- */
    /* BK_OK if launch() can run this op here, else BK_UNSUPPORTED with the
     * reason in last_error() (e.g. "bf16 needs AVX512_BF16 or AMX"). */
    bk_status (*supports)(bk_device* dev, const bk_op_desc* op);
    bk_status (*launch)(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands,
                        uint32_t n_operands);
    const char* (*last_error)(void);

    /* --- OPTIONAL --- */
    /* Which implementation runs this op ("OpenBLAS sgemm, core Haswell",
     * "oneDNN brg:avx512_core_bf16", "AVX2 loads, non-temporal stores").
     * Valid after the op has been launched once. Lines starting with
     * "warning: " are shown to the user next to the figure (e.g. an
     * environment setting that forces slower kernels than the device has). */
    bk_status (*op_info)(bk_device* dev, const bk_op_desc* op, char* buf, size_t len);
    bk_status (*telemetry_read)(bk_device* dev, bk_telemetry* out);
} bk_backend;

typedef const bk_backend* (*bk_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* BAKEOFF_BACKEND_ABI_H */
