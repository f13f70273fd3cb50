// The steps of `bakeoff run` (cluster::RunSession) driven in-process on the
// built-in CPU backend with the smoke suite's membw.copy cases: the records,
// the results file they are written to, and the errors each step gives.
#include "cluster/run_session.h"
#include "common/command_runner.h"
#include "cpu/cpu_backend.h"
#include "harness/isolation.h"
#include "results/results_file.h"
#include "results/validate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

using namespace bakeoff;
using cluster::RunConfig;
using cluster::RunSession;

namespace {

const PluginRegistry& cpu_registry() {
    static PluginRegistry reg;
    static const bool added = reg.add_builtin(bakeoff_cpu_backend());
    EXPECT_TRUE(added);
    return reg;
}

std::filesystem::path dir() {
    static const auto d = testing_support::scratch_dir("bakeoff-run-session");
    return d;
}

// One small membw case on the CPU, in this process, quick to measure.
RunConfig tiny(const std::string& file) {
    RunConfig c;
    c.selection.suite = "smoke";
    c.selection.workloads = {"membw.copy"};
    c.selection.dtypes = {"fp32"};
    c.selection.devices = {"cpu"};
    c.time_budget_s = 0.01;
    c.no_isolation = true;
    c.out = (dir() / file).string();
    c.command_line = {"bakeoff", "run", "(in-process test)"};
    return c;
}

}  // namespace

TEST(RunSession, StepsRunTheSelectedCasesAndWriteTheirRecords) {
    RunSession s(tiny("steps.json"), cpu_registry());
    s.select();
    ASSERT_FALSE(s.plan().empty());
    for (const auto& p : s.plan()) {
        EXPECT_EQ(p.workload->id(), "membw.copy");
        EXPECT_EQ(p.device.id(), "cpu:0");
    }
    EXPECT_TRUE(s.notes().empty());
    ASSERT_FALSE(s.start().has_value());
    ASSERT_EQ(s.used_devices().size(), 1u);
    EXPECT_EQ(s.chip_match("cpu:0").status, specs::MatchStatus::unknown_device);
    s.open_results();
    EXPECT_TRUE(std::filesystem::exists(s.out()));  // written before any case runs
    EXPECT_TRUE(read_results(s.out()).records.empty());

    std::size_t started = 0, finished = 0;
    s.run_cases({.started = [&](std::size_t i, const PlannedCase&) { EXPECT_EQ(i, started++); },
                 .finished = [&](Record& r) {
                     ++finished;
                     r.claim = {{"chip", nullptr}, {"reason", "test"}};
                 }});
    EXPECT_EQ(started, s.plan().size());
    EXPECT_EQ(finished, s.plan().size());
    s.run_collectives();  // none asked for: nothing added
    s.finish();
    EXPECT_FALSE(s.failed());
    EXPECT_FALSE(s.interrupted());
    EXPECT_TRUE(s.is_root());

    ASSERT_EQ(s.records().size(), s.plan().size());
    for (const auto& r : s.records()) {
        EXPECT_EQ(r.status, RecordStatus::ok) << r.id << ": " << r.reason;
        EXPECT_EQ(r.workload, "membw.copy");
        EXPECT_EQ(r.dtype, "fp32");
        EXPECT_EQ(r.device_id, "cpu:0");
        ASSERT_TRUE(r.stats.has_value()) << r.id;
        EXPECT_EQ(r.stats->n, r.samples_s.size());
        EXPECT_GE(r.samples_s.size(), 5u);
        EXPECT_EQ(r.claim["reason"], "test");  // the finished hook's annotation is kept
    }
    const auto file = read_results(s.out());
    EXPECT_EQ(file.records.size(), s.records().size());
    EXPECT_EQ(file.header["complete"], true);
    EXPECT_EQ(file.header["interrupted"], false);
    EXPECT_EQ(file.header["suite"], "smoke");
    EXPECT_EQ(file.header["isolation"], "in-process");
    EXPECT_TRUE(check_consistency(file).empty());
}

TEST(RunSession, TheCaseTimeoutDefaultIsComputedOnceFromTheBudget) {
    RunSession d(tiny("timeout-default.json"), cpu_registry());
    d.select();
    EXPECT_DOUBLE_EQ(d.options().time_budget_s, 0.01);
    EXPECT_DOUBLE_EQ(d.case_timeout_s(), default_case_timeout(0.01));
    auto c = tiny("timeout-given.json");
    c.case_timeout_s = 7;
    c.time_budget_s = 0;  // the smoke suite's own budget
    RunSession g(c, cpu_registry());
    g.select();
    EXPECT_DOUBLE_EQ(g.options().time_budget_s, default_time_budget(Suite::smoke));
    EXPECT_DOUBLE_EQ(g.case_timeout_s(), 7);
}

TEST(RunSession, AnInterruptStopsAfterTheCaseInProgress) {
    std::atomic<bool> stop{false};
    auto c = tiny("interrupted.json");
    c.selection.workloads = {"membw"};
    c.stop = &stop;
    RunSession s(c, cpu_registry());
    s.select();
    ASSERT_GT(s.plan().size(), 1u);
    ASSERT_FALSE(s.start().has_value());
    s.open_results();
    s.run_cases({.started = [&](std::size_t, const PlannedCase&) {}, .finished = [&](Record&) { stop = true; }});
    s.finish();
    EXPECT_TRUE(s.interrupted());
    EXPECT_EQ(s.records().size(), 1u);
    const auto file = read_results(s.out());
    EXPECT_EQ(file.header["complete"], false);
    EXPECT_EQ(file.header["interrupted"], true);
}

TEST(RunSession, BadValuesAreUsageErrorsAtTheirStep) {
    auto bad_dtype = tiny("x.json");
    bad_dtype.selection.dtypes = {"fp33"};
    RunSession a(bad_dtype, cpu_registry());
    EXPECT_THROW(a.select(), UsageError);

    auto bad_device = tiny("x.json");
    bad_device.selection.devices = {"gpu:7"};
    RunSession b(bad_device, cpu_registry());
    EXPECT_THROW(b.select(), UsageError);

    auto bad_chip = tiny("x.json");
    bad_chip.chip_overrides = {"no-such-chip"};
    RunSession c(bad_chip, cpu_registry());
    c.select();
    EXPECT_THROW(c.start(), UsageError);

    auto bad_out = tiny("x.json");
    bad_out.out = "/nonexistent-folder/x.json";
    RunSession d(bad_out, cpu_registry());
    d.select();
    ASSERT_FALSE(d.start().has_value());
    try {
        d.open_results();
        ADD_FAILURE() << "an unwritable --out was accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
    }

    // Filters that are each fine but select nothing: an empty plan, no error.
    auto none = tiny("x.json");
    none.selection.workloads = {"gemm"};
    none.selection.sizes = {"8x8x8"};
    none.selection.paths = {"vendor"};
    none.selection.dtypes = {"fp8"};
    RunSession e(none, cpu_registry());
    EXPECT_NO_THROW(e.select());
    EXPECT_TRUE(e.plan().empty());
}
