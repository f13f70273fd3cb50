// The collective workloads without MPI: nccl-tests' bus-bandwidth factors and
// sizes against hand-computed values, the exact verification data, and the
// workload's cases and counts, and how a launcher is recognised.
#include "cluster/collective_data.h"
#include "cluster/launcher.h"
#include "workloads/collective/bus_bandwidth.h"
#include "workloads/collective/collective_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <vector>

namespace bakeoff {
namespace {

TEST(BusBandwidth, FactorsFollowNcclTests) {
    // allreduce 2(n-1)/n: 2*1/2, 2*3/4, 2*7/8
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::allreduce, 2), 1.0);
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::allreduce, 4), 1.5);
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::allreduce, 8), 1.75);
    // allgather, reduce-scatter, alltoall (n-1)/n
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::allgather, 4), 0.75);
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::reduce_scatter, 8), 0.875);
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::alltoall, 2), 0.5);
    // broadcast and send/recv 1
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::broadcast, 16), 1.0);
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::sendrecv, 3), 1.0);
    // one rank moves nothing over a link
    EXPECT_DOUBLE_EQ(busbw_factor(CollectiveKind::allreduce, 1), 0.0);
}

TEST(BusBandwidth, AlgbwAndBusbwFromSizeAndTime) {
    // 1 GiB allreduce on 8 ranks in 0.5 s: algbw = 2^30 / 0.5 / 1e9 = 2.147483648 GB/s,
    // busbw = 2.147483648 x 1.75 = 3.758096384 GB/s.
    EXPECT_DOUBLE_EQ(algbw_gbs(1ull << 30, 0.5), 2.147483648);
    EXPECT_NEAR(busbw_gbs(CollectiveKind::allreduce, 8, 1ull << 30, 0.5), 3.758096384, 1e-12);
    // 64 MiB allgather on 4 ranks in 10 ms: 6.7108864 GB/s x 0.75 = 5.0331648 GB/s.
    EXPECT_NEAR(busbw_gbs(CollectiveKind::allgather, 4, 64ull << 20, 0.01), 5.0331648, 1e-12);
}

TEST(BusBandwidth, BuffersSplitTheMessageAsNcclTests) {
    // The fields each case checks; the others are left out (nullopt).
    struct Case {
        const char* what;
        CollectiveKind kind;
        std::uint64_t bytes;
        int ranks;
        std::optional<std::uint64_t> count, send_elems, recv_elems, message_bytes;
    };
    const std::nullopt_t any = std::nullopt;
    const Case cases[] = {
        {"allreduce: S is the per-rank buffer", CollectiveKind::allreduce, 4096, 4, 1024, 1024, 1024, 4096},
        {"allgather: S is the gathered buffer, count per rank", CollectiveKind::allgather, 4096, 4, 256, 256, 1024,
         4096},
        {"reduce-scatter: S is the send buffer", CollectiveKind::reduce_scatter, 4096, 4, any, 1024, 256, any},
        {"alltoall: count to each rank", CollectiveKind::alltoall, 4096, 4, 256, 1024, 1024, any},
        {"too small to split: one element each, and S says what really moved", CollectiveKind::allgather, 8, 4, 1,
         any, any, 16},
        {"rounded down to what the ranks split evenly", CollectiveKind::alltoall, 100, 3, 8, any, any, 96},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const auto b = collective_buffers(c.kind, c.bytes, c.ranks);
        if (c.count) EXPECT_EQ(b.count, *c.count);
        if (c.send_elems) EXPECT_EQ(b.send_elems, *c.send_elems);
        if (c.recv_elems) EXPECT_EQ(b.recv_elems, *c.recv_elems);
        if (c.message_bytes) EXPECT_EQ(b.message_bytes, *c.message_bytes);
    }
}

TEST(CollectiveData, InputsAreSmallIntegersDifferentPerRank) {
    std::set<float> seen;
    int differ = 0;
    for (std::uint64_t i = 0; i < 1000; ++i) {
        const float v = cluster::input_value(42, 0, i);
        EXPECT_EQ(v, std::round(v));
        EXPECT_LE(std::fabs(v), 100.0f);
        seen.insert(v);
        differ += v != cluster::input_value(42, 1, i);
    }
    EXPECT_GT(seen.size(), 100u);  // not a constant
    EXPECT_GT(differ, 900);        // ranks send different data
}

