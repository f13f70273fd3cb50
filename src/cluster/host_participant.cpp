// Collectives on host memory through MPI, timed with MPI_Wtime around the
// call: the call returns when this rank's part is done, as nccl-tests'
// blocking mode measures it.
#include "cluster/collective_data.h"
#include "cluster/participant.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#if BAKEOFF_HAVE_MPI
#include <mpi.h>
#endif

namespace bakeoff::cluster {

namespace {

#if BAKEOFF_HAVE_MPI
class HostParticipant final : public Participant {
public:
    HostParticipant(const ParticipantSpec& s, const std::string& library) : s_(s), library_(library) {
        if (s.buffers.send_elems > INT_MAX || s.buffers.recv_elems > INT_MAX)
            throw std::runtime_error("message too large for one MPI call (more than 2^31 elements)");
        send_.resize(s.buffers.send_elems);
        recv_.resize(s.buffers.recv_elems);
        fill_send(s.seed, s.rank, s.buffers, send_.data());
    }
    void poison() override { std::fill(recv_.begin(), recv_.end(), std::nanf("")); }
    double timed_run() override {
        const int c = int(s_.buffers.count), n = s_.nranks, r = s_.rank;
        const double t0 = MPI_Wtime();
        int rc = MPI_SUCCESS;
        switch (s_.kind) {
            case CollectiveKind::allreduce:
                rc = MPI_Allreduce(send_.data(), recv_.data(), c, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
                break;
            case CollectiveKind::allgather:
                rc = MPI_Allgather(send_.data(), c, MPI_FLOAT, recv_.data(), c, MPI_FLOAT, MPI_COMM_WORLD);
                break;
            case CollectiveKind::reduce_scatter:
                rc = MPI_Reduce_scatter_block(send_.data(), recv_.data(), c, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
                break;
            case CollectiveKind::alltoall:
                rc = MPI_Alltoall(send_.data(), c, MPI_FLOAT, recv_.data(), c, MPI_FLOAT, MPI_COMM_WORLD);
                break;
            case CollectiveKind::broadcast:
                rc = MPI_Bcast(r == 0 ? send_.data() : recv_.data(), c, MPI_FLOAT, 0, MPI_COMM_WORLD);
                break;
            case CollectiveKind::sendrecv:
                rc = MPI_Sendrecv(send_.data(), c, MPI_FLOAT, (r + 1) % n, 7, recv_.data(), c, MPI_FLOAT,
                                  (r + n - 1) % n, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                break;
        }
        const double t1 = MPI_Wtime();
        if (rc != MPI_SUCCESS) throw std::runtime_error(fmt::format("{} returned MPI error {}", call(), rc));
        return t1 - t0;
    }
    std::uint64_t verify(std::string* detail) override {
        // The broadcast root sends from its send buffer and receives nothing.
        if (s_.kind == CollectiveKind::broadcast && s_.rank == 0) return 0;
        return count_wrong(s_.kind, s_.seed, s_.rank, s_.nranks, s_.buffers, recv_.data(), detail);
    }
    std::string implementation() const override { return fmt::format("{} on host memory ({})", call(), library_); }

private:
    const char* call() const {
        switch (s_.kind) {
            case CollectiveKind::allreduce: return "MPI_Allreduce";
            case CollectiveKind::allgather: return "MPI_Allgather";
            case CollectiveKind::reduce_scatter: return "MPI_Reduce_scatter_block";
            case CollectiveKind::alltoall: return "MPI_Alltoall";
            case CollectiveKind::broadcast: return "MPI_Bcast";
            case CollectiveKind::sendrecv: return "MPI_Sendrecv";
        }
        return "MPI";
    }
    ParticipantSpec s_;
    std::string library_;
    std::vector<float> send_, recv_;
};
#endif

}  // namespace

std::unique_ptr<Participant> host_participant(const ParticipantSpec& s, const std::string& mpi_library) {
#if BAKEOFF_HAVE_MPI
    return std::make_unique<HostParticipant>(s, mpi_library);
#else
    (void)s;
    (void)mpi_library;
    throw Unavailable("this bakeoff was built without MPI");
#endif
}

}  // namespace bakeoff::cluster
