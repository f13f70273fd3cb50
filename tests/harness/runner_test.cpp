// The runner against a test-only backend that can be told to misbehave: a
// planted wrong element and a skipped computation must both fail verification
// and carry no figure; a correct run must pass with consistent statistics.
#include "common/fake_device.h"
#include "harness/runner.h"
#include "results/validate.h"
#include "workloads/workload.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace bakeoff;

namespace {

class RunnerTest : public bakeoff::testing::FakeDeviceTest {
protected:
    void TearDown() override { ::unsetenv("BAKEOFF_FAKE_MODE"); }

    CaseSpec spec(const std::string& workload, bk_dtype t, std::int64_t size) {
        auto cases = find_workload(workload)->cases(Suite::smoke, info_, CaseChoice{{size}, {t}, {}, {}});
        for (auto& c : cases)
            if (c.path == BK_PATH_PORTABLE) return c;
        ADD_FAILURE() << "no portable case";
        return {};
    }

    Record run(const std::string& workload, bk_dtype t, std::int64_t size, const char* mode) {
        ::setenv("BAKEOFF_FAKE_MODE", mode, 1);
        return run_case(*dev_, *find_workload(workload), spec(workload, t, size), 7, opts_);
    }
};

}  // namespace

TEST_F(RunnerTest, CorrectStreamKernelsPassExactly) {
    for (const char* w : {"membw.copy", "membw.scale", "membw.add", "membw.triad", "membw.dot"}) {
        Record r = run(w, BK_F64, 1 << 16, "correct");
        EXPECT_EQ(r.status, RecordStatus::ok) << w << ": " << r.reason;
        ASSERT_TRUE(r.stats.has_value()) << w;
        EXPECT_GE(r.samples_s.size(), opts_.min_samples);
        EXPECT_EQ(r.stats->n, r.samples_s.size());
        EXPECT_TRUE(r.first_call_s.has_value());
    }
}

TEST_F(RunnerTest, PlantedWrongElementFailsStreamVerification) {
    Record r = run("membw.triad", BK_F64, 1 << 16, "wrong");
    EXPECT_EQ(r.status, RecordStatus::failed);
    EXPECT_FALSE(r.value().has_value());
    ASSERT_TRUE(r.verification.has_value());
    EXPECT_FALSE(r.verification->ok);
    EXPECT_NE(r.reason.find("1 of"), std::string::npos) << r.reason;
}

TEST_F(RunnerTest, PlantedWrongDotFails) {
    Record r = run("membw.dot", BK_F32, 1 << 16, "wrong");
    EXPECT_EQ(r.status, RecordStatus::failed) << r.reason;
}

TEST_F(RunnerTest, SkippedComputationFailsBecauseOutputsArePoisoned) {
    for (const char* w : {"membw.copy", "membw.dot"}) {
        Record r = run(w, BK_F32, 1 << 16, "skip");
        EXPECT_EQ(r.status, RecordStatus::failed) << w;
        EXPECT_FALSE(r.stats.has_value()) << w;
    }
    Record g = run("gemm", BK_F32, 33, "skip");
    EXPECT_EQ(g.status, RecordStatus::failed);
    EXPECT_NE(g.reason.find("not written"), std::string::npos) << g.reason;
}

TEST_F(RunnerTest, GemmCorrectPassesAndPlantedErrorFails) {
    Record ok = run("gemm", BK_F64, 47, "correct");
    EXPECT_EQ(ok.status, RecordStatus::ok) << ok.reason;
    ASSERT_TRUE(ok.verification.has_value());
    EXPECT_LE(ok.verification->error, ok.verification->tolerance);
    EXPECT_DOUBLE_EQ(ok.work.flops, 2.0 * 47 * 47 * 47);

    Record bad = run("gemm", BK_F32, 47, "wrong");
    EXPECT_EQ(bad.status, RecordStatus::failed);
    ASSERT_TRUE(bad.verification.has_value());
    EXPECT_GT(bad.verification->error, bad.verification->tolerance);
}

TEST_F(RunnerTest, UnsupportedPathIsReportedWithTheBackendsReason) {
    auto c = spec("gemm", BK_F32, 16);
    c.path = BK_PATH_VENDOR;
    Record r = run_case(*dev_, *find_workload("gemm"), c, 7, opts_);
    EXPECT_EQ(r.status, RecordStatus::unsupported);
    EXPECT_NE(r.reason.find("no vendor library"), std::string::npos) << r.reason;
    Record b = run("gemm", BK_BF16, 16, "correct");
    EXPECT_EQ(b.status, RecordStatus::unsupported);
}

TEST_F(RunnerTest, AbsurdSizeIsRefusedBeforeAllocating) {
    Record r = run("membw.copy", BK_F64, std::int64_t(1) << 50, "correct");
    EXPECT_EQ(r.status, RecordStatus::skipped);
    EXPECT_NE(r.reason.find("GiB"), std::string::npos) << r.reason;
}

TEST_F(RunnerTest, StopFlagAbandonsTheCase) {
    std::atomic<bool> stop{true};
    opts_.stop = &stop;
    Record r = run("membw.copy", BK_F64, 1 << 12, "correct");
    EXPECT_EQ(r.status, RecordStatus::skipped);
    EXPECT_EQ(r.reason, "interrupted");
}

TEST_F(RunnerTest, RecordsOfARunAreConsistentForValidate) {
    ResultsFile f;
    f.header = {{"tool", {}}, {"host", {}}, {"devices", nlohmann::json::array()}, {"created_utc", "x"},
                {"seed", 7}, {"command_line", {}}, {"complete", true}};
    f.records.push_back(run("membw.add", BK_F32, 1 << 14, "correct"));
    f.records.push_back(run("membw.add", BK_F64, 1 << 14, "wrong"));
    f.header["devices"] = {{{"id", f.records[0].device_id}}};  // the device the records ran on
    EXPECT_TRUE(check_consistency(f).empty());
}
