// Shared by the fuzz targets whose parser takes a path: the input is written to
// one temporary file per process, rewritten for every run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace bakeoff::fuzz {

inline const std::string& input_path(const char* suffix) {
    static const std::string path = [&] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/bakeoff-fuzz-" + std::to_string(::getpid()) + suffix;
    }();
    return path;
}

// Writes `size` bytes to the per-process file and returns its path.
inline const std::string& write_input(const std::uint8_t* data, std::size_t size, const char* suffix) {
    const std::string& path = input_path(suffix);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    if (std::fclose(f) != 0) std::abort();
    return path;
}

}  // namespace bakeoff::fuzz
