#include "workloads/llm/llm_source.h"

#include "workloads/llm/model_file.h"

#include <map>
#include <mutex>

namespace bakeoff::llm {

namespace {

ModelFileFacts read_facts(const std::string& path) {
    const ModelFile f = open_model(path);
    ModelFileFacts m;
    m.config = f.config;
    m.format = f.format;
    m.main = f.weight_type;
    const auto w = f.weights(BK_F32);
    for (std::size_t i = 0; i < w->tensors().size(); ++i) {
        const TensorInfo& t = w->tensors()[i];
        m.stored.push_back(w->format(i));
        m.file_bytes += format_row_bytes(w->format(i), row_length(t)) * std::uint64_t(row_count(t));
    }
    return m;
}

}  // namespace

const ModelFileFacts& model_file_facts(const std::string& path) {
    static std::mutex mu;
    static std::map<std::string, ModelFileFacts> cache;
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(path);
    if (it == cache.end()) it = cache.emplace(path, read_facts(path)).first;
    return it->second;
}

std::unique_ptr<WeightSource> file_weights(const std::string& path, const LlmConfig&, bk_dtype main) {
    // The stored values exactly (loaded_weights rounds them to what the
    // device holds); fp16 asks the reader itself, which refuses, by name, a
    // value fp16 cannot hold.
    return open_model(path).weights(main == BK_F16 ? BK_F16 : BK_F32);
}

}  // namespace bakeoff::llm
