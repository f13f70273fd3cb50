#include "results/metric.h"

namespace bakeoff {

double basis_count(const WorkCounts& w, const std::string& basis) {
    if (basis == "bytes") return w.bytes;
    if (basis == "flops") return w.flops;
    if (basis == "items") return w.items;
    return -1;
}

}  // namespace bakeoff
