// Ordering and side-by-side comparison of database chips, for `bakeoff chips
// --sort FIELD` and `bakeoff chips --compare A,B`. Data only: the report layer
// renders what these return.
#pragma once

#include "specs/chip_db.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

// Numeric keys sort_chips() takes: every numeric column of the CSV (year,
// die_area_mm2, the peaks, memory, tdp_w, interconnect_gbs,
// devices_per_package) and the derived `tpp` and `pd` (export_control.h).
std::vector<std::string> numeric_sort_keys();
// The value of one of those keys for a chip; nullopt = unknown. Throws
// std::invalid_argument naming the known keys when `key` is none of them.
std::optional<double> sort_value(const Chip& chip, std::string_view key);

// The chips ordered by a numeric key: largest first (smallest first with
// `ascending`), unknown values last either way, ties in the given order.
// Throws std::invalid_argument for an unknown key (message lists the keys).
std::vector<const Chip*> sort_chips(std::span<const Chip* const> chips, std::string_view key, bool ascending = false);
std::vector<const Chip*> sort_chips(const ChipDatabase& db, std::string_view key, bool ascending = false);
// The one ordering behind sort_chips(), for any numeric value of a chip (the
// report's derived columns: per watt, per dollar): largest first (smallest
// first with `ascending`), unknown values last either way, ties in the given order.
std::vector<const Chip*> sort_chips_by(std::span<const Chip* const> chips,
                                       const std::function<std::optional<double>(const Chip&)>& value,
                                       bool ascending = false);

// Claimed figures of several chips side by side, each divided by the first
// chip's (ratio = value / first's value; nullopt when either is unknown).
struct ComparisonRow {
    std::string_view column;  // "bf16_tflops"
    std::string_view unit;    // "TFLOPS"
    std::vector<std::optional<double>> values;  // one per chip, package figures as in the database
    std::vector<std::optional<double>> ratios;  // one per chip; the first is 1 when its value is known
};
struct ChipComparison {
    std::vector<const Chip*> chips;           // in the order asked
    std::vector<Confidence> confidence;       // each chip's row class
    std::vector<ComparisonRow> rows;          // every claimed figure column, in column order
};
// `ids_or_names` as ChipDatabase::lookup() takes them (at least one). Throws
// UnknownChipError (naming the closest ids) for one the database lacks.
ChipComparison compare_chips(const ChipDatabase& db, std::span<const std::string> ids_or_names);

}  // namespace bakeoff::specs
