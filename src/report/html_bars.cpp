// Report sections drawn as bar charts: each workload across the columns, and
// measured figures as a percentage of the vendor's claim and the device's peak.
#include "report/compare_format.h"
#include "report/format.h"
#include "report/html_sections.h"
#include "report/html_util.h"
#include "report/svg_bars.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace bakeoff::html {

namespace {

std::string anchor(const std::string& s) {
    std::string o;
    for (char ch : s) o += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-');
    return o;
}

}  // namespace

std::string workload_section(const Comparison& c) {
    std::string o = section_open(
        "workloads", "Workloads",
        "Median of each case per device, higher is better (lower for latencies, whose axis says so); whiskers span "
        "the 95 % confidence interval of the median. In the tables, “≈” marks a difference from the baseline that is "
        "not clear: the intervals overlap, or a Mann–Whitney U test on the samples gives p ≥ 0.05.");
    if (c.not_applicable.count()) o += "<p class=\"left-out\">" + escape(c.not_applicable.line()) + "</p>\n";
    std::vector<std::string> workloads;
    for (const auto& row : c.rows)
        if (std::find(workloads.begin(), workloads.end(), row.key.workload) == workloads.end())
            workloads.push_back(row.key.workload);
    std::vector<std::string> series;
    for (const auto& col : c.columns) series.push_back(col.label + " — " + col.device_name);
    for (const auto& w : workloads) {
        svg::BarChart chart;
        chart.css_class = "bars";
        chart.title = "Workload " + w + " across devices";
        chart.series = series;
        TableSpec t;
        t.caption = w;
        t.header = {"dtype", "size", "path", "unit"};
        t.numeric = {false, true, false, false};
        for (std::size_t i = 0; i < c.columns.size(); ++i) {
            t.header.push_back(c.columns[i].label + (i == c.baseline ? " (baseline)" : ""));
            t.numeric.push_back(true);
            if (i != c.baseline) {
                t.header.push_back("vs baseline");
                t.numeric.push_back(true);
            }
        }
        std::string unit;
        bool lower_is_better = false;    // a latency workload: smaller bars are better
        std::vector<std::string> notes;  // reasons and warnings, numbered in the table
        for (const auto& row : c.rows) {
            if (row.key.workload != w) continue;
            if (unit.empty()) unit = row.unit;
            svg::BarGroup g;
            g.label = row.key.dtype + " · " + row.key.size_label + " · " + row.key.path;
            std::vector<std::string> cells = {row.key.dtype, row.key.size_label, row.key.path, row.unit};
            for (std::size_t i = 0; i < row.cells.size(); ++i) {
                const CompareCell& cell = row.cells[i];
                svg::Bar b;
                b.series = i;
                const Record* r = cell.record;
                if (r && r->metric.lower_is_better) lower_is_better = true;
                if (r && r->value() && r->stats) {
                    b.value = r->stats->median;
                    b.low = r->stats->ci_low;
                    b.high = r->stats->ci_high;
                    b.tooltip = fmt::format("{} on {}: {} {} (95 % CI {} – {})", row.key.text(), c.columns[i].label,
                                            format_figure(*b.value), row.unit, format_figure(*b.low), format_figure(*b.high));
                } else {
                    b.note = cell_figure(cell);
                    b.tooltip = row.key.text() + " on " + c.columns[i].label + ": " + b.note +
                                (r && !r->reason.empty() ? ": " + r->reason : "");
                }
                g.bars.push_back(std::move(b));
                std::string fig = cell_figure(cell);
                if (r && r->status != RecordStatus::ok && !r->reason.empty()) {
                    notes.push_back(c.columns[i].label + " " + row.key.text() + ": " +
                                    std::string(record_status_name(r->status)) + ": " + r->reason);
                    fig += fmt::format(" [{}]", notes.size());
                }
                for (const auto& w : r ? r->warnings : std::vector<std::string>{}) {
                    notes.push_back(c.columns[i].label + " " + row.key.text() + ": warning: " + w);
                    fig += fmt::format(" [{}]", notes.size());
                }
                cells.push_back(fig);
                if (i != c.baseline) cells.push_back(cell.vs_baseline ? difference_text(*cell.vs_baseline) : "—");
            }
            chart.groups.push_back(std::move(g));
            t.rows.push_back(std::move(cells));
        }
        chart.axis_label = unit + (lower_is_better ? " (lower is better" : " (higher is better") +
                           "; whiskers: 95 % CI of the median)";
        // A workload with no verified figure anywhere gets its table (which says why), not an empty chart.
        const bool any_value = std::any_of(chart.groups.begin(), chart.groups.end(), [](const svg::BarGroup& g) {
            return std::any_of(g.bars.begin(), g.bars.end(), [](const svg::Bar& b) { return b.value.has_value(); });
        });
        o += "<figure class=\"workload-figure\" id=\"w-" + anchor(w) + "\"><h3>" + escape(w) + "</h3>\n";
        if (any_value)
            o += svg::bar_chart_svg(chart) + "<figcaption>" + escape(w) + ": median " + escape(unit) +
                 " per case and device.</figcaption>";
        else
            o += "<p class=\"none\">No verified figure for " + escape(w) + " on any device; the table says why.</p>";
        o += "</figure>\n" + table(t);
        if (!notes.empty()) {
            o += "<ol class=\"notes\">";
            for (const auto& n : notes) o += "<li>" + escape(n) + "</li>";
            o += "</ol>\n";
        }
    }
    return o + "</section>\n";
}

