#include "workloads/llm/model_file.h"

#include "workloads/llm/file_weights.h"
#include "workloads/llm/gguf_model.h"
#include "workloads/llm/hf_checkpoint.h"
#include "workloads/llm/hf_config.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace bakeoff::llm {

namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool starts_with_gguf_magic(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    char magic[4] = {};
    return f.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

// Case labels and file names take the name: letters, digits, '.', '_', '-' only.
std::string short_name(std::string s) {
    for (char& ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '-';
    return s.empty() ? "model" : s;
}

// The folder's name ("." and a trailing '/' resolved).
std::string folder_name(const fs::path& folder) {
    std::error_code ec;
    const fs::path abs = fs::absolute(folder, ec).lexically_normal();
    fs::path name = abs.filename();
    if (name.empty()) name = abs.parent_path().filename();
    return name.string();
}

ModelFile finish(const std::string& path, LlmConfig c, const char* format,
                 std::function<std::unique_ptr<WeightSource>(const LlmConfig&, bk_dtype)> make) {
    ModelFile m;
    m.path = path;
    m.format = format;
    // Built once here so every tensor's shape is checked on opening; touches no weights.
    m.weight_type = main_weight_type(*make(c, BK_F32));
    m.config = c;
    m.weights = [c = std::move(c), make = std::move(make)](bk_dtype loaded_as) { return make(c, loaded_as); };
    return m;
}

ModelFile open_gguf(const std::string& path) {
    auto f = std::make_shared<const GgufFile>(path);
    LlmConfig c = gguf_config(*f);
    c.name = short_name(fs::path(path).stem().string());
    return finish(path, std::move(c), "gguf", [f](const LlmConfig& cfg, bk_dtype t) { return gguf_weights(f, cfg, t); });
}

ModelFile open_hf(const std::string& path, const fs::path& folder, const fs::path& weights) {
    const fs::path config = folder / "config.json";
    std::error_code ec;
    if (!fs::exists(config, ec))
        throw ModelError(fmt::format("{}: no config.json in {} (the model's shape comes from it)", path, folder.string()));
    LlmConfig c = read_hf_config(config.string());
    c.name = short_name(folder_name(folder));
    std::shared_ptr<const HfCheckpoint> ck =
        ends_with(weights.string(), ".index.json")
            ? HfCheckpoint::sharded(weights.string(), read_hf_index(weights.string()))
            : HfCheckpoint::single(weights.string());
    return finish(path, std::move(c), "safetensors",
                  [ck](const LlmConfig& cfg, bk_dtype t) { return hf_weights(ck, cfg, t); });
}

}  // namespace

ModelFile open_model(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec)) {
        for (const char* name : {"model.safetensors.index.json", "model.safetensors"})
            if (fs::exists(p / name, ec)) return open_hf(path, p, p / name);
        throw ModelError(fmt::format("{}: neither model.safetensors nor model.safetensors.index.json is in this folder", path));
    }
    if (!fs::exists(p, ec)) throw ModelError(fmt::format("{}: no such file or folder", path));
    if (ends_with(path, ".gguf") || starts_with_gguf_magic(path)) return open_gguf(path);
    if (ends_with(path, ".safetensors") || ends_with(path, ".safetensors.index.json"))
        return open_hf(path, p.parent_path().empty() ? fs::path(".") : p.parent_path(), p);
    throw ModelError(fmt::format("{}: not a model (a .gguf file, a .safetensors file or a Hugging Face model folder)", path));
}

}  // namespace bakeoff::llm
