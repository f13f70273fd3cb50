#include "workloads/llm/gguf.h"

#include <bakeoff/plugin_quant.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace bakeoff::llm {

namespace {

struct GgmlTypeName {
    std::uint32_t id;
    const char* name;
    bk_dtype dtype;  // BK_DTYPE_COUNT: a layout this reader does not know
};

// ggml's type ids (ggml.h, enum ggml_type); the gaps are retired types.
constexpr GgmlTypeName kGgmlTypes[] = {
    {0, "F32", BK_F32},       {1, "F16", BK_F16},          {2, "Q4_0", BK_Q4_0},        {3, "Q4_1", BK_Q4_1},
    {6, "Q5_0", BK_Q5_0},     {7, "Q5_1", BK_Q5_1},        {8, "Q8_0", BK_Q8_0},        {9, "Q8_1", BK_DTYPE_COUNT},
    {10, "Q2_K", BK_DTYPE_COUNT}, {11, "Q3_K", BK_DTYPE_COUNT}, {12, "Q4_K", BK_Q4_K}, {13, "Q5_K", BK_Q5_K},
    {14, "Q6_K", BK_Q6_K},    {15, "Q8_K", BK_Q8_K},       {16, "IQ2_XXS", BK_DTYPE_COUNT}, {17, "IQ2_XS", BK_DTYPE_COUNT},
    {18, "IQ3_XXS", BK_DTYPE_COUNT}, {19, "IQ1_S", BK_DTYPE_COUNT}, {20, "IQ4_NL", BK_DTYPE_COUNT},
    {21, "IQ3_S", BK_DTYPE_COUNT},   {22, "IQ2_S", BK_DTYPE_COUNT}, {23, "IQ4_XS", BK_DTYPE_COUNT},
    {24, "I8", BK_DTYPE_COUNT},      {25, "I16", BK_DTYPE_COUNT},   {26, "I32", BK_DTYPE_COUNT},
    {27, "I64", BK_DTYPE_COUNT},     {28, "F64", BK_DTYPE_COUNT},   {29, "IQ1_M", BK_DTYPE_COUNT},
    {30, "BF16", BK_BF16},           {34, "TQ1_0", BK_DTYPE_COUNT}, {35, "TQ2_0", BK_DTYPE_COUNT},
    {39, "MXFP4", BK_DTYPE_COUNT},
};

const GgmlTypeName* ggml_type(std::uint32_t id) {
    for (const auto& t : kGgmlTypes)
        if (t.id == id) return &t;
    return nullptr;
}

// Reads the header and metadata front to back; every read checks the bytes
// left first, so a count or length can never make it read, or allocate,
// past the end of the file.
class Cursor {
public:
    Cursor(const std::string& path, const unsigned char* p, std::uint64_t size) : path_(path), p_(p), size_(size) {}
    std::uint64_t pos() const { return pos_; }
    std::uint64_t left() const { return size_ - pos_; }
    void set_context(std::string c) { context_ = std::move(c); }

