// transfer.h2d | transfer.d2h — host-device copy bandwidth: one copy by the
// copy engine (BK_OP_TRANSFER) between a host buffer the backend allocates
// (host_buffer_alloc; pinned or pageable) and device memory.
//
// Size parameter: bytes per copy, 64 KiB to 1 GiB by suite; every size runs
// with pinned and with pageable host memory (the case id's size label says
// which: "64MiB-pinned"). Bytes counted: the size, once. Metric: GB/s =
// bytes / seconds / 1e9. Verification: the destination is compared byte for
// byte with the seeded pattern the source holds.
// Backends without host buffers report the cases unsupported; on a device
// that is the host there is no host-device copy, and the cases are n/a.
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

enum class TransferDirection { h2d, d2h };

class TransferWorkload final : public Workload {
public:
    explicit TransferWorkload(TransferDirection d) : dir_(d) {}
    std::string id() const override { return dir_ == TransferDirection::h2d ? "transfer.h2d" : "transfer.d2h"; }
    std::string description() const override;
    MetricDef metric(const CaseSpec& c) const override { return {"bandwidth", "GB/s", "bytes", 1e9}; }
    std::vector<CaseSpec> cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const override;
    WorkCounts counts(const CaseSpec& c) const override;
    std::uint64_t device_bytes(const CaseSpec& c) const override { return std::uint64_t(c.size); }
    std::vector<bk_op_desc> ops(const CaseSpec& c) const override;
    double peak(const CaseSpec& c, const DeviceInfo& device) const override { return 0; }
    std::unique_ptr<CaseInstance> prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const override;
    std::string not_applicable(const DeviceInfo& device) const override;

    // Byte i of the pattern for `seed`, generated in 1 MiB chunks so that a
    // check never needs the whole pattern in memory.
    static constexpr std::uint64_t kChunk = 1 << 20;
    static void pattern_chunk(std::uint64_t seed, std::uint64_t chunk, std::uint8_t* out, std::uint64_t bytes);

private:
    TransferDirection dir_;
};

}  // namespace bakeoff
