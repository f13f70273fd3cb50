#include "specs/project_roofline.h"

#include <algorithm>

namespace bakeoff::specs {

double gemm_flops(double m, double n, double k) { return 2.0 * m * n * k; }

double gemm_bytes(double m, double n, double k, double element_bytes) {
    return (m * k + k * n + m * n) * element_bytes;
}

RooflineResult roofline(double flops, double bytes, const ProjectTarget& target) {
    RooflineResult r;
    r.flops = flops;
    r.bytes = bytes;
    r.intensity = bytes > 0 ? flops / bytes : 0;
    const Quantity peak = target.peak_tflops();
    const Quantity bw = target.bandwidth_gbs();

    if (flops <= 0) r.compute_s = Quantity::of(0);
    else if (peak) r.compute_s = Quantity::of(flops / (*peak.value * 1e12));
    else r.compute_s = Quantity::unknown(peak.missing);

    if (bytes <= 0) r.memory_s = Quantity::of(0);
    else if (bw) r.memory_s = Quantity::of(bytes / (*bw.value * 1e9));
    else r.memory_s = Quantity::unknown(bw.missing);

    if (peak && bw) r.ridge = Quantity::of(*peak.value * 1e12 / (*bw.value * 1e9));
    else r.ridge = Quantity::unknown(peak ? bw.missing : peak.missing);

    if (!r.compute_s) r.time_s = Quantity::unknown(r.compute_s.missing);
    else if (!r.memory_s) r.time_s = Quantity::unknown(r.memory_s.missing);
    else {
        const double c = *r.compute_s.value, m = *r.memory_s.value;
        r.time_s = Quantity::of(std::max(c, m));
        r.bound = c >= m ? "compute" : "memory";
        if (flops > 0 && *r.time_s.value > 0) r.achieved_tflops = Quantity::of(flops / *r.time_s.value / 1e12);
        else r.achieved_tflops = Quantity::of(0);
    }
    if (!r.time_s) r.achieved_tflops = Quantity::unknown(r.time_s.missing);
    return r;
}

}  // namespace bakeoff::specs
