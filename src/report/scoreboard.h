// The scoreboard: the answer a report opens with. For each workload family
// (membw, gemm, attention, llm, moe, train, collective, llm.serve, then any
// other), each figure (a workload and dtype, and the model shape where sizes
// are not comparable) ranks the devices by their best verified median, with
// the ratio and verdict against the baseline column (the tie rule of
// compare_records), % of the vendor's claim, per watt and per dollar where
// known, and the warnings of the records ranked. docs/report.md, "Scoreboard".
#pragma once

#include "report/compare.h"
#include "specs/prices.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff {

// "membw" for membw.triad, "llm" for llm.decode and llm.prefill, "llm.serve"
// for serving (its own family: its figures are loads, not phases).
std::string workload_family(std::string_view workload);

struct ScoreEntry {
    std::size_t column = 0;         // index into Comparison::columns
    const Record* record = nullptr;  // the column's best ok record of the figure
    int rank = 1;                    // 1 = best; equal to the entry above's when the tie rule cannot separate them
    bool shares_rank = false;        // rank shared with the entry above
    std::optional<Difference> vs_baseline;  // against the baseline column's entry; none on the baseline itself
    std::optional<double> percent_of_claim;
    std::optional<double> per_watt;      // figure per W of the chip's claimed TDP (device's share)
    std::optional<double> per_kusd;      // figure per 1000 USD of purchase price (user prices only)
    std::optional<double> per_usd_hour;  // figure per USD/hour of rental (user prices only)
};

struct ScoreFigure {
    std::string label;  // "gemm fp32", "membw.triad fp64 (in cache)", "llm.decode bf16 1b", "llm.serve bf16 8b chat"
    std::string unit;
    bool lower_is_better = false;
    std::vector<ScoreEntry> ranked;  // best first
    // Columns that ran the figure without a verified figure, with why: "failed", "unsupported" ...
    std::vector<std::pair<std::size_t, std::string>> without_figure;
};

// A warning on a record of the family that no ranked entry shows (the vendor
// path's fallback when the portable path gave the best figure, say): it may
// be why the library lost.
struct UnrankedWarning {
    std::size_t column = 0;
    const Record* record = nullptr;  // the first record of the column carrying it
    std::string text;
};

struct ScoreFamily {
    std::string name;
    std::vector<ScoreFigure> figures;
    std::vector<UnrankedWarning> other_warnings;  // once per column and text
};

struct Scoreboard {
    std::vector<ScoreFamily> families;
};

// `prices`: user prices by chip id (optional); a record's own claim object
// (run --prices) is used where it holds per-dollar figures.
Scoreboard build_scoreboard(const Comparison& c, const specs::PriceList* prices = nullptr);

}  // namespace bakeoff
