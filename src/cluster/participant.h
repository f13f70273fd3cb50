// This rank's side of one collective case: its buffers, one timed operation,
// and the check of what it received. The case runner (collective_case.h)
// drives every rank's participant in lockstep.
#pragma once

#include "core/backend.h"
#include "workloads/collective/bus_bandwidth.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace bakeoff::cluster {

// The case cannot run here for a reason that is not a failure (no device
// collectives in this backend, no local device): the record is skipped.
struct Unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Participant {
public:
    virtual ~Participant() = default;
    // Called on every rank after local set-up succeeded everywhere: join the
    // device communicator (id: rank 0's unique_id()); nothing for MPI.
    virtual std::string unique_id() { return ""; }
    virtual void connect(const std::string& id) {}
    // Fill the receive buffer with NaN so a run that writes nothing fails.
    virtual void poison() = 0;
    // One operation, in seconds. The caller has just synchronised the ranks.
    virtual double timed_run() = 0;
    // Wrong elements received by this rank in the last run; *detail says where.
    virtual std::uint64_t verify(std::string* detail) = 0;
    // What ran: "MPI_Allreduce (Open MPI v4.1.4)", "NCCL 2.27.3".
    virtual std::string implementation() const = 0;
};

struct ParticipantSpec {
    CollectiveKind kind = CollectiveKind::allreduce;
    CollectiveBuffers buffers;
    std::uint64_t seed = 0;
    int rank = 0, nranks = 1;
};

// Host memory through MPI. Throws std::bad_alloc, or std::runtime_error for a
// message MPI cannot count.
std::unique_ptr<Participant> host_participant(const ParticipantSpec& s, const std::string& mpi_library);

// The backend's device collectives (bk_backend.collectives) on device
// `device_index` of `backend`. Throws Unavailable when the backend has none
// (or the ABI has no such collective), BackendError when a call fails.
std::unique_ptr<Participant> device_participant(const ParticipantSpec& s, const Backend& backend, int device_index);

}  // namespace bakeoff::cluster
