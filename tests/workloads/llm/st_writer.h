// Writes small safetensors files for the tests: well-formed ones from a list
// of tensors, and raw header/data for the malformed ones.
#pragma once

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace st_test {

struct Tensor {
    std::string name;
    std::string dtype;  // "F32", "BF16", "F16"
    std::vector<std::int64_t> shape;
    std::vector<unsigned char> bytes;
};

inline std::filesystem::path temp_dir() {
    auto d = std::filesystem::temp_directory_path() / ("bakeoff-llm-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
}

// The file: 8-byte little-endian header length, header, data.
inline void write_raw(const std::filesystem::path& p, const std::string& header, const std::vector<unsigned char>& data,
                      std::uint64_t claimed_len = ~0ull) {
    std::ofstream f(p, std::ios::binary);
    const std::uint64_t n = claimed_len == ~0ull ? header.size() : claimed_len;
    for (int i = 0; i < 8; ++i) f.put(char((n >> (8 * i)) & 0xFF));
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
}

inline nlohmann::json header_of(const std::vector<Tensor>& ts, std::vector<unsigned char>* data) {
    nlohmann::json h = nlohmann::json::object();
    h["__metadata__"] = {{"format", "pt"}};
    for (const auto& t : ts) {
        const std::uint64_t begin = data->size();
        data->insert(data->end(), t.bytes.begin(), t.bytes.end());
        h[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {begin, std::uint64_t(data->size())}}};
    }
    return h;
}

inline void write(const std::filesystem::path& p, const std::vector<Tensor>& ts) {
    std::vector<unsigned char> data;
    const auto h = header_of(ts, &data);
    write_raw(p, h.dump(), data);
}

inline std::vector<unsigned char> f32_bytes(const std::vector<float>& v) {
    std::vector<unsigned char> b(v.size() * 4);
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

}  // namespace st_test
