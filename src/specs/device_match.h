// Claimed-vs-measured support: which database chip is this device, and what
// does its vendor claim?
//
// A device name (as a backend reports it, e.g. "NVIDIA H100 80GB HBM3") is
// normalized (lowercase; every run of characters other than a-z, 0-9 and '+'
// becomes one space; trimmed) and matched, whole, against each chip's
// `device_patterns` globs ('*' any run, '?' one character), normalized the same
// way. Exactly one chip matching = a match. Two or more = ambiguous, none =
// unknown: both match nothing and say why. An explicit chip id overrides.
#pragma once

#include "specs/chip_db.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

std::string normalize_device_name(std::string_view name, bool keep_glob = false);

enum class MatchStatus {
    matched,           // exactly one chip's patterns match the device name
    overridden,        // the caller named the chip id explicitly
    ambiguous,         // several chips match; `candidates` lists them, `chip` is null
    unknown_device,    // no pattern matches; `chip` is null
    unknown_override,  // the explicit id is not in the database; `chip` is null
};
std::string_view to_string(MatchStatus s);

struct DeviceMatch {
    MatchStatus status = MatchStatus::unknown_device;
    const Chip* chip = nullptr;            // points into the ChipDatabase passed in
    std::vector<const Chip*> candidates;   // every chip whose patterns matched
    std::string pattern;                   // the pattern that matched (status matched)
    std::string reason;                    // one line, for people: why / why not
    bool ok() const { return chip != nullptr; }
};

// `chip_override` empty = match by name; otherwise an id or plain name as
// ChipDatabase::lookup() takes it (the reason of unknown_override names the
// closest ids). The result's pointers live as long as `db`.
DeviceMatch match_device(const ChipDatabase& db, std::string_view device_name,
                         std::string_view chip_override = {});

// Vendor claims for comparison with measurements, per DEVICE: a package that
// software sees as several devices (Chip::devices_per_package, e.g. the two
// dies of an Ascend 910C) is measured one device at a time, so the package's
// figure is divided by its device count. Export-control metrics keep the
// package figures (export_control.h). nullopt = unknown (never 0).
struct Claim {
    std::optional<double> value;          // per device
    std::optional<double> package_value;  // as in the database
    int devices_per_package = 1;
    Confidence confidence = Confidence::vendor_datasheet;  // the row's
    std::string_view source;                               // the row's
};
// Dense peak in TFLOPS (TOPS for int8) for a peak_dtypes() name ("fp64" ...
// "int8", "fp4"; case-insensitive); value nullopt for unknown figures and names.
Claim peak_claim(const Chip& chip, std::string_view dtype);
// Memory bandwidth in GB/s (1e9 bytes/s).
Claim bandwidth_claim(const Chip& chip);
// Memory capacity in GB and TDP in W, per device likewise.
Claim capacity_claim(const Chip& chip);
Claim tdp_claim(const Chip& chip);

// The values of the claims above (per device).
std::optional<double> claimed_bandwidth_gbs(const Chip& chip);
std::optional<double> claimed_peak(const Chip& chip, std::string_view dtype);
std::optional<double> claimed_tdp_w(const Chip& chip);
// 100 * measured / claimed, both in the same unit (GB/s with GB/s, TFLOPS with
// TFLOPS). nullopt when the claim is unknown or not positive, or measured is not
// a finite number >= 0.
std::optional<double> percent_of_claim(double measured, std::optional<double> claimed);

}  // namespace bakeoff::specs
