#include "workloads/latency/launch_workload.h"

#include "workloads/op_desc.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bakeoff {

namespace {

class LaunchCase final : public CaseInstance {
public:
    explicit LaunchCase(bk_op_desc op) : op_(op) {}
    void poison() override {}  // no output
    void run(Stream& s) override { s.launch(op_, {}); }
    Verification verify() override {
        // The stream was synchronized after the run with no error: every
        // launch was accepted and completed. There is no output to compare.
        Verification v;
        v.ok = true;
        v.method = "no output: empty kernels compute nothing; the run completed without an error";
        v.measure = "none";
        return v;
    }
    bk_op_desc main_op() const override { return op_; }

private:
    bk_op_desc op_;
};

}  // namespace

std::string LaunchLatencyWorkload::description() const {
    return "launch latency: n empty kernels back to back, time per launch";
}

MetricDef LaunchLatencyWorkload::metric(const CaseSpec&) const { return {"latency", "us", "items", 1e6, true}; }

std::vector<CaseSpec> LaunchLatencyWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::int64_t> launches;
    switch (suite) {
        case Suite::smoke: launches = {100}; break;
        case Suite::quick: launches = {1000}; break;
        case Suite::standard:
        case Suite::full: launches = {1000, 10000}; break;
        case Suite::collective: return {};
    }
    if (!choice.sizes.empty()) launches = choice.sizes;
    // The op has no data type; it is listed as u8 and other dtypes select nothing.
    if (!choice.allows(BK_U8))
        return {};
    std::vector<CaseSpec> out;
    for (std::int64_t n : launches) {
        out.push_back({.workload = id(),
                       .dtype = BK_U8,
                       .path = BK_PATH_PORTABLE,
                       .size = n,
                       .size_label = std::to_string(n),
                       .params = {{"launches", n}, {"kernel", "empty, one thread"}}});
    }
    return out;
}

std::string LaunchLatencyWorkload::not_applicable(const DeviceInfo& device) const {
    if (!device.is_host()) return {};
    return "the device is the host: a launch is work handed to the host's own threads, so there is no device "
           "launch latency to measure";
}

WorkCounts LaunchLatencyWorkload::counts(const CaseSpec& c) const {
    WorkCounts w;
    w.items = double(c.size);
    return w;
}

std::vector<bk_op_desc> LaunchLatencyWorkload::ops(const CaseSpec& c) const {
    return {stream_op(BK_OP_EMPTY, BK_U8, c.path, c.size)};
}

std::unique_ptr<CaseInstance> LaunchLatencyWorkload::prepare(Device&, const CaseSpec& c, std::uint64_t) const {
    if (c.size < 1) throw std::invalid_argument(fmt::format("{}: launches must be at least 1", id()));
    return std::make_unique<LaunchCase>(ops(c).front());
}

}  // namespace bakeoff
