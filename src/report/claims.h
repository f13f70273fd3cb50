// Claimed vs measured for one record: which chip the device is (matched by
// name in the chip database, or named with --chip), the vendor's claim in the
// record's own unit, % of claim, and efficiency per watt (claimed TDP) and per
// dollar (user-supplied prices only; bakeoff never invents a price).
#pragma once

#include "results/record.h"
#include "specs/device_match.h"
#include "specs/prices.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace bakeoff {

// The vendor's claim for this record's metric, in the record's unit
// (GB/s for membw; GFLOP/s or GOP/s for gemm), or nullopt when unknown or
// when a membw record's arrays fit in the caches.
std::optional<double> claim_in_record_unit(const Record& r, const specs::Chip& chip);

// The "claim" object written into the record: {"chip": null, "reason"} when
// the device matches no chip, else the chip, the claim, % of claim and efficiency.
nlohmann::json claim_json(const Record& r, const specs::DeviceMatch& match, const specs::PriceList* prices);

}  // namespace bakeoff
