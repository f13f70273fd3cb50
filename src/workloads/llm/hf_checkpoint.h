// A Hugging Face safetensors checkpoint: one file, or the shards an index
// names (each mapped on its own), seen as one set of named tensors; and the
// weight source over it (Hugging Face tensor names, model_tensors' hf_name).
#pragma once

#include "workloads/llm/hf_config.h"
#include "workloads/llm/llm_weights.h"
#include "workloads/llm/safetensors.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bakeoff::llm {

class HfCheckpoint {
public:
    struct Where {
        const SafetensorsFile* file;
        const StTensor* tensor;
    };
    // One safetensors file.
    static std::shared_ptr<const HfCheckpoint> single(const std::string& path);
    // The shards of an index read from index_path (read_hf_index); every
    // tensor the index names must be in its shard, and no tensor in two.
    static std::shared_ptr<const HfCheckpoint> sharded(const std::string& index_path, const HfIndex& index);

    const Where* find(const std::string& name) const;
    const std::string& path() const { return path_; }  // the file or the index

private:
    void add(std::shared_ptr<const SafetensorsFile> f);
    std::string path_;
    std::vector<std::shared_ptr<const SafetensorsFile>> files_;
    std::map<std::string, Where> tensors_;
};

// The weights of config c from the checkpoint (shapes checked, ModelError
// naming the tensor); matrices load as `loaded_as`.
std::unique_ptr<WeightSource> hf_weights(std::shared_ptr<const HfCheckpoint> ck, const LlmConfig& c, bk_dtype loaded_as);

}  // namespace bakeoff::llm