std::string claims_section(const Comparison& c) {
    std::string o = section_open(
        "claims", "Claimed vs measured",
        "Each measured median as a percentage of the vendor’s claimed figure for the device’s chip "
        "(chip database: memory bandwidth for memory workloads, the dense peak of the record’s dtype for "
        "GEMM) and of the device’s own peak written in the results file (an estimate for CPUs). "
        "Cache-resident memory figures are not compared with a memory-bandwidth claim.");
    svg::BarChart chart;
    chart.css_class = "claims";
    chart.title = "Measured as % of claimed and of device peak";
    chart.axis_label = "% of claimed / peak figure";
    chart.series = {"% of vendor claim (chip database)", "% of device peak (results file, estimate)"};
    chart.reference = 100;
    chart.reference_label = "100 %";
    TableSpec t;
    t.caption = "Claimed vs measured";
    t.header = {"device", "case", "median", "unit", "claimed", "confidence", "% of claim", "device peak", "% of peak", "chip"};
    t.numeric = {false, false, true, false, true, false, true, true, true, false};
    for (const auto& row : c.rows) {
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            const CompareCell& cell = row.cells[i];
            const Record* r = cell.record;
            if (!r || !r->value()) continue;
            const auto pct_peak = r->percent_of_peak();
            if (!cell.percent_of_claim && !pct_peak) continue;
            svg::BarGroup g;
            g.label = c.columns[i].label + " · " + row.key.text();
            if (cell.percent_of_claim)
                g.bars.push_back({0, cell.percent_of_claim, {}, {}, "",
                                  fmt::format("{}: {} of claimed {} {}", g.label, format_percent(cell.percent_of_claim),
                                              format_figure(*cell.claimed), row.unit)});
            if (pct_peak)
                g.bars.push_back({1, pct_peak, {}, {}, "",
                                  fmt::format("{}: {} of device peak {} {}", g.label, format_percent(pct_peak),
                                              format_figure(r->peak), row.unit)});
            chart.groups.push_back(std::move(g));
            t.rows.push_back({c.columns[i].label, row.key.text(), format_figure(*r->value()), row.unit,
                              cell.claimed ? format_figure(*cell.claimed) : "—",
                              cell.claimed && c.columns[i].chip.chip
                                  ? std::string(specs::to_string(c.columns[i].chip.chip->confidence))
                                  : "—",
                              format_percent(cell.percent_of_claim),
                              r->peak > 0 ? format_figure(r->peak) : "—", format_percent(pct_peak),
                              c.columns[i].chip.chip ? c.columns[i].chip.chip->id : "—"});
        }
    }
    if (chart.groups.empty()) {
        o += "<p class=\"none\">No record has a known claimed or peak figure.</p>\n";
    } else {
        o += "<figure class=\"claims-figure\">" + svg::bar_chart_svg(chart) +
             "<figcaption>Measured median as a percentage of the claimed and peak figures; the dashed line is "
             "100 %.</figcaption></figure>\n" + table(t);
    }
    o += "<ul class=\"chips\">";
    for (const auto& col : c.columns) o += "<li>" + escape(col.label) + ": " + escape(chip_text(col)) + "</li>";
    return o + "</ul></section>\n";
}

}  // namespace bakeoff::html
