// The roofline chart: attainable throughput against arithmetic intensity on
// log-log axes, a memory roof (bandwidth x intensity) and one compute roof per
// dtype, with measured GEMM points at their intensity. docs/report.md.
#pragma once

#include <string>
#include <vector>

namespace bakeoff::svg {

struct Roof {
    std::string dtype;   // compute roofs: "fp32", ...; memory roofs: ""
    double value = 0;    // GFLOP/s (GOP/s) for compute roofs, GB/s for memory roofs
    std::string kind;    // "measured", "estimate", "claimed"
    std::string label;   // "fp32 measured 1234 GFLOP/s"
};

struct RooflinePoint {
    double intensity = 0;  // FLOP per byte: work.flops / work.bytes
    double gflops = 0;     // the record's median, GFLOP/s (GOP/s)
    std::string dtype, path;
    std::string tooltip;
};

struct Roofline {
    std::string title;
    std::vector<Roof> memory, compute;
    std::vector<RooflinePoint> points;
};

std::string roofline_svg(const Roofline& r);

}  // namespace bakeoff::svg
