// Runs one case on one device: support and memory checks, setup, an untimed
// warm-up (its time recorded on its own as first_call_s), timed samples until
// the median's 95 % CI is tight enough or the time budget is spent, then
// verification. Every outcome becomes a Record; nothing here throws.
#pragma once

#include "numeric/statistics.h"
#include "results/record.h"
#include "workloads/workload.h"

#include <atomic>
#include <cstdint>

namespace bakeoff {

struct RunOptions {
    double time_budget_s = 1.0;    // per case, for timed samples (warm-up and verification excluded)
    std::size_t min_samples = 5;
    std::size_t max_samples = 100000;
    double target_rel_ci = 0.02;   // stop once the CI half-width <= 2 % of the median
    const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM: abandon the case
};

// The stopping rule's bookkeeping: whether the median's 95 % CI is within
// `target_rel_ci` of the median yet (docs/methodology.md, "Statistics").
// A check sorts in the values added since the last one and runs the O(n)
// rank search, so checking after every sample would cost O(n) per sample,
// O(N^2) over a case; the CI is checked at every sample from min_samples up to
// 64, then once per n/32 new samples. Over N samples that is about
// 64 + 32 ln(N/64) checks (307 for 100,000), O(N log N) together, and a case
// stops at most n/32 samples (3 %) after the first count at which the CI was
// tight. A check decides exactly as relative_ci_halfwidth over all the values.
class StoppingRule {
public:
    StoppingRule(double target_rel_ci, std::size_t min_samples);
    // Takes one sample's metric value; true when a check finds the CI tight.
    bool add(double value);
    std::size_t checks() const { return checks_; }

private:
    stats::SortedSample values_;
    double target_;
    std::size_t next_check_;
    std::size_t checks_ = 0;
};

// A record with everything the case's spec says, status not yet decided.
Record make_record(const Workload& w, const CaseSpec& c, const DeviceInfo& d, std::uint64_t seed);

Record run_case(Device& device, const Workload& w, const CaseSpec& c, std::uint64_t run_seed, const RunOptions& o);

// Sanity checks of a timed run, "" when it passes. A device time longer than
// the host's wall time around it (beyond 5 % + 50 us), or below 30 % of a host
// wall time of 20 ms or more, means the backend's timer is wrong.
std::string timer_inconsistency(double device_s, double host_s);
// A median more than 10 % above a known theoretical peak (0 = unknown).
std::string above_peak(double median, double peak, const std::string& unit);

// Bytes a case needs free before it is allocated (device memory, plus the host
// copies the workload keeps for verification); why it does not fit, or "".
std::string memory_refusal(const Workload& w, const CaseSpec& c, const DeviceInfo& d, std::uint64_t host_available);

}  // namespace bakeoff
