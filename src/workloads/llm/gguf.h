// A read-only GGUF file, version 3 (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md),
// the llama.cpp format. Little-endian throughout:
//   "GGUF", u32 version (3), u64 tensor count, u64 metadata count;
//   metadata: key (string), u32 value type, value; a string is a u64 length and
//     that many bytes; an array is a u32 element type, a u64 count, elements;
//     value types 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool,
//     8 string, 9 array, 10 u64, 11 i64, 12 f64;
//   tensor infos: name (string), u32 n_dims (<= 4), u64 ne[n_dims] (ne[0] the
//     innermost: the length of a row), u32 ggml type, u64 offset into the data;
//   padding to general.alignment (a u32, default 32), then the data section;
//     every offset a multiple of the alignment.
// The file is memory-mapped and never copied: strings are bounded by the
// bytes left in the file and array elements are walked, not stored, so
// nothing is allocated beyond what the file's own bytes justify. Every tensor
// is checked to lie inside the file, not to overlap another, to have a type
// this reader knows the layout of (F32, F16, BF16 and the block types of
// plugin_quant.h; others are refused by name) and rows of whole blocks. Any
// problem throws ModelError, one line naming the file and the key or tensor.
#pragma once

#include "workloads/llm/mapped_file.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::llm {

enum class GgufType : std::uint32_t { u8, i8, u16, i16, u32, i32, f32, boolean, string, array, u64, i64, f64 };

// One metadata value. Arrays keep their element type and count and where
// their elements start in the file.
struct GgufValue {
    GgufType type = GgufType::u8;
    std::uint64_t u = 0;  // unsigned integers, bool
    std::int64_t i = 0;   // signed integers
    double f = 0;         // f32, f64
    std::string s;        // string
    GgufType elem = GgufType::u8;
    std::uint64_t count = 0, offset = 0;  // array
};

struct GgufTensor {
    std::string name;
    std::vector<std::int64_t> ne;  // ne[0] innermost
    std::uint32_t ggml_type = 0;
    bk_dtype dtype = BK_F32;       // the same type as bakeoff names it
    std::uint64_t offset = 0;      // from the start of the data section
    std::uint64_t bytes = 0;
    std::int64_t row_length() const { return ne.empty() ? 1 : ne[0]; }
    std::int64_t rows() const;     // product of ne[1..]
    std::uint64_t row_bytes() const;
};

class GgufFile {
public:
    explicit GgufFile(const std::string& path);

    const std::string& path() const { return file_.path(); }
    const std::map<std::string, GgufValue>& metadata() const { return kv_; }
    const GgufValue* find_key(const std::string& key) const;
    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const GgufTensor* find(const std::string& name) const;
    std::uint64_t alignment() const { return alignment_; }
    // The tensor's bytes (t.bytes of them) in the mapping.
    const unsigned char* bytes(const GgufTensor& t) const { return file_.data() + data_offset_ + t.offset; }

    // Typed metadata: nullopt when the key is absent; ModelError naming the
    // key when it holds another type (any integer type reads as an integer,
    // any number as a float) or, for integers, a negative value.
    std::optional<std::uint64_t> get_uint(const std::string& key) const;
    std::optional<double> get_float(const std::string& key) const;
    std::optional<std::string> get_string(const std::string& key) const;

private:
    MappedFile file_;
    std::map<std::string, GgufValue> kv_;
    std::vector<GgufTensor> tensors_;
    std::map<std::string, std::size_t> by_name_;
    std::uint64_t alignment_ = 32, data_offset_ = 0;
};

// The GGUF value type's name ("u32", "string", ...), for messages.
const char* gguf_type_name(GgufType t);
// ggml's name of a tensor type id ("Q4_0", "IQ2_XXS", ...), "type N" when unknown.
std::string ggml_type_name(std::uint32_t id);
// The bk_dtype of a ggml type id, nullopt where this reader does not know its layout.
std::optional<bk_dtype> ggml_type_dtype(std::uint32_t id);
// The ggml type id of a dtype (for writers); throws std::invalid_argument when none.
std::uint32_t ggml_type_id(bk_dtype t);

}  // namespace bakeoff::llm
