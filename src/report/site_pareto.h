// The serving Pareto chart of the leaderboard site: output tokens/s per
// device (y) against tokens/s per user (x) for llm.serve records, one series
// per device model and profile, each series' frontier (its non-dominated
// points) joined by a line. A point is dominated when another of its series
// is at least as good on both axes and better on one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::site {

struct ParetoPoint {
    double per_user = 0;    // tokens/s per user: params.measured.serving.tokens_per_s_per_user
    double per_device = 0;  // tokens/s per device: the record's value
    std::string series;     // "model · profile"
    std::string tooltip;
};

// For each point, whether no other point of its series dominates it.
std::vector<bool> pareto_frontier(const std::vector<ParetoPoint>& points);

// Inline SVG (class "chart pareto"); every string escaped.
std::string pareto_svg(const std::vector<ParetoPoint>& points, std::string_view title);

}  // namespace bakeoff::site
