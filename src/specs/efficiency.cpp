#include "specs/efficiency.h"

#include "specs/device_match.h"

#include <cmath>

namespace bakeoff::specs {

namespace {
std::optional<double> ratio(std::optional<double> num, std::optional<double> den, double scale) {
    if (!num || !den || !std::isfinite(*num) || !std::isfinite(*den) || !(*den > 0)) return std::nullopt;
    return *num / (*den / scale);
}
}  // namespace

std::optional<double> per_watt(std::optional<double> figure, std::optional<double> watts) {
    return ratio(figure, watts, 1.0);
}
std::optional<double> per_kusd(std::optional<double> figure, std::optional<double> price_usd) {
    return ratio(figure, price_usd, 1000.0);
}
std::optional<double> per_usd_hour(std::optional<double> figure, std::optional<double> usd_per_hour) {
    return ratio(figure, usd_per_hour, 1.0);
}
std::optional<double> measured_per_watt(std::optional<double> measured, const Chip& chip) {
    return per_watt(measured, claimed_tdp_w(chip));
}
std::optional<double> claimed_peak_per_watt(const Chip& chip, std::string_view dtype) {
    return per_watt(claimed_peak(chip, dtype), claimed_tdp_w(chip));
}
std::optional<double> claimed_bandwidth_per_watt(const Chip& chip) {
    return per_watt(claimed_bandwidth_gbs(chip), claimed_tdp_w(chip));
}

}  // namespace bakeoff::specs
