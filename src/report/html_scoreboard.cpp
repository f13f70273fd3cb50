// Report section: the scoreboard (report/scoreboard.h), the first thing the
// report shows — one table per workload family, devices ranked per figure.
#include "report/compare_format.h"
#include "report/format.h"
#include "report/html_sections.h"
#include "report/html_util.h"

#include <fmt/format.h>

namespace bakeoff::html {

namespace {

// The library part of what the backend ran, cut short: "oneDNN 2.6.3 matmul brg:avx512_core".
std::string library(const Record& r) {
    std::string s = r.implementation.substr(0, r.implementation.find_first_of(",;("));
    return display_width(s) > 48 ? utf8_prefix(s, 47) + "…" : s;
}

std::string per_dollar(const ScoreEntry& e, const std::string& unit) {
    std::string s;
    if (e.per_kusd) s = format_figure(*e.per_kusd) + " " + unit + " per k$";
    if (e.per_usd_hour) s += (s.empty() ? "" : "; ") + format_figure(*e.per_usd_hour) + " " + unit + " per $/h";
    return s.empty() ? "—" : s;
}

struct Shown {
    bool claim = false, watt = false, dollar = false;
};

Shown columns_shown(const ScoreFamily& f) {
    Shown s;
    for (const auto& fig : f.figures)
        for (const auto& e : fig.ranked) {
            s.claim |= e.percent_of_claim.has_value();
            s.watt |= e.per_watt.has_value();
            s.dollar |= e.per_kusd.has_value() || e.per_usd_hour.has_value();
        }
    return s;
}

std::string family_table(const Comparison& c, const ScoreFamily& f) {
    const Shown shown = columns_shown(f);
    TableSpec t;
    t.css_class = "data scoreboard";
    t.caption = f.name;
    t.header = {"figure", "rank", "device", "median [95 % CI]", "unit", "vs baseline"};
    t.numeric = {false, true, false, true, false, true};
    auto optional_header = [&](bool on, const char* h) {
        if (!on) return;
        t.header.push_back(h);
        t.numeric.push_back(true);
    };
    optional_header(shown.claim, "% of claim");
    optional_header(shown.watt, "per W");
    optional_header(shown.dollar, "per $");
    t.header.push_back("case");
    t.numeric.push_back(false);
    std::vector<std::string> notes;
    for (const auto& fig : f.figures) {
        for (const auto& e : fig.ranked) {
            const Record& r = *e.record;
            const CompareColumn& col = c.columns[e.column];
            std::string median = cell_figure(CompareCell{&r, {}, {}, {}});
            for (const auto& w : r.warnings) {
                notes.push_back(col.label + " " + fig.label + ": warning: " + w);
                median += fmt::format(" ⚠ [{}]", notes.size());
            }
            std::vector<std::string> row = {
                fig.label, (e.shares_rank ? "=" : "") + std::to_string(e.rank), col.label + " — " + col.device_name,
                median, fig.unit,
                e.vs_baseline ? difference_text(*e.vs_baseline) : e.column == c.baseline ? "baseline" : "—"};
            if (shown.claim) row.push_back(format_percent(e.percent_of_claim));
            if (shown.watt) row.push_back(e.per_watt ? format_figure(*e.per_watt) + " " + fig.unit + "/W" : "—");
            if (shown.dollar) row.push_back(per_dollar(e, fig.unit));
            std::string how = r.size_label + " · " + r.path;
            if (auto lib = library(r); !lib.empty()) how += " · " + lib;
            row.push_back(how);
            t.rows.push_back(std::move(row));
        }
        for (const auto& [col, status] : fig.without_figure) {
            std::vector<std::string> row = {fig.label, "—", c.columns[col].label + " — " + c.columns[col].device_name,
                                            status, fig.unit, "—"};
            row.resize(t.header.size(), "—");
            t.rows.push_back(std::move(row));
        }
    }
    for (const auto& u : f.other_warnings)
        notes.push_back(c.columns[u.column].label + " " + u.record->workload + " " + u.record->dtype + " " +
                        u.record->size_label + " " + u.record->path + " (not the figure ranked): warning: " + u.text);
    std::string o = "<div class=\"family\" id=\"score-" + escape(f.name) + "\">" + table(t);
    if (!notes.empty()) {
        o += "<ol class=\"notes\">";
        for (const auto& n : notes) o += "<li>" + escape(n) + "</li>";
        o += "</ol>\n";
    }
    return o + "</div>\n";
}

}  // namespace

std::string scoreboard_section(const Comparison& c, const Scoreboard& sb) {
    std::string o = section_open(
        "scoreboard", "Scoreboard",
        "Per workload family and figure, the devices ranked by their best verified median (a latency: the "
        "lowest). A rank with “=” is shared: the tie rule cannot tell the device from the one above it (95 % "
        "intervals overlap, or a Mann–Whitney U test gives p ≥ 0.05). “vs baseline” is the ratio to the baseline "
        "column’s best figure of the same kind with the same rule: win, loss, or ≈. Warnings (a library that fell "
        "back to slower kernels, say) are numbered under each table.");
    if (sb.families.empty()) return o + "<p class=\"none\">No records to rank.</p></section>\n";
    if (c.not_applicable.count()) o += "<p class=\"left-out\">" + escape(c.not_applicable.line()) + "</p>\n";
    for (const auto& f : sb.families) o += family_table(c, f);
    return o + "</section>\n";
}

}  // namespace bakeoff::html
