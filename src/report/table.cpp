#include "report/table.h"

namespace bakeoff {

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;  // count lead bytes, not continuation bytes
    return w;
}

std::string utf8_prefix(const std::string& s, std::size_t points) {
    std::size_t seen = 0, i = 0;
    for (; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == points) break;
    return s.substr(0, i);
}

}  // namespace bakeoff
