#include "report/site_pareto.h"

#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace bakeoff::site {

namespace {
constexpr double kW = 920, kH = 460, kLeft = 72, kRight = 260, kTop = 30, kBottom = 52;
}

std::vector<bool> pareto_frontier(const std::vector<ParetoPoint>& p) {
    std::vector<bool> front(p.size(), true);
    for (std::size_t i = 0; i < p.size(); ++i)
        for (std::size_t j = 0; j < p.size() && front[i]; ++j)
            if (j != i && p[j].series == p[i].series && p[j].per_user >= p[i].per_user &&
                p[j].per_device >= p[i].per_device &&
                (p[j].per_user > p[i].per_user || p[j].per_device > p[i].per_device))
                front[i] = false;
    return front;
}

std::string pareto_svg(const std::vector<ParetoPoint>& points, std::string_view title) {
    double x_hi = 0, y_hi = 0;
    for (const auto& p : points) {
        x_hi = std::max(x_hi, p.per_user);
        y_hi = std::max(y_hi, p.per_device);
    }
    x_hi = svg::nice_ceil(x_hi > 0 ? x_hi * 1.05 : 1);
    y_hi = svg::nice_ceil(y_hi > 0 ? y_hi * 1.05 : 1);
    const svg::LinearScale X{0, x_hi, kLeft, kW - kRight};
    const svg::LinearScale Y{0, y_hi, kH - kBottom, kTop};
    svg::Svg s(kW, kH, "pareto", title,
               "Serving Pareto chart: output tokens/s per device against tokens/s per user, one series per device "
               "model and profile; the line joins each series' non-dominated points");
    for (double t : svg::linear_ticks(0, x_hi)) {
        s.line(X(t), kTop, X(t), kH - kBottom, "stroke=\"#e3e3e3\"");
        s.text(X(t), kH - kBottom + 15, svg::tick_label(t), "middle", "class=\"tick\"");
    }
    for (double t : svg::linear_ticks(0, y_hi)) {
        s.line(kLeft, Y(t), kW - kRight, Y(t), "stroke=\"#e3e3e3\"");
        s.text(kLeft - 5, Y(t) + 4, svg::tick_label(t), "end", "class=\"tick\"");
    }
    s.line(kLeft, kH - kBottom, kW - kRight, kH - kBottom, "stroke=\"#333\"");
    s.line(kLeft, kTop, kLeft, kH - kBottom, "stroke=\"#333\"");
    s.text((kLeft + kW - kRight) / 2, kH - 12, "tokens/s per user (interactivity)", "middle", "class=\"axis-label\"");
    s.text(16, (kTop + kH - kBottom) / 2, "output tokens/s per device", "middle", "class=\"axis-label\"", -90);

    std::map<std::string, std::size_t> colour;
    for (const auto& p : points) colour.emplace(p.series, colour.size());
    const std::vector<bool> front = pareto_frontier(points);
    for (const auto& [series, ci] : colour) {
        std::vector<const ParetoPoint*> line;
        for (std::size_t i = 0; i < points.size(); ++i)
            if (points[i].series == series && front[i]) line.push_back(&points[i]);
        std::sort(line.begin(), line.end(), [](auto* a, auto* b) { return a->per_user < b->per_user; });
        for (std::size_t i = 1; i < line.size(); ++i)
            s.line(X(line[i - 1]->per_user), Y(line[i - 1]->per_device), X(line[i]->per_user), Y(line[i]->per_device),
                   fmt::format("stroke=\"{}\" stroke-width=\"2\" class=\"frontier\"", svg::series_colour(ci)));
        // Legend in the right margin.
        const double ly = kTop + 18.0 * double(ci);
        s.rect(kW - kRight + 16, ly - 9, 12, 10, fmt::format("fill=\"{}\"", svg::series_colour(ci)));
        s.text(kW - kRight + 32, ly, series, "start", "class=\"legend\"");
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        const auto c = svg::series_colour(colour[p.series]);
        s.circle(X(p.per_user), Y(p.per_device), 4.5,
                 front[i] ? fmt::format("fill=\"{}\" stroke=\"{}\" class=\"point frontier-point\"", c, c)
                          : fmt::format("fill=\"#fff\" stroke=\"{}\" stroke-width=\"1.5\" class=\"point\"", c),
                 p.tooltip);
    }
    return s.finish();
}

}  // namespace bakeoff::site
