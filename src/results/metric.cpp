#include "results/metric.h"

#include <algorithm>
#include <cmath>

namespace bakeoff {

double basis_count(const WorkCounts& w, const std::string& basis) {
    if (basis == "bytes") return w.bytes;
    if (basis == "flops") return w.flops;
    if (basis == "items") return w.items;
    return -1;
}

bool same_figure(double a, double b) {
    return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

}  // namespace bakeoff
