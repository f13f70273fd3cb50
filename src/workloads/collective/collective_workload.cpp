#include "workloads/collective/collective_workload.h"

#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace bakeoff {

namespace {
constexpr std::int64_t kKiB = 1024, kMiB = 1024 * kKiB, kGiB = 1024 * kMiB;

// Message sizes by powers of 8 from 8 B, as nccl-tests' -f 8 sweeps.
std::vector<std::int64_t> sweep(std::int64_t largest) {
    std::vector<std::int64_t> s;
    for (std::int64_t b = 8; b <= largest; b *= 8) s.push_back(b);
    if (s.back() != largest) s.push_back(largest);
    return s;
}
}  // namespace

CollectiveWorkload::CollectiveWorkload(CollectiveKind kind, bool latency) : kind_(kind), latency_(latency) {}

std::string CollectiveWorkload::id() const {
    return latency_ ? "collective.latency" : fmt::format("collective.{}", collective_name(kind_));
}

std::string CollectiveWorkload::description() const {
    if (latency_) return "point-to-point send/recv latency between ranks (us), MPI launch only";
    return fmt::format("{} across ranks, bus bandwidth (nccl-tests conventions), MPI launch only",
                       collective_name(kind_));
}

MetricDef CollectiveWorkload::metric(const CaseSpec&) const {
    if (latency_) return {"latency", "us", "items", 1e6, true};
    return {"busbw", "GB/s", "bytes", 1e9};
}

std::vector<CaseSpec> CollectiveWorkload::cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const {
    // One case per backend: the runner picks each rank's local device.
    if (device.index != 0) return {};
    std::vector<std::int64_t> sizes;
    switch (suite) {
        case Suite::smoke: return {};
        case Suite::quick: sizes = sweep(64 * kMiB); break;
        case Suite::standard:
        case Suite::full:
        case Suite::collective: sizes = sweep(kGiB); break;
    }
    if (latency_) sizes = {8, 64, 512, 4 * kKiB};
    if (!choice.sizes.empty()) sizes = choice.sizes;
    if (!choice.allows(BK_F32))
        return {};
    const bool host = std::strcmp(device.backend ? device.backend->name.c_str() : "", "cpu") == 0;
    std::vector<CaseSpec> out;
    for (std::int64_t s : sizes) {
        CaseSpec c;
        c.workload = id();
        c.dtype = BK_F32;
        c.path = host ? BK_PATH_PORTABLE : BK_PATH_VENDOR;
        c.size = s;
        c.size_label = format_bytes(std::uint64_t(s));
        c.params = {{"collective", collective_name(kind_)},
                    {"dtype", "fp32"},
                    {"reduction", "sum"},
                    {"memory", host ? "host" : "device"},
                    {"transport", host ? "MPI on host memory" : "the backend's device collectives"}};
        out.push_back(std::move(c));
    }
    return out;
}

int spec_ranks(const CaseSpec& c) {
    if (c.params.is_object() && c.params.contains("ranks") && c.params["ranks"].is_number_integer())
        return c.params["ranks"].get<int>();
    return 1;
}

CollectiveBuffers CollectiveWorkload::buffers(const CaseSpec& c) const {
    return collective_buffers(kind_, std::uint64_t(c.size), spec_ranks(c));
}

WorkCounts CollectiveWorkload::counts(const CaseSpec& c) const {
    WorkCounts w;
    const auto b = buffers(c);
    if (latency_) {
        w.items = 1;  // one message each way per sample
        w.bytes = double(b.message_bytes);
    } else {
        w.bytes = double(b.message_bytes) * busbw_factor(kind_, spec_ranks(c));
    }
    return w;
}

std::uint64_t CollectiveWorkload::device_bytes(const CaseSpec& c) const {
    const auto b = buffers(c);
    return (b.send_elems + b.recv_elems) * 4;
}

std::unique_ptr<CaseInstance> CollectiveWorkload::prepare(Device&, const CaseSpec&, std::uint64_t) const {
    throw std::runtime_error(fmt::format("{} runs across ranks under an MPI launcher, not on one device", id()));
}

const CollectiveWorkload* as_collective(const Workload* w) { return dynamic_cast<const CollectiveWorkload*>(w); }

}  // namespace bakeoff
