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

// `chip_override` empty = match by name. The result's pointers live as long as `db`.
DeviceMatch match_device(const ChipDatabase& db, std::string_view device_name,
                         std::string_view chip_override = {});

// Vendor claims for comparison with measurements. nullopt = unknown (never 0).
// Memory bandwidth in GB/s (1e9 bytes/s).
std::optional<double> claimed_bandwidth_gbs(const Chip& chip);
// Dense peak in TFLOPS (TOPS for int8) for "fp64" "fp32" "tf32" "bf16" "fp16"
// "fp8" "int8" (case-insensitive); nullopt for unknown figures and other names.
std::optional<double> claimed_peak(const Chip& chip, std::string_view dtype);
// 100 * measured / claimed, both in the same unit (GB/s with GB/s, TFLOPS with
// TFLOPS). nullopt when the claim is unknown or not positive, or measured is not
// a finite number >= 0.
std::optional<double> percent_of_claim(double measured, std::optional<double> claimed);

}  // namespace bakeoff::specs
