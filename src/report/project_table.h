// The answer of a projection: the assumptions it rests on, one row per target,
// notes. Rendered in every output format (report/output.h). An unknown
// number reads "unknown: <why>" in tables (once per row and reason; "-" after)
// and null in JSON, with the reasons listed in the row's "missing".
#pragma once

#include "report/output.h"
#include "specs/project_target.h"

#include <string>
#include <vector>

namespace bakeoff::specs {

struct ProjectionColumn {
    std::string key;     // JSON key
    std::string header;  // for people
    int decimals = 2;    // display decimals; -1 = text column; -2 = 3 significant digits
};

struct ProjectionCell {
    std::optional<double> number;
    std::string text;
    std::string missing;  // why the number is unknown
};
ProjectionCell cell(const Quantity& q);
ProjectionCell cell(double v);
ProjectionCell cell(std::string text);

struct Projection {
    std::string kind;                       // "gemm", "roofline", "serve", "train"
    std::vector<std::string> assumptions;   // "MFU: 0.40 (assumed)", formulas...
    std::vector<ProjectionColumn> columns;
    std::vector<std::vector<ProjectionCell>> rows;
    std::vector<std::string> notes;
};

// Text and Markdown: assumptions, the table, notes. CSV: the rows only, a column
// per key. JSON: {projection, assumptions, rows (with "missing"), notes}.
std::string render_projection(const Projection& p, Format format);

}  // namespace bakeoff::specs
