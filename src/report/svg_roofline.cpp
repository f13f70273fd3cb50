#include "report/svg_roofline.h"

#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace bakeoff::svg {

namespace {
constexpr double kW = 920, kH = 500, kLeft = 72, kRight = 250, kTop = 58, kBottom = 52;

std::string_view dash(const std::string& kind) {
    if (kind == "measured") return "";
    if (kind == "claimed") return " stroke-dasharray=\"2 3\"";
    return " stroke-dasharray=\"7 4\"";  // estimate, device figures
}

double decade_floor(double v) { return std::pow(10.0, std::floor(std::log10(v))); }
double decade_ceil(double v) { return std::pow(10.0, std::ceil(std::log10(v))); }

// The memory roof a compute roof of `kind` meets: same kind, else measured, else the highest.
const Roof* ridge_memory_roof(const std::vector<Roof>& memory, const std::string& kind) {
    const Roof* best = nullptr;
    for (const auto& m : memory)
        if (m.kind == kind) return &m;
    for (const auto& m : memory)
        if (m.kind == "measured") return &m;
    for (const auto& m : memory)
        if (!best || m.value > best->value) best = &m;
    return best;
}
}  // namespace

std::string roofline_svg(const Roofline& r) {
    // Domain.
    std::vector<double> xs, ys;
    for (const auto& p : r.points) {
        xs.push_back(p.intensity);
        ys.push_back(p.gflops);
    }
    for (const auto& c : r.compute) {
        ys.push_back(c.value);
        if (const Roof* m = ridge_memory_roof(r.memory, c.kind)) xs.push_back(c.value / m->value);
    }
    if (xs.empty()) xs = {0.1, 100};
    double x_lo = decade_floor(*std::min_element(xs.begin(), xs.end()) / 3);
    double x_hi = decade_ceil(*std::max_element(xs.begin(), xs.end()) * 3);
    if (x_hi / x_lo < 100) x_lo = x_hi / 100;
    for (const auto& m : r.memory) ys.push_back(m.value * (r.compute.empty() ? x_hi : x_lo * 3));
    if (ys.empty()) ys = {1, 1000};
    double y_hi = decade_ceil(*std::max_element(ys.begin(), ys.end()) * 1.5);
    double y_lo = decade_floor(*std::min_element(ys.begin(), ys.end()) / 3);
    if (y_hi / y_lo < 100) y_lo = y_hi / 100;
    y_lo = std::max(y_lo, y_hi / 1e7);

    const LogScale X{x_lo, x_hi, kLeft, kW - kRight};
    const LogScale Y{y_lo, y_hi, kH - kBottom, kTop};
    Svg svg(kW, kH, "roofline", r.title,
            "Roofline: attainable GFLOP/s against arithmetic intensity (FLOP/byte), log-log; "
            "memory roof = bandwidth x intensity, compute roofs per dtype; points: measured GEMM");

    // Grid, axes, labels.
    for (double t : log_ticks(x_lo, x_hi)) {
        svg.line(X(t), kTop, X(t), kH - kBottom, "stroke=\"#e3e3e3\"");
        svg.text(X(t), kH - kBottom + 15, tick_label(t), "middle", "class=\"tick\"");
    }
    for (double t : log_ticks(y_lo, y_hi)) {
        svg.line(kLeft, Y(t), kW - kRight, Y(t), "stroke=\"#e3e3e3\"");
        svg.text(kLeft - 5, Y(t) + 4, tick_label(t), "end", "class=\"tick\"");
    }
    svg.line(kLeft, kH - kBottom, kW - kRight, kH - kBottom, "stroke=\"#333\"");
    svg.line(kLeft, kTop, kLeft, kH - kBottom, "stroke=\"#333\"");
    svg.text((kLeft + kW - kRight) / 2, kH - 12, "arithmetic intensity (FLOP/byte, log scale)", "middle",
             "class=\"axis-label\"");
    svg.text(16, (kTop + kH - kBottom) / 2, "GFLOP/s (GOP/s for int8), log scale", "middle", "class=\"axis-label\"", -90);

    // Legend: dtypes, paths, line styles.
    std::vector<std::string> dtypes;
    for (const auto& c : r.compute)
        if (std::find(dtypes.begin(), dtypes.end(), c.dtype) == dtypes.end()) dtypes.push_back(c.dtype);
    for (const auto& p : r.points)
        if (std::find(dtypes.begin(), dtypes.end(), p.dtype) == dtypes.end()) dtypes.push_back(p.dtype);
    double lx = kLeft;
    const double ly = 18;
    for (const auto& d : dtypes) {
        svg.rect(lx, ly - 9, 12, 10, fmt::format("fill=\"{}\"", dtype_colour(d)));
        svg.text(lx + 16, ly, d, "start", "class=\"legend\"");
        lx += 26 + 7.0 * double(d.size()) + 10;
    }
    lx += 10;
    svg.circle(lx + 5, ly - 4, 4.5, "fill=\"#555\" stroke=\"#555\"");
    svg.text(lx + 14, ly, "vendor path", "start", "class=\"legend\"");
    lx += 100;
    svg.circle(lx + 5, ly - 4, 4.5, "fill=\"#fff\" stroke=\"#555\" stroke-width=\"1.5\"");
    svg.text(lx + 14, ly, "portable path", "start", "class=\"legend\"");
    double sx = kLeft;
    const double sy = 38;
    for (const std::string kind : {"measured", "estimate", "claimed"}) {
        svg.line(sx, sy - 4, sx + 28, sy - 4, fmt::format("stroke=\"#333\" stroke-width=\"2\"{}", dash(kind)));
        const std::string text = kind == "measured"  ? "measured (best record)"
                                 : kind == "estimate" ? "estimate (device's own peak)"
                                                      : "claimed (chip database)";
        svg.text(sx + 34, sy, text, "start", "class=\"legend\"");
        sx += 34 + 7.0 * double(text.size()) + 14;
    }

    // Memory roofs: y = bandwidth x intensity, up to the highest compute roof.
    double top_compute = 0;
    for (const auto& c : r.compute) top_compute = std::max(top_compute, c.value);
    std::size_t mi = 0;
    for (const auto& m : r.memory) {
        const double xa = std::max(x_lo, y_lo / m.value);
        double xb = std::min(x_hi, y_hi / m.value);
        if (top_compute > 0) xb = std::min(xb, std::max(xa, top_compute / m.value));
        if (xb <= xa) continue;
        svg.line(X(xa), Y(m.value * xa), X(xb), Y(m.value * xb),
                 fmt::format("stroke=\"#555\" stroke-width=\"2\" class=\"roof memory-roof\"{}", dash(m.kind)));
        // Label along the line, staggered so parallel roofs do not overprint.
        const double f = 0.06 + 0.22 * double(mi % 3);
        const double xt = std::pow(10.0, std::log10(xa) + f * (std::log10(xb) - std::log10(xa)));
        const double angle =
            std::atan2(Y(m.value * xb) - Y(m.value * xa), X(xb) - X(xa)) * 180.0 / 3.14159265358979;
        svg.text(X(xt), Y(m.value * xt) - 5, m.label, "start", "class=\"roof-label\"", angle);
        ++mi;
    }
    // Compute roofs: horizontal from the ridge point to the right edge, labelled in the margin.
    std::vector<std::pair<double, const Roof*>> labels;
    for (const auto& c : r.compute) {
        if (c.value < y_lo || c.value > y_hi) continue;
        double xr = x_lo;
        if (const Roof* m = ridge_memory_roof(r.memory, c.kind)) xr = std::clamp(c.value / m->value, x_lo, x_hi);
        svg.line(X(xr), Y(c.value), X(x_hi), Y(c.value),
                 fmt::format("stroke=\"{}\" stroke-width=\"2\" class=\"roof compute-roof\"{}", dtype_colour(c.dtype),
                             dash(c.kind)));
        labels.emplace_back(Y(c.value), &c);
    }
    std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    double last = -1e9;
    for (auto& [y, c] : labels) {
        const double ty = std::max(y + 4, last + 13);
        last = ty;
        svg.line(kW - kRight, y, kW - kRight + 6, ty - 4, fmt::format("stroke=\"{}\"", dtype_colour(c->dtype)));
        svg.text(kW - kRight + 9, ty, c->label, "start", fmt::format("class=\"roof-label\" fill=\"{}\"",
                                                                     c->dtype == "int8" ? "#000" : dtype_colour(c->dtype)));
    }
    // Points.
    for (const auto& p : r.points) {
        if (!(p.intensity > 0) || !(p.gflops > 0)) continue;
        const std::string colour(dtype_colour(p.dtype));
        const std::string attrs = p.path == "portable"
                                      ? fmt::format("fill=\"#fff\" stroke=\"{}\" stroke-width=\"1.8\" class=\"point\"", colour)
                                      : fmt::format("fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.8\" class=\"point\"", colour);
        svg.circle(X(p.intensity), Y(p.gflops), 4.5, attrs, p.tooltip);
    }
    return svg.finish();
}

}  // namespace bakeoff::svg
