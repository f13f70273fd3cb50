#include "report/pareto_chart.h"

#include "report/svg_chart.h"
#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff::svg {

namespace {
constexpr double kW = 920, kH = 520, kLeft = 78, kRight = 260, kTop = 24, kBottom = 52;
constexpr std::size_t kLegendChars = 38;  // a longer series name is cut in the legend (whole in its tooltip)

// An axis end a little past the largest value, on a round tick.
double axis_end(double v) {
    if (!(v > 0)) return 1;
    const double step = nice_ceil(v / 5);
    return std::ceil(v * 1.04 / step) * step;
}

bool drawable(const ParetoPoint& p) { return std::isfinite(p.x) && std::isfinite(p.y) && p.x >= 0 && p.y >= 0; }

std::string legend_text(const std::string& name) {
    return display_width(name) > kLegendChars ? utf8_prefix(name, kLegendChars - 1) + "…" : name;
}
}  // namespace

std::string pareto_svg(const ParetoChart& chart) {
    std::vector<ParetoSeries> series = chart.series;
    double x_max = 0, y_max = 0;
    std::size_t drawn = 0;
    for (auto& s : series) {
        // Points that cannot be placed are left out before the frontier is decided.
        std::erase_if(s.points, [](const ParetoPoint& p) { return !drawable(p); });
        mark_pareto_frontier(s.points);
        for (const auto& p : s.points) {
            x_max = std::max(x_max, p.x);
            y_max = std::max(y_max, p.y);
            ++drawn;
        }
    }
    if (drawn == 0) return {};
    x_max = axis_end(x_max);
    y_max = axis_end(y_max);

    const LinearScale X{0, x_max, kLeft, kW - kRight};
    const LinearScale Y{0, y_max, kH - kBottom, kTop};
    Svg svg(kW, kH, "pareto", chart.title,
            "Each point is one serving load (concurrency or request rate); the line joins a series' Pareto-optimal "
            "points (no other point of the series has more of both); faint points are dominated.");
    for (double t : linear_ticks(0, x_max)) {
        svg.line(X(t), kTop, X(t), kH - kBottom, "stroke=\"#e3e3e3\"");
        svg.text(X(t), kH - kBottom + 15, tick_label(t), "middle", "class=\"tick\"");
    }
    for (double t : linear_ticks(0, y_max)) {
        svg.line(kLeft, Y(t), kW - kRight, Y(t), "stroke=\"#e3e3e3\"");
        svg.text(kLeft - 5, Y(t) + 4, tick_label(t), "end", "class=\"tick\"");
    }
    svg.line(kLeft, kH - kBottom, kW - kRight, kH - kBottom, "stroke=\"#333\"");
    svg.line(kLeft, kTop, kLeft, kH - kBottom, "stroke=\"#333\"");
    svg.text((kLeft + kW - kRight) / 2, kH - 12, chart.x_label, "middle", "class=\"axis-label\"");
    svg.text(16, (kTop + kH - kBottom) / 2, chart.y_label, "middle", "class=\"axis-label\"", -90);

    for (std::size_t si = 0; si < series.size(); ++si) {
        const ParetoSeries& s = series[si];
        if (s.points.empty()) continue;
        const std::string colour(series_colour(si));
        // The frontier: a polyline of numbers only (nothing from a file goes in it).
        std::string pts;
        for (std::size_t i : frontier_path(s.points))
            pts += (pts.empty() ? "" : " ") + num(X(s.points[i].x)) + "," + num(Y(s.points[i].y));
        svg.raw(fmt::format("<polyline class=\"frontier\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
                            "stroke-width=\"2\"/>\n",
                            pts, colour));
        for (const auto& p : s.points) {
            const std::string what = p.on_frontier ? "frontier" : "dominated";
            svg.circle(X(p.x), Y(p.y), p.on_frontier ? 4.5 : 3.5,
                       fmt::format("fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.8\" class=\"point {}\"{}", colour,
                                   what, p.on_frontier ? "" : " opacity=\"0.35\""),
                       p.tooltip.empty() ? s.name + ": " + p.label : p.tooltip);
            if (!p.label.empty())
                svg.text(X(p.x) + 6, Y(p.y) - 6, p.label, "start",
                         fmt::format("class=\"point-label\" fill=\"{}\"{}", colour,
                                     p.on_frontier ? "" : " opacity=\"0.5\""));
        }
        // Legend in the right margin, one line per series.
        const double ly = kTop + 14 + 18 * double(si);
        svg.rect(kW - kRight + 16, ly - 9, 12, 10, fmt::format("fill=\"{}\"", colour), s.name);
        svg.text(kW - kRight + 32, ly, legend_text(s.name), "start", "class=\"legend\"");
    }
    const double ly = kTop + 14 + 18 * double(series.size()) + 10;
    svg.line(kW - kRight + 16, ly - 4, kW - kRight + 28, ly - 4, "stroke=\"#333\" stroke-width=\"2\"");
    svg.text(kW - kRight + 32, ly, "Pareto frontier", "start", "class=\"legend\"");
    svg.circle(kW - kRight + 22, ly + 14, 3.5, "fill=\"#333\" opacity=\"0.35\"");
    svg.text(kW - kRight + 32, ly + 18, "dominated point", "start", "class=\"legend\"");
    return svg.finish();
}

}  // namespace bakeoff::svg
