// `bakeoff run` as named steps, so the command is only flags and printing and
// a test can drive a run in-process:
//
//   RunSession s(config, registry);
//   s.select();            // cases and devices (harness/selection.h); UsageError
//   s.start();             // MPI (cluster::Session), this rank's share, chips
//   s.open_results();      // the results file and its header, written now
//   s.run_cases(hooks);    // each case, the file rewritten after each
//   s.run_collectives();   // the collective cases, across ranks
//   s.finish();            // complete/interrupted in the header, last write
//
// then records(), used_devices(), chip_match() and failed()/interrupted() are
// what the summary is made of. A step throws UsageError for a value the user
// gave that cannot be used (exit 2) and std::exception for anything else
// (exit 1); start() returns an exit code when MPI could not start.
#pragma once

#include "cluster/session.h"
#include "core/plugin_registry.h"
#include "harness/isolation.h"
#include "harness/runner.h"
#include "harness/selection.h"
#include "results/results_file.h"
#include "specs/chip_db.h"
#include "specs/device_match.h"
#include "specs/prices.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::cluster {

struct RunConfig {
    SelectionArgs selection;
    std::uint64_t seed = 42;
    std::string out;                 // "" = bakeoff-<UTC time>.json
    double time_budget_s = 0;        // 0: by suite (default_time_budget)
    double target_ci_percent = 2.0;
    double case_timeout_s = 0;       // 0: default_case_timeout(time budget)
    bool no_isolation = false;       // run cases in this process
    std::vector<std::string> chip_overrides;  // "ID" for every device, or "DEVICE=ID"
    std::string chips_file, prices_file;
    Options cluster;                 // --rank-timeout
    std::vector<std::string> command_line;    // recorded in the header; compared across MPI ranks
    // Set by SIGINT/SIGTERM (the command passes install_interrupt_handlers());
    // null: never interrupted.
    const std::atomic<bool>* stop = nullptr;
};

// What run_cases tells its caller (the command's progress line, the claim).
struct CaseHooks {
    std::function<void(std::size_t index, const PlannedCase&)> started;
    // Called with each finished record before it is kept and written.
    std::function<void(Record&)> finished;
};

class RunSession {
public:
    RunSession(RunConfig config, const PluginRegistry& registry);
    ~RunSession();
    RunSession(const RunSession&) = delete;
    RunSession& operator=(const RunSession&) = delete;

    // Checks the filters and plans the cases on the selected devices; notes()
    // are the --dtype lines to show. An empty plan is left to the caller (the
    // command says why, in one line).
    void select();
    const std::vector<std::string>& notes() const { return selection_.notes; }

    // Starts the MPI session (a single rank without a launcher) and keeps this
    // rank's share of the plan; loads the chip database and prices and matches
    // every device to a chip. Returns the exit code when MPI could not start.
    std::optional<int> start();
    const std::vector<PlannedCase>& plan() const { return selection_.plan; }

    // The results file with its header, written now so an unwritable --out
    // fails before any measuring (a UsageError naming --out).
    void open_results();
    const std::string& out() const { return out_; }

    // Runs each planned case (in a worker per device unless no_isolation) and
    // rewrites the file after each; stops early on an interrupt.
    void run_cases(const CaseHooks& hooks = {});

    // The collective cases, across ranks (skipped records without MPI).
    void run_collectives();

    // Marks the header complete or interrupted and writes the file a last time.
    void finish();

    // Rank 0 (or a run without MPI) reports for every rank.
    bool is_root() const { return cluster_->is_root(); }
    const std::vector<Record>& records() const { return file_.records; }
    const ResultsFile& results() const { return file_; }
    // The devices this rank has cases on, in the registry's order.
    const std::vector<DeviceInfo>& used_devices() const { return used_; }
    const specs::DeviceMatch& chip_match(const std::string& device_id) const { return matches_.at(device_id); }
    const specs::PriceList* prices() const { return prices_ ? &*prices_ : nullptr; }
    const RunOptions& options() const { return options_; }
    double case_timeout_s() const { return case_timeout_s_; }
    bool failed() const { return failed_; }
    bool interrupted() const { return options_.stop && options_.stop->load(); }

private:
    Device& device_for(const DeviceInfo& info);

    RunConfig config_;
    const PluginRegistry& registry_;
    Selection selection_;
    RunOptions options_;
    double case_timeout_s_ = 0;
    std::unique_ptr<Session> cluster_;
    specs::ChipDatabase chips_;
    std::optional<specs::PriceList> prices_;
    std::map<std::string, specs::DeviceMatch> matches_;
    std::vector<DeviceInfo> used_;
    ResultsFile file_;
    std::string out_;
    std::optional<IsolatedRunner> isolated_;
    std::vector<std::unique_ptr<Device>> open_;  // --no-isolation: devices opened in this process
    bool failed_ = false;
};

}  // namespace bakeoff::cluster
