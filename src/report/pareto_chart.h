// The serving chart (the InferenceX chart): every series' points of
// throughput per device against throughput per user on one plot, each series'
// Pareto frontier joined by a line, dominated points drawn faint, each point
// labelled with its load ("c4", "2 req/s"). Linear axes from 0, labelled with
// their units. Shared by `bakeoff report` and the static site.
#pragma once

#include "report/pareto.h"

#include <string>
#include <vector>

namespace bakeoff::svg {

struct ParetoChart {
    std::string title = "Serving: throughput per device against throughput per user";
    std::string x_label = "output tokens/s per user (tok/s/user, higher is more interactive)";
    std::string y_label = "output tokens/s per device (tok/s)";
    std::vector<ParetoSeries> series;  // the chart marks each series' frontier itself
};

// One <svg class="chart pareto">; every text is escaped. A chart with no
// point is not drawn: the result is "" (the caller leaves the figure out).
std::string pareto_svg(const ParetoChart& chart);

}  // namespace bakeoff::svg
