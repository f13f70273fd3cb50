#include "cluster/world.h"

#include "cluster/launcher.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#if BAKEOFF_HAVE_MPI
#include <mpi.h>
#endif

namespace bakeoff::cluster {

namespace {

std::string hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

#if BAKEOFF_HAVE_MPI
// World's own traffic (check-ins, gathers) runs on a duplicate of
// MPI_COMM_WORLD so it never matches a message of a measured collective.
MPI_Comm g_comm = MPI_COMM_NULL;

// Polls a set of requests until all completed or the deadline passed.
// Sleeps between polls: a waiting rank must not take a core from a working one.
bool wait_all_until(std::vector<MPI_Request>& reqs, std::chrono::steady_clock::time_point deadline) {
    auto nap = std::chrono::microseconds(50);
    for (;;) {
        int done = 0;
        MPI_Testall(int(reqs.size()), reqs.data(), &done, MPI_STATUSES_IGNORE);
        if (done) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(nap);
        nap = std::min(nap * 2, std::chrono::microseconds(2000));
    }
}
#endif

}  // namespace

std::unique_ptr<World> World::start() {
    std::unique_ptr<World> w(new World);
#if BAKEOFF_HAVE_MPI
    if (mpi_launcher()) {
        int provided = 0;
        // The watchdog thread may call MPI_Abort while the main thread is inside MPI.
        if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS)
            throw std::runtime_error("MPI_Init_thread failed");
        w->mpi_ = true;
        MPI_Comm_dup(MPI_COMM_WORLD, &g_comm);
        MPI_Comm_rank(MPI_COMM_WORLD, &w->rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &w->size_);
        MPI_Comm node;
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, w->rank_, MPI_INFO_NULL, &node);
        MPI_Comm_rank(node, &w->local_rank_);
        MPI_Comm_size(node, &w->local_size_);
        MPI_Comm_free(&node);
        w->hosts_ = w->allgather(hostname());
        return w;
    }
#endif
    w->hosts_ = {hostname()};
    return w;
}

World::~World() {
#if BAKEOFF_HAVE_MPI
    if (mpi_) {
        MPI_Comm_free(&g_comm);
        MPI_Finalize();
    }
#endif
}

std::string World::library() const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) {
        char buf[MPI_MAX_LIBRARY_VERSION_STRING] = {};
        int len = 0;
        MPI_Get_library_version(buf, &len);
        std::string s(buf, std::size_t(std::max(len, 0)));
        s = s.substr(0, s.find_first_of("\n\r"));
        if (auto c = s.find(", package"); c != std::string::npos) s = s.substr(0, c);
        return s;
    }
#endif
    return "";
}

std::string World::who(int r) const {
    const std::string& h = r >= 0 && std::size_t(r) < hosts_.size() ? hosts_[std::size_t(r)] : std::string("?");
    return fmt::format("rank {} (host {})", r, h);
}

std::vector<std::string> World::allgather(const std::string& mine) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) {
        int len = int(mine.size());
        std::vector<int> lens(static_cast<std::size_t>(size_)), offs(static_cast<std::size_t>(size_));
        MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, g_comm);
        int total = 0;
        for (int r = 0; r < size_; ++r) offs[std::size_t(r)] = total, total += lens[std::size_t(r)];
        std::string all(std::size_t(total), '\0');
        MPI_Allgatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR, g_comm);
        std::vector<std::string> out;
        for (int r = 0; r < size_; ++r) out.push_back(all.substr(std::size_t(offs[std::size_t(r)]), std::size_t(lens[std::size_t(r)])));
        return out;
    }
#endif
    return {mine};
}

std::vector<std::string> World::gather(const std::string& mine) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) {
        int len = int(mine.size());
        std::vector<int> lens(static_cast<std::size_t>(size_)), offs(static_cast<std::size_t>(size_));
        MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, g_comm);
        int total = 0;
        for (int r = 0; r < size_; ++r) offs[std::size_t(r)] = total, total += lens[std::size_t(r)];
        std::string all(std::size_t(rank_ == 0 ? total : 0), '\0');
        MPI_Gatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR, 0, g_comm);
        std::vector<std::string> out;
        if (rank_ == 0)
            for (int r = 0; r < size_; ++r)
                out.push_back(all.substr(std::size_t(offs[std::size_t(r)]), std::size_t(lens[std::size_t(r)])));
        return out;
    }
