// The op sequence of one forward pass of a Llama-shaped decoder, as ABI
// descriptors over named buffers. Defined once here; DeviceModel binds the
// names to device buffers and launches it, ops() lists it for supports().
//
// Per forward of `seq` tokens for each of `batch` sequences at positions
// pos .. pos + seq - 1 (T = batch * seq token rows, activations f32):
//   embedding (bf16 weights: gather bf16 rows, convert to f32)
//   per layer: rmsnorm -> [convert to bf16] -> q, k, v GEMMs (x W^T, W [out, in])
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
// The KV cache holds the weights' type (kv_cache_dtype): bf16 models keep bf16
// keys and values, as inference engines do, so attention reads half the bytes;
// q is converted with them and attention writes the o GEMM's bf16 input directly.
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

std::vector<Step> plan_forward(const LlmConfig& c, bk_dtype weight_dtype, bk_path gemm_path, const ForwardShape& s);

// The distinct descriptors of a plan (for supports()).
std::vector<bk_op_desc> distinct_ops(const std::vector<Step>& steps);

// Bytes of each activation buffer for forwards of at most max_tokens rows.
std::uint64_t act_bytes(const LlmConfig& c, bk_dtype weight_dtype, Act a, std::int64_t batch, std::int64_t max_tokens);

}  // namespace bakeoff::llm
