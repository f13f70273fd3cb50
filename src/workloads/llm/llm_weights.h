// Where a model's weights come from: random from the case's seed (scaled like a
// real initialisation) or a model file (model_file.h). Both hand out rows of a
// tensor as float values already rounded to the storage type, so the device
// copy and the host reference see exactly the same numbers; any row can be
// produced on its own (random rows have their own generator), which lets the
// verification rebuild a sample without holding the whole model.
#pragma once

#include "workloads/llm/llm_config.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bakeoff::llm {

// A tensor seen as rows: a matrix has `rows` rows of `cols`; a norm weight is one row.
inline std::int64_t row_count(const TensorInfo& t) { return t.is_norm() ? 1 : t.rows; }
inline std::int64_t row_length(const TensorInfo& t) { return t.is_norm() ? t.rows : t.cols; }

// Rounds values in place to what an element of type t holds (bf16, f16: to
// nearest even, f16 overflowing to inf; f32: unchanged; a block-quantized
// type: quantized and dequantized, n a multiple of its block).
void round_to_storage(bk_dtype t, float* v, std::int64_t n);
// The elements of a 16-bit float type t (bf16 or f16), rounded to nearest even.
void to_16bit(bk_dtype t, const float* v, std::uint16_t* out, std::int64_t n);

// Storage type of a tensor in a model whose weights are `weight_dtype`: norm
// weights stay f32 (they scale f32 activations), matrices take the model's type.
bk_dtype storage_dtype(const TensorInfo& t, bk_dtype weight_dtype);

// Bytes of a row of n values stored in format t: an element type (f32, bf16,
// f16, f8_e4m3) or a block-quantized BK_Q* type (n a multiple of its block);
// 0 for a format or length that cannot hold such a row.
std::uint64_t format_row_bytes(bk_dtype t, std::int64_t n);

class WeightSource {
public:
    virtual ~WeightSource() = default;
    // Rows [r0, r1) of tensor `index` (model_tensors order) as float values:
    // exactly what the stored format holds (dequantized for a block type).
    virtual void rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const = 0;
    virtual std::string describe() const = 0;
    // The format tensor `index` is stored in: f32, bf16, f16, f8_e4m3 or a
    // block-quantized type; norm weights and biases are f32 (a source whose
    // file holds them otherwise converts them exactly). Default: the model's
    // weight type for matrices (storage_dtype).
    virtual bk_dtype format(std::size_t index) const;
    // Rows [r0, r1) in that format, format_row_bytes(format(index),
    // row_length) bytes each: what a backend that runs the format natively
    // uploads. Default: rows() encoded (rounded, or quantized) to the format.
    virtual void raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const;
    const LlmConfig& config() const { return config_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    // A whole tensor in double (for host references of small models).
    std::vector<double> tensor_f64(std::size_t index) const;

protected:
    WeightSource(LlmConfig c, bk_dtype weight_dtype);
    LlmConfig config_;
    bk_dtype weight_dtype_;
    std::vector<TensorInfo> tensors_;
    void round_row(std::size_t index, float* row, std::int64_t n) const;
};

// w's tensors in `formats` (per tensor, model_tensors order): where a format
// differs from w's, rows() rounds to it (a 16-bit type) or keeps the exact
// floats (f32: a block type dequantized); raw_rows() encodes them. The device
// uploads these and the host reference reads them: both see the same values.
std::unique_ptr<WeightSource> loaded_weights(std::unique_ptr<WeightSource> w, bk_dtype main, std::vector<bk_dtype> formats);

// Matrices uniform in [-a, a] with a = 0.02 sqrt(3) (standard deviation 0.02, the
// Llama initialiser's), norm weights 1 + uniform [-0.1, 0.1], biases uniform
// [-0.1, 0.1]; in a block type, quantized (rows() gives the dequantized values).
std::unique_ptr<WeightSource> random_weights(const LlmConfig& c, bk_dtype weight_dtype, std::uint64_t seed);

// Random inputs that are not weights: token ids in [0, vocab) and the contents of
// the KV cache before the current positions (uniform [-1, 1), the magnitude of
// projected keys and values). Any row can be produced on its own.
std::vector<std::int32_t> random_tokens(std::int64_t count, std::int64_t vocab, std::uint64_t seed);
// Row (layer, k_or_v, b, p) of the pre-filled cache: kv_dim values, in f32
// (round_to_storage them to the cache's type).
void cache_row(std::uint64_t seed, std::int64_t layer, int k_or_v, std::int64_t b, std::int64_t p, std::int64_t kv_dim,
               float* out);

}  // namespace bakeoff::llm
