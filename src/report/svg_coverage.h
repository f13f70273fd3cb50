// The coverage matrix: one row per op x dtype x path, one column per device,
// each cell coloured by what happened to its cases (ok, failed, unsupported,
// skipped, missing) — the software-maturity view.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bakeoff::svg {

struct CoverageCounts {
    std::size_t ok = 0, failed = 0, unsupported = 0, skipped = 0, missing = 0;
    // The colour class: "ok", "failed", "unsupported", "skipped", "missing" or "mixed" (some ok, some not).
    std::string state() const;
    std::string text() const;  // "ok", "failed", "2 ok · 1 failed"
};

struct CoverageMatrix {
    std::string title;
    std::vector<std::string> row_labels;     // "gemm · bf16 · vendor"
    std::vector<std::string> column_labels;  // one per device column
    std::vector<std::vector<CoverageCounts>> cells;  // [row][column]
};

std::string coverage_svg(const CoverageMatrix& m);

}  // namespace bakeoff::svg
