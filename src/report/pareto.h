// The Pareto frontier of a set of points where more is better on both axes:
// the serving chart's throughput per device (y) against throughput per user
// (x). A point is on the frontier when no other point of its series is at
// least as good on both axes and better on one (docs/report.md, "Serving").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bakeoff {

struct ParetoPoint {
    double x = 0, y = 0;       // both higher-is-better (tok/s/user, tok/s/device)
    std::string label;         // shown next to the point: "c4", "2 req/s"
    std::string tooltip;       // the point's <title> in the chart
    bool on_frontier = false;  // set by mark_pareto_frontier
};

struct ParetoSeries {
    std::string name;  // "a.json — H100 · llama-8b · chat"
    std::vector<ParetoPoint> points;
};

// True when a is at least as good as b on both axes and better on one.
bool dominates(const ParetoPoint& a, const ParetoPoint& b);

// Sets on_frontier on every point: true unless another point of `points`
// dominates it. Equal points do not dominate each other: both stay on it.
void mark_pareto_frontier(std::vector<ParetoPoint>& points);

// Indices of the frontier points in the order the frontier line joins them:
// x ascending (y descending among equal x). Call after mark_pareto_frontier.
std::vector<std::size_t> frontier_path(const std::vector<ParetoPoint>& points);

}  // namespace bakeoff
