// The one way a file a user names is read (results files, chip databases,
// price lists): only a regular file, at most kMaxInputFileBytes, opened so
// that a FIFO or a device cannot block or feed it forever (`--prices
// /dev/zero` would read until memory runs out; a FIFO with no writer would
// wait for ever).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace bakeoff {

inline constexpr std::uintmax_t kMaxInputFileBytes = 256ull << 20;

// what(): why, without the file's name ("is a FIFO, not a regular file");
// the caller says which file, in its own error type.
class InputFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a file of this st_mode is, when it is not a regular file ("a FIFO",
// "a character device", ...), for the readers here and the atomic writer.
const char* special_file_kind(unsigned mode);

// The whole file. Throws InputFileError for a missing file, anything but a
// regular file, a file over kMaxInputFileBytes and a read error.
std::string read_input_file(const std::filesystem::path& path);

}  // namespace bakeoff
