// Read-only access to model files: a whole file memory-mapped (weights are
// never copied whole), and small text files (config.json, the shard index)
// read with a size limit. Only regular files are opened, so a FIFO or a
// device cannot block or feed an endless stream. Failures throw ModelError
// naming the file.
#pragma once

#include "workloads/llm/model_error.h"

#include <cstdint>
#include <string>

namespace bakeoff::llm {

class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return path_; }
    const unsigned char* data() const { return map_; }
    std::uint64_t size() const { return size_; }

private:
    std::string path_;
    const unsigned char* map_ = nullptr;
    std::uint64_t size_ = 0;
};

// The whole file as a string; refused past max_bytes.
std::string read_small_file(const std::string& path, std::uint64_t max_bytes);

}  // namespace bakeoff::llm
