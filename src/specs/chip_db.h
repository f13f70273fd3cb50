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
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

// How far a row's figures can be trusted, best first (docs/chips.md):
//   vendor datasheet      the vendor's spec sheet, product page or documentation
//   vendor announcement   the vendor's keynote, launch or blog, not a datasheet
//   press report          press, analysts, brokers, secondary reproductions
//   third-party estimate  derived by calculation by someone other than the vendor
// The earlier class `estimate` is read as `third-party estimate`.
enum class Confidence { vendor_datasheet, vendor_announcement, press_report, third_party_estimate };

// The spelling in the CSV: "vendor datasheet", "vendor announcement", ...
std::string_view to_string(Confidence c);
// The class a CSV cell names (exact spelling; "estimate" = third-party
// estimate); nullopt for anything else.
std::optional<Confidence> parse_confidence(std::string_view text);
// "vendor datasheet, vendor announcement, press report, third-party estimate"
std::string_view confidence_classes();

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
    std::optional<double> fp4_tflops;          // dense FP4 (MXFP4/NVFP4/...: see fp4_format)
    std::string fp4_format;                    // "NVFP4", "MXFP4", ... ("" = unknown / not distinguished)
    std::string memory_type;                   // "" = unknown
    std::optional<double> memory_capacity_gb;  // 1e9 bytes
    std::optional<double> memory_bandwidth_gbs;  // 1e9 bytes/s
    std::optional<double> tdp_w;               // watts
    std::optional<double> interconnect_gbs;    // aggregate bidirectional scale-up, 1e9 bytes/s
    // Devices software sees per package (Ascend 910C: 2 dies, each a device);
    // nullopt = 1. The figures above are the package's; a measured device is
    // compared with figure / devices (device_match.h).
    std::optional<int> devices_per_package;
    std::string source;                        // never empty
    Confidence confidence = Confidence::vendor_datasheet;
    std::vector<std::string> device_patterns;  // normalized globs (see device_match.h)
    std::size_t line = 0;                      // the row's line in its file (0 if built in code)
};

// The precisions with a dense-peak column, in column order, with the bit
// length the export-control rule uses for each.
struct PeakDtype {
    std::string_view name;                    // "fp64" "fp32" "tf32" "bf16" "fp16" "fp8" "int8" "fp4"
    int bits;                                 // 64 32 32 16 16 8 8 4
    std::string_view column;                  // "fp64_tflops" ... "int8_tops" "fp4_tflops"
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

// An id or name the database does not know (what() names the closest ids).
class UnknownChipError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Devices software sees per package (1 when the column is empty).
int devices_per_package(const Chip& chip);

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
    // What people type: an id (case-insensitive) or a chip's plain name (the
    // `chip` column, case-insensitive) where exactly one chip has it. For
    // anything else `chip` is null and `error` says why, naming the closest
    // ids: "unknown chip id 'ascend-910b'; did you mean ascend-910b2,
    // ascend-910b3, ascend-910b4?".
    struct Lookup {
        const Chip* chip = nullptr;
        std::string error;
        std::vector<std::string> suggestions;  // closest ids, best first
    };
    Lookup lookup(std::string_view id_or_name) const;
    // lookup(), throwing UnknownChipError with the lookup's error.
    const Chip& resolve(std::string_view id_or_name) const;
    // Up to `max` ids closest to `text` (ids it starts, else smallest edit distance).
    std::vector<std::string> closest_ids(std::string_view text, std::size_t max = 5) const;

private:
    std::vector<Chip> chips_;
    std::string origin_;
};

// The text of data/chips.csv as embedded at build time.
std::string_view embedded_chips_csv();
inline constexpr std::string_view kEmbeddedOrigin = "<built-in data/chips.csv>";

}  // namespace bakeoff::specs
