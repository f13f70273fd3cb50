// The one filter for text that reaches a terminal: ids, device names, file
// paths and reasons can come from a results file or a plugin, and a control
// character in them (ESC starting an escape sequence, BEL, CR rewriting the
// line) would act on the user's terminal instead of being shown.
#pragma once

#include <string>
#include <string_view>

namespace bakeoff {

// `s` with every C0 control but newline (tab too: it misaligns tables), DEL, every C1 control
// (U+0080..U+009F) and the bidirectional overrides and isolates
// (U+202A..U+202E, U+2066..U+2069, which reorder the rest of a line) each
// replaced by '?'. Everything else, other UTF-8 included, is kept as it is.
std::string terminal_safe(std::string_view s);

}  // namespace bakeoff
