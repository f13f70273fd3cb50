// A read-only safetensors file (https://huggingface.co/docs/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
// {dtype, shape, data_offsets: [begin, end)} (offsets relative to the byte after
// the header; "__metadata__" is ignored), then the data. The file is
// memory-mapped; every tensor is checked against the file size, its shape and
// dtype, and tensors must not overlap. Any problem throws SafetensorsError with
// one line naming the file (and the tensor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff::llm {

class SafetensorsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class StDtype { f32, bf16, f16 };

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
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return path_; }
    const std::map<std::string, StTensor>& tensors() const { return tensors_; }
    const StTensor* find(const std::string& name) const;
    // Elements [first, first + count) of a tensor, converted to float.
    void read_f32(const StTensor& t, std::uint64_t first, std::uint64_t count, float* out) const;

    static constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

private:
    std::string path_;
    int fd_ = -1;
    const unsigned char* map_ = nullptr;
    std::uint64_t file_bytes_ = 0;
    std::uint64_t data_offset_ = 0;  // 8 + header length
    std::map<std::string, StTensor> tensors_;
};

std::size_t st_dtype_size(StDtype t);

}  // namespace bakeoff::llm