TEST(CollectiveData, ExpectedValuesAreTheSumsAndPieces) {
    const int n = 3;
    const std::uint64_t seed = 7;
    auto v = [&](int r, std::uint64_t i) { return cluster::input_value(seed, r, i); };
    auto b = collective_buffers(CollectiveKind::allreduce, 64, n);
    EXPECT_EQ(cluster::expected_value(CollectiveKind::allreduce, seed, 1, n, b, 5), v(0, 5) + v(1, 5) + v(2, 5));
    b = collective_buffers(CollectiveKind::reduce_scatter, 48, n);  // count 4
    EXPECT_EQ(cluster::expected_value(CollectiveKind::reduce_scatter, seed, 2, n, b, 1),
              v(0, 9) + v(1, 9) + v(2, 9));
    b = collective_buffers(CollectiveKind::allgather, 48, n);  // count 4: element 6 is rank 1's element 2
    EXPECT_EQ(cluster::expected_value(CollectiveKind::allgather, seed, 0, n, b, 6), v(1, 2));
    b = collective_buffers(CollectiveKind::alltoall, 48, n);  // rank 2 receives rank 1's block 2
    EXPECT_EQ(cluster::expected_value(CollectiveKind::alltoall, seed, 2, n, b, 5), v(1, 9));
    EXPECT_EQ(cluster::expected_value(CollectiveKind::broadcast, seed, 2, n, b, 3), v(0, 3));
    EXPECT_EQ(cluster::expected_value(CollectiveKind::sendrecv, seed, 0, n, b, 3), v(2, 3));
}

TEST(CollectiveData, CountWrongFindsEveryBadElement) {
    const int n = 2;
    auto b = collective_buffers(CollectiveKind::allreduce, 4096, n);
    std::vector<float> recv(b.recv_elems);
    for (std::uint64_t i = 0; i < b.recv_elems; ++i)
        recv[i] = cluster::input_value(1, 0, i) + cluster::input_value(1, 1, i);
    std::string detail;
    EXPECT_EQ(cluster::count_wrong(CollectiveKind::allreduce, 1, 0, n, b, recv.data(), &detail), 0u);
    recv[17] += 1;
    recv[900] = std::nanf("");  // an element nobody wrote
    EXPECT_EQ(cluster::count_wrong(CollectiveKind::allreduce, 1, 0, n, b, recv.data(), &detail), 2u);
    EXPECT_NE(detail.find("first at 17"), std::string::npos) << detail;
}

TEST(CollectiveWorkload, CasesBySuiteAndChoice) {
    CollectiveWorkload allreduce(CollectiveKind::allreduce, false);
    DeviceInfo dev;  // no backend: a device-collectives case
    auto quick = allreduce.cases(Suite::quick, dev, {});
    ASSERT_FALSE(quick.empty());
    EXPECT_EQ(quick.front().size, 8);
    EXPECT_EQ(quick.back().size, 64ll << 20);
    auto full = allreduce.cases(Suite::collective, dev, {});
    EXPECT_EQ(full.back().size, 1ll << 30);
    EXPECT_TRUE(allreduce.cases(Suite::smoke, dev, {}).empty());
    auto chosen = allreduce.cases(Suite::collective, dev, {{512, 4096}, {}, {}, {}});
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_EQ(chosen[1].size_label, "4KiB");
    EXPECT_EQ(chosen[1].path, BK_PATH_VENDOR);
    EXPECT_TRUE(allreduce.cases(Suite::collective, dev, {{}, {BK_F64}, {}, {}}).empty());
    dev.index = 1;  // one case per backend, on its first device
    EXPECT_TRUE(allreduce.cases(Suite::collective, dev, {}).empty());
}

TEST(CollectiveWorkload, CountsUseTheRanksOfTheRun) {
    CollectiveWorkload allreduce(CollectiveKind::allreduce, false);
    CaseSpec c;
    c.size = 1 << 20;
    c.params = {{"ranks", 4}};
    EXPECT_DOUBLE_EQ(allreduce.counts(c).bytes, 1.5 * (1 << 20));
    EXPECT_EQ(allreduce.metric(c).unit, "GB/s");
    CollectiveWorkload latency(CollectiveKind::sendrecv, true);
    EXPECT_TRUE(latency.metric(c).lower_is_better);
    EXPECT_EQ(latency.metric(c).unit, "us");
    EXPECT_DOUBLE_EQ(latency.counts(c).items, 1.0);
    EXPECT_EQ(latency.id(), "collective.latency");
}

// The launcher is recognised from its environment; a Slurm batch script's own
// shell (no job step) is not a rank.
TEST(Launcher, DetectedFromTheEnvironment) {
    const char* vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_STEP_ID"};
    std::vector<std::pair<std::string, std::string>> saved;
    for (const char* v : vars)
        if (const char* x = std::getenv(v)) saved.emplace_back(v, x);
    for (const char* v : vars) ::unsetenv(v);
    EXPECT_FALSE(cluster::mpi_launcher());
    ::setenv("SLURM_PROCID", "0", 1);
    ::setenv("SLURM_NTASKS", "2", 1);
    EXPECT_FALSE(cluster::mpi_launcher());
    ::setenv("SLURM_STEP_ID", "0", 1);
    EXPECT_EQ(cluster::mpi_launcher().value_or(""), "SLURM_PROCID");
    ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
    EXPECT_EQ(cluster::mpi_launcher().value_or(""), "OMPI_COMM_WORLD_SIZE");
    for (const char* v : vars) ::unsetenv(v);
    for (const auto& [k, v] : saved) ::setenv(k.c_str(), v.c_str(), 1);
}

}  // namespace
}  // namespace bakeoff
