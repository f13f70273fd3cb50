// Atomic text output for the commands that write reports (compare -o,
// report -o): the text goes to a temporary file in the target's folder, is
// flushed to disk and renamed over the target, so a reader never sees half a
// file and an interrupted write leaves the old file (if any) in place.
#pragma once

#include <filesystem>
#include <string_view>

namespace bakeoff {

// Throws std::runtime_error("cannot write FILE: why") on failure; the
// temporary file is removed then. A target that exists and is not a regular
// file (a device, a FIFO, a directory) is refused before anything is written.
void write_text_atomic(const std::filesystem::path& path, std::string_view text);

}  // namespace bakeoff
