// The chip-specification database: published figures for accelerators and
// CPUs, one row per product with its source and a confidence level.
//
// The database is data/chips.csv, embedded in the binary at build time
// (src/specs/specs.cmake); a user file in the same format can replace it.
// Every figure is optional: an empty cell means unknown (or not supported /
// not published), never zero. Columns and units: docs/chips.md.
#pragma once

#include "specs/csv.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

enum class Confidence { vendor_datasheet, press_report, estimate };

// "vendor datasheet", "press report", "estimate" (the spelling in the CSV).
std::string_view to_string(Confidence c);

struct Chip {
    std::string id;       // stable slug, e.g. "h100-sxm5-80gb"
    std::string vendor;   // "NVIDIA"
    std::string name;     // CSV column `chip`: "H100 SXM5 80GB"
    std::optional<int> year;
    std::string process_node;                  // "" = unknown
    std::optional<double> die_area_mm2;        // logic die area, mm^2
    std::optional<double> fp64_tflops;         // dense peaks, 1e12 operations/s
    std::optional<double> fp32_tflops;
    std::optional<double> tf32_tflops;
    std::optional<double> bf16_tflops;
    std::optional<double> fp16_tflops;
    std::optional<double> fp8_tflops;
    std::optional<double> int8_tops;
    std::string memory_type;                   // "" = unknown
    std::optional<double> memory_capacity_gb;  // 1e9 bytes
    std::optional<double> memory_bandwidth_gbs;  // 1e9 bytes/s
    std::optional<double> tdp_w;               // watts
    std::optional<double> interconnect_gbs;    // aggregate bidirectional scale-up, 1e9 bytes/s
    std::string source;                        // never empty
    Confidence confidence = Confidence::vendor_datasheet;
    std::vector<std::string> device_patterns;  // normalized globs (see device_match.h)
    std::size_t line = 0;                      // the row's line in its file (0 if built in code)
};

// The precisions with a dense-peak column, in column order, with the bit
// length the export-control rule uses for each.
struct PeakDtype {
    std::string_view name;                    // "fp64" "fp32" "tf32" "bf16" "fp16" "fp8" "int8"
    int bits;                                 // 64 32 32 16 16 8 8
    std::string_view column;                  // "fp64_tflops" ... "int8_tops"
    std::string_view unit;                    // "TFLOPS" or "TOPS"
    std::optional<double> Chip::*member;
};
std::span<const PeakDtype> peak_dtypes();
const PeakDtype* find_peak_dtype(std::string_view name);  // case-insensitive; nullptr if unknown

// One column of the CSV format.
enum class FieldType { text, integer, number, confidence, patterns };
struct FieldInfo {
    std::string_view name;         // CSV header name
    FieldType type;
    std::string_view unit;         // "" when none
    bool required;                 // column must exist (and cell be non-empty)
    std::string_view description;  // one line, as in docs/chips.md
};
std::span<const FieldInfo> chip_fields();
const FieldInfo* find_chip_field(std::string_view name);

// The value of a numeric column (year, die_area_mm2, the figures...) of a chip;
// nullopt when unknown or when `name` is not a numeric column.
std::optional<double> numeric_field(const Chip& chip, std::string_view name);
// Any column as text, the way it is written in the CSV ("" = unknown).
std::string field_text(const Chip& chip, std::string_view name);

// Lowercase slug of a chip name: "H100 SXM5 80GB" -> "h100-sxm5-80gb",
// "+" -> "plus". Used when a file has no `id` column.
std::string derive_chip_id(std::string_view name);

class ChipDatabase {
public:
    ChipDatabase() = default;

    // Parses CSV text; `origin` names it in errors. Throws ParseError.
    static ChipDatabase parse(std::string_view csv_text, std::string origin);
    // Reads and parses a file. Throws ParseError (also when it cannot be read).
    static ChipDatabase load_file(const std::string& path);
    // The database built into the binary from data/chips.csv (parsed once).
    static const ChipDatabase& embedded();
    // load_file(path) when a path is given, else a copy of embedded().
    static ChipDatabase load(const std::string& path_or_empty);

    const std::vector<Chip>& chips() const { return chips_; }
    const std::string& origin() const { return origin_; }
    // Exact id, compared case-insensitively; nullptr if absent.
    const Chip* find(std::string_view id) const;

private:
    std::vector<Chip> chips_;
    std::string origin_;
};

// The text of data/chips.csv as embedded at build time.
std::string_view embedded_chips_csv();
inline constexpr std::string_view kEmbeddedOrigin = "<built-in data/chips.csv>";

}  // namespace bakeoff::specs
