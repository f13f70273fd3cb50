// Inline-SVG primitives for the report's charts: an element builder that
// escapes every string it is given, linear and log-10 scales, tick choice and
// tick labels, and the colour palette (Okabe–Ito, readable by colour-blind
// readers and in grey print).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::svg {

struct LinearScale {
    double d0 = 0, d1 = 1, r0 = 0, r1 = 1;  // domain -> range
    double operator()(double v) const;
};
struct LogScale {
    double d0 = 1, d1 = 10, r0 = 0, r1 = 1;  // domain > 0 -> range, log 10
    double operator()(double v) const;
};

// About `target` round ticks (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> linear_ticks(double lo, double hi, int target = 6);
// Powers of ten in [lo, hi]; 2 and 5 times them too when the range is at most two decades.
std::vector<double> log_ticks(double lo, double hi);
// Round a positive value up to 1, 2 or 5 times a power of ten.
double nice_ceil(double v);
// Tick text: "0", "0.01", "2.5", "100", "10k", "1M".
std::string tick_label(double v);

// Colour of the i-th series (columns of the report).
std::string_view series_colour(std::size_t i);
// Colour of a dtype in the roofline ("fp64", "fp32", "bf16", "int8", ...).
std::string_view dtype_colour(std::string_view dtype);
// The colour a table gives `key`, or `otherwise` when it names none.
struct KeyColour {
    std::string_view key, colour;
};
std::string_view colour_of(std::string_view key, std::span<const KeyColour> table, std::string_view otherwise);

// Formats a coordinate compactly ("12.5").
std::string num(double v);

// An <svg> document built element by element. Text arguments are escaped;
// `attrs` arguments are trusted attribute text written by the report itself.
class Svg {
public:
    // `title` and `desc` become the accessible <title>/<desc>; `css_class` tags the chart kind.
    Svg(double width, double height, std::string_view css_class, std::string_view title, std::string_view desc);
    void line(double x1, double y1, double x2, double y2, std::string_view attrs);
    void rect(double x, double y, double w, double h, std::string_view attrs, std::string_view tooltip = {});
    void circle(double cx, double cy, double r, std::string_view attrs, std::string_view tooltip = {});
    // anchor: "start", "middle" or "end"; rotate: degrees about (x, y).
    void text(double x, double y, std::string_view s, std::string_view anchor = "start",
              std::string_view attrs = {}, double rotate = 0);
    void raw(std::string_view trusted_markup);
    std::string finish() const;

private:
    std::string out_;
};

}  // namespace bakeoff::svg
