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
 * load a v2 plugin, and says so. Within v1 the table grows only at its end,
 * by OPTIONAL members: a plugin whose struct_size stops before a member is
 * treated as if that member were NULL (BK_BACKEND_V1_MIN_SIZE is the smallest
 * table accepted). Op kinds and descriptor structs grow the same way: a new op
 * is a new kind, and a backend that does not know it answers BK_UNSUPPORTED.
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
    BK_DTYPE_COUNT = 9, /* the element types above; peak_gflops has one slot each */

    /* Block-quantized weight types (appended within v1): GGML's block
     * layouts, byte for byte, so a GGUF tensor uploads as it is stored. A
     * block packs bk_block_elems() consecutive values of a row into
     * bk_block_bytes() bytes with its own scale (and minimum); the layouts and
     * a reference dequantization are in bakeoff/plugin_quant.h. They appear
     * only as dtype_b of a GEMM (the weights) and as the table of an
     * EMBEDDING (gathered and dequantized); they have no peak_gflops slot (their GEMMs run on the
     * activation type's units). A plugin built before them answers
     * BK_UNSUPPORTED, as for any type it does not know. */
    BK_Q8_0 = 16, /* 32 values: f16 scale d, 32 x int8 q;  x = d q              34 B */
    BK_Q4_0 = 17, /* 32 values: f16 d, 16 B of nibbles;   x = d (q - 8)         18 B */
    BK_Q4_1 = 18, /* 32 values: f16 d, f16 m, nibbles;    x = d q + m           20 B */
    BK_Q5_0 = 19, /* 32 values: f16 d, 4 B high bits, nibbles; x = d (q - 16)   22 B */
    BK_Q5_1 = 20, /* 32 values: f16 d, f16 m, high bits, nibbles; x = d q + m   24 B */
    BK_Q4_K = 21, /* 256 values: f16 d, f16 dmin, 12 B of 6-bit sub-block scales
                     and mins, 128 B of nibbles; x = d sc q - dmin mn          144 B */
    BK_Q5_K = 22, /* 256 values: as Q4_K plus 32 B of fifth bits               176 B */
    BK_Q6_K = 23, /* 256 values: 128 B low nibbles, 64 B high 2 bits, 16 int8
                     sub-block scales, f16 d; x = d sc (q - 32)                210 B */
    BK_Q8_K = 24  /* 256 values: f32 d, 256 x int8 q, 16 int16 block sums     292 B */
} bk_dtype;

