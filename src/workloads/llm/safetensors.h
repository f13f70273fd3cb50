// A read-only safetensors file (https://huggingface.co/docs/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
// {dtype, shape, data_offsets: [begin, end)} (offsets relative to the byte after
// the header; "__metadata__" is ignored), then the data. The file is
// memory-mapped; every tensor is checked against the file size, its shape and
// dtype, and tensors must not overlap. dtypes: F32, BF16, F16 and F8_E4M3
// (OCP fp8: 4 exponent bits, bias 7, 3 mantissa bits, no infinities, S.1111.111
// NaN). Any problem throws SafetensorsError (a ModelError) with one line naming
// the file (and the tensor).
#pragma once

#include "workloads/llm/mapped_file.h"
#include "workloads/llm/model_error.h"

#include <bakeoff/backend_abi.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bakeoff::llm {

class SafetensorsError : public ModelError {
public:
    using ModelError::ModelError;
};

enum class StDtype { f32, bf16, f16, f8_e4m3 };

struct StTensor {
    std::string name;
    StDtype dtype = StDtype::f32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0, end = 0;  // byte range within the data section
};

class SafetensorsFile {
public:
    // Maps and validates the file; throws SafetensorsError.
    explicit SafetensorsFile(const std::string& path);
    const std::string& path() const { return file_.path(); }
    const std::map<std::string, StTensor>& tensors() const { return tensors_; }
    const StTensor* find(const std::string& name) const;
    // Elements [first, first + count) of a tensor, converted to float.
    void read_f32(const StTensor& t, std::uint64_t first, std::uint64_t count, float* out) const;
    // The stored bytes of a tensor (end - begin of them), in the mapping.
    const unsigned char* bytes(const StTensor& t) const { return file_.data() + data_offset_ + t.begin; }

    static constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

private:
    MappedFile file_;
    std::uint64_t data_offset_ = 0;  // 8 + header length
    std::map<std::string, StTensor> tensors_;
};

std::size_t st_dtype_size(StDtype t);
// The bk_dtype of a safetensors dtype.
bk_dtype st_bk_dtype(StDtype t);

}  // namespace bakeoff::llm
