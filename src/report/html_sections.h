// The sections of the HTML report (html_report.h assembles them). Each returns
// a <section> with its chart(s) as inline SVG and a table of the same numbers
// under each chart; a chart with nothing to draw is left out, never drawn
// empty. Every string taken from a results file is escaped.
#pragma once

#include "report/compare.h"
#include "report/scoreboard.h"

#include <nlohmann/json.hpp>

#include <string>

namespace bakeoff::html {

std::string scoreboard_section(const Comparison& c, const Scoreboard& sb);  // the ranking, first
std::string serving_section(const Comparison& c);     // the serving Pareto chart; "" without llm.serve points
std::string devices_section(const Comparison& c);     // a summary per device column
std::string provenance_section(const Comparison& c);  // tool, commit, host, command line, time per file
std::string roofline_section(const Comparison& c);    // one roofline per device column
std::string workload_section(const Comparison& c);    // a bar chart per workload across columns
std::string claims_section(const Comparison& c);      // % of claim / % of device peak per record
std::string coverage_section(const Comparison& c);    // op x dtype x path x device matrix

// A JSON value as one line of text: strings as they are, arrays joined with
// ", ", objects as "key value" pairs, null as "".
std::string json_text(const nlohmann::json& j);
// json_text(j[key]) when j is an object holding key, else "".
std::string json_field(const nlohmann::json& j, const char* key);

}  // namespace bakeoff::html
