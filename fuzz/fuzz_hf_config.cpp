// Fuzz target: a Hugging Face model's config.json and its shard index
// (model.safetensors.index.json). Parsing must either succeed or throw
// ModelError; a config that parses must have sizes the decoder can hold, an
// index that parses must name only plain file names. The input is parsed as
// both.
#include "workloads/llm/hf_config.h"
#include "workloads/llm/model_error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace bakeoff::llm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const LlmConfig c = parse_hf_config(text, "config.json");
        if (c.dim < 1 || c.heads < 1 || c.kv_heads < 1 || c.heads % c.kv_heads != 0 || c.head_dim % 2 != 0) {
            std::fprintf(stderr, "config accepted with impossible sizes\n");
            std::abort();
        }
        (void)rope_frequencies(c);
    } catch (const ModelError&) {
    }
    try {
        const HfIndex idx = parse_hf_index(text, "model.safetensors.index.json");
        for (const auto& s : idx.shards)
            if (s.find('/') != std::string::npos || s == ".." || s.empty()) {
                std::fprintf(stderr, "shard '%s' accepted\n", s.c_str());
                std::abort();
            }
    } catch (const ModelError&) {
    }
    return 0;
}
