// Efficiency per watt and per dollar. Works for claimed figures (from the
// database) and measured ones alike; every input may be unknown, and then so is
// the result (never 0). Prices come only from the user (see prices.h).
#pragma once

#include "specs/chip_db.h"

#include <optional>
#include <string_view>

namespace bakeoff::specs {

// figure / watts (e.g. TFLOPS/W, GB/s per W). nullopt if either is unknown or watts <= 0.
std::optional<double> per_watt(std::optional<double> figure, std::optional<double> watts);
// figure per 1000 USD of purchase price: figure / (price_usd / 1000).
std::optional<double> per_kusd(std::optional<double> figure, std::optional<double> price_usd);
// figure per USD/hour of rental: figure / usd_per_hour.
std::optional<double> per_usd_hour(std::optional<double> figure, std::optional<double> usd_per_hour);

// A measured device's figure per watt of its share of the package TDP
// (claimed_tdp_w: TDP / devices_per_package).
std::optional<double> measured_per_watt(std::optional<double> measured, const Chip& chip);
// Claimed dense peak per TDP watt for a dtype name (see claimed_peak), TFLOPS/W
// (the same per device as per package).
std::optional<double> claimed_peak_per_watt(const Chip& chip, std::string_view dtype);
// Claimed memory bandwidth per TDP watt, GB/s per W.
std::optional<double> claimed_bandwidth_per_watt(const Chip& chip);

}  // namespace bakeoff::specs
