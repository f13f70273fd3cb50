// One entry point from a path to a model: its shape and where its weights are.
//
// A path may be
//   - a Hugging Face model folder: config.json (hf_config.h) and either
//     model.safetensors or model.safetensors.index.json with its shards;
//   - a .safetensors file with a config.json beside it (or the index file);
//   - a .gguf file, version 3 (gguf.h, gguf_model.h).
// Files are memory-mapped, never copied whole. Every tensor's shape is
// checked against the config. Any problem throws ModelError: one line naming
// the file and the key or tensor.
#pragma once

#include "workloads/llm/llm_weights.h"
#include "workloads/llm/model_error.h"

#include <functional>
#include <memory>
#include <string>

namespace bakeoff::llm {

struct ModelFile {
    std::string path;                 // as given
    LlmConfig config;                 // config.name: a short name (the folder or file stem)
    std::string format;               // "gguf" or "safetensors"
    bk_dtype weight_type = BK_F32;    // the type most matrix parameters are stored in
    // A weight source over the file (opened once, shared): format(i) the
    // stored type, raw_rows the stored bytes, rows the values converted to
    // `loaded_as` for matrices (BK_F32: exactly the stored values,
    // dequantized for a block type; the stored type: the same).
    std::function<std::unique_ptr<WeightSource>(bk_dtype loaded_as)> weights;
};

ModelFile open_model(const std::string& path);

}  // namespace bakeoff::llm