    [[noreturn]] void fail(const std::string& why) const {
        throw ModelError(context_.empty() ? fmt::format("{}: {}", path_, why) : fmt::format("{}: {}: {}", path_, context_, why));
    }
    void need(std::uint64_t n, const char* what) const {
        if (n > left())
            fail(fmt::format("{} needs {} bytes at offset {}, the file has {} left: truncated?", what, n, pos_, left()));
    }
    template <class T>
    T read(const char* what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, p_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string string(const char* what) {
        const auto n = read<std::uint64_t>(what);
        if (n > left()) fail(fmt::format("{} of {} bytes runs past the end of the file ({} left)", what, n, left()));
        std::string s(reinterpret_cast<const char*>(p_ + pos_), n);
        pos_ += n;
        return s;
    }
    void skip(std::uint64_t n, const char* what) {
        need(n, what);
        pos_ += n;
    }

private:
    std::string path_, context_;
    const unsigned char* p_;
    std::uint64_t size_, pos_ = 0;
};

std::uint64_t scalar_size(GgufType t) {
    switch (t) {
        case GgufType::u8:
        case GgufType::i8:
        case GgufType::boolean: return 1;
        case GgufType::u16:
        case GgufType::i16: return 2;
        case GgufType::u32:
        case GgufType::i32:
        case GgufType::f32: return 4;
        case GgufType::u64:
        case GgufType::i64:
        case GgufType::f64: return 8;
        default: return 0;
    }
}

constexpr std::uint32_t kLastValueType = 12;
// Arrays of arrays are legal but nothing a model needs nests deeper than one.
constexpr int kMaxArrayDepth = 4;

GgufValue read_value(Cursor& c, GgufType type, int depth) {
    GgufValue v;
    v.type = type;
    switch (type) {
        case GgufType::u8: v.u = c.read<std::uint8_t>("a u8"); break;
        case GgufType::i8: v.i = c.read<std::int8_t>("an i8"); break;
        case GgufType::u16: v.u = c.read<std::uint16_t>("a u16"); break;
        case GgufType::i16: v.i = c.read<std::int16_t>("an i16"); break;
        case GgufType::u32: v.u = c.read<std::uint32_t>("a u32"); break;
        case GgufType::i32: v.i = c.read<std::int32_t>("an i32"); break;
        case GgufType::u64: v.u = c.read<std::uint64_t>("a u64"); break;
        case GgufType::i64: v.i = c.read<std::int64_t>("an i64"); break;
        case GgufType::f32: v.f = c.read<float>("an f32"); break;
        case GgufType::f64: v.f = c.read<double>("an f64"); break;
        case GgufType::boolean: {
            const auto b = c.read<std::uint8_t>("a bool");
            if (b > 1) c.fail(fmt::format("bool holds {}", b));
            v.u = b;
            break;
        }
        case GgufType::string: v.s = c.string("a string"); break;
        case GgufType::array: {
            if (depth >= kMaxArrayDepth) c.fail(fmt::format("arrays nested deeper than {}", kMaxArrayDepth));
            const auto elem = c.read<std::uint32_t>("an array's element type");
            if (elem > kLastValueType) c.fail(fmt::format("array of unknown value type {}", elem));
            v.elem = GgufType(elem);
            v.count = c.read<std::uint64_t>("an array's count");
            v.offset = c.pos();
            // Each element takes at least one byte (a string or array at
            // least 8): a count the bytes left cannot hold is refused before
            // any element is walked.
            const std::uint64_t least = scalar_size(v.elem) ? scalar_size(v.elem) : v.elem == GgufType::string ? 8 : 12;
            if (v.count > c.left() / least)
                c.fail(fmt::format("array of {} {} elements cannot fit in the {} bytes left", v.count,
                                   gguf_type_name(v.elem), c.left()));
            if (scalar_size(v.elem)) {
                c.skip(v.count * scalar_size(v.elem), "array elements");
            } else {
                for (std::uint64_t k = 0; k < v.count; ++k) {
                    if (v.elem == GgufType::string) {
                        const auto n = c.read<std::uint64_t>("a string's length");
                        c.skip(n, "a string in an array");
                    } else {
                        (void)read_value(c, GgufType::array, depth + 1);
                    }
                }
            }
            break;
        }
    }
    return v;
}

}  // namespace

const char* gguf_type_name(GgufType t) {
    static const char* names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
    return std::uint32_t(t) <= kLastValueType ? names[std::uint32_t(t)] : "unknown";
}

std::string ggml_type_name(std::uint32_t id) {
    const GgmlTypeName* t = ggml_type(id);
    return t ? t->name : fmt::format("type {}", id);
}

std::optional<bk_dtype> ggml_type_dtype(std::uint32_t id) {
    const GgmlTypeName* t = ggml_type(id);
    if (!t || t->dtype == BK_DTYPE_COUNT) return std::nullopt;
    return t->dtype;
}

std::uint32_t ggml_type_id(bk_dtype d) {
    for (const auto& t : kGgmlTypes)
        if (t.dtype == d) return t.id;
    throw std::invalid_argument(fmt::format("no ggml type for bk_dtype {}", int(d)));
}

std::int64_t GgufTensor::rows() const {
    std::int64_t r = 1;
    for (std::size_t i = 1; i < ne.size(); ++i) r *= ne[i];
    return r;
}

std::uint64_t GgufTensor::row_bytes() const {
    return bk_is_block_type(dtype) ? bk_block_row_bytes(dtype, row_length())
                                   : std::uint64_t(row_length()) * bk_dtype_size(dtype);
}

GgufFile::GgufFile(const std::string& path) : file_(path) {
    Cursor c(path, file_.data(), file_.size());
    if (file_.size() < 4 || std::memcmp(file_.data(), "GGUF", 4) != 0) c.fail("not a GGUF file (no \"GGUF\" magic)");
    c.skip(4, "the magic");
    const auto version = c.read<std::uint32_t>("the version");
    if (version == 0x03000000u) c.fail("GGUF version 3 written big-endian; only little-endian files are read");
    if (version != 3)
        c.fail(fmt::format("GGUF version {}; only version 3 is read (convert it again with a current llama.cpp)", version));
    const auto n_tensors = c.read<std::uint64_t>("the tensor count");
    const auto n_kv = c.read<std::uint64_t>("the metadata count");
    // A key-value pair takes at least 13 bytes (8 of key length, 4 of type,
    // 1 of value), a tensor info at least 24 (name length, n_dims, type, offset).
    if (n_kv > c.left() / 13) c.fail(fmt::format("metadata count {} cannot fit in the file's {} bytes", n_kv, file_.size()));
    for (std::uint64_t k = 0; k < n_kv; ++k) {
        c.set_context(fmt::format("metadata entry {}", k));
        std::string key = c.string("a key");
        c.set_context(fmt::format("key '{}'", key));
        const auto type = c.read<std::uint32_t>("a value type");
        if (type > kLastValueType) c.fail(fmt::format("unknown value type {}", type));
        GgufValue v = read_value(c, GgufType(type), 0);
        if (kv_.count(key)) c.fail("appears twice");
        kv_.emplace(std::move(key), std::move(v));
    }
    c.set_context("");
    if (n_tensors > c.left() / 24)
        c.fail(fmt::format("tensor count {} cannot fit in the file's {} bytes", n_tensors, file_.size()));
    if (const GgufValue* a = find_key("general.alignment")) {
        c.set_context("key 'general.alignment'");
        if (a->type != GgufType::u32) c.fail(fmt::format("is a {}, not a u32", gguf_type_name(a->type)));
        if (a->u == 0 || (a->u & (a->u - 1)) != 0) c.fail(fmt::format("{} is not a power of two", a->u));
        alignment_ = a->u;
    }
    tensors_.reserve(std::size_t(n_tensors));
    for (std::uint64_t k = 0; k < n_tensors; ++k) {
        c.set_context(fmt::format("tensor info {}", k));
        GgufTensor t;
        t.name = c.string("a tensor name");
        c.set_context(fmt::format("tensor '{}'", t.name));
        const auto n_dims = c.read<std::uint32_t>("n_dims");
        if (n_dims > 4) c.fail(fmt::format("{} dimensions (at most 4)", n_dims));
        std::uint64_t elements = 1;
        for (std::uint32_t d = 0; d < n_dims; ++d) {
            const auto n = c.read<std::uint64_t>("a dimension");
            if (n > (std::uint64_t(1) << 62) || (n != 0 && elements > (std::uint64_t(1) << 62) / n))
                c.fail(fmt::format("dimension {} of {} makes the tensor absurdly large", d, n));
            elements *= n;
            t.ne.push_back(std::int64_t(n));
        }
        t.ggml_type = c.read<std::uint32_t>("the tensor type");
        t.offset = c.read<std::uint64_t>("the tensor offset");
        const auto dtype = ggml_type_dtype(t.ggml_type);
        if (!dtype)
            c.fail(fmt::format("type {} (ggml id {}) is not read here (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, "
                               "Q4_K, Q5_K, Q6_K and Q8_K are)",
                               ggml_type_name(t.ggml_type), t.ggml_type));
        t.dtype = *dtype;
        const std::uint32_t block = bk_is_block_type(t.dtype) ? bk_block_elems(t.dtype) : 1;
        if (t.row_length() % block != 0)
            c.fail(fmt::format("rows of {} values are not whole {} blocks of {}", t.row_length(), ggml_type_name(t.ggml_type), block));
        // rows x row bytes: both below 2^62 / 1, compared by division.
        const std::uint64_t rb = t.row_bytes(), rows = std::uint64_t(t.rows());
        if (rb != 0 && rows > ~std::uint64_t(0) / rb) c.fail("byte size overflows");
        t.bytes = rb * rows;
        if (t.offset % alignment_ != 0) c.fail(fmt::format("offset {} is not a multiple of the alignment {}", t.offset, alignment_));
        if (by_name_.count(t.name)) c.fail("appears twice");
        by_name_.emplace(t.name, tensors_.size());
        tensors_.push_back(std::move(t));
    }
    c.set_context("");
    data_offset_ = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
    const std::uint64_t data_bytes = data_offset_ <= file_.size() ? file_.size() - data_offset_ : 0;
    for (const auto& t : tensors_)
        if (t.offset > data_bytes || t.bytes > data_bytes - t.offset)
            throw ModelError(fmt::format("{}: tensor '{}': {} bytes at offset {} run past the end of the data ({} bytes): "
                                         "file truncated?",
                                         path, t.name, t.bytes, t.offset, data_bytes));
    std::vector<const GgufTensor*> by_offset;
    for (const auto& t : tensors_)
        if (t.bytes > 0) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i)
        if (by_offset[i]->offset < by_offset[i - 1]->offset + by_offset[i - 1]->bytes)
            throw ModelError(fmt::format("{}: tensor '{}': data overlaps tensor '{}'", path, by_offset[i]->name,
                                         by_offset[i - 1]->name));
}

