// Fuzz target: safetensors checkpoints. Opening a file must either succeed or
// throw SafetensorsError; every tensor of a file that opens must read whole
// (its shape's element count, within its byte range); matching the file with
// the tiny preset's config and reading its weights must do the same.
//
// Two input forms, so that the fuzzer can also reach the preset code without
// inputs the size of a model: an input starting with '{' is only the JSON
// header, and the harness adds the length prefix and zero bytes up to the
// largest end offset the header names (capped at 4 MiB); any other input is a
// whole file as it would be on disk.
#include "fuzz_input_file.h"
#include "fuzz_weights.h"

#include "workloads/llm/hf_checkpoint.h"
#include "workloads/llm/llm_weights.h"
#include "workloads/llm/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace bakeoff::llm;

namespace {

constexpr std::uint64_t kMaxPadding = 4ull << 20;

std::string file_from_header(const std::uint8_t* data, std::size_t size) {
    const std::string header(reinterpret_cast<const char*>(data), size);
    std::uint64_t data_bytes = 0;
    const auto h = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
    if (h.is_object())
        for (const auto& [_, v] : h.items())
            if (v.is_object() && v.contains("data_offsets") && v["data_offsets"].is_array() &&
                v["data_offsets"].size() == 2 && v["data_offsets"][1].is_number_unsigned())
                data_bytes = std::max(data_bytes, std::min(kMaxPadding, v["data_offsets"][1].get<std::uint64_t>()));
    std::string file(8, '\0');
    for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((std::uint64_t(size) >> (8 * i)) & 0xFF);
    file += header;
    file.append(data_bytes, '\0');
    return file;
}

// The element count the shape gives, without overflow; -1 when beyond 2^64.
__int128 elements(const StTensor& t) {
    __int128 n = 1;
    for (auto d : t.shape) {
        if (d < 0) std::abort();  // the parser promises non-negative dimensions
        n *= d;
        if (n > (__int128(1) << 64)) return -1;
    }
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string path;
    if (size > 0 && data[0] == '{') {
        const std::string file = file_from_header(data, size);
        path = bakeoff::fuzz::write_input(reinterpret_cast<const std::uint8_t*>(file.data()), file.size(), ".safetensors");
    } else {
        path = bakeoff::fuzz::write_input(data, size, ".safetensors");
    }
    std::shared_ptr<const SafetensorsFile> f;
    try {
        f = std::make_shared<const SafetensorsFile>(path);
    } catch (const SafetensorsError&) {
        return 0;
    }
    // Every tensor: the byte range holds exactly the shape's elements, and
    // reading all of them (in chunks) stays inside the mapping.
    std::vector<float> buf(4096);
    for (const auto& [name, t] : f->tensors()) {
        const __int128 n = elements(t);
        if (n < 0 || n * __int128(st_dtype_size(t.dtype)) != __int128(t.end - t.begin)) {
            std::fprintf(stderr, "tensor '%s': %llu bytes accepted for a shape of other size\n", name.c_str(),
                         static_cast<unsigned long long>(t.end - t.begin));
            std::abort();
        }
        for (std::uint64_t first = 0; first < std::uint64_t(n); first += buf.size()) {
            const std::uint64_t count = std::min<std::uint64_t>(buf.size(), std::uint64_t(n) - first);
            f->read_f32(t, first, count, buf.data());
        }
        // A read past the end must be refused, not performed.
        try {
            f->read_f32(t, std::uint64_t(n), 1, buf.data());
            std::abort();
        } catch (const SafetensorsError&) {
        }
    }
    // The tiny preset's weights from it: shapes checked, every tensor read
    // converted and as stored bytes.
    const LlmConfig c = *find_preset("tiny");
    const auto ck = HfCheckpoint::single(path);
    bakeoff::fuzz::read_every_tensor([&](bk_dtype wt) { return hf_weights(ck, c, wt); });
    return 0;
}
