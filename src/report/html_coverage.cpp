// Report section: the coverage matrix (op x dtype x path x device).
#include "report/html_sections.h"
#include "report/html_util.h"
#include "report/svg_coverage.h"

#include <map>
#include <tuple>

namespace bakeoff::html {

std::string coverage_section(const Comparison& c) {
    svg::CoverageMatrix m;
    m.title = "Coverage: which ops and precisions run on each device";
    for (const auto& col : c.columns) m.column_labels.push_back(col.label);
    std::map<std::tuple<std::string, std::string, std::string>, std::size_t> row_of;
    for (const auto& row : c.rows) {
        auto key = std::make_tuple(row.key.workload, row.key.dtype, row.key.path);
        auto [it, added] = row_of.try_emplace(key, m.row_labels.size());
        if (added) {
            m.row_labels.push_back(row.key.workload + " · " + row.key.dtype + " · " + row.key.path);
            m.cells.emplace_back(c.columns.size());
        }
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            svg::CoverageCounts& k = m.cells[it->second][i];
            const Record* r = row.cells[i].record;
            if (!r) {
                ++k.missing;
                continue;
            }
            switch (r->status) {
                case RecordStatus::ok: ++k.ok; break;
                case RecordStatus::failed: ++k.failed; break;
                case RecordStatus::unsupported: ++k.unsupported; break;
                case RecordStatus::skipped: ++k.skipped; break;
                case RecordStatus::not_applicable: break;  // never in a row (LeftOut)
            }
        }
    }
    TableSpec t;
    t.caption = "Coverage (cases per op, dtype and path, over sizes)";
    t.header = {"op · dtype · path"};
    for (const auto& l : m.column_labels) t.header.push_back(l);
    for (std::size_t r = 0; r < m.row_labels.size(); ++r) {
        std::vector<std::string> cells = {m.row_labels[r]};
        for (const auto& k : m.cells[r]) cells.push_back(k.text());
        t.rows.push_back(std::move(cells));
    }
    if (m.row_labels.empty()) return {};  // nothing ran but n/a cases: no matrix to draw
    return section_open("coverage", "Coverage",
                        "The software-maturity view: for each op, precision and path, how many cases ran and verified "
                        "(ok), failed, are unsupported by the backend, were skipped, or are missing from a file.") +
           (c.not_applicable.count() ? "<p class=\"left-out\">" + escape(c.not_applicable.line()) + "</p>\n"
                                     : std::string()) +
           "<figure class=\"coverage-figure\">" +
           svg::coverage_svg(m) + "<figcaption>Coverage matrix.</figcaption></figure>\n" + table(t) + "</section>\n";
}

}  // namespace bakeoff::html
