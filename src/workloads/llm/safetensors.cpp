#include "workloads/llm/safetensors.h"

#include "workloads/llm/file_weights.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace bakeoff::llm {

std::size_t st_dtype_size(StDtype t) {
    switch (t) {
        case StDtype::f32: return 4;
        case StDtype::f8_e4m3: return 1;
        default: return 2;
    }
}

bk_dtype st_bk_dtype(StDtype t) {
    switch (t) {
        case StDtype::f32: return BK_F32;
        case StDtype::bf16: return BK_BF16;
        case StDtype::f16: return BK_F16;
        case StDtype::f8_e4m3: return BK_F8_E4M3;
    }
    return BK_F32;
}

namespace {

// The mapping, its failures as SafetensorsError (callers catch that type).
MappedFile map_file(const std::string& path) {
    try {
        return MappedFile(path);
    } catch (const ModelError& e) {
        throw SafetensorsError(e.what());
    }
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : file_(map_file(path)) {
    auto fail = [&](const std::string& why) { return SafetensorsError(fmt::format("{}: {}", path, why)); };
    const unsigned char* map = file_.data();
    const std::uint64_t file_bytes = file_.size();
    if (file_bytes < 8) throw fail(fmt::format("{} bytes: too short for a safetensors header", file_bytes));
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = n << 8 | map[i];
    if (n > kMaxHeaderBytes) throw fail(fmt::format("header length {} exceeds the 100 MiB limit", n));
    if (n > file_bytes - 8)
        throw fail(fmt::format("header length {} runs past the end of the file ({} bytes)", n, file_bytes));
    data_offset_ = 8 + n;
    const std::uint64_t data_bytes = file_bytes - data_offset_;
    nlohmann::json h;
    try {
        h = nlohmann::json::parse(reinterpret_cast<const char*>(map + 8), reinterpret_cast<const char*>(map + 8 + n));
    } catch (const nlohmann::json::exception& e) {
        throw fail(fmt::format("header is not valid JSON ({})", e.what()));
    }
    if (!h.is_object()) throw fail("header is not a JSON object");
    for (const auto& item : h.items()) {
        // Named copies, not a structured binding: the lambda below captures them.
        const std::string& name = item.key();
        const nlohmann::json& v = item.value();
        if (name == "__metadata__") continue;
        auto tfail = [&](const std::string& why) { return fail(fmt::format("tensor '{}': {}", name, why)); };
        if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
            throw tfail("needs dtype, shape and data_offsets");
        StTensor t;
        t.name = name;
        const auto& dt = v["dtype"];
        if (!dt.is_string()) throw tfail("dtype is not a string");
        const std::string d = dt.get<std::string>();
        if (d == "F32") t.dtype = StDtype::f32;
        else if (d == "BF16") t.dtype = StDtype::bf16;
        else if (d == "F16") t.dtype = StDtype::f16;
        else if (d == "F8_E4M3") t.dtype = StDtype::f8_e4m3;
        else throw tfail(fmt::format("unsupported dtype '{}' (F32, BF16, F16 and F8_E4M3 are)", d));
        if (!v["shape"].is_array()) throw tfail("shape is not an array");
        std::uint64_t elements = 1;
        for (const auto& s : v["shape"]) {
            if (!s.is_number_integer() || s.get<std::int64_t>() < 0) throw tfail("shape holds a non-integer or negative size");
            const auto dim = s.get<std::uint64_t>();
            if (dim != 0 && elements > (std::uint64_t(1) << 62) / dim) throw tfail("shape is absurdly large");
            elements *= dim;
            t.shape.push_back(std::int64_t(dim));
        }
        const auto& off = v["data_offsets"];
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
            throw tfail("data_offsets must be two non-negative integers");
        t.begin = off[0].get<std::uint64_t>();
        t.end = off[1].get<std::uint64_t>();
        if (t.end < t.begin) throw tfail(fmt::format("data_offsets [{}, {}) are reversed", t.begin, t.end));
        if (t.end > data_bytes)
            throw tfail(fmt::format("data_offsets [{}, {}) run past the end of the data ({} bytes): file truncated?",
                                    t.begin, t.end, data_bytes));
        // Compared by division: elements * 4 can pass 2^64 (a shape of 2^62
        // elements would need 0 bytes) where the division cannot.
        const std::uint64_t span = t.end - t.begin, es = st_dtype_size(t.dtype);
        if (span % es != 0 || span / es != elements)
            throw tfail(fmt::format("data_offsets span {} bytes, shape and dtype need {}", span,
                                    elements <= ~std::uint64_t(0) / es ? fmt::format("{}", elements * es)
                                                                        : fmt::format("{} x {}", elements, es)));
        tensors_.emplace(name, std::move(t));
    }
    // No two tensors may share bytes.
    std::vector<const StTensor*> by_begin;
    for (const auto& [_, t] : tensors_)
        if (t.end > t.begin) by_begin.push_back(&t);
    std::sort(by_begin.begin(), by_begin.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < by_begin.size(); ++i)
        if (by_begin[i]->begin < by_begin[i - 1]->end)
            throw fail(fmt::format("tensor '{}': data overlaps tensor '{}'", by_begin[i]->name, by_begin[i - 1]->name));
}

const StTensor* SafetensorsFile::find(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
}

void SafetensorsFile::read_f32(const StTensor& t, std::uint64_t first, std::uint64_t count, float* out) const {
    const std::size_t es = st_dtype_size(t.dtype);
    const std::uint64_t n = (t.end - t.begin) / es;
    if (first > n || count > n - first)
        throw SafetensorsError(fmt::format("{}: tensor '{}': read of elements [{}, {}) is out of range", path(), t.name,
                                           first, first + count));
    const unsigned char* p = bytes(t) + first * es;
    decode_values(st_bk_dtype(t.dtype), p, out, std::int64_t(count));
}

}  // namespace bakeoff::llm
