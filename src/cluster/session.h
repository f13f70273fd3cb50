// `bakeoff run` under an MPI launcher (mpirun, srun): the one place the run
// command talks to. Without a launcher a Session is a single rank, the plan
// runs as before and collective cases become skipped records saying why.
//
// Under a launcher:
//  - start: MPI is initialised (only here: workers and other subcommands never
//    do), and every rank's bakeoff version, commit and options are compared;
//    a mismatch is one line naming the ranks and a non-zero exit.
//  - plan: each rank keeps its share of the devices of its host (device index
//    modulo the ranks on the host = its local rank; with one rank per host, all
//    of them) and runs those cases as usual, in workers; the collective cases
//    are taken out and run by every rank together afterwards, in rank 0's order.
//  - results: only rank 0 writes the file. After the per-device cases it
//    gathers every rank's records (device ids prefixed "rank<r>/", with rank and
//    host fields) and devices, and adds the `ranks` array to the header; then it
//    writes again after every collective case.
//  - failures: every step where ranks wait for each other has a deadline
//    (--rank-timeout): a check-in names the ranks that did not arrive, and a
//    watchdog aborts a collective that does not finish, naming this rank and
//    host. What finished is already in the file.
#pragma once

#include "cluster/collective_case.h"
#include "cluster/watchdog.h"
#include "cluster/world.h"
#include "harness/runner.h"
#include "harness/suite.h"
#include "results/results_file.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::cluster {

struct Options {
    double rank_timeout_s = 0;  // 0: the case timeout
};
// Adds --rank-timeout to `bakeoff run`.
void add_run_options(CLI::App& run, Options& o);

class Session {
public:
    // Never throws; failed_start() says whether the run must end.
    Session(const std::vector<std::string>& command_line, const Options& o);
    // Finalises MPI; a rank leaving before the collective phase aborts the job
    // instead, so the others do not wait for it.
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // The exit code when MPI could not start or the ranks disagree.
    std::optional<int> failed_start() const { return failed_start_; }
    bool is_root() const { return !world_ || world_->rank() == 0; }

    // Takes the collective cases out of `plan` (kept for run_collectives) and
    // leaves this rank's share of the device cases. Without MPI the collective
    // cases are kept only when asked for (`asked`: the collective suite or an
    // explicit --workload), to be recorded as skipped.
    void split_plan(std::vector<PlannedCase>& plan, bool asked);

    // Rank 0 (or a run without MPI) writes; the other ranks do not.
    void write(const std::string& out, const ResultsFile& f) const;

    // After the per-device cases: gathers every rank's records and devices into
    // rank 0's file, runs the collective cases and writes after each. Returns
    // whether a record failed (on rank 0: any rank's).
    bool run_collectives(ResultsFile& file, const std::string& out, const RunOptions& opts, std::uint64_t seed,
                         double case_timeout_s);

private:
    void gather_ranks(ResultsFile& file) const;
    void inject_test_fault(std::size_t case_index, bool in_case) const;

    Options options_;
    std::unique_ptr<World> world_;
    std::unique_ptr<Watchdog> watchdog_;
    std::optional<int> failed_start_;
    bool finished_ = false;
    std::size_t max_device_cases_ = 0;  // over ranks, for the deadline of the per-device phase
    std::vector<CollectiveCase> collectives_;
    std::string out_;  // the results file, named when a watchdog aborts
};

}  // namespace bakeoff::cluster