/* The block layouts of this header's BK_Q* types, for bk_gemm_op.block_abi. */
#define BK_BLOCK_ABI_VERSION 1u

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
    BK_OP_TRANSFER = 6, /* out = in0, a byte copy by the copy engine (DMA), not
                        a kernel: dims u.stream.n elements of dtype_a. One of
                        the two operands is a host buffer (host_buffer_alloc),
                        the other device memory: host-to-device or
                        device-to-host bandwidth.       operands: in0, out */
    BK_OP_EMPTY = 7, /* launch u.stream.n empty kernels back to back (launch
                        latency); no operands, nothing computed */
    BK_OP_GEMM = 16, /* C = alpha * op(A) * op(B) + beta * C, row-major
                        operands: A, B, C. A is m x k (k x m if trans_a),
                        B is k x n (n x k if trans_b), C is m x n.
                        dtype_a/dtype_b: input types (always alike), dtype_c:
                        output/accumulator type. The combinations, and which
                        backends implement them:
                          f64 x f64 -> f64           cpu, opencl, cuda (vendor)
                          f32 x f32 -> f32           cpu, opencl, cuda
                          tf32 x tf32 -> f32 | tf32  cuda (vendor)
                          bf16 x bf16 -> f32         cpu, opencl, cuda
                          bf16 x bf16 -> bf16        cuda (vendor)
                          f16 x f16 -> f32           cpu (portable), opencl, cuda
                          f16 x f16 -> f16           cuda (vendor)
                          f8_e4m3 x f8_e4m3 -> f32 | bf16  cuda (vendor, sm_89+)
                          i8 x i8 -> i32             cpu, cuda (vendor)
                          f32 x q* -> f32            block-quantized weights
                                                     (see below): cpu (every
                                                     type, portable), opencl
                                                     (q8_0, q4_0)
                        Any other combination is BK_UNSUPPORTED
                        (bk_plugin::gemm_types_rule in bakeoff/op_rules.h).
                        For i8, A's values lie in [0, 127], so a
                        backend may treat A as u8 (x86 VNNI) or s8 (others).
                        Block-quantized weights: dtype_a = dtype_c = f32,
                        dtype_b one of the BK_Q* types; B is the weight
                        matrix [n, k] stored row by row in blocks (trans_b =
                        1, trans_a = 0, ldb = k, k a multiple of the type's
                        block size, a row k / block_elems blocks), and
                        u.gemm.block_abi = BK_BLOCK_ABI_VERSION. The product
                        is with the dequantized B; a backend may round A to
                        8-bit blocks first (per 32 or 256 values with an f32
                        scale, as llama.cpp does for its integer dot
                        products) and says so in op_info. */

    /* ---- neural-network ops (model workloads) ----
     * Layouts are row-major and dense. "act" is the activation type dtype_a
     * (f32, bf16, f16 or f64); statistics (norm sums, softmax sums, attention
     * scores) accumulate in at least f32. Token ids and expert indices are
     * BK_I32. Descriptors: u.nn (bk_nn_op) unless said otherwise.
     * Only dtype_a is read (CONVERT also reads dtype_c, its output type);
     * set dtype_b = dtype_c = dtype_a. Ops documented as "f32" take
     * dtype_a = BK_F32. Ids or targets outside their range make launch()
     * return BK_INVALID_ARGUMENT before anything is written.
     * The vendor path means the platform library's kernel (oneDNN, cuDNN,
     * aclnn...); a backend without one answers BK_UNSUPPORTED there, and a
     * model workload runs such ops on the portable path. */
    BK_OP_CONVERT = 32,   /* out = (dtype_c) in0, element-wise, n = rows*dim;
                             round to nearest even.          operands: in0, out */
    BK_OP_RMSNORM = 33,   /* y[r,:] = x[r,:] / sqrt(mean_j x[r,j]^2 + eps) * w
                             x, y: rows x dim act; w: dim act. operands: x, w, y */
    BK_OP_ROPE = 34,      /* rotary embedding, rotate-half (Llama/HF) pairing of
                             element i with i + head_dim/2:
                               y_i = x_i cos(p f_i) - x_{i+h} sin(p f_i)
                               y_{i+h} = x_{i+h} cos(p f_i) + x_i sin(p f_i)
                             f_i = theta^(-2i/head_dim), h = head_dim/2,
                             p = pos_offset + s for x[b, s, head, :], x laid out
                             [batch, seq, heads, head_dim] (rows = batch * seq,
                             dim = heads * head_dim, head_dim even). inverse
                             != 0 rotates by -p f_i (the backward).
                                                             operands: x, y */
    BK_OP_SOFTMAX = 35,   /* y[r,:] = softmax(x[r,:]) over dim.  operands: x, y */
    BK_OP_SWIGLU = 36,    /* y = silu(g) * u = g / (1 + exp(-g)) * u, n = rows*dim
                                                             operands: g, u, y */
    BK_OP_EMBEDDING = 37, /* y[i,:] = table[ids[i],:], i < rows; table is
                             vocab x dim act; ids BK_I32 in [0, vocab) (a row
                             gather: also the MoE token gather). The table may
                             be block-quantized (dtype_a a BK_Q* type, dim a
                             multiple of its block size, a row dim /
                             block_elems blocks): y is then the dequantized
                             rows in dtype_c = f32 (a quantized model's token
                             embedding).
                                                      operands: table, ids, y */
    BK_OP_ATTENTION = 38, /* scaled-dot-product attention, u.attn. q, o:
                             [batch, seq_q, heads, head_dim]; k, v:
                             [batch, kv_capacity, kv_heads, head_dim], of which
                             the first seq_kv positions are used (a KV cache).
                             Query head h reads KV head h / (heads / kv_heads)
                             (grouped-query attention). Query i sits at position
                             seq_kv - seq_q + i; causal masks keys after it
                             (so causal needs seq_q <= seq_kv).
                             o = softmax(scale q k^T + mask) v.
                                                      operands: q, k, v, o */
    BK_OP_TOPK_ROUTE = 39,/* router: s = softmax(logits[t,:]) (score_fn 0) or
                             sigmoid(logits[t,:]) (score_fn 1) over experts;
                             idx[t,:] = the top_k experts by s (ties: lower
                             index first, listed by falling score); weight[t,:]
                             = their s, divided by their sum if normalize.
                             logits f32 tokens x experts; idx I32 and weight
                             f32 tokens x top_k.  u.route.
                                            operands: logits, idx, weight */
    BK_OP_SCATTER_ADD = 40, /* y[ids[i],:] += w[i] * x[i,:] for i < rows, in
                             order of i; y (vocab x dim) is read and written;
                             x, y act; w f32 (rows), ids I32. The MoE combine
                             and the embedding backward (w = 1).
                                                 operands: x, ids, w, y */
    BK_OP_RMSNORM_BWD = 41, /* given x, w, dy: dx and dw = sum_r dy*x/rms
                             (dw overwritten), f32; eps as RMSNORM.
                                                 operands: x, w, dy, dx, dw */
    BK_OP_SWIGLU_BWD = 42,/* given g, u, dy: dg = dy u silu'(g), du = dy silu(g),
                             f32.               operands: g, u, dy, dg, du */
    BK_OP_ATTENTION_BWD = 43, /* u.attn, as ATTENTION with seq_q == seq_kv ==
                             kv_capacity: given q, k, v, do: dq, dk, dv, f32;
                             all three overwritten (dk, dv of a KV head sum
                             over the query heads that read it).
                                        operands: q, k, v, do, dq, dk, dv */
    BK_OP_CROSS_ENTROPY = 44, /* loss[r] = logsumexp(x[r,:]) - x[r, t[r]];
                             dx[r,:] = (softmax(x[r,:]) - onehot(t[r])) / rows.
                             x f32 rows x dim (dim = vocab), t I32 in
                             [0, dim), loss f32.  operands: x, t, loss, dx */
    BK_OP_KV_WRITE = 46,  /* y[b, pos_offset + s, :] = x[b, s, :]: rows into a KV
                             cache. x [rows/seq, seq, dim]; y [rows/seq,
                             capacity, dim], read and written (other rows keep
                             their values); pos_offset + seq <= capacity.
                                                            operands: x, y */
    BK_OP_ROPE_FREQ = 47, /* ROPE with its frequencies given instead of
                             derived from theta (theta is not read): f_i =
                             freq[i], i < head_dim/2, freq BK_F64. Any
                             frequency rule (Llama 3 scaling, linear, NTK)
                             lives in the caller; compute p f_i with care:
                             p reaches 10^5 in long contexts.
                                                       operands: x, freq, y */
    /* ---- serving ops (appended within v1): a batch of sequences of
     * different lengths packed row after row ("varlen"), and a paged KV
     * cache: one pool of fixed-size blocks per layer, [num_blocks,
     * block_size, kv_heads, head_dim] for keys and the same for values, a
     * sequence's positions spread over the blocks its row of a block table
     * names (position p lives in block table[s][p / block_size], slot
     * p % block_size). Index operands are BK_I32; an index outside its range
     * makes launch() return BK_INVALID_ARGUMENT before anything is written.
     * bk_nn_rules::check_serving_indices (nn_op_rules.h) states every rule. */
    BK_OP_ROPE_POS = 48,  /* ROPE_FREQ with a position per row instead of
                             pos_offset + s: x, y [rows, heads, head_dim]
                             (dim = heads * head_dim), pos I32 [rows] >= 0,
                             freq f64 [head_dim/2] (seq and pos_offset are not
                             read).                     operands: x, freq, pos, y */
    BK_OP_PAGED_KV_WRITE = 49, /* cache[slot[r], :] = x[r, :] for r < rows:
                             rows into a paged cache seen as capacity slots
                             of dim elements (capacity = num_blocks *
                             block_size, dim = kv_heads * head_dim); slot
                             I32 in [0, capacity), or -1 to skip the row
                             (padding); two rows never name one slot. Other
                             slots keep their values. u.nn: rows, dim,
                             capacity.                operands: x, slot, cache */
    BK_OP_PAGED_ATTENTION = 50, /* attention of packed variable-length
                             queries over a paged cache, u.paged. q, o
                             [tokens, heads, head_dim]; sequence s owns
                             query rows q_start[s] .. q_start[s+1] - 1
                             (q_start I32 [seqs + 1], non-decreasing from 0 to
                             at most tokens; q_len = their count) and
                             kv_len[s] keys (I32 [seqs], q_len <= kv_len <=
                             max_blocks * block_size) at positions 0 ..
                             kv_len - 1, in the blocks of row s of
                             block_table (I32 [seqs, max_blocks]; entries past
                             the blocks kv_len needs are not read). Query i of
                             s sits at position kv_len - q_len + i; causal
                             masks keys after it. Grouped-query heads and
                             the scale as ATTENTION. A sequence with q_len 0
                             is skipped; o rows no sequence owns are not
                             written.
                             operands: q, k_cache, v_cache, q_start, kv_len,
                                       block_table, o */
    BK_OP_ADAMW = 45      /* in place, f32, n = rows*dim, u.adamw:
                               m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
                               p -= lr (m/(1-b1^step) / (sqrt(v/(1-b2^step)) + eps)
                                        + weight_decay p)
                             with m, v the new moments and p the value before
                             the step (decoupled weight decay); beta1 and
                             beta2 in [0, 1).
                             operands: p, g, m, v (p, m, v read and written) */
} bk_op_kind;