const GgufValue* GgufFile::find_key(const std::string& key) const {
    auto it = kv_.find(key);
    return it == kv_.end() ? nullptr : &it->second;
}

const GgufTensor* GgufFile::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &tensors_[it->second];
}

std::optional<std::uint64_t> GgufFile::get_uint(const std::string& key) const {
    const GgufValue* v = find_key(key);
    if (!v) return std::nullopt;
    switch (v->type) {
        case GgufType::u8:
        case GgufType::u16:
        case GgufType::u32:
        case GgufType::u64: return v->u;
        case GgufType::i8:
        case GgufType::i16:
        case GgufType::i32:
        case GgufType::i64:
            if (v->i < 0) throw ModelError(fmt::format("{}: key '{}': {} is negative", path(), key, v->i));
            return std::uint64_t(v->i);
        default:
            throw ModelError(fmt::format("{}: key '{}': is a {}, not an integer", path(), key, gguf_type_name(v->type)));
    }
}

std::optional<double> GgufFile::get_float(const std::string& key) const {
    const GgufValue* v = find_key(key);
    if (!v) return std::nullopt;
    if (v->type == GgufType::f32 || v->type == GgufType::f64) return v->f;
    if (scalar_size(v->type) && v->type != GgufType::boolean) {
        const bool is_signed = v->type == GgufType::i8 || v->type == GgufType::i16 || v->type == GgufType::i32 ||
                               v->type == GgufType::i64;
        return is_signed ? double(v->i) : double(v->u);
    }
    throw ModelError(fmt::format("{}: key '{}': is a {}, not a number", path(), key, gguf_type_name(v->type)));
}

std::optional<std::string> GgufFile::get_string(const std::string& key) const {
    const GgufValue* v = find_key(key);
    if (!v) return std::nullopt;
    if (v->type != GgufType::string)
        throw ModelError(fmt::format("{}: key '{}': is a {}, not a string", path(), key, gguf_type_name(v->type)));
    return v->s;
}

}  // namespace bakeoff::llm
