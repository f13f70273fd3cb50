// The ranks of an MPI job, as bakeoff uses them: who is where, the few
// exchanges the run needs (strings and times gathered to rank 0), check-ins
// with a deadline, and abort. MPI is named only in world.cpp and the
// collective runners; without an MPI launcher (or built without MPI) a World
// is a single rank and every exchange is local.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bakeoff::cluster {

class World {
public:
    // Initialises MPI when launched by an MPI launcher and built with MPI;
    // otherwise a single rank without MPI. Throws std::runtime_error when a
    // launcher is there but MPI cannot start.
    static std::unique_ptr<World> start();
    ~World();  // MPI_Finalize, unless aborted
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    bool mpi() const { return mpi_; }
    int rank() const { return rank_; }
    int size() const { return size_; }
    int local_rank() const { return local_rank_; }  // among the ranks on this host
    int local_size() const { return local_size_; }
    const std::string& host() const { return hosts_[std::size_t(rank_)]; }
    const std::vector<std::string>& hosts() const { return hosts_; }
    std::string library() const;  // "Open MPI v4.1.4, ..." (first line), "" without MPI
    // "rank 1 (host node07)"
    std::string who(int rank) const;

    // Every rank's string, in rank order, on every rank.
    std::vector<std::string> allgather(const std::string& mine) const;
    // Every rank's string on rank 0; an empty vector elsewhere.
    std::vector<std::string> gather(const std::string& mine) const;
    // Rank 0's string on every rank.
    std::string broadcast(const std::string& from_root) const;
    // Element-wise maximum / sum over ranks, on every rank.
    std::vector<double> allreduce_max(std::vector<double> v) const;
    std::int64_t allreduce_sum(std::int64_t v) const;
    std::int64_t allreduce_max(std::int64_t v) const;
    void barrier() const;

    // Every rank reaches the step called `what` within timeout_s. Ranks
    // report to rank 0, which answers once all have come. On a timeout rank 0
    // names the ranks that did not come, a waiting rank says rank 0 did not
    // answer, and the job is aborted: a dead or hung rank never hangs the
    // others forever.
    void checkin(const std::string& what, double timeout_s) const;

    // Ends every rank of the job (MPI_Abort) or, without MPI, this process.
    [[noreturn]] void abort(int code) const;

private:
    World() = default;
    bool mpi_ = false;
    int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
    std::vector<std::string> hosts_;
};

}  // namespace bakeoff::cluster
