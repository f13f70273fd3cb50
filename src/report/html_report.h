// `bakeoff report`: one self-contained HTML file — inline CSS and SVG, no
// script, no network — with the devices, the provenance of each file, a
// roofline per device, a bar chart per workload, claimed vs measured, and the
// coverage matrix, each chart followed by a table of its numbers.
#pragma once

#include "report/compare.h"

#include <string>

namespace bakeoff {

struct ReportOptions {
    std::string title = "bakeoff report";
    std::string generated_utc;  // shown in the header when not empty
    std::string tool_version;   // "bakeoff 0.1.0 (commit)", shown when not empty
};

std::string render_report_html(const Comparison& c, const ReportOptions& o);

// The report's stylesheet, shared with the leaderboard site (report/site.h).
std::string report_css();

}  // namespace bakeoff
