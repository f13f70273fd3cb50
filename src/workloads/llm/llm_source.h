// Where a case's model comes from: the shape and stored formats of a model
// file or folder (read once per process and kept: the workload asks for them
// when it lists, sizes and prepares a case), and its weights.
#pragma once

#include "workloads/llm/llm_config.h"
#include "workloads/llm/llm_weights.h"

#include <bakeoff/backend_abi.h>

#include <memory>
#include <string>
#include <vector>

namespace bakeoff::llm {

struct ModelFileFacts {
    LlmConfig config;               // the shape, from the file
    std::string format;             // "gguf" or "safetensors"
    bk_dtype main = BK_F32;         // the type most matrix parameters are stored in
    std::vector<bk_dtype> stored;   // per tensor (model_tensors order)
    std::uint64_t file_bytes = 0;   // bytes of the tensors as stored
};

// Facts of the model at path (a .gguf file, a .safetensors file with its
// config.json, or a Hugging Face folder); errors as the readers throw them.
const ModelFileFacts& model_file_facts(const std::string& path);

// The weights of the model at path, as stored (format(i) = stored[i]), from
// the same opening as model_file_facts.
std::unique_ptr<WeightSource> file_weights(const std::string& path, bk_dtype main);

}  // namespace bakeoff::llm
