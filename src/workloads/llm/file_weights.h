// What the GGUF and safetensors weight sources share: a source that hands out
// a tensor's stored rows, decoded exactly to float (rows) or as the stored
// bytes (raw_rows), with the checks every model file gets: the config's
// sizes are sane and every tensor has the shape the config says.
#pragma once

#include "workloads/llm/llm_weights.h"
#include "workloads/llm/model_error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bakeoff::llm {

// Weights from a file. rows() gives the stored values, converted to the type
// the run loads matrices as (`loaded_as`; no rounding where it is the stored
// type, and an f16 load refuses a value f16 cannot hold, naming the tensor);
// format() is the stored type (norms and biases: f32); raw_rows() copies the
// stored bytes row by row.
class FileWeights : public WeightSource {
public:
    void rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const final;
    bk_dtype format(std::size_t index) const final;
    void raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const final;

protected:
    FileWeights(const LlmConfig& c, bk_dtype loaded_as) : WeightSource(c, loaded_as) {}
    virtual bk_dtype stored(std::size_t index) const = 0;
    // Rows [r0, r1) of tensor `index` exactly as stored, in float.
    virtual void decode_rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const = 0;
    // Rows [r0, r1) as the stored bytes (format_row_bytes(stored, length) each).
    virtual void copy_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const = 0;
    // The file and the tensor's name there, for messages.
    virtual std::string file_of(std::size_t index) const = 0;
    virtual std::string name_of(std::size_t index) const = 0;
};

// n values of an element type (f32, f16, bf16, f8_e4m3) or a block type at
// p, which may be unaligned, into floats.
void decode_values(bk_dtype t, const unsigned char* p, float* out, std::int64_t n);

// A tensor's shape as the config needs it, in Hugging Face order: [rows,
// cols] for a matrix, [n] for a vector.
std::vector<std::int64_t> expected_shape(const TensorInfo& t);
std::string shape_str(const std::vector<std::int64_t>& s);
// Throws "<path>: tensor '<name>' has shape [..], the config needs [..]"
// unless `shape` is the expected one; `missing` when the file lacks it.
void check_shape(const std::string& path, const std::string& name, const std::vector<std::int64_t>* shape,
                 const TensorInfo& t);

// The keys a format names the config's sizes by, for messages.
struct ConfigKeys {
    std::string dim, layers, heads, kv_heads, head_dim, ffn, vocab;
};
// Sizes positive and bounded (so no product of them overflows), heads a
// multiple of kv_heads, head_dim even; throws naming the key at fault.
void check_config(const LlmConfig& c, const std::string& path, const ConfigKeys& keys);

// The type most matrix parameters are stored in, from the format of each tensor.
bk_dtype main_weight_type(const WeightSource& w);

}  // namespace bakeoff::llm
