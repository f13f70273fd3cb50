// The few figures a person reads first, after run's table: per device the
// best triad bandwidth, the best GEMM of each type (with its path and
// library), decode and prefill tokens/s, each with % of peak and of the
// vendor's claim where known, and the warnings, once each.
#pragma once

#include "report/table.h"
#include "results/record.h"

#include <vector>

namespace bakeoff {

Table headline_table(const std::vector<Record>& records);

}  // namespace bakeoff
