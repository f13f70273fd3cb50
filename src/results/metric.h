// What a timed case moves and computes, how its headline metric is derived
// and how its output was checked: the vocabulary a result record is written
// in. Lives in the results layer so that records need nothing from the
// workloads above them; workloads fill these in.
#pragma once

#include <string>

namespace bakeoff {

// What one run of the case moves and computes. The metric is derived from
// these and the time, never computed by a backend.
struct WorkCounts {
    double flops = 0;  // floating-point (or integer) operations; a multiply-add counts 2
    double bytes = 0;  // bytes the op must move to and from memory at least once
    double items = 0;  // counted things: tokens, launches, messages (basis "items")
};

// How the headline metric is derived: a rate, value = count / seconds / scale,
// or, when lower_is_better, a time per item, value = seconds * scale / count
// (a latency: "us" per launch with scale 1e6 and basis "items").
struct MetricDef {
    std::string name;  // "bandwidth", "throughput", "latency"
    std::string unit;  // "GB/s", "GFLOP/s", "GOP/s", "tokens/s", "us"
    std::string basis; // "bytes", "flops" or "items": which WorkCounts member is the count
    double scale = 1e9;
    bool lower_is_better = false;
};
// The WorkCounts member a basis names, or a negative value for an unknown basis.
double basis_count(const WorkCounts& w, const std::string& basis);
// A figure stored in a results file equals its recomputation from the raw
// values (validate): within 1e-9 relative.
bool same_figure(double stored, double recomputed);

struct Verification {
    bool ok = false;
    std::string method;   // "exact vs gold values", "Freivalds + sampled entries vs fp64"
    std::string measure;  // what `error` is, e.g. "max relative error"
    double error = 0;
    double tolerance = 0;
    std::string detail;   // on failure: where and what
};

}  // namespace bakeoff