/* The op's name as results and messages show it ("triad", "gemm"). */
static inline const char* bk_op_name(uint32_t kind) {
    switch (kind) {
        case BK_OP_COPY: return "copy";
        case BK_OP_SCALE: return "scale";
        case BK_OP_ADD: return "add";
        case BK_OP_TRIAD: return "triad";
        case BK_OP_DOT: return "dot";
        case BK_OP_TRANSFER: return "transfer";
        case BK_OP_EMPTY: return "empty";
        case BK_OP_GEMM: return "gemm";
        case BK_OP_CONVERT: return "convert";
        case BK_OP_RMSNORM: return "rmsnorm";
        case BK_OP_ROPE: return "rope";
        case BK_OP_SOFTMAX: return "softmax";
        case BK_OP_SWIGLU: return "swiglu";
        case BK_OP_EMBEDDING: return "embedding";
        case BK_OP_ATTENTION: return "attention";
        case BK_OP_TOPK_ROUTE: return "topk_route";
        case BK_OP_SCATTER_ADD: return "scatter_add";
        case BK_OP_RMSNORM_BWD: return "rmsnorm_bwd";
        case BK_OP_SWIGLU_BWD: return "swiglu_bwd";
        case BK_OP_ATTENTION_BWD: return "attention_bwd";
        case BK_OP_CROSS_ENTROPY: return "cross_entropy";
        case BK_OP_ADAMW: return "adamw";
        case BK_OP_KV_WRITE: return "kv_write";
        case BK_OP_ROPE_FREQ: return "rope_freq";
        case BK_OP_ROPE_POS: return "rope_pos";
        case BK_OP_PAGED_KV_WRITE: return "paged_kv_write";
        case BK_OP_PAGED_ATTENTION: return "paged_attention";
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
    /* appended within v1: BK_BLOCK_ABI_VERSION when dtype_b is a block-quantized
     * type (BK_Q*), so a later change of the layouts is refused, not misread;
     * 0 otherwise. */
    uint32_t block_abi;
} bk_gemm_op;

/* Row-wise and element-wise NN ops (CONVERT, RMSNORM, ROPE, SOFTMAX, SWIGLU,
 * EMBEDDING, SCATTER_ADD, the backwards, CROSS_ENTROPY, ADAMW). */
typedef struct bk_nn_op {
    int64_t rows;        /* rows (tokens); ROPE: batch * seq */
    int64_t dim;         /* elements per row; ROPE: heads * head_dim */
    int64_t vocab;       /* EMBEDDING / SCATTER_ADD: rows of the table */
    int64_t heads, head_dim, seq; /* ROPE: x is [rows/seq, seq, heads, head_dim]; KV_WRITE: seq */
    int64_t pos_offset;  /* ROPE, KV_WRITE: position of s = 0 */
    int64_t capacity;    /* KV_WRITE: rows per batch entry in y */
    double eps;          /* RMSNORM */
    double theta;        /* ROPE base (10000, 500000 for Llama 3) */
    int32_t inverse;     /* ROPE: rotate backwards */
} bk_nn_op;

typedef struct bk_attention_op {
    int64_t batch, heads, kv_heads, seq_q, seq_kv, kv_capacity, head_dim;
    int32_t causal;
    double scale;        /* usually 1/sqrt(head_dim) */
} bk_attention_op;

/* PAGED_ATTENTION (appended within v1). */
typedef struct bk_paged_attention_op {
    int64_t seqs;        /* sequences in the batch (rows of block_table) */
    int64_t tokens;      /* query rows of q and o (>= q_start[seqs]) */
    int64_t heads, kv_heads, head_dim;
    int64_t block_size;  /* positions per cache block */
    int64_t num_blocks;  /* blocks in each of k_cache and v_cache */
    int64_t max_blocks;  /* entries per row of block_table */
    int32_t causal;
    double scale;        /* usually 1/sqrt(head_dim) */
} bk_paged_attention_op;

typedef struct bk_route_op {
    int64_t tokens, experts, top_k;
    int32_t score_fn;    /* 0 softmax, 1 sigmoid */
    int32_t normalize;   /* divide the chosen weights by their sum */
} bk_route_op;

typedef struct bk_adamw_op {
    int64_t n;
    int64_t step;        /* 1-based, for bias correction */
    double lr, beta1, beta2, eps, weight_decay;
} bk_adamw_op;

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
        bk_nn_op nn;
        bk_attention_op attn;
        bk_route_op route;
        bk_adamw_op adamw;
        bk_paged_attention_op paged;
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
typedef struct bk_comm bk_comm;     /* a device communicator (collectives) */

/* host_buffer_alloc flags */
enum { BK_HOST_PAGEABLE = 0u, BK_HOST_PINNED = 1u };

/* Collective kinds, as bakeoff's collective workloads name them. */
typedef enum bk_collective_kind {
    BK_COLL_ALLREDUCE = 0,      /* sum over ranks, count elements each */
    BK_COLL_ALLGATHER = 1,      /* count elements sent per rank, count*nranks received */
    BK_COLL_REDUCE_SCATTER = 2, /* count*nranks sent, count received, sum */
    BK_COLL_ALLTOALL = 3,       /* count elements to each rank (count*nranks each way) */
    BK_COLL_BROADCAST = 4       /* count elements from root */
} bk_collective_kind;

/* Device-side collectives (NCCL, HCCL, CNCL, RCCL...). The launcher (MPI)
 * bootstraps: rank 0 calls unique_id, the bytes travel over MPI to every rank,
 * each rank calls comm_init with them. Everything here is OPTIONAL as a whole:
 * a backend without device collectives leaves bk_backend.collectives NULL. */
typedef struct bk_collectives {
    uint32_t struct_size;
    const char* library;  /* "NCCL 2.27.3" */
    /* Writes at most len bytes of a fresh unique id into buf, *used = its size. */
    bk_status (*unique_id)(void* buf, size_t len, size_t* used);
    bk_status (*comm_init)(bk_device* dev, int32_t nranks, int32_t rank, const void* id, size_t id_len,
                           bk_comm** out);
    void (*comm_destroy)(bk_comm* comm);
    /* Enqueues one collective on the stream; sum reduction; root for BROADCAST. */
    bk_status (*collective)(bk_comm* comm, bk_stream* s, uint32_t kind, uint32_t dtype, bk_buffer* send,
                            bk_buffer* recv, uint64_t count, int32_t root);
} bk_collectives;

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

    /* --- appended within v1: OPTIONAL, NULL when past the plugin's struct_size --- */
    /* Host memory the backend can transfer from and to (pinned or pageable),
     * freed with buffer_free; upload/download/fill work on it. Operands of
     * BK_OP_TRANSFER. */
    bk_status (*host_buffer_alloc)(bk_device* dev, uint64_t bytes, uint32_t flags, bk_buffer** out);
    /* The backend's device collectives, or NULL. */
    const bk_collectives* (*collectives)(void);
} bk_backend;

/* The smallest table a v1 core accepts: everything up to telemetry_read. */
#define BK_BACKEND_V1_MIN_SIZE (offsetof(bk_backend, host_buffer_alloc))

typedef const bk_backend* (*bk_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* BAKEOFF_BACKEND_ABI_H */
