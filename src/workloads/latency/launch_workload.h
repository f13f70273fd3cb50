// latency.launch — how long one kernel launch takes: n empty kernels launched
// back to back on one stream (BK_OP_EMPTY), timed as a whole.
//
// Size parameter: launches per run. Metric: latency in microseconds per
// launch = seconds * 1e6 / launches (lower is better). Nothing is computed,
// so verification only confirms that the run completed; the figure is a time
// per launch, and the harness's timer checks still apply.
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

class LaunchLatencyWorkload final : public Workload {
public:
    std::string id() const override { return "latency.launch"; }
    std::string description() const override;
    MetricDef metric(const CaseSpec& c) const override;
    std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const override;
    WorkCounts counts(const CaseSpec& c) const override;
    std::uint64_t device_bytes(const CaseSpec& c) const override { return 0; }
    std::vector<bk_op_desc> ops(const CaseSpec& c) const override;
    double peak(const CaseSpec& c, const DeviceInfo& device) const override { return 0; }
    std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const override;
    // n/a on a device that is the host: a launch there is work handed to the
    // host's own threads, not a command sent to another processor.
    std::string not_applicable(const DeviceInfo& device) const override;
};

}  // namespace bakeoff
