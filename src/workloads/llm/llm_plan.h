// The op sequence of one forward pass of a Llama-shaped decoder, as ABI
// descriptors over named buffers. Defined once here; DeviceModel binds the
// names to device buffers and launches it, ops() lists it for supports().
//
// Per forward of `seq` tokens for each of `batch` sequences at positions
// pos .. pos + seq - 1 (T = batch * seq token rows, activations f32; each
// matrix in the format the device holds it in (ModelTypes): f32, a 16-bit
// float w (bf16 or f16), or a block-quantized type q (GGML blocks)):
//   embedding (16-bit table: gather w rows, convert to f32; q table: a
//   gather that dequantizes to f32)
//   per layer: rmsnorm -> [convert to w for a 16-bit matrix] -> q, k, v GEMMs
//              (x W^T, W [out, in]; a q matrix takes the f32 rows as they
//              are; with qkv_bias the output is first filled with the bias
//              rows, a one-row EMBEDDING gather, and the GEMM adds, beta 1)
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
// input directly. Block-quantized models keep an f16 cache (llama.cpp's
// default), and attention's f16 output is converted to f32 for the o GEMM.
#pragma once

#include "workloads/llm/llm_config.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <vector>

namespace bakeoff::llm {

// Activation and cache buffers; weights are named by their tensor index.
// (zeros: T zero ids, the bias gather's.)
enum class Act {
    ids, last_ids, zeros, emb_rows, x0, x1, h, hb, q, k, v, qr, kr, qrb, krb, vb, ao, aob, t, g, u, s, sb, xl, hl, hlb,
    logits,
    // The serving forward's index operands (paged: ForwardShape::seqs > 0):
    // per token row its position and cache slot; per sequence its first row
    // (seqs + 1), its keys, its row of the block table.
    pos, slot, q_start, kv_len, block_table, count
};

// The weight types the model runs: f32, the 16-bit floats bf16 and f16
// (activations converted to the weights' type before each GEMM), and the
// block-quantized types of plugin_quant.h (f32 activations into the GEMM).
inline bool is_16bit_float(bk_dtype t) { return t == BK_BF16 || t == BK_F16; }
bool is_block_type(bk_dtype t);
inline bool runs_weight_dtype(bk_dtype t) { return t == BK_F32 || is_16bit_float(t) || is_block_type(t); }
inline constexpr const char* kWeightDtypes = "fp32, bf16, fp16 and the GGML block types (q8_0, q4_0, q4_k ...)";

// The element type of the KV cache for a model whose weights are mostly
// `weight_dtype`: the same for floats, f16 for block-quantized weights.
inline bk_dtype kv_cache_dtype(bk_dtype weight_dtype) { return is_block_type(weight_dtype) ? BK_F16 : weight_dtype; }

// The format the device holds each tensor in, and the types that follow.
struct ModelTypes {
    std::vector<bk_dtype> tensor;  // per tensor, model_tensors order (vectors: f32)
    bk_dtype main = BK_F32;        // the type most matrix parameters have (the case's dtype)
    bk_dtype kv = BK_F32;          // kv_cache_dtype(main)
    bk_dtype lowp = BK_F32;        // the 16-bit type activations are converted to for 16-bit matrices (f32: none)

    // Every matrix in weight_dtype (random weights, or a file converted whole).
    static ModelTypes uniform(const LlmConfig& c, bk_dtype weight_dtype);
    // Formats as loaded; throws std::invalid_argument for a type the model
    // does not run or a model mixing bf16 and f16 matrices.
    static ModelTypes of(const LlmConfig& c, bk_dtype main, std::vector<bk_dtype> tensor);
    // Bytes of the weights on the device.
    std::uint64_t weight_bytes(const LlmConfig& c) const;
};

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
    bool all_logits = false;  // logits of every row (T x vocab), not only each sequence's last
};

// The serving forward (llm.serve): `tokens` rows packed from `seqs`
// sequences of different lengths at their own positions, over a paged KV
// cache (per layer a pool of num_blocks blocks of block_size positions;
// docs/serving.md). Rope takes each row's position (ROPE_POS, Act::pos), the
// cache write each row's slot (PAGED_KV_WRITE, Act::slot), attention the
// per-sequence rows, lengths and block table (PAGED_ATTENTION); the head
// gathers each sequence's last row (Act::last_ids): logits [seqs, vocab].
struct PagedShape {
    std::int64_t tokens = 1, seqs = 1;
    std::int64_t block_size = 16, num_blocks = 1, max_blocks = 1;
};

// Throws std::invalid_argument for a weight type the model does not run.
std::vector<Step> plan_forward(const LlmConfig& c, const ModelTypes& types, bk_path gemm_path, const ForwardShape& s);
inline std::vector<Step> plan_forward(const LlmConfig& c, bk_dtype weight_dtype, bk_path gemm_path,
                                      const ForwardShape& s) {
    return plan_forward(c, ModelTypes::uniform(c, weight_dtype), gemm_path, s);
}

std::vector<Step> plan_paged_forward(const LlmConfig& c, const ModelTypes& types, bk_path gemm_path, const PagedShape& s);

// The distinct descriptors of a plan (for supports()).
std::vector<bk_op_desc> distinct_ops(const std::vector<Step>& steps);

// Bytes of each activation buffer for forwards of at most max_tokens rows
// (logits: max_logit_rows rows, default batch; the serving operands:
// max_blocks entries per sequence's block-table row, none when 0).
std::uint64_t act_bytes(const LlmConfig& c, const ModelTypes& types, Act a, std::int64_t batch, std::int64_t max_tokens,
                        std::int64_t max_logit_rows = 0, std::int64_t max_blocks = 0);

}  // namespace bakeoff::llm
