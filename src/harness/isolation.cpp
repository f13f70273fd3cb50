#include "harness/isolation.h"

#include "numeric/rng.h"
#include "harness/worker_protocol.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>

namespace bakeoff {

double default_case_timeout(double time_budget_s) { return 120.0 + 20.0 * time_budget_s; }

IsolatedRunner::IsolatedRunner(std::vector<std::string> worker_command, std::uint64_t run_seed, double case_timeout_s)
    : command_(std::move(worker_command)), seed_(run_seed), timeout_s_(case_timeout_s) {
    // A worker that died must not kill the supervisor through its stdin pipe.
    std::signal(SIGPIPE, SIG_IGN);
}

IsolatedRunner::~IsolatedRunner() = default;

IsolatedRunner::Worker& IsolatedRunner::worker_for(const DeviceInfo& d) {
    auto& slot = workers_[d.id()];
    if (!slot.process) {
        auto argv = command_;
        for (const std::string& a : {std::string("--device"), d.id(), std::string("--seed"), std::to_string(seed_)})
            argv.push_back(a);
        slot.token = new_worker_token();
        slot.process = std::make_unique<WorkerProcess>(argv);
        // The first line, read before the worker loads any plugin.
        slot.process->send_line(slot.token);
    }
    return slot;
}

Record IsolatedRunner::run(const Workload& w, const CaseSpec& c, const DeviceInfo& d, const RunOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    auto fail = [&](RecordStatus st, std::string reason) {
        Record r = make_record(w, c, d, derive_seed(seed_, c.id()));
        r.status = st;
        r.reason = std::move(reason);
        r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return r;
    };
    WorkerProcess* worker = nullptr;
    std::string token;
    try {
        Worker& w = worker_for(d);
        worker = w.process.get();
        token = w.token;
    } catch (const std::exception& e) {
        workers_.erase(d.id());
        return fail(RecordStatus::failed, fmt::format("cannot start a worker process: {}", e.what()));
    }
    auto drop_worker = [&] { workers_.erase(d.id()); };  // the next case starts a fresh one

    const CaseRequest req{c, o};
    std::string line;
    WorkerProcess::Wait got = WorkerProcess::Wait::died;
    // A line already waiting was not asked for: it answers no case.
    if (worker->has_pending_line()) {
        worker->kill_now();
        drop_worker();
        return fail(RecordStatus::failed, "protocol violation: the worker wrote a line no case asked for");
    }
    if (worker->send_line(case_request_to_json(req).dump())) got = worker->read_line(line, timeout_s_, o.stop);
    switch (got) {
        case WorkerProcess::Wait::line:
            try {
                return read_answer(line, token, c, d.id());
            } catch (const std::exception& e) {
                worker->kill_now();
                drop_worker();
                return fail(RecordStatus::failed, fmt::format("protocol violation: {}", e.what()));
            }
        case WorkerProcess::Wait::stopped:
            worker->kill_now();
            drop_worker();
            return fail(RecordStatus::skipped, "interrupted");
        case WorkerProcess::Wait::timed_out:
            worker->kill_now();
            drop_worker();
            return fail(RecordStatus::failed, fmt::format("timed out after {:g} s", timeout_s_));
        case WorkerProcess::Wait::died:
        default: {
            worker->kill_now();  // reaps it if send_line found it gone
            std::string why = worker->exit_description();
            drop_worker();
            return fail(RecordStatus::failed, why);
        }
    }
}

}  // namespace bakeoff
