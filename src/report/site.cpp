#include "report/site.h"

#include "registry/leaderboard.h"
#include "report/format.h"
#include "report/html_report.h"
#include "report/html_util.h"
#include "report/pareto_chart.h"
#include "report/serving.h"
#include "results/digest.h"

#include <fmt/format.h>

#include <algorithm>

#include <cctype>
#include <cmath>
#include <set>

namespace bakeoff::site {

namespace {

std::string figure(std::optional<double> v) { return v ? format_figure(*v) : "–"; }

// A leaderboard as a table whose model cells link to the model's page.
std::string leaderboard_table(const std::vector<registry::LeaderboardEntry>& board, const std::string& caption) {
    std::string o = "<table class=\"data leaderboard\"><caption>" + html::escape(caption) + "</caption>\n<tr>";
    for (const char* h : {"#", "device model", "value", "95 % CI", "unit", "case", "runs", "agree", "spread %",
                          "status", "best run", "host"})
        o += fmt::format("<th>{}</th>", html::escape(h));
    o += "</tr>\n";
    int rank = 0;
    for (const auto& e : board) {
        const auto& b = e.best;
        o += fmt::format(
            "<tr><td class=\"num\">{}</td><td><a href=\"{}\"><bdi>{}</bdi></a></td><td class=\"num\">{}</td>"
            "<td class=\"num\">{} – {}</td><td>{}</td><td><bdi>{}</bdi></td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{:.1f}</td><td class=\"{}\">{}</td><td class=\"num\">{}</td>"
            "<td><bdi>{}</bdi></td></tr>\n",
            ++rank, html::escape(device_page_name(e.model)), html::escape(e.model), figure(b.value), figure(b.ci_low),
            figure(b.ci_high), html::escape(b.unit), html::escape(b.case_id), e.runs, e.agree, e.spread_percent,
            e.reproduced ? "reproduced" : "reported", e.reproduced ? "reproduced" : "reported", b.run,
            html::escape(b.host));
    }
    return o + "</table>\n";
}

}  // namespace

std::string device_page_name(const std::string& model) {
    std::string slug;
    for (unsigned char c : model) {
        if (slug.size() >= 40) break;
        if (std::isalnum(c)) slug += char(std::tolower(c));
        else if (!slug.empty() && slug.back() != '-') slug += '-';
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.empty()) slug = "device";
    return "device-" + slug + "-" + sha256_hex(model).substr(0, 8) + ".html";
}

std::string page_frame(const std::string& title, const std::string& body, const SiteInput& in) {
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    h += fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n", kSiteCsp);
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<title>" + html::escape(title) + "</title>\n<style>" + report_css() +
         "a { color: #0b5cad; }\ntd.reproduced { font-weight: 600; color: #116611; }\n</style></head>\n<body>\n";
    h += "<header><h1>" + html::escape(title) + "</h1>\n<p class=\"meta\">";
    h += fmt::format("{} run(s), {} record(s)", in.runs.size(), in.rows.size());
    if (!in.generated_utc.empty()) h += "; generated " + html::escape(in.generated_utc);
    if (!in.tool_version.empty()) h += " by " + html::escape(in.tool_version);
    h += "</p>\n<nav><a href=\"index.html\">Leaderboard</a></nav></header>\n<main>\n" + body;
    h += "</main>\n<footer>Every figure is the median of repeated, verified runs with its 95 % confidence interval; "
         "each run was added only when its digest and its figures checked. Rules: docs/registry.md.</footer>\n"
         "</body></html>\n";
    return h;
}

std::string pareto_block(const std::vector<registry::FlatRow>& rows, const std::string& title) {
    svg::ParetoChart chart;
    chart.title = title;
    std::vector<std::vector<std::string>> table_rows;
    for (const auto& r : rows) {
        if (r.workload != kServingWorkload || r.status != "ok" || !r.value) continue;
        const auto pt = serving_point(r.params, *r.value, r.model);
        if (!pt) continue;
        const std::string series = ServingSeries{pt->device, pt->model, pt->profile, {}}.name();
        const std::string load = pt->concurrency    ? fmt::format("concurrency {}", *pt->concurrency)
                                 : pt->request_rate ? fmt::format("rate {:g}/s", *pt->request_rate)
                                                    : "";
        auto it = std::find_if(chart.series.begin(), chart.series.end(),
                               [&](const ParetoSeries& ps) { return ps.name == series; });
        if (it == chart.series.end()) it = chart.series.insert(chart.series.end(), ParetoSeries{series, {}});
        it->points.push_back({pt->per_user, pt->per_device, pt->load_label(),
                              fmt::format("{}: {} tokens/s/user, {} tokens/s/device ({}; run {})", series,
                                          format_figure(pt->per_user), format_figure(pt->per_device), load, r.run)});
        table_rows.push_back(
            {series, load, format_figure(pt->per_user), format_figure(pt->per_device), std::to_string(r.run)});
    }
    const std::string svg = svg::pareto_svg(chart);
    if (svg.empty()) return "";
    std::string o = "<figure>" + svg +
                    "<figcaption>Filled points and lines: each series' frontier (no point of the series is better on "
                    "both axes).</figcaption></figure>\n";
    return o + html::table({"Serving points", {"series", "load", "tokens/s per user", "tokens/s per device", "run"},
                            table_rows, {false, false, true, true, true}});
}

std::vector<Page> render_site(const SiteInput& in) {
    std::vector<Page> pages;
    std::set<std::string> models;
    std::set<std::pair<std::string, std::string>> boards;  // workload, dtype with a verified figure
    for (const auto& r : in.rows) {
        models.insert(r.model);
        if (r.status == "ok" && r.value) boards.insert({r.workload, r.dtype});
    }
    for (const auto& m : models) pages.push_back({device_page_name(m), device_page(m, in)});

    std::string body = html::section_open(
        "leaderboard", "Leaderboard",
        "Per workload and dtype, each device model's best verified figure. <em>reproduced</em>: at least two "
        "independent runs (different hosts, or one host on different dates) agree within 5 % on the same model, "
        "tool major version and case; otherwise <em>reported</em>.");
    for (const auto& [workload, dtype] : boards)
        body += leaderboard_table(registry::leaderboard(in.rows, workload, dtype), workload + " / " + dtype);
    if (boards.empty()) body += "<p class=\"none\">No verified figure yet.</p>\n";
    body += "</section>\n";
    if (std::string pareto = pareto_block(in.rows, "Serving: tokens/s per device against tokens/s per user");
        !pareto.empty())
        body += html::section_open("serving", "Serving (llm.serve)") + pareto + "</section>\n";
    body += html::section_open("devices", "Device models") + "<ul>\n";
    for (const auto& m : models)
        body += fmt::format("<li><a href=\"{}\"><bdi>{}</bdi></a></li>\n", html::escape(device_page_name(m)),
                            html::escape(m));
    body += "</ul></section>\n";
    pages.push_back({"index.html", page_frame("bakeoff leaderboard", body, in)});
    return pages;
}

}  // namespace bakeoff::site