#endif
    return {mine};
}

std::string World::broadcast(const std::string& from_root) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) {
        long long len = rank_ == 0 ? (long long)from_root.size() : 0;
        MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, g_comm);
        std::string s = rank_ == 0 ? from_root : std::string(std::size_t(len), '\0');
        MPI_Bcast(s.data(), int(len), MPI_CHAR, 0, g_comm);
        return s;
    }
#endif
    return from_root;
}

std::vector<double> World::allreduce_max(std::vector<double> v) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_ && !v.empty()) MPI_Allreduce(MPI_IN_PLACE, v.data(), int(v.size()), MPI_DOUBLE, MPI_MAX, g_comm);
#endif
    return v;
}

std::int64_t World::allreduce_sum(std::int64_t v) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT64_T, MPI_SUM, g_comm);
#endif
    return v;
}

std::int64_t World::allreduce_max(std::int64_t v) const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT64_T, MPI_MAX, g_comm);
#endif
    return v;
}

void World::barrier() const {
#if BAKEOFF_HAVE_MPI
    if (mpi_) MPI_Barrier(g_comm);
#endif
}

void World::checkin(const std::string& what, double timeout_s) const {
#if BAKEOFF_HAVE_MPI
    if (!mpi_ || size_ < 2) return;
    static int seq = 0;
    const int tag = 100 + (seq++ % 30000);  // a check-in never matches an earlier one's messages
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto after = [&](double s) { return t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s)); };
    int token = 1;
    if (rank_ == 0) {
        std::vector<int> got(std::size_t(size_ - 1));
        std::vector<MPI_Request> reqs(std::size_t(size_ - 1));
        for (int r = 1; r < size_; ++r) MPI_Irecv(&got[std::size_t(r - 1)], 1, MPI_INT, r, tag, g_comm, &reqs[std::size_t(r - 1)]);
        if (!wait_all_until(reqs, after(timeout_s))) {
            std::string missing;
            for (int r = 1; r < size_; ++r) {
                int done = 0;
                if (reqs[std::size_t(r - 1)] != MPI_REQUEST_NULL) MPI_Test(&reqs[std::size_t(r - 1)], &done, MPI_STATUS_IGNORE);
                else done = 1;
                if (!done) missing += (missing.empty() ? "" : ", ") + who(r);
            }
            fmt::print(stderr, "bakeoff: {} did not reach {} within {:g} s (failed or hung); aborting all ranks\n", missing,
                       what, timeout_s);
            abort(1);
        }
        std::vector<MPI_Request> go(std::size_t(size_ - 1));
        for (int r = 1; r < size_; ++r) MPI_Isend(&token, 1, MPI_INT, r, tag, g_comm, &go[std::size_t(r - 1)]);
        MPI_Waitall(int(go.size()), go.data(), MPI_STATUSES_IGNORE);
    } else {
        int answer = 0;
        std::vector<MPI_Request> reqs(2);
        MPI_Isend(&token, 1, MPI_INT, 0, tag, g_comm, &reqs[0]);
        MPI_Irecv(&answer, 1, MPI_INT, 0, tag, g_comm, &reqs[1]);
        // Rank 0 knows who is missing: give it time to say so first.
        if (!wait_all_until(reqs, after(timeout_s * 1.5 + 2))) {
            fmt::print(stderr, "bakeoff: {}: rank 0 (host {}) did not release {} within {:g} s; aborting all ranks\n",
                       who(rank_), hosts_[0], what, timeout_s * 1.5 + 2);
            abort(1);
        }
    }
#else
    (void)what;
    (void)timeout_s;
#endif
}

void World::abort(int code) const {
    std::fflush(stdout);
    std::fflush(stderr);
#if BAKEOFF_HAVE_MPI
    if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
    std::_Exit(code);
}

}  // namespace bakeoff::cluster
