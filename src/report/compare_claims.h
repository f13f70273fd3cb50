// "% of claim": which chip of the database (src/specs) a column's device is,
// and what its vendor claims for a record's metric. Used by compare and report.
#pragma once

#include "results/record.h"
#include "specs/chip_db.h"
#include "specs/device_match.h"

#include <optional>
#include <string>

namespace bakeoff {

// The chip a device is, by its name (specs::match_device), or by an explicit
// chip id when the user gave one; `match.chip` is null when unknown or ambiguous.
specs::DeviceMatch match_column_chip(const specs::ChipDatabase& db, const std::string& device_name,
                                     const std::string& chip_override);

// The vendor's claimed figure for a record's metric, in the record's unit
// (report/claims.h: the chip's memory bandwidth for membw, its dense peak for
// the record's dtype for gemm). nullopt when the claim is unknown, and for
// cache-resident memory figures (a cache is not the memory the claim is about).
std::optional<double> claimed_figure(const specs::Chip& chip, const Record& r);

// The chip id `bakeoff run` recorded in the record's "claim" object (it honours
// run --chip overrides); "" when the record has none.
std::string recorded_chip_id(const Record& r);

// 100 x the record's median / claimed_figure; nullopt when either is unknown.
std::optional<double> percent_of_claim(const specs::Chip* chip, const Record& r);

}  // namespace bakeoff
