#include "report/svg_bars.h"

#include "report/format.h"
#include "report/svg_chart.h"
#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bakeoff::svg {

namespace {
constexpr double kWidth = 920, kBarH = 13, kBarGap = 2, kGroupGap = 10, kRight = 80, kTop = 12;
constexpr double kCharW = 6.6;  // average glyph width at 12 px, for layout

std::string shorten(const std::string& s, std::size_t max_chars) {
    if (display_width(s) <= max_chars) return s;
    std::string o;
    std::size_t w = 0;
    for (unsigned char ch : s) {
        if ((ch & 0xC0) != 0x80 && ++w > max_chars - 1) break;
        o += char(ch);
    }
    return o + "…";
}
}  // namespace

std::string bar_chart_svg(const BarChart& c) {
    // Legend rows on top, one entry per series, wrapped to the width.
    std::vector<std::pair<double, double>> legend_pos;
    double lx = 10, ly = kTop + 10;
    for (const auto& s : c.series) {
        const double w = 22 + kCharW * double(std::min<std::size_t>(display_width(s), 60)) + 18;
        if (lx + w > kWidth - 10 && lx > 10) {
            lx = 10;
            ly += 18;
        }
        legend_pos.emplace_back(lx, ly);
        lx += w;
    }
    const double plot_top = ly + 16;
    std::size_t longest = 0;
    for (const auto& g : c.groups) longest = std::max(longest, display_width(g.label));
    const double left = std::clamp(16 + kCharW * double(longest), 120.0, 420.0);
    const std::size_t label_chars = std::size_t((left - 16) / kCharW);

    double plot_h = 0;
    for (const auto& g : c.groups) plot_h += double(std::max<std::size_t>(1, g.bars.size())) * (kBarH + kBarGap) + kGroupGap;
    const double height = plot_top + plot_h + 48;

    double hi = 0;
    for (const auto& g : c.groups)
        for (const auto& b : g.bars) hi = std::max({hi, b.value.value_or(0), b.high.value_or(0)});
    if (c.reference) hi = std::max(hi, *c.reference);
    hi = nice_ceil(hi > 0 ? std::min(hi * 1.05, std::numeric_limits<double>::max()) : 1);
    const LinearScale x{0, hi, left, kWidth - kRight};
    const double plot_bottom = plot_top + plot_h;

    Svg svg(kWidth, height, c.css_class, c.title, c.axis_label);
    // Legend.
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const auto [px, py] = legend_pos[i];
        svg.rect(px, py - 9, 14, 10, fmt::format("fill=\"{}\"", series_colour(i)));
        svg.text(px + 20, py, shorten(c.series[i], 60), "start", "class=\"legend\"");
    }
    // Grid and x axis.
    for (double t : linear_ticks(0, hi, 8)) {
        svg.line(x(t), plot_top, x(t), plot_bottom, "stroke=\"#ddd\"");
        svg.text(x(t), plot_bottom + 14, tick_label(t), "middle", "class=\"tick\"");
    }
    svg.line(left, plot_bottom, kWidth - kRight, plot_bottom, "stroke=\"#333\"");
    svg.line(left, plot_top, left, plot_bottom, "stroke=\"#333\"");
    svg.text((left + kWidth - kRight) / 2, plot_bottom + 34, c.axis_label, "middle", "class=\"axis-label\"");
    if (c.reference) {
        svg.line(x(*c.reference), plot_top - 4, x(*c.reference), plot_bottom, "stroke=\"#000\" stroke-dasharray=\"5 3\"");
        svg.text(x(*c.reference) + 3, plot_top - 4, c.reference_label, "start", "class=\"tick\"");
    }
    // Bars.
    double y = plot_top + kGroupGap / 2;
    for (const auto& g : c.groups) {
        const double gh = double(std::max<std::size_t>(1, g.bars.size())) * (kBarH + kBarGap);
        svg.text(left - 6, y + gh / 2 + 4, shorten(g.label, label_chars), "end", "class=\"group-label\"");
        for (const auto& b : g.bars) {
            const std::string colour(series_colour(b.series));
            if (b.value) {
                svg.rect(left, y, x(*b.value) - left, kBarH, fmt::format("fill=\"{}\" class=\"bar\"", colour), b.tooltip);
                double end = x(*b.value);
                if (b.low && b.high) {
                    const double x0 = x(*b.low), x1 = x(*b.high), ym = y + kBarH / 2;
                    svg.line(x0, ym, x1, ym, "stroke=\"#000\" stroke-width=\"1.2\" class=\"whisker\"");
                    svg.line(x0, y + 2, x0, y + kBarH - 2, "stroke=\"#000\" stroke-width=\"1.2\"");
                    svg.line(x1, y + 2, x1, y + kBarH - 2, "stroke=\"#000\" stroke-width=\"1.2\"");
                    end = std::max(end, x1);
                }
                svg.text(end + 4, y + kBarH - 3, format_figure(*b.value), "start", "class=\"value\"");
            } else {
                svg.rect(left, y, 3, kBarH, fmt::format("fill=\"{}\"", colour), b.tooltip);
                svg.text(left + 7, y + kBarH - 3, b.note, "start", fmt::format("class=\"note\" fill=\"{}\"", colour));
            }
            y += kBarH + kBarGap;
        }
        if (g.bars.empty()) y += kBarH + kBarGap;
        y += kGroupGap;
    }
    return svg.finish();
}

}  // namespace bakeoff::svg
