/* C++ helper for backend plugins written in C++: filling the fixed-size
 * char arrays of the ABI's structs (bk_device_props and the like). Not part
 * of the ABI itself; a plugin in C writes its own. */
#pragma once

#ifdef __cplusplus
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace bk_plugin {

/* Copies src into dst[cap], truncated to fit, always NUL-terminated. */
inline void copy_str(char* dst, std::size_t cap, const std::string& src) {
    if (cap == 0) return;
    const std::size_t n = std::min(cap - 1, src.size());
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
}

}  // namespace bk_plugin
#endif
