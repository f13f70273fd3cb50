// The op sequence of one forward pass of a Llama-shaped decoder, as ABI
// descriptors over named buffers. Defined once here; DeviceModel binds the
// names to device buffers and launches it, ops() lists it for supports().
//
// Per forward of `seq` tokens for each of `batch` sequences at positions
// pos .. pos + seq - 1 (T = batch * seq token rows, activations f32; w the
// weights' type: f32, or a 16-bit float, bf16 or f16):
//   embedding (16-bit weights: gather w rows, convert to f32)
//   per layer: rmsnorm -> [convert to w] -> q, k, v GEMMs (x W^T, W [out, in])
//              -> rope q, k (ROPE_FREQ with the model's rope_frequencies when it
//              rescales them) -> [convert q, k, v] -> kv_write k, v into the
//              layer's cache at pos -> attention (causal, grouped-query, over
//              pos + seq keys, in the cache's type) -> o GEMM -> add residual
//              -> rmsnorm -> [convert] -> gate, up GEMMs -> swiglu -> [convert]
//              -> down GEMM -> add residual
//   head: the last row of each sequence (a row gather with EMBEDDING when
//   seq > 1) -> rmsnorm -> [convert] -> logits GEMM against the embedding
//   (tied) or lm_head: logits [batch, vocab] f32.
// GEMMs take the case's path; the other ops the portable path (bakeoff's own
// kernels: no vendor library has them on every platform).
// The KV cache holds the weights' type (kv_cache_dtype): 16-bit models keep
// 16-bit keys and values, as inference engines do, so attention reads half the
// bytes; q is converted with them and attention writes the o GEMM's 16-bit
// input directly.
#pragma once

#include "workloads/llm/llm_config.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <vector>

namespace bakeoff::llm {

// Activation and cache buffers; weights are named by their tensor index.
enum class Act {
    ids, last_ids, emb_rows, x0, x1, h, hb, q, k, v, qr, kr, qrb, krb, vb, ao, aob, t, g, u, s, sb, xl, hl, hlb,
    logits, count
};

// The weight types the model runs: f32, and the 16-bit floats bf16 and f16
// (activations converted to the weights' type before each GEMM).
inline bool is_16bit_float(bk_dtype t) { return t == BK_BF16 || t == BK_F16; }
inline bool runs_weight_dtype(bk_dtype t) { return t == BK_F32 || is_16bit_float(t); }
inline constexpr const char* kWeightDtypes = "fp32, bf16 and fp16";

// The element type of the KV cache for a model whose weights are `weight_dtype`.
inline bk_dtype kv_cache_dtype(bk_dtype weight_dtype) { return weight_dtype; }

struct Operand {
    enum Kind { act, weight, kcache, vcache, rope_freq } kind;
    int index;  // Act, tensor index or layer (0 for rope_freq: the model's rope_frequencies, f64)
};

struct Step {
    bk_op_desc op;
    std::vector<Operand> operands;
};

struct ForwardShape {
    std::int64_t batch = 1, seq = 1, pos = 0, capacity = 1;
    int layers = -1;    // layers to run, -1 = all
    bool head = true;   // final norm and logits
};

// Throws std::invalid_argument for a weight type the model does not run.
std::vector<Step> plan_forward(const LlmConfig& c, bk_dtype weight_dtype, bk_path gemm_path, const ForwardShape& s);

// The distinct descriptors of a plan (for supports()).
std::vector<bk_op_desc> distinct_ops(const std::vector<Step>& steps);

// Bytes of each activation buffer for forwards of at most max_tokens rows.
std::uint64_t act_bytes(const LlmConfig& c, bk_dtype weight_dtype, Act a, std::int64_t batch, std::int64_t max_tokens);

}  // namespace bakeoff::llm
