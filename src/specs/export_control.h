// US export-control metrics for ECCN 3A090 (15 CFR part 774, supp. 1), computed
// from the chip database. Definitions, thresholds and rule history follow
// data/chips-sources.md; the rule text is in docs/export-control.md.
//
//   TPP = 2 x MacTOPS x bit length, max over all precisions, dense. Datasheet
//         TFLOPS/TOPS already count a MAC as 2 operations, so per precision
//         TPP = dense TFLOPS (or TOPS) x bit length (TF32 counted as 32 bits).
//   PD  = TPP / applicable die area (mm^2).
//
// This is arithmetic on published figures, not legal advice: it does not
// apply Note 2 (non-datacenter parts), the 3A090.c HBM entry, or the
// transistor-count test of Note 1 to 3A090.a; see docs/export-control.md.
#pragma once

#include "specs/chip_db.h"

#include <compare>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::specs {

struct Date {
    int year = 0, month = 0, day = 0;
    auto operator<=>(const Date&) const = default;
    std::string str() const;  // "2023-11-17"
};
// "YYYY-MM-DD" with a valid month/day; nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);

// One dated change, as listed in data/chips-sources.md ("Rule history").
struct RuleChange {
    Date effective;
    std::string_view date_text;  // as written in the sources ("9/14 Apr 2025")
    std::string_view rule;       // citation
    std::string_view change;     // what changed
};
std::span<const RuleChange> rule_history();
Date latest_rule_date();  // the newest effective date in rule_history()

// Key dates (effective).
inline constexpr Date kRule2022{2022, 10, 7};      // 87 FR 62186: first 3A090
inline constexpr Date kRule2023{2023, 11, 17};     // 88 FR 73458: TPP/PD thresholds
inline constexpr Date kH20Notice2025{2025, 4, 9};  // licence requirement notified to NVIDIA
inline constexpr Date kAscendGuidance2025{2025, 5, 13};
inline constexpr Date kRule2026{2026, 1, 15};      // 91 FR 1684: case-by-case ceiling

// Thresholds (data/chips-sources.md).
namespace threshold {
// Since 17 Nov 2023.
inline constexpr double a1_tpp = 4800;   // a.1: TPP >= 4800
inline constexpr double a2_tpp = 1600;   // a.2: TPP >= 1600 and PD >= 5.92
inline constexpr double a2_pd = 5.92;
inline constexpr double b1_tpp = 2400;   // b.1: 2400 <= TPP < 4800 and 1.6 <= PD < 5.92
inline constexpr double b1_pd = 1.6;
inline constexpr double b2_tpp = 1600;   // b.2: TPP >= 1600 and 3.2 <= PD < 5.92
inline constexpr double b2_pd = 3.2;
// 7 Oct 2022 - 16 Nov 2023: I/O >= 600 GB/s and TPP >= 4800.
inline constexpr double r2022_tpp = 4800;
inline constexpr double r2022_io_gbs = 600;
// 15 Jan 2026: case-by-case review (China/Macau) when TPP < 21000 and DRAM bandwidth < 6500 GB/s.
inline constexpr double r2026_tpp = 21000;
inline constexpr double r2026_dram_gbs = 6500;
// Apr 2025 licence requirement: the H20's memory and interconnect bandwidth (H20 row).
inline constexpr double h20_memory_gbs = 4000;
inline constexpr double h20_interconnect_gbs = 900;
}  // namespace threshold

// "Near" a threshold: scaling the uncertain figures by 1 -/+ this margin changes the band.
inline constexpr double kNearMargin = 0.10;

struct TppTerm {
    std::string_view dtype;  // "bf16"
    double figure;           // dense TFLOPS/TOPS
    int bits;                // bit length
    double tpp;              // figure x bits
};
struct Tpp {
    std::optional<double> value;            // max over published precisions; nullopt if none
    std::optional<TppTerm> basis;           // the term that gives the max (first in column order on ties)
    std::vector<TppTerm> terms;             // every published precision
    std::vector<std::string_view> missing;  // precisions with no figure
};
Tpp compute_tpp(const Chip& chip);
// TPP / die_area_mm2; nullopt when either is unknown.
std::optional<double> performance_density(const Chip& chip);

enum class Band {
    a,            // 3A090.a
    b,            // 3A090.b
    listed_2022,  // 3A090 under the Oct 2022 criteria (no .a/.b split)
    below,        // meets no criterion
    unknown,      // a figure the decision needs is missing
    not_in_force  // as-of date before 7 Oct 2022
};

struct Classification {
    Date as_of;
    std::string rule_set;  // the rule whose thresholds were applied
    Band band = Band::unknown;
    std::string label;     // "3A090.a", "3A090.b", "3A090", "below both", "below", "unknown", "none"
    std::string clause;    // "a.1", "a.2", "b.1", "b.2", or "" (below/unknown)
    std::string reason;    // one line: the comparison that decided, or the missing figure
    std::optional<double> tpp;
    std::optional<double> pd;
    bool uncertain = false;           // press report/estimate figures, or near a threshold
    std::vector<std::string> notes;   // uncertainty and later (dated) changes that concern the chip
    // From 15 Jan 2026, for 3A090.a/.b: true = inside the case-by-case ceiling
    // (TPP < 21000 and DRAM bandwidth < 6500 GB/s), false = outside, nullopt = n/a or unknown.
    std::optional<bool> within_2026_ceiling;
};

// Classifies with the rules in force on `as_of` (default: all changes listed).
Classification classify(const Chip& chip, Date as_of = latest_rule_date());

std::string_view to_string(Band b);

}  // namespace bakeoff::specs
