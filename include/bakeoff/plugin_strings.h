/* C++ string helpers for backend plugins: filling the fixed-size char arrays
 * of the ABI's structs (bk_device_props and the like) and building one-line
 * messages from pieces. Not part of the ABI itself; a plugin in C writes its
 * own (snprintf). */
#pragma once

#ifdef __cplusplus
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <sstream>
#include <string>
#include <type_traits>

#include "bakeoff/plugin_visibility.h"

namespace bk_plugin BK_PLUGIN_HIDDEN {

/* Copies src into dst[cap], truncated to fit, always NUL-terminated. */
inline void copy_str(char* dst, std::size_t cap, const std::string& src) {
    if (cap == 0) return;
    const std::size_t n = std::min(cap - 1, src.size());
    std::memcpy(dst, src.data(), n);
    dst[n] = '\0';
}

/* The pieces streamed one after another: cat("lda=", 3, " < ", 4) is
 * "lda=3 < 4". Numbers print as iostreams print them (no trailing zeros). */
template <class... Parts>
std::string cat(const Parts&... parts) {
    if constexpr (sizeof...(Parts) == 1 && (std::is_convertible_v<const Parts&, std::string> && ...)) {
        return std::string(parts...);
    } else {
        std::ostringstream out;
        (out << ... << parts);
        return out.str();
    }
}

}  // namespace bk_plugin
#endif
