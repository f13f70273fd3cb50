#include "report/svg_chart.h"

#include "report/html_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff::svg {

double LinearScale::operator()(double v) const {
    if (d1 == d0) return r0;
    return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

double LogScale::operator()(double v) const {
    const double l0 = std::log10(d0), l1 = std::log10(d1);
    if (l1 == l0 || !(v > 0)) return r0;
    return r0 + (std::log10(v) - l0) / (l1 - l0) * (r1 - r0);
}

double nice_ceil(double v) {
    if (!(v > 0) || !std::isfinite(v)) return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * p >= v * (1 - 1e-12)) return std::isfinite(m * p) ? m * p : v;  // near the largest double
    return std::isfinite(10 * p) ? 10 * p : v;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
    std::vector<double> t;
    if (!(hi > lo) || target < 1 || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
    const double step = nice_ceil((hi - lo) / target);
    const double first = std::ceil(lo / step - 1e-9) * step;
    // A few ticks per target at most: where step is below the spacing of the
    // doubles near lo (lo = 1e17, hi = lo + 8), v += step would never reach hi.
    const std::size_t max_ticks = 4 * std::size_t(target) + 2;
    for (double v = first; v <= hi + step * 1e-9 && t.size() < max_ticks; v += step)
        t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    return t;
}

std::vector<double> log_ticks(double lo, double hi) {
    std::vector<double> t;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi)) return t;  // int(log10(inf)) is undefined
    const int e0 = int(std::floor(std::log10(lo) + 1e-9)), e1 = int(std::ceil(std::log10(hi) - 1e-9));
    const bool minor = e1 - e0 <= 2;
    for (int e = e0; e <= e1; ++e) {
        const double p = std::pow(10.0, e);
        for (double m : {1.0, 2.0, 5.0}) {
            if (m != 1.0 && !minor) continue;
            const double v = m * p;
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) t.push_back(v);
        }
    }
    return t;
}

std::string tick_label(double v) {
    if (v == 0) return "0";
    const double a = std::fabs(v);
    auto trim = [](std::string s) {
        if (s.find('.') != std::string::npos) {
            while (s.back() == '0') s.pop_back();
            if (s.back() == '.') s.pop_back();
        }
        return s;
    };
    if (a >= 1e9) return trim(fmt::format("{:.2f}", v / 1e9)) + "G";
    if (a >= 1e6) return trim(fmt::format("{:.2f}", v / 1e6)) + "M";
    if (a >= 1e4) return trim(fmt::format("{:.2f}", v / 1e3)) + "k";
    if (a >= 1) return trim(fmt::format("{:.2f}", v));
    return trim(fmt::format("{:.6f}", v));
}

std::string_view series_colour(std::size_t i) {
    static constexpr std::string_view c[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                             "#56B4E9", "#D55E00", "#7F7F7F", "#000000"};
    return c[i % std::size(c)];
}

std::string_view colour_of(std::string_view key, std::span<const KeyColour> table, std::string_view otherwise) {
    for (const KeyColour& e : table)
        if (e.key == key) return e.colour;
    return otherwise;
}

std::string_view dtype_colour(std::string_view dtype) {
    static constexpr KeyColour kByDtype[] = {
        {"fp64", "#0072B2"}, {"fp32", "#009E73"}, {"tf32", "#56B4E9"}, {"bf16", "#E69F00"},
        {"fp16", "#CC79A7"}, {"fp8", "#D55E00"},  {"int8", "#000000"},
    };
    return colour_of(dtype, kByDtype, "#7F7F7F");
}

std::string num(double v) {
    if (!std::isfinite(v)) return "0";
    std::string s = fmt::format("{:.1f}", v);
    if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}

Svg::Svg(double width, double height, std::string_view css_class, std::string_view title, std::string_view desc) {
    out_ = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {}\" viewBox=\"0 0 {} {}\" width=\"{}\" "
        "height=\"{}\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\"><title>{}</title><desc>{}</desc>\n",
        html::escape(css_class), num(width), num(height), num(width), num(height), html::escape(title),
        html::escape(desc));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", num(x1), num(y1), num(x2), num(y2), attrs);
}

void Svg::rect(double x, double y, double w, double h, std::string_view attrs, std::string_view tooltip) {
    out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}", num(x), num(y), num(std::max(0.0, w)),
                        num(std::max(0.0, h)), attrs);
    out_ += tooltip.empty() ? std::string("/>\n") : ("><title>" + html::escape(tooltip) + "</title></rect>\n");
}

void Svg::circle(double cx, double cy, double r, std::string_view attrs, std::string_view tooltip) {
    out_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}", num(cx), num(cy), num(r), attrs);
    out_ += tooltip.empty() ? std::string("/>\n") : ("><title>" + html::escape(tooltip) + "</title></circle>\n");
}

void Svg::text(double x, double y, std::string_view s, std::string_view anchor, std::string_view attrs, double rotate) {
    std::string transform =
        rotate != 0 ? fmt::format(" transform=\"rotate({} {} {})\"", num(rotate), num(x), num(y)) : std::string();
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{} {}>{}</text>\n", num(x), num(y),
                        html::escape(anchor), transform, attrs, html::escape(s));
}

void Svg::raw(std::string_view trusted_markup) { out_ += trusted_markup; }

std::string Svg::finish() const { return out_ + "</svg>\n"; }

}  // namespace bakeoff::svg
