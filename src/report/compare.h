// The comparison of several results files that `bakeoff compare` prints and
// `bakeoff report` draws: one row per case (workload, dtype, size, path), one
// column per device of each file, each record's median with its 95 % CI, and
// every column's difference from the baseline column with a verdict that is a
// win or a loss only when the difference is clear (docs/report.md).
#pragma once

#include "report/compare_rank_test.h"
#include "report/not_applicable.h"
#include "results/record.h"
#include "results/results_file.h"
#include "specs/chip_db.h"
#include "specs/device_match.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff {

struct InputFile {
    std::string path;  // as the user gave it
    ResultsFile results;
};

// The files to read for `files` compared with `baseline`: the baseline is put
// first when it is an existing file not among `files` (by path or identity).
// True when the two paths name one file (the same text, or links to it).
bool same_file(const std::string& a, const std::string& b);

std::vector<std::string> with_baseline_file(const std::vector<std::string>& files, const std::string& baseline);

// Reads every file with read_results; throws InputError naming the first bad one.
std::vector<InputFile> read_inputs(const std::vector<std::string>& paths);

// One column: one device of one file.
struct CompareColumn {
    std::size_t file = 0;      // index into Comparison::inputs
    std::string label;         // unique and short: "a.json", "a.json#cpu:1" when the file has several devices
    std::string device_id, device_name, backend;
    nlohmann::json device = nlohmann::json::object();  // the file's devices[] entry ({} when absent)
    specs::DeviceMatch chip;   // the chip database's entry for the device (chip null when none)
};

// A case, the unit of a row.
struct CaseKey {
    std::string workload, dtype;
    std::int64_t size = 0;
    std::string size_label, path;
    std::string text() const;  // "gemm/fp32/256/vendor"
    auto operator<=>(const CaseKey&) const = default;
};

enum class Verdict { win, loss, tie };
std::string_view verdict_name(Verdict v);  // "win", "loss", "tie"

// A column's record against the baseline column's record, both ok.
struct Difference {
    double ratio = 1;          // median / baseline median (metrics are higher-is-better)
    bool ci_overlap = true;    // the two 95 % CIs of the median overlap
    stats::MannWhitney rank_test;
    Verdict verdict = Verdict::tie;  // win / loss only when the CIs are disjoint and p < alpha
};

inline constexpr double kRankTestAlpha = 0.05;

// Decides a difference; `base` and `other` must both have a value.
Difference compare_records(const Record& base, const Record& other);

struct CompareCell {
    const Record* record = nullptr;           // null = missing from this column
    std::optional<Difference> vs_baseline;    // when both this and the baseline are ok (not on the baseline column)
    std::optional<double> claimed;            // vendor claim in the metric's unit, where known
    std::optional<double> percent_of_claim;
};

struct CompareRow {
    CaseKey key;
    std::string unit;  // the metric's unit (from the first record)
    std::vector<CompareCell> cells;  // one per column
};

struct Coverage {
    std::size_t ok = 0, failed = 0, unsupported = 0, skipped = 0, missing = 0;
    std::size_t cases() const { return ok + failed + unsupported + skipped + missing; }
};

struct CompareOptions {
    std::string baseline;  // a file (as given, or the same file by another path) or a column label; "" = first column
    std::map<std::string, std::string> chip_overrides;  // column label or device name -> chip id
    const specs::ChipDatabase* chips = nullptr;          // null = no % of claim
};

struct Comparison {
    std::vector<InputFile> inputs;  // the records the cells point into (a vector keeps its elements when moved)
    std::vector<CompareColumn> columns;
    std::vector<CompareRow> rows;   // in order of first appearance over the files
    std::size_t baseline = 0;       // index into columns
    std::vector<Coverage> coverage; // per column
    LeftOut not_applicable;         // n/a records: in no row and no coverage count
};

// Builds the comparison. Throws InputError when the baseline names no input
// and std::invalid_argument for an override naming no column.
Comparison build_comparison(std::vector<InputFile> inputs, const CompareOptions& o);

}  // namespace bakeoff
