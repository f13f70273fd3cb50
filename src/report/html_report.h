// `bakeoff report`: one self-contained HTML file — inline CSS and SVG, no
// script, no network — verdict first: the scoreboard, the serving Pareto chart
// (when there are llm.serve records), a roofline per device, claimed vs
// measured, a bar chart per workload and the coverage matrix, each chart
// followed by a table of its numbers; the devices and the provenance of each
// file come last.
#pragma once

#include "report/compare.h"
#include "specs/prices.h"

#include <string>

namespace bakeoff {

struct ReportOptions {
    std::string title = "bakeoff report";
    std::string generated_utc;  // shown in the header when not empty
    std::string tool_version;   // "bakeoff 0.1.0 (commit)", shown when not empty
    const specs::PriceList* prices = nullptr;  // user prices: the scoreboard's per-dollar figures
};

std::string render_report_html(const Comparison& c, const ReportOptions& o);

// The report's stylesheet, shared with the leaderboard site (report/site.h).
std::string report_css();

}  // namespace bakeoff
