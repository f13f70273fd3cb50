// collective.* — collectives across the ranks of an MPI job (docs/collectives.md).
//
//   collective.allreduce, .allgather, .reduce_scatter, .alltoall, .broadcast,
//   .sendrecv: bus bandwidth in GB/s (nccl-tests conventions, bus_bandwidth.h)
//   collective.latency: time of one small point-to-point send/recv, in us
//
// These are Workloads for listing, filtering and the record's shape (metric,
// counts, parameters); they are run by the cluster runner (src/cluster), which
// holds the communicator, never by the per-device runner: prepare() refuses.
// A case on the CPU backend's first device moves host memory through MPI
// (path "portable"); a case on another backend's first device uses that
// backend's device collectives (bk_backend.collectives, path "vendor"), each
// rank on its local device. The number of ranks is a parameter the runner
// sets ("ranks"); counts() reads it, so a spec without it moves nothing.
//
// Data: fp32 holding small integers (seeded per rank), so every sum over any
// number of ranks is exact and verification counts wrong elements exactly.
#pragma once

#include "workloads/collective/bus_bandwidth.h"
#include "workloads/workload.h"

namespace bakeoff {

class CollectiveWorkload final : public Workload {
public:
    // latency = false: the bandwidth workload of `kind`; latency = true: the
    // point-to-point latency workload (kind is sendrecv).
    CollectiveWorkload(CollectiveKind kind, bool latency);
    std::string id() const override;
    std::string description() const override;
    MetricDef metric(const CaseSpec& c) const override;
    std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const override;
    WorkCounts counts(const CaseSpec& c) const override;
    std::uint64_t device_bytes(const CaseSpec& c) const override;
    std::vector<bk_op_desc> ops(const CaseSpec&) const override { return {}; }
    double peak(const CaseSpec&, const DeviceInfo&) const override { return 0; }
    std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const override;

    CollectiveKind kind() const { return kind_; }
    bool latency() const { return latency_; }
    // The buffers of a spec whose "ranks" parameter is set.
    CollectiveBuffers buffers(const CaseSpec& c) const;

private:
    CollectiveKind kind_;
    bool latency_;
};

// The collective workload behind a workload, or nullptr for any other.
const CollectiveWorkload* as_collective(const Workload* w);
// Number of ranks a spec was prepared for (its "ranks" parameter), 1 if unset.
int spec_ranks(const CaseSpec& c);

}  // namespace bakeoff
