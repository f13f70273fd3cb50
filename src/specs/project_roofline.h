// Roofline time of one operation on one target: the op needs `flops`
// operations and moves `bytes` to or from device memory; it cannot finish
// sooner than either takes at the peak rate, so
//     time = max(flops / peak, bytes / bandwidth)
// and the larger term names the bound. The peak and bandwidth are the
// target's measured figures when a results file calibrates it, else the
// vendor's claim (then the time is a lower bound).
#pragma once

#include "specs/project_target.h"

#include <string>

namespace bakeoff::specs {

// 2*m*n*k: one multiply and one add per inner-product term.
double gemm_flops(double m, double n, double k);
// (m*k + k*n + m*n) * element bytes: A and B read once, C written once (beta = 0),
// the least traffic any GEMM can have. Output in the input precision.
double gemm_bytes(double m, double n, double k, double element_bytes);

struct RooflineResult {
    double flops = 0;
    double bytes = 0;
    double intensity = 0;     // flops per byte (0 when bytes == 0)
    Quantity compute_s;       // flops / peak (0 without FLOPs, needing no peak)
    Quantity memory_s;        // bytes / bandwidth
    Quantity time_s;          // the larger of the two
    Quantity achieved_tflops; // flops / time
    Quantity ridge;           // peak / bandwidth, flops per byte where the bounds meet
    std::string bound;        // "compute", "memory" or "" when unknown
};

RooflineResult roofline(double flops, double bytes, const ProjectTarget& target);

}  // namespace bakeoff::specs
