// One collective case, run by every rank in lockstep: set-up agreed by all
// ranks (a rank that cannot take part makes the case skipped or failed for
// all, naming it), an untimed warm-up, timed samples until the time budget or
// the confidence target, and verification of every rank's received buffer.
//
// Timing: the ranks meet at a barrier, then each times the operation alone
// (MPI_Wtime around the MPI call; the backend's events for device
// collectives). A sample is the slowest rank's time for that iteration: the
// collective is done when its slowest rank is. Each rank's own times are kept
// in params.per_rank for the straggler view.
#pragma once

#include "cluster/world.h"
#include "core/backend.h"
#include "harness/runner.h"
#include "results/record.h"
#include "workloads/collective/collective_workload.h"

#include <cstdint>

namespace bakeoff::cluster {

struct CollectiveCase {
    const CollectiveWorkload* workload = nullptr;
    CaseSpec spec;                     // as rank 0 planned it
    const Backend* backend = nullptr;  // this rank's backend for the case; null when it lacks it
    bool host = true;                  // host memory through MPI, else the backend's device collectives
};

// The record is complete on rank 0; the other ranks get its status only.
Record run_collective_case(const World& world, const CollectiveCase& c, const RunOptions& o, std::uint64_t seed);

// The record of a case that does not run at all (no MPI launcher, one rank).
Record collective_record(const World& world, const CollectiveCase& c, std::uint64_t seed);

}  // namespace bakeoff::cluster
