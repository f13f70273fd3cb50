// latency.launch and transfer.h2d / transfer.d2h: their cases, metrics and
// patterns, and that a backend without the ops or host buffers records them as
// unsupported with the reason (here the test-only fake backend and the CPU
// backend, neither of which has BK_OP_EMPTY, BK_OP_TRANSFER or host buffers).
#include "common/fake_device.h"
#include "harness/runner.h"
#include "results/record.h"
#include "workloads/latency/transfer_workload.h"
#include "workloads/workload.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

using namespace bakeoff;

namespace {

using LatencyWorkloads = bakeoff::testing::FakeDeviceTest;

}  // namespace

TEST_F(LatencyWorkloads, TransferCaseIdsAreUniqueAcrossHostMemoryKinds) {
    for (const char* id : {"transfer.h2d", "transfer.d2h"}) {
        const Workload* w = find_workload(id);
        ASSERT_NE(w, nullptr) << id;
        for (Suite s : {Suite::smoke, Suite::quick, Suite::standard, Suite::full}) {
            const auto cases = w->cases(s, info_, {});
            ASSERT_FALSE(cases.empty());
            std::set<std::string> ids;
            std::set<std::string> kinds;
            for (const auto& c : cases) {
                ids.insert(c.id());
                kinds.insert(c.params.at("host_memory").get<std::string>());
                EXPECT_GE(c.size, 64 << 10);
                EXPECT_LE(c.size, std::int64_t(1) << 30);
                EXPECT_EQ(w->counts(c).bytes, double(c.size));
                EXPECT_EQ(w->ops(c).at(0).kind, BK_OP_TRANSFER);
            }
            EXPECT_EQ(ids.size(), cases.size()) << id;
            EXPECT_EQ(kinds, (std::set<std::string>{"pinned", "pageable"}));
        }
    }
}

TEST_F(LatencyWorkloads, LaunchLatencyIsMicrosecondsPerLaunchLowerIsBetter) {
    const Workload* w = find_workload("latency.launch");
    ASSERT_NE(w, nullptr);
    const auto cases = w->cases(Suite::quick, info_, {});
    ASSERT_EQ(cases.size(), 1u);
    const auto m = w->metric(cases[0]);
    EXPECT_EQ(m.unit, "us");
    EXPECT_EQ(m.basis, "items");
    EXPECT_TRUE(m.lower_is_better);
    EXPECT_EQ(w->counts(cases[0]).items, double(cases[0].size));
    const auto op = w->ops(cases[0]).at(0);
    EXPECT_EQ(op.kind, BK_OP_EMPTY);
    EXPECT_EQ(op.u.stream.n, cases[0].size);
    // 2 ms for 1000 launches is 2 us per launch.
    const std::vector<double> samples{2e-3};
    const auto v = metric_values(m, w->counts(cases[0]), samples);
    EXPECT_DOUBLE_EQ(v.at(0), 2e-3 * 1e6 / double(cases[0].size));
}

TEST_F(LatencyWorkloads, OtherDtypesSelectNoCase) {
    CaseChoice fp32;
    fp32.dtypes = {BK_F32};
    EXPECT_TRUE(find_workload("latency.launch")->cases(Suite::smoke, info_, fp32).empty());
    EXPECT_TRUE(find_workload("transfer.h2d")->cases(Suite::smoke, info_, fp32).empty());
}

TEST_F(LatencyWorkloads, PatternDependsOnSeedAndChunk) {
    std::vector<std::uint8_t> a(4096), b(4096), c(4096), d(4096);
    TransferWorkload::pattern_chunk(1, 0, a.data(), a.size());
    TransferWorkload::pattern_chunk(1, 0, b.data(), b.size());
    TransferWorkload::pattern_chunk(2, 0, c.data(), c.size());
    TransferWorkload::pattern_chunk(1, 1, d.data(), d.size());
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, d);
    std::set<std::uint8_t> values(a.begin(), a.end());
    EXPECT_GT(values.size(), 200u);  // not a constant fill
}

TEST_F(LatencyWorkloads, BackendWithoutTheOpsRecordsUnsupportedWithTheReason) {
    for (const char* id : {"latency.launch", "transfer.h2d", "transfer.d2h"}) {
        const Workload* w = find_workload(id);
        const auto c = w->cases(Suite::smoke, info_, {}).at(0);
        const Record r = run_case(*dev_, *w, c, 7, opts_);
        EXPECT_EQ(r.status, RecordStatus::unsupported) << id << ": " << r.reason;
        EXPECT_FALSE(r.reason.empty()) << id;
        EXPECT_FALSE(r.stats.has_value());
    }
}

TEST_F(LatencyWorkloads, HostBuffersWithoutHostBufferAllocAreUnsupported) {
    ASSERT_FALSE(Buffer::host_memory_supported(*dev_));
    try {
        Buffer b(*dev_, 4096, Buffer::HostMemory::pinned);
        FAIL() << "a host buffer was allocated by a backend without host_buffer_alloc";
    } catch (const BackendError& e) {
        EXPECT_EQ(e.status(), BK_UNSUPPORTED);
        EXPECT_NE(std::string(e.what()).find("host_buffer_alloc"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(info_.backend->name), std::string::npos) << e.what();
    }
}
