#include "report/svg_coverage.h"

#include "report/svg_chart.h"
#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>

namespace bakeoff::svg {

std::string CoverageCounts::state() const {
    const std::size_t kinds = (ok > 0) + (failed > 0) + (unsupported > 0) + (skipped > 0) + (missing > 0);
    if (kinds == 0) return "missing";
    if (kinds > 1) return failed > 0 ? "failed" : "mixed";
    if (ok) return "ok";
    if (failed) return "failed";
    if (unsupported) return "unsupported";
    if (skipped) return "skipped";
    return "missing";
}

std::string CoverageCounts::text() const {
    std::vector<std::string> parts;
    auto add = [&](std::size_t n, const char* name) {
        if (n) parts.push_back(fmt::format("{} {}", n, name));
    };
    add(ok, "ok");
    add(failed, "failed");
    add(unsupported, "unsupp.");
    add(skipped, "skipped");
    add(missing, "missing");
    if (parts.empty()) return "—";
    if (parts.size() == 1) return state() == "unsupported" ? "unsupported" : parts[0];
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : " · ") + p;
    return s;
}

namespace {
std::string_view fill(const std::string& state) {
    static constexpr KeyColour kByState[] = {
        {"ok", "#b7e4c7"},      {"failed", "#f4a3a3"}, {"unsupported", "#d9d9d9"},
        {"skipped", "#cfe2f3"}, {"mixed", "#ffe08a"},
    };
    return colour_of(state, kByState, "#ffffff");
}
constexpr double kCharW = 6.6, kRowH = 22, kCellW = 150;
}  // namespace

std::string coverage_svg(const CoverageMatrix& m) {
    std::size_t longest = 0;
    for (const auto& l : m.row_labels) longest = std::max(longest, display_width(l));
    const double left = std::clamp(20 + kCharW * double(longest), 140.0, 320.0);
    const std::size_t head_chars = std::size_t(kCellW / kCharW) - 1;
    bool two_line_heads = false;
    for (const auto& l : m.column_labels) two_line_heads = two_line_heads || display_width(l) > head_chars;
    const double header_h = two_line_heads ? 48 : 32, legend_h = 30;
    const double width = std::max(600.0, left + kCellW * double(m.column_labels.size()) + 20);
    const double height = legend_h + header_h + kRowH * double(m.row_labels.size()) + 10;
    Svg svg(width, height, "coverage", m.title,
            "Coverage matrix: per op, dtype and path (rows) and device (columns), whether the cases ran (ok), failed "
            "verification or errored, are unsupported by the backend, were skipped, or are missing from the file");

    // Legend.
    double lx = 10;
    for (const std::string s : {"ok", "mixed", "failed", "unsupported", "skipped", "missing"}) {
        svg.rect(lx, 8, 16, 12, fmt::format("fill=\"{}\" stroke=\"#888\"", fill(s)));
        const std::string text = s == "mixed" ? "some ok, some not" : s == "failed" ? "failed (any)" : s;
        svg.text(lx + 21, 18, text, "start", "class=\"legend\"");
        lx += 21 + kCharW * double(text.size()) + 18;
    }
    // Column headers (device labels, truncated; full label in the tooltip-like <title> of the cells).
    for (std::size_t c = 0; c < m.column_labels.size(); ++c) {
        const double cx = left + kCellW * double(c) + kCellW / 2;
        std::string l = m.column_labels[c];
        // Cut by code points so a UTF-8 sequence never splits across the two lines.
        const std::string first = utf8_prefix(l, head_chars);
        const std::string tail = l.substr(first.size());
        const std::string rest = utf8_prefix(tail, head_chars);
        svg.text(cx, legend_h + 22, first, "middle", "class=\"column-label\"");
        if (!rest.empty()) svg.text(cx, legend_h + 38, rest + (rest.size() < tail.size() ? "…" : ""), "middle", "class=\"column-label\"");
    }
    const double top = legend_h + header_h;
    for (std::size_t r = 0; r < m.row_labels.size(); ++r) {
        const double y = top + kRowH * double(r);
        svg.text(left - 8, y + 15, m.row_labels[r], "end", "class=\"row-label\"");
        for (std::size_t c = 0; c < m.column_labels.size(); ++c) {
            const CoverageCounts& k = m.cells[r][c];
            const std::string st = k.state();
            const double x = left + kCellW * double(c);
            svg.rect(x + 1, y + 1, kCellW - 2, kRowH - 2,
                     fmt::format("fill=\"{}\" stroke=\"#fff\" class=\"cell cell-{}\"", fill(st), st),
                     m.row_labels[r] + " on " + m.column_labels[c] + ": " + k.text());
            svg.text(x + kCellW / 2, y + 15, k.text(), "middle", "class=\"cell-text\"");
        }
    }
    return svg.finish();
}

}  // namespace bakeoff::svg
