// The comparison as people and programs read it: an aligned text table,
// Markdown, CSV (one line per case and column) or JSON. docs/report.md.
// The table itself is the shared one (report/table.h).
#pragma once

#include "report/compare.h"
#include "report/output.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bakeoff {

// Text and Markdown: the table with a legend, the columns and numbered notes;
// CSV: one line per case and column; JSON: the whole comparison as a document.
std::string render_comparison(const Comparison& c, Format f);

// Shared by the renderings and the HTML report.
std::string cell_figure(const CompareCell& cell);      // "70.12 [69.80, 70.45]", or the status: "failed", "missing"
std::string difference_text(const Difference& d);     // "1.14× win", "0.80× loss", "1.01× ≈"
std::string coverage_text(const Coverage& cov);        // "12 ok, 1 failed, 2 unsupported, 0 skipped, 1 missing"
std::string chip_text(const CompareColumn& col);       // "h100-sxm5-80gb (matched ...)" or why none
nlohmann::json comparison_json(const Comparison& c);

}  // namespace bakeoff
