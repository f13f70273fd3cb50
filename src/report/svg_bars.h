// Horizontal grouped bar chart with confidence-interval whiskers: the report's
// per-workload charts (a group per case, a bar per column) and its
// claimed-vs-measured chart (a group per record, a bar per reference).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bakeoff::svg {

struct Bar {
    std::size_t series = 0;         // index into BarChart::series (colour and legend)
    std::optional<double> value;    // none: `note` is drawn instead ("failed", "missing")
    std::optional<double> low, high;  // whisker (95 % CI)
    std::string note;
    std::string tooltip;
};

struct BarGroup {
    std::string label;
    std::vector<Bar> bars;
};

struct BarChart {
    std::string css_class;             // "bars", "claims"
    std::string title;                 // accessible title
    std::string axis_label;            // "GB/s (higher is better)"
    std::vector<std::string> series;   // legend entries
    std::vector<BarGroup> groups;
    std::optional<double> reference;   // a vertical line, e.g. 100 (% of claim)
    std::string reference_label;
};

std::string bar_chart_svg(const BarChart& c);

}  // namespace bakeoff::svg
