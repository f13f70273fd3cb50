#include "report/pareto.h"

#include <algorithm>

namespace bakeoff {

bool dominates(const ParetoPoint& a, const ParetoPoint& b) {
    return a.x >= b.x && a.y >= b.y && (a.x > b.x || a.y > b.y);
}

void mark_pareto_frontier(std::vector<ParetoPoint>& points) {
    // O(n^2): a concurrency sweep has tens of points, never thousands.
    for (auto& p : points)
        p.on_frontier = std::none_of(points.begin(), points.end(), [&p](const ParetoPoint& q) { return dominates(q, p); });
}

std::vector<std::size_t> frontier_path(const std::vector<ParetoPoint>& points) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < points.size(); ++i)
        if (points[i].on_frontier) idx.push_back(i);
    std::stable_sort(idx.begin(), idx.end(), [&points](std::size_t a, std::size_t b) {
        return points[a].x != points[b].x ? points[a].x < points[b].x : points[a].y > points[b].y;
    });
    return idx;
}

}  // namespace bakeoff
