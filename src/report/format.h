// Number formatting shared by the commands' tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bakeoff {

// Four significant digits without exponent for the magnitudes benchmarks produce: 70.12, 1234, 0.5123.
std::string format_figure(double v);
std::string format_percent(std::optional<double> pct);
std::string format_gib(std::uint64_t bytes);

}  // namespace bakeoff
