#include "workloads/llm/hf_checkpoint.h"

#include "workloads/llm/file_weights.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

namespace bakeoff::llm {

std::shared_ptr<const HfCheckpoint> HfCheckpoint::single(const std::string& path) {
    auto ck = std::make_shared<HfCheckpoint>();
    ck->path_ = path;
    ck->add(std::make_shared<const SafetensorsFile>(path));
    return ck;
}

std::shared_ptr<const HfCheckpoint> HfCheckpoint::sharded(const std::string& index_path, const HfIndex& index) {
    auto ck = std::make_shared<HfCheckpoint>();
    ck->path_ = index_path;
    const auto folder = std::filesystem::path(index_path).parent_path();
    for (const auto& s : index.shards) ck->add(std::make_shared<const SafetensorsFile>((folder / s).string()));
    for (const auto& [tensor, shard] : index.weight_map) {
        const Where* w = ck->find(tensor);
        if (!w || std::filesystem::path(w->file->path()).filename() != shard)
            throw ModelError(fmt::format("{}: tensor '{}' is missing (the index {} puts it there)",
                                         (folder / shard).string(), tensor, index_path));
    }
    return ck;
}

void HfCheckpoint::add(std::shared_ptr<const SafetensorsFile> f) {
    for (const auto& [name, t] : f->tensors()) {
        if (const Where* other = find(name))
            throw ModelError(fmt::format("{}: tensor '{}' is also in {}", f->path(), name, other->file->path()));
        tensors_.emplace(name, Where{f.get(), &t});
    }
    files_.push_back(std::move(f));
}

const HfCheckpoint::Where* HfCheckpoint::find(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
}

namespace {

class HfWeights final : public FileWeights {
public:
    HfWeights(std::shared_ptr<const HfCheckpoint> ck, const LlmConfig& c, bk_dtype loaded_as)
        : FileWeights(c, loaded_as), ck_(std::move(ck)) {
        for (const TensorInfo& t : tensors_) {
            const HfCheckpoint::Where* w = ck_->find(t.hf_name);
            check_shape(w ? w->file->path() : ck_->path(), t.hf_name, w ? &w->tensor->shape : nullptr, t);
            // fp8 checkpoints with scales (weight_scale, weight_scale_inv)
            // store x / scale: read as they are, the values would be wrong.
            for (const char* suffix : {"_scale", "_scale_inv"})
                if (ck_->find(t.hf_name + suffix))
                    throw ModelError(fmt::format("{}: tensor '{}{}': scaled checkpoints are not read", w->file->path(),
                                                 t.hf_name, suffix));
            src_.push_back(*w);
        }
    }
    std::string describe() const override { return "checkpoint " + ck_->path(); }

private:
    bk_dtype stored(std::size_t index) const override { return st_bk_dtype(src_.at(index).tensor->dtype); }
    std::string file_of(std::size_t index) const override { return src_.at(index).file->path(); }
    std::string name_of(std::size_t index) const override { return src_.at(index).tensor->name; }
    void decode_rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const override {
        const std::int64_t n = row_length(tensors_.at(index));
        src_[index].file->read_f32(*src_[index].tensor, std::uint64_t(r0 * n), std::uint64_t((r1 - r0) * n), out);
    }
    void copy_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const override {
        const HfCheckpoint::Where& w = src_.at(index);
        const std::int64_t n = row_length(tensors_[index]);
        const std::uint64_t rb = st_dtype_size(w.tensor->dtype) * std::uint64_t(n);
        if (r0 < 0 || r1 < r0 || std::uint64_t(r1) * rb > w.tensor->end - w.tensor->begin)
            throw ModelError(fmt::format("{}: tensor '{}': rows [{}, {}) are out of range", w.file->path(), w.tensor->name, r0, r1));
        std::memcpy(out, w.file->bytes(*w.tensor) + std::uint64_t(r0) * rb, std::uint64_t(r1 - r0) * rb);
    }

    std::shared_ptr<const HfCheckpoint> ck_;
    std::vector<HfCheckpoint::Where> src_;  // model_tensors order
};

}  // namespace

std::unique_ptr<WeightSource> hf_weights(std::shared_ptr<const HfCheckpoint> ck, const LlmConfig& c, bk_dtype loaded_as) {
    return std::make_unique<HfWeights>(std::move(ck), c, loaded_as);
}

}  // namespace bakeoff::llm
