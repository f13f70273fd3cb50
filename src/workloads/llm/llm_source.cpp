#include "workloads/llm/llm_source.h"

#include "workloads/llm/model_file.h"

#include <map>
#include <mutex>

namespace bakeoff::llm {

namespace {

// A model file opened once per process: its facts and its weight factory
// (the file stays mapped; each case asks the factory, never the file again).
struct OpenedModel {
    ModelFile file;
    ModelFileFacts facts;
};

OpenedModel open_once(const std::string& path) {
    OpenedModel o{open_model(path), {}};
    ModelFileFacts& m = o.facts;
    m.config = o.file.config;
    m.format = o.file.format;
    m.main = o.file.weight_type;
    const auto w = o.file.weights(BK_F32);
    for (std::size_t i = 0; i < w->tensors().size(); ++i) {
        const TensorInfo& t = w->tensors()[i];
        m.stored.push_back(w->format(i));
        m.file_bytes += format_row_bytes(w->format(i), row_length(t)) * std::uint64_t(row_count(t));
    }
    return o;
}

const OpenedModel& opened(const std::string& path) {
    static std::mutex mu;
    static std::map<std::string, OpenedModel> cache;
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(path);
    if (it == cache.end()) it = cache.emplace(path, open_once(path)).first;
    return it->second;
}

}  // namespace

const ModelFileFacts& model_file_facts(const std::string& path) { return opened(path).facts; }

std::unique_ptr<WeightSource> file_weights(const std::string& path, bk_dtype main) {
    // The stored values exactly (loaded_weights rounds them to what the
    // device holds); fp16 asks the reader itself, which refuses, by name, a
    // value fp16 cannot hold.
    return opened(path).file.weights(main == BK_F16 ? BK_F16 : BK_F32);
}

}  // namespace bakeoff::llm
