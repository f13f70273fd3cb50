#include "report/html_report.h"

#include "report/html_sections.h"
#include "report/html_util.h"
#include "report/svg_chart.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace bakeoff {

namespace {

// No script may run and nothing may be fetched, whatever the page holds.
constexpr const char* kCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

std::string css() {
    std::string s = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #111;
       max-width: 1060px; margin: 0 auto; padding: 12px 20px 40px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #333; padding-bottom: 2px; margin-top: 32px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: #444; margin: 0 0 8px; }
nav a { margin-right: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 10px 24px; }
.card h3 { overflow-wrap: anywhere; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; margin: 0; font-size: 13px; }
.card dt { color: #555; }
.card dd { margin: 0; overflow-wrap: anywhere; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
table.data { border-collapse: collapse; font-size: 12px; margin: 8px 0 22px; }
table.data caption { text-align: left; font-weight: 600; padding: 2px 0; }
table.data th, table.data td { border: 1px solid #c8c8c8; padding: 2px 6px; vertical-align: top; overflow-wrap: break-word; }
ol.notes { font-size: 12px; margin: -14px 0 20px; padding-left: 22px; color: #333; overflow-wrap: break-word; }
table.data th { background: #f0f0f0; text-align: left; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 4px; }
figcaption { font-size: 12px; color: #444; }
svg.chart { display: block; max-width: 100%; height: auto; background: #fff; }
svg .tick { font-size: 11px; fill: #333; }
svg .axis-label { font-size: 12px; font-weight: 600; fill: #111; }
svg .legend, svg .group-label, svg .row-label, svg .column-label, svg .cell-text { font-size: 12px; fill: #111; }
svg .value { font-size: 11px; fill: #222; }
svg .note { font-size: 11px; font-style: italic; }
svg .roof-label { font-size: 11px; }
svg .point-label { font-size: 10px; }
table.scoreboard caption { font-size: 14px; }
table.scoreboard td:first-child { font-weight: 600; }
p.none { color: #666; font-style: italic; }
footer { margin-top: 36px; font-size: 12px; color: #555; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, .card, table.data tr { break-inside: avoid; }
  svg.chart { max-width: 100%; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";
    for (std::size_t i = 0; i < 8; ++i) s += fmt::format(".swatch.s{} {{ background: {}; }}\n", i, svg::series_colour(i));
    return s;
}

// The id of a section's opening tag (html::section_open writes it first).
std::string section_id(const std::string& section) {
    const std::string open = "<section id=\"";
    if (section.rfind(open, 0) != 0) return {};
    return section.substr(open.size(), section.find('"', open.size()) - open.size());
}

}  // namespace

std::string report_css() { return css(); }

std::string render_report_html(const Comparison& c, const ReportOptions& o) {
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n", kCsp);
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<title>" + html::escape(o.title) + "</title>\n<style>" + css() + "</style></head>\n<body>\n";
    h += "<header><h1>" + html::escape(o.title) + "</h1>\n<p class=\"meta\">";
    h += fmt::format("{} file(s), {} device column(s), {} case(s)", c.inputs.size(), c.columns.size(), c.rows.size());
    if (!c.columns.empty()) h += "; baseline " + html::escape(c.columns[c.baseline].label);
    if (!o.generated_utc.empty()) h += "; generated " + html::escape(o.generated_utc);
    if (!o.tool_version.empty()) h += " by " + html::escape(o.tool_version);
    h += "</p>\n";
    // Verdict first; what the figures rest on (devices, provenance) last.
    const std::vector<std::pair<const char*, std::string>> sections = {
        {"Scoreboard", html::scoreboard_section(c, build_scoreboard(c, o.prices))},
        {"Serving", html::serving_section(c)},
        {"Roofline", html::roofline_section(c)},
        {"Claimed vs measured", html::claims_section(c)},
        {"Workloads", html::workload_section(c)},
        {"Coverage", html::coverage_section(c)},
        {"Devices", html::devices_section(c)},
        {"Provenance", html::provenance_section(c)},
    };
    h += "<nav>";
    for (const auto& [title, body] : sections)
        if (!body.empty()) h += "<a href=\"#" + section_id(body) + "\">" + title + "</a>";
    h += "</nav></header>\n<main>\n";
    for (const auto& [title, body] : sections) h += body;
    h += "</main>\n<footer>Every figure is the median of repeated, verified runs with its 95 % confidence interval; "
         "methodology: docs/methodology.md; how this report is built: docs/report.md.</footer>\n</body></html>\n";
    return h;
}

}  // namespace bakeoff
