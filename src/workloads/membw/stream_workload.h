// membw.copy | scale | add | triad | dot — the STREAM / BabelStream kernels.
//
// Size parameter: bytes per array. By default each array is at least twice
// the device's last-level cache (and at least 64 MiB), so the smallest working
// set (copy: two arrays) is >= 4x the LLC and the figure is a memory figure,
// not a cache figure. The smoke suite uses small arrays to stay fast and says
// so in its parameters ("cache_resident": true).
//
// Bytes counted per run (STREAM convention, write-allocate traffic not counted):
//   copy  out = a          2 N s      0 FLOP
//   scale out = q a        2 N s      N FLOP
//   add   out = a + b      3 N s      N FLOP
//   triad out = a + q b    3 N s      2N FLOP
//   dot   sum a b          2 N s      2N FLOP
// with N elements of s bytes. Metric: GB/s = bytes / seconds / 1e9.
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

enum class StreamKernel { copy, scale, add, triad, dot };

class StreamWorkload final : public Workload {
public:
    explicit StreamWorkload(StreamKernel k) : kernel_(k) {}
    std::string id() const override;
    BAKEOFF_WORKLOAD_OVERRIDES;

    // The scalar q of scale and triad (BabelStream's startScalar).
    static constexpr double kScalar = 0.4;
    // Arrays the kernel reads plus the one it writes.
    int arrays() const;

private:
    StreamKernel kernel_;
};

}  // namespace bakeoff
