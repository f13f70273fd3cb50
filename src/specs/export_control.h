// US export-control metrics for ECCN 3A090 (15 CFR part 774, supp. 1), computed
// from the chip database. Definitions, thresholds and rule history follow
// data/chips-sources.md; the rule text is in docs/export-control.md.
//
//   TPP = 2 x MacTOPS x bit length, max over all precisions, dense. Datasheet
//         TFLOPS/TOPS already count a MAC as 2 operations, so per precision
//         TPP = dense TFLOPS (or TOPS) x bit length (TF32 counted as 32 bits,
//         FP4 as 4). Figures are the package's (never divided per device).
//   PD  = TPP / applicable die area (mm^2).
//
// This is arithmetic on published figures, not legal advice: it does not
// apply Note 2 (non-datacenter parts), the 3A090.c HBM entry, or the
// transistor-count test of Note 1 to 3A090.a; see docs/export-control.md.
#pragma once

#include "specs/chip_db.h"
#include "specs/csv.h"

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

// The thresholds, as dated data: data/export_rules.csv (embedded at build
// time like data/chips.csv; docs/export-control.md describes its columns).
// Each row is one criterion of one rule:
//   band     a classification criterion (3A090, 3A090.a clause a.1, ...); the
//            band rows of the newest rule in force on a date are evaluated in
//            file order and the first one met gives the band;
//   ceiling  a licence-policy ceiling for 3A090.a/.b chips (Jan 2026: TPP <
//            21000 and DRAM bandwidth < 6500 GB/s), reported as a note;
//   notice   a level that draws a note for chips outside 3A090 (the H20's
//            bandwidths, Apr 2025), each row one alternative.
// A criterion holds when every bound it gives holds: x >= *_min, x < *_max.
enum class RuleKind { band, ceiling, notice };
struct ExportRule {
    std::string rule;        // citation: "88 FR 73458"
    Date effective;
    RuleKind kind = RuleKind::band;
    std::string band;        // band rows: "3A090", "3A090.a", "3A090.b"
    std::string clause;      // "a.1" ... or ""
    std::optional<double> tpp_min, tpp_max, pd_min, pd_max;
    std::optional<double> io_min_gbs;                          // interconnect_gbs
    std::optional<double> memory_bw_min_gbs, memory_bw_max_gbs;  // memory_bandwidth_gbs
    std::string vendor;      // notice rows: only chips of this vendor ("" = any)
    std::string note;        // ceiling/notice rows: what the note says
    std::string source;
    std::size_t line = 0;
    std::string rule_set() const;  // "88 FR 73458 (effective 2023-11-17)"
};
class ExportRules {
public:
    // Throws ParseError (origin:line:column).
    static ExportRules parse(std::string_view csv_text, std::string origin);
    static const ExportRules& embedded();  // data/export_rules.csv

    const std::vector<ExportRule>& rules() const { return rules_; }
    // The band rows of the newest rule in force on `as_of`, in file order; empty before the first.
    std::vector<const ExportRule*> bands_in_force(Date as_of) const;
    // The newest ceiling row in force, or nullptr.
    const ExportRule* ceiling_in_force(Date as_of) const;
    // Every notice row in force.
    std::vector<const ExportRule*> notices_in_force(Date as_of) const;
    // The earliest band row's date (the first classification rule).
    std::optional<Date> first_band_date() const;

private:
    std::vector<ExportRule> rules_;
};
std::string_view embedded_export_rules_csv();
inline constexpr std::string_view kEmbeddedRulesOrigin = "<built-in data/export_rules.csv>";

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

// Classifies with the rules in force on `as_of` (default: all changes listed):
// the band rows of the newest rule effective on or before that date, and the
// ceilings and notices in force then. Before the first rule: Band::not_in_force.
Classification classify(const Chip& chip, Date as_of, const ExportRules& rules);
Classification classify(const Chip& chip, Date as_of = latest_rule_date());  // embedded rules

std::string_view to_string(Band b);

}  // namespace bakeoff::specs
