// Fault isolation for `bakeoff run`: each device's cases run in a worker
// process (`bakeoff worker`, started once per device and kept across cases),
// so a plugin that crashes or hangs costs one case, not the run. The worker
// that crashed, or ran past the case timeout, is replaced by a fresh one.
#pragma once

#include "harness/runner.h"
#include "harness/worker_process.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bakeoff {

// The default --case-timeout: generous next to the time budget, since the
// first case of a worker also loads plugins and opens the device, and setup
// and verification come on top of the timed samples.
double default_case_timeout(double time_budget_s);

class IsolatedRunner {
public:
    // worker_command: the command that starts a worker up to its options,
    // e.g. {"/proc/self/exe", "worker"}; "--device ID --seed S" are added.
    IsolatedRunner(std::vector<std::string> worker_command, std::uint64_t run_seed, double case_timeout_s);
    ~IsolatedRunner();

    // Like run_case, in the device's worker. A worker that dies or times out
    // gives a failed record saying so; an interrupt (o.stop) a skipped one;
    // an answer that is not the record of this case, or more than one,
    // "failed: protocol violation: ..." (and a fresh worker for the next case).
    Record run(const Workload& w, const CaseSpec& c, const DeviceInfo& d, const RunOptions& o);

private:
    struct Worker {
        std::unique_ptr<WorkerProcess> process;
        std::string token;  // the secret its answers start with (worker_protocol.h)
    };
    Worker& worker_for(const DeviceInfo& d);

    std::vector<std::string> command_;
    std::uint64_t seed_;
    double timeout_s_;
    std::map<std::string, Worker> workers_;
};

}  // namespace bakeoff
