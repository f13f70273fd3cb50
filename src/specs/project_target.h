// What a projection runs on: one chip of the database (its claimed figures) or
// one measured device of a results file (its measured GEMM rate and memory
// bandwidth, with the claimed figures of the chip it matches). A figure that is
// unknown carries the reason, worded for people ("no bf16 peak in the
// database"), and everything computed from it is unknown too -- never zero.
#pragma once

#include "specs/chip_db.h"
#include "specs/prices.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff {
struct ResultsFile;
}

namespace bakeoff::specs {

// A number, or why there is none.
struct Quantity {
    std::optional<double> value;
    std::string missing;  // set when !value
    static Quantity of(double v) { return {v, {}}; }
    static Quantity unknown(std::string why) { return {std::nullopt, std::move(why)}; }
    explicit operator bool() const { return value.has_value(); }
};

struct ProjectTarget {
    std::string label;              // chip id, or "device name (chip id)"
    const Chip* chip = nullptr;     // nullptr: a measured device that matches no chip
    std::string dtype;              // precision of the peak figures
    Quantity claimed_peak_tflops;   // vendor dense peak for `dtype`
    Quantity claimed_bandwidth_gbs;
    std::optional<double> measured_peak_tflops;   // best ok GEMM of `dtype` in the results
    std::optional<double> measured_bandwidth_gbs; // best ok membw record in the results
    Quantity tdp_w;
    Quantity capacity_gb;
    Quantity price_per_hour_usd;    // user-supplied only

    // Measured when there is a measurement, else claimed (an upper bound).
    Quantity peak_tflops() const;
    Quantity bandwidth_gbs() const;
    bool compute_calibrated() const { return measured_peak_tflops.has_value(); }
    bool memory_calibrated() const { return measured_bandwidth_gbs.has_value(); }
    // measured / claimed, when both are known.
    std::optional<double> compute_efficiency() const;
    std::optional<double> memory_efficiency() const;
    // "claimed" or "measured (62 % of claimed)".
    std::string compute_basis() const;
    std::string memory_basis() const;
};

// Price per chip-hour: `flat` if given, else the prices file's entry, else unknown.
struct PriceSource {
    std::optional<double> flat_per_hour;
    const PriceList* prices = nullptr;
};

// The whole package's claims (a 910C is one target of 752 TFLOPS FP16).
ProjectTarget target_for_chip(const Chip& chip, std::string_view dtype, const PriceSource& price = {});

// One target per device of the results file that has an ok GEMM (any dtype) or
// membw record, in first-appearance order. The device's chip comes from the
// record's claim (when `bakeoff run` matched one) or is matched by name. Each
// device gets its share of its package's claims (device_match.h), TDP and price.
std::vector<ProjectTarget> targets_from_results(const ResultsFile& results, const ChipDatabase& db,
                                                std::string_view dtype, const PriceSource& price = {});

}  // namespace bakeoff::specs
