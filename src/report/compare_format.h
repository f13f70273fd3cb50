// The comparison as people and programs read it: an aligned text table,
// Markdown, CSV (one line per case and column) or JSON. docs/report.md.
#pragma once

#include "report/compare.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace bakeoff {

enum class CompareFormat { table, markdown, csv, json };
std::optional<CompareFormat> parse_compare_format(std::string_view s);

std::string render_comparison(const Comparison& c, CompareFormat f);

// Shared by the renderings and the HTML report.
std::string cell_figure(const CompareCell& cell);      // "70.12 [69.80, 70.45]", or the status: "failed", "missing"
std::string difference_text(const Difference& d);     // "1.14× win", "0.80× loss", "1.01× ≈"
std::string coverage_text(const Coverage& cov);        // "12 ok, 1 failed, 2 unsupported, 0 skipped, 1 missing"
std::string chip_text(const CompareColumn& col);       // "h100-sxm5-80gb (matched ...)" or why none
nlohmann::json comparison_json(const Comparison& c);

// One CSV field, quoted per RFC 4180 when it holds a comma, quote or line break.
std::string csv_field(std::string_view s);

}  // namespace bakeoff
