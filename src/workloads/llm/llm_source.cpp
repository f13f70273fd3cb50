#include "workloads/llm/llm_source.h"

#include "workloads/llm/safetensors.h"

#include <map>
#include <mutex>

namespace bakeoff::llm {

namespace {

bk_dtype st_format(StDtype t) {
    switch (t) {
        case StDtype::bf16: return BK_BF16;
        case StDtype::f16: return BK_F16;
        default: return BK_F32;
    }
}

ModelFileFacts read_facts(const std::string& path) {
    SafetensorsFile f(path);
    ModelFileFacts m;
    m.config = preset_from_checkpoint(f);
    m.format = "safetensors";
    double most = -1;
    std::map<bk_dtype, double> params;
    for (const auto& t : model_tensors(m.config)) {
        const StTensor* st = f.find(t.hf_name);
        const bk_dtype fmt = t.is_norm() ? BK_F32 : st_format(st->dtype);
        m.stored.push_back(fmt);
        m.file_bytes += st->end - st->begin;
        if (!t.is_norm()) params[fmt] += double(t.elements());
    }
    for (const auto& [t, n] : params)
        if (n > most) {
            most = n;
            m.main = t;
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

std::unique_ptr<WeightSource> file_weights(const std::string& path, const LlmConfig& c, bk_dtype main) {
    // The checkpoint's own types: stored formats, converted at load where the case asks for another.
    auto w = checkpoint_weights(std::make_shared<const SafetensorsFile>(path), c, main);
    return w;
}

}  // namespace bakeoff::llm
