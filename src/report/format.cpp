#include "report/format.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff {

std::string format_figure(double v) {
    if (!std::isfinite(v)) return "—";
    const double a = std::fabs(v);
    if (a >= 1000) return fmt::format("{:.0f}", v);
    if (a >= 100) return fmt::format("{:.1f}", v);
    if (a >= 10) return fmt::format("{:.2f}", v);
    if (a >= 1) return fmt::format("{:.3f}", v);
    return fmt::format("{:.4g}", v);
}

std::string format_percent(std::optional<double> pct) {
    return pct ? fmt::format("{:.1f} %", *pct) : std::string("—");
}

std::string format_gib(std::uint64_t bytes) {
    return bytes ? fmt::format("{:.1f} GiB", double(bytes) / double(1ull << 30)) : std::string("—");
}

}  // namespace bakeoff
