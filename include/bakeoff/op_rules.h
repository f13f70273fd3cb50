/* C++ helper for backend plugins: the ABI's rules for the stream ops
 * (COPY .. DOT, TRANSFER, EMPTY) and GEMM in one place — which descriptors
 * are well-formed, which GEMM type combinations the ABI has, and how many
 * bytes each operand spans — so every backend refuses the same descriptors
 * with the same words (nn_op_rules.h does the same for the NN ops). What a
 * backend runs (its dtypes, paths and limits) stays its own, and so does the
 * status it answers for a refusal the ABI leaves to it. Not part of the ABI
 * itself. */
#pragma once

#ifdef __cplusplus
#include <cmath>
#include <cstdint>
#include <string>

#include "bakeoff/backend_abi.h"
#include "bakeoff/nn_op_rules.h"
#include "bakeoff/plugin_dtype.h"
#include "bakeoff/plugin_quant.h"
#include "bakeoff/plugin_strings.h"

namespace bk_plugin BK_PLUGIN_HIDDEN {

// ------------------------------------------------------------ descriptors

/* Bytes of the union member op `kind` reads; 0 for a kind the ABI does not
 * define (the backend answers BK_UNSUPPORTED for it). */
inline std::size_t desc_member_bytes(uint32_t kind) {
    if (kind == BK_OP_GEMM) return sizeof(bk_gemm_op);
    if (bk_nn_rules::is_nn_op(kind)) return bk_nn_rules::desc_bytes(kind);
    if (kind >= BK_OP_COPY && kind <= BK_OP_EMPTY) return sizeof(bk_stream_op);
    return 0;
}

/* "" when struct_size covers the descriptor's header and the parameters of
 * its op; else why (BK_INVALID_ARGUMENT). */
inline std::string desc_size_rule(const bk_op_desc& op) {
    const std::size_t head = offsetof(bk_op_desc, u);
    if (op.struct_size < head) return cat("op descriptor struct_size ", op.struct_size, " is smaller than its header");
    if (op.struct_size < head + desc_member_bytes(op.kind))
        return cat("op descriptor struct_size ", op.struct_size, " does not cover the ", bk_op_name(op.kind),
                   " parameters");
    return {};
}

// ------------------------------------------------------------ stream ops

inline bool is_stream_op(uint32_t kind) { return kind >= BK_OP_COPY && kind <= BK_OP_DOT; }

/* Operands the op takes (inputs, then the output); EMPTY takes none. */
inline uint32_t stream_operand_count(uint32_t kind) {
    switch (kind) {
        case BK_OP_COPY:
        case BK_OP_SCALE:
        case BK_OP_TRANSFER: return 2;
        case BK_OP_ADD:
        case BK_OP_TRIAD:
        case BK_OP_DOT: return 3;
        default: return 0;
    }
}

/* Bytes each input and the output of a stream op span. */
struct StreamBytes {
    uint64_t in = 0, out = 0;
};

/* "" and the operand sizes when u.stream.n is well-formed; else why. n = 0
 * is an empty op unless the backend refuses it (allow_empty false). */
inline std::string check_stream(const bk_op_desc& op, StreamBytes* bytes, bool allow_empty = true) {
    const char* name = bk_op_name(op.kind);
    const int64_t n = op.u.stream.n;
    if (n < 0 || (n == 0 && !allow_empty))
        return cat(name, ": n must be ", allow_empty ? "non-negative" : "positive", ", got ", n);
    // 16 bytes an element at most: a guard against a garbage n.
    if (static_cast<uint64_t>(n) > (UINT64_MAX >> 4)) return cat(name, ": n is too large");
    bytes->in = static_cast<uint64_t>(n) * bk_dtype_size(op.dtype_a);
    bytes->out = op.kind == BK_OP_DOT ? bk_dtype_size(op.dtype_c) : bytes->in;
    return {};
}

/* "" when the operands' types agree as the ABI says (inputs alike, the
 * output of the input type; dot_wider: the backend also returns a dot in
 * f64); else why. */
inline std::string stream_types_rule(const bk_op_desc& op, bool dot_wider = false) {
    const char* name = bk_op_name(op.kind);
    if (stream_operand_count(op.kind) == 3 && op.kind != BK_OP_TRANSFER && op.dtype_b != op.dtype_a)
        return cat(name, ": inputs of different types (", bk_dtype_name(op.dtype_a), ", ", bk_dtype_name(op.dtype_b),
                   ")");
    if (op.dtype_c == op.dtype_a || (dot_wider && op.kind == BK_OP_DOT && op.dtype_c == BK_F64)) return {};
    return cat(name, op.kind == BK_OP_DOT ? " output" : ": the output", " must have the input dtype ",
               bk_dtype_name(op.dtype_a), dot_wider ? " (or f64)" : "", ", not ", bk_dtype_name(op.dtype_c));
}

// ------------------------------------------------------------------ GEMM

/* "gemm f32 x f32 -> f32": how every GEMM message names the op. */
inline std::string gemm_label(const bk_op_desc& op) {
    return cat("gemm ", bk_dtype_name(op.dtype_a), " x ", bk_dtype_name(op.dtype_b), " -> ",
               bk_dtype_name(op.dtype_c));
}

/* Bytes a row-major rows x cols matrix with leading dimension ld spans: the
 * last row ends at its length, not at ld. 0 when empty; UINT64_MAX past 2^62
 * (no buffer is that large, so the size check refuses it). */
inline uint64_t matrix_span(int64_t rows, int64_t cols, int64_t ld, uint64_t elem) {
    if (rows <= 0 || cols <= 0) return 0;
    const unsigned __int128 e =
        (static_cast<unsigned __int128>(rows - 1) * static_cast<uint64_t>(ld) + static_cast<uint64_t>(cols)) * elem;
    return e > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(e);
}

struct GemmSpans {
    uint64_t a = 0, b = 0, c = 0;
};

/* The bytes A, B and C span, for elements of the given sizes. */
inline GemmSpans gemm_spans(const bk_gemm_op& g, uint64_t a_size, uint64_t b_size, uint64_t c_size) {
    GemmSpans s;
    s.a = g.trans_a ? matrix_span(g.k, g.m, g.lda, a_size) : matrix_span(g.m, g.k, g.lda, a_size);
    s.b = g.trans_b ? matrix_span(g.n, g.k, g.ldb, b_size) : matrix_span(g.k, g.n, g.ldb, b_size);
    s.c = matrix_span(g.m, g.n, g.ldc, c_size);
    return s;
}

/* "" when the sizes and leading dimensions of a row-major GEMM are
 * well-formed; else why (a malformed descriptor: BK_INVALID_ARGUMENT). An
 * empty GEMM (m, n or k = 0) is well-formed unless the backend refuses it
 * (allow_empty false). */
inline std::string check_gemm_shape(const bk_gemm_op& g, bool allow_empty = true) {
    if (g.m < 0 || g.n < 0 || g.k < 0) return cat("gemm: negative size m=", g.m, " n=", g.n, " k=", g.k);
    if (!allow_empty && (g.m == 0 || g.n == 0 || g.k == 0))
        return cat("gemm: m, n and k must be positive, got m=", g.m, " n=", g.n, " k=", g.k);
    // Row-major: a stored row holds the matrix's columns.
    const int64_t a_cols = g.trans_a ? g.m : g.k, b_cols = g.trans_b ? g.k : g.n;
    auto ld_rule = [](const char* ld, int64_t v, int64_t cols, const char* m) -> std::string {
        if (v >= (cols > 1 ? cols : 1)) return {};
        return cat("gemm: ", ld, "=", v, " is less than ", m, "'s row length ", cols, " (as stored)");
    };
    if (std::string why = ld_rule("lda", g.lda, a_cols, "A"); !why.empty()) return why;
    if (std::string why = ld_rule("ldb", g.ldb, b_cols, "B"); !why.empty()) return why;
    if (std::string why = ld_rule("ldc", g.ldc, g.n, "C"); !why.empty()) return why;
    if (!std::isfinite(g.alpha) || !std::isfinite(g.beta)) return "gemm: alpha and beta must be finite";
    return {};
}

/* The ABI's GEMM type combinations (backend_abi.h, BK_OP_GEMM): inputs
 * alike, and for each input type its outputs. A backend runs a subset. */
inline const char* gemm_outputs(uint32_t in, bool* f32, bool* same, bool* bf16, bool* i32) {
    *f32 = *same = *bf16 = *i32 = false;
    switch (in) {
        case BK_F64: *same = true; return "an f64";
        case BK_F32: *f32 = true; return "an f32";
        case BK_TF32: *f32 = *same = true; return "an f32 or tf32";
        case BK_BF16: *f32 = *same = true; return "an f32 or bf16";
        case BK_F16: *f32 = *same = true; return "an f32 or f16";
        case BK_F8_E4M3: *f32 = *bf16 = true; return "an f32 or bf16";
        case BK_I8: *i32 = true; return "an i32";
        default: return nullptr;
    }
}

/* "" when dtype_a x dtype_b -> dtype_c is a GEMM of the ABI; else why (the
 * backends answer BK_UNSUPPORTED). */
inline std::string gemm_types_rule(const bk_op_desc& op) {
    const uint32_t a = op.dtype_a, b = op.dtype_b, c = op.dtype_c;
    // Block-quantized weights: f32 x q* -> f32 only (the activations stay f32).
    if (bk_is_block_type(b) || bk_is_block_type(a)) {
        if (bk_is_block_type(a))
            return gemm_label(op) + ": only B (the weights) may be block-quantized, A is f32";
        if (a != BK_F32 || c != BK_F32)
            return cat(gemm_label(op), ": block-quantized weights (", bk_dtype_name(b),
                       ") take f32 activations and an f32 output");
        return {};
    }
    if (a != b) return gemm_label(op) + ": mixed input dtypes are not a GEMM of the ABI";
    bool f32, same, bf16, i32;
    const char* outs = gemm_outputs(a, &f32, &same, &bf16, &i32);
    if (!outs) return gemm_label(op) + ": " + bk_dtype_name(a) + " is not a GEMM input type of the ABI";
    if ((f32 && c == BK_F32) || (same && c == a) || (bf16 && c == BK_BF16) || (i32 && c == BK_I32)) return {};
    return cat(gemm_label(op), ": ", bk_dtype_name(a), " inputs take ", outs, " output");
}

/* A GEMM whose B is block-quantized: the layout version (BK_UNSUPPORTED when
 * it is not this header's: the blocks would be misread) and the ABI's
 * storage rule, B the weights [n, k] row by row in whole blocks (trans_b = 1,
 * trans_a = 0, ldb = k, k a multiple of the block size: BK_INVALID_ARGUMENT).
 * BK_OK for a GEMM without block types. */
inline bk_status gemm_block_rule(const bk_op_desc& op, std::string* why) {
    const uint32_t b = op.dtype_b;
    if (!bk_is_block_type(b)) return BK_OK;
    const bk_gemm_op& g = op.u.gemm;
    if (g.block_abi != BK_BLOCK_ABI_VERSION) {
        *why = cat(gemm_label(op), ": block_abi ", g.block_abi, " is not this backend's block layout version ",
                   BK_BLOCK_ABI_VERSION, " (set u.gemm.block_abi = BK_BLOCK_ABI_VERSION)");
        return BK_UNSUPPORTED;
    }
    const int64_t e = bk_block_elems(b);
    if (g.trans_b != 1 || g.trans_a != 0)
        *why = cat(gemm_label(op), ": block-quantized B is stored n x k (trans_b = 1, trans_a = 0), got trans_a=",
                   g.trans_a, " trans_b=", g.trans_b);
    else if (g.k % e != 0)
        *why = cat(gemm_label(op), ": k=", g.k, " is not a multiple of the ", bk_dtype_name(b), " block size ", e);
    else if (g.ldb != g.k)
        *why = cat(gemm_label(op), ": ldb=", g.ldb, " must equal k=", g.k, " (block-quantized rows are packed)");
    else
        return BK_OK;
    return BK_INVALID_ARGUMENT;
}

/* The whole descriptor: shape (BK_INVALID_ARGUMENT), operand sizes (an
 * overflow is BK_INVALID_ARGUMENT) and types (BK_UNSUPPORTED). BK_OK with
 * *spans set, or the status with the reason in *why. */
inline bk_status check_gemm(const bk_op_desc& op, GemmSpans* spans, std::string* why, bool allow_empty = true) {
    if (!(*why = check_gemm_shape(op.u.gemm, allow_empty)).empty()) return BK_INVALID_ARGUMENT;
    if (!(*why = gemm_types_rule(op)).empty()) return BK_UNSUPPORTED;
    if (bk_status st = gemm_block_rule(op, why); st != BK_OK) return st;
    *spans = gemm_spans(op.u.gemm, bk_dtype_size(op.dtype_a), bk_dtype_size(op.dtype_b), bk_dtype_size(op.dtype_c));
    if (bk_is_block_type(op.dtype_b)) {
        // n packed rows of k / block_elems blocks each (ldb = k).
        const unsigned __int128 bytes =
            static_cast<unsigned __int128>(op.u.gemm.n) * bk_block_row_bytes(op.dtype_b, op.u.gemm.k);
        spans->b = bytes > (static_cast<unsigned __int128>(1) << 62) ? UINT64_MAX : static_cast<uint64_t>(bytes);
    }
    if (spans->a == UINT64_MAX || spans->b == UINT64_MAX || spans->c == UINT64_MAX) {
        *why = "gemm: the operands' sizes overflow";
        return BK_INVALID_ARGUMENT;
    }
    return BK_OK;
}

}  // namespace bk_plugin
#endif
