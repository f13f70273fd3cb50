#include "core/terminal_text.h"

namespace bakeoff {

std::string terminal_safe(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    auto byte = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned ch = byte(i);
        if ((ch < 0x20 && ch != '\n') || ch == 0x7f) {
            o += '?';
        } else if (ch == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) {
            o += '?';  // a C1 control, e.g. CSI (U+009B)
            ++i;
        } else if (ch == 0xE2 && ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xAA && byte(i + 2) <= 0xAE) ||
                                  (byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 && byte(i + 2) <= 0xA9))) {
            o += '?';  // U+202A..U+202E, U+2066..U+2069
            i += 2;
        } else {
            o += char(ch);
        }
    }
    return o;
}

}  // namespace bakeoff
