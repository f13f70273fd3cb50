// bakeoff worker (hidden): the process `bakeoff run` runs one device's cases
// in (src/harness/isolation.h). It reads case requests, one JSON line each,
// on stdin and answers each with the case's Record as one JSON line. The
// device is opened on the first case and kept until stdin ends. A plugin that
// crashes or hangs takes only this process down; the supervisor notices.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "harness/runner.h"
#include "harness/worker_protocol.h"
#include "results/record.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <memory>

namespace bakeoff::cli {

namespace {

struct WorkerArgs {
    std::string device;
    std::uint64_t seed = 42;
    std::vector<std::string> skip_plugins;  // refused by the supervisor's probe
};

bool write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += std::size_t(n);
    }
    return true;
}

int work(const WorkerArgs& a) {
    // The answers get a descriptor of their own; whatever a plugin prints on
    // stdout goes to stderr instead of into the protocol.
    const int answers = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (answers < 0 || ::dup2(2, 1) < 0) {
        fmt::print(stderr, "bakeoff worker: cannot set up its output\n");
        return 1;
    }
    // The secret the answers start with comes first, before any plugin code
    // runs in this process (worker_protocol.h).
    std::string token;
    if (!std::getline(std::cin, token) || token.empty()) {
        fmt::print(stderr, "bakeoff worker: no token on standard input\n");
        return 2;
    }
    // The supervisor probed every plugin and reported the refused ones; the
    // others load here without a second probe.
    auto reg = load_default_registry(a.skip_plugins, false);
    const DeviceInfo* info = nullptr;
    const auto devices = reg->devices();
    for (const auto& d : devices)
        if (d.id() == a.device) info = &d;
    if (!info) {
        fmt::print(stderr, "bakeoff worker: no device '{}'\n", a.device);
        return 2;
    }
    std::unique_ptr<Device> device;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        CaseRequest req;
        const Workload* w = nullptr;
        try {
            req = case_request_from_json(nlohmann::json::parse(line));
            w = find_workload(req.spec.workload);
            if (!w) throw std::runtime_error("unknown workload " + req.spec.workload);
        } catch (const std::exception& e) {
            fmt::print(stderr, "bakeoff worker: {}\n", e.what());
            return 2;
        }
        Record r;
        try {
            if (!device) device = std::make_unique<Device>(*info);
            r = run_case(*device, *w, req.spec, a.seed, req.options);
        } catch (const std::exception& e) {  // the device itself failed to open
            r = make_record(*w, req.spec, *info, a.seed);
            r.status = RecordStatus::failed;
            r.reason = e.what();
        }
        if (!write_all(answers, answer_line(token, r) + "\n")) return 1;
    }
    return 0;
}

}  // namespace

Subcommand add_worker_command(CLI::App& parent) {
    auto a = std::make_shared<WorkerArgs>();
    auto* sub = parent.add_subcommand("worker", "Run one device's cases for 'bakeoff run' (internal)");
    sub->group("");  // hidden from --help
    sub->add_option("--device", a->device, "Device id")->required();
    sub->add_option("--seed", a->seed, "Seed of the run");
    sub->add_option("--skip-plugin", a->skip_plugins, "A plugin file not to load (refused by the supervisor)");
    return {sub, [a]() { return work(*a); }};
}

}  // namespace bakeoff::cli
