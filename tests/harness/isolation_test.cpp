// Fault isolation end to end: `bakeoff run` against the test-only fake
// backend told to misbehave per op. Each fault must cost only its own case,
// labelled with what happened, and leave the good records intact.
#include "common/command_runner.h"
#include "harness/runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using Result = bakeoff::testing_support::CommandResult;
using bakeoff::testing_support::slurp;

// `bakeoff ARGS` with the test plugins on the search path and ENV set.
const bakeoff::testing_support::BakeoffInScratch& bakeoff_iso() {
    static const bakeoff::testing_support::BakeoffInScratch b(
        "bakeoff-iso", "BAKEOFF_PLUGIN_PATH='" BAKEOFF_TEST_PLUGIN_DIR "'");
    return b;
}
fs::path work_dir() { return bakeoff_iso().dir; }
Result run_bakeoff(const std::string& env, const std::string& args) { return bakeoff_iso()(args, env); }

// Records of a results file by workload id (the fake runs one case per
// workload with --dtype fp32 --path portable).
std::map<std::string, nlohmann::json> by_workload(const nlohmann::json& doc) {
    std::map<std::string, nlohmann::json> m;
    for (const auto& r : doc["records"]) m[r["workload"].get<std::string>()] = r;
    return m;
}

bool starts_with(const nlohmann::json& s, const std::string& prefix) {
    return s.is_string() && s.get<std::string>().rfind(prefix, 0) == 0;
}

void expect_ok_with_figure(const nlohmann::json& r) {
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_TRUE(r["statistics"].is_object()) << r.dump();
    EXPECT_GT(r["statistics"]["median"].get<double>(), 0);
}

void expect_failed(const nlohmann::json& r, const std::string& reason_prefix) {
    EXPECT_EQ(r["status"], "failed") << r.dump();
    EXPECT_TRUE(starts_with(r["reason"], reason_prefix)) << r["reason"];
    EXPECT_TRUE(r["statistics"].is_null()) << r.dump();
}

const std::string kFake = "run --device fake --suite smoke --dtype fp32 --path portable --quiet ";

}  // namespace

TEST(Isolation, EveryFaultLabelledAndGoodRecordsKeptInOneRun) {
    const auto file = work_dir() / "faults.json";
    auto run = run_bakeoff("BAKEOFF_FAKE_FAULT=triad:wrong,gemm:crash,dot:hang,scale:fast_timer",
                       kFake + "--case-timeout 3 --out '" + file.string() + "'");
    EXPECT_EQ(run.code, 1) << run.out << run.err;  // failures, not a crash of the run
    auto doc = nlohmann::json::parse(slurp(file));
    EXPECT_EQ(doc["complete"], true);
    auto recs = by_workload(doc);
    ASSERT_EQ(recs.size(), 6u) << doc.dump(1);
    expect_ok_with_figure(recs["membw.copy"]);
    expect_ok_with_figure(recs["membw.add"]);
    expect_failed(recs["membw.triad"], "verification failed");
    expect_failed(recs["gemm"], "crashed (signal 11: SIGSEGV)");
    expect_failed(recs["membw.dot"], "timed out after 3 s");
    expect_failed(recs["membw.scale"], "timer inconsistent: device says");
    // A failed record made by the supervisor still has the case's fields.
    EXPECT_EQ(recs["gemm"]["device"]["id"], "fake:0");
    EXPECT_GT(recs["gemm"]["work"]["flops"].get<double>(), 0) << recs["gemm"].dump();
    auto val = run_bakeoff("", "validate '" + file.string() + "'");
    EXPECT_EQ(val.code, 0) << val.out << val.err;
}

TEST(Isolation, RunGoesOnOnAFreshWorkerAfterEachCrash) {
    const auto file = work_dir() / "crashes.json";
    auto run = run_bakeoff("BAKEOFF_FAKE_FAULT=copy:crash,add:abort,dot:exit",
                       kFake + "--workload membw --out '" + file.string() + "'");
    EXPECT_EQ(run.code, 1) << run.err;
    auto doc = nlohmann::json::parse(slurp(file));
    const auto& r = doc["records"];
    ASSERT_EQ(r.size(), 5u) << doc.dump(1);
    // Plan order: copy (crashes), scale, add (aborts), triad, dot (exits).
    EXPECT_EQ(r[0]["workload"], "membw.copy");
    expect_failed(r[0], "crashed (signal 11: SIGSEGV)");
    expect_ok_with_figure(r[1]);
    EXPECT_EQ(r[2]["workload"], "membw.add");
    expect_failed(r[2], "crashed (signal 6: SIGABRT)");
    expect_ok_with_figure(r[3]);
    EXPECT_EQ(r[4]["workload"], "membw.dot");
    expect_failed(r[4], "worker exited with status 3");
    EXPECT_EQ(run_bakeoff("", "validate '" + file.string() + "'").code, 0);
}

TEST(Isolation, NoIsolationRunsInProcess) {
    const auto file = work_dir() / "inproc.json";
    auto run = run_bakeoff("BAKEOFF_FAKE_FAULT=triad:wrong",
                       kFake + "--workload membw --no-isolation --out '" + file.string() + "'");
    EXPECT_EQ(run.code, 1) << run.err;
    auto recs = by_workload(nlohmann::json::parse(slurp(file)));
    ASSERT_EQ(recs.size(), 5u);
    for (const char* w : {"membw.copy", "membw.scale", "membw.add", "membw.dot"}) expect_ok_with_figure(recs[w]);
    expect_failed(recs["membw.triad"], "verification failed");
    // In process, nothing protects the run: a crash ends it.
    auto crash = run_bakeoff("BAKEOFF_FAKE_FAULT=copy:crash",
                         kFake + "--workload membw --no-isolation --out '" + (work_dir() / "x.json").string() + "'");
    EXPECT_EQ(crash.code, 128 + 11) << crash.err;
}

TEST(Isolation, ResultAbovePeakFails) {
    const auto file = work_dir() / "peak.json";
    auto run = run_bakeoff("BAKEOFF_FAKE_PEAK_GFLOPS=0.000001", kFake + "--workload gemm --out '" + file.string() + "'");
    EXPECT_EQ(run.code, 1) << run.err;
    auto recs = by_workload(nlohmann::json::parse(slurp(file)));
    expect_failed(recs["gemm"], "faster than the device's theoretical peak (1e-06 GFLOP/s)");
    // With the peak the fake normally claims, the same case is ok.
    auto good = run_bakeoff("", kFake + "--workload gemm --out '" + file.string() + "'");
    EXPECT_EQ(good.code, 0) << good.err;
}

// A plugin that fails while it loads is left out with the reason, and the
// other devices run: `run` exits as it would without it, `devices` lists it
// as refused. Before the probe, each of these ended `run` before any case.
TEST(Isolation, APluginFailingAtLoadIsRefusedAndTheCpuStillRuns) {
    struct Fault {
        std::string env, reason;
    };
    const Fault faults[] = {
        {"BAKEOFF_FAKE_LOAD_FAULT=load:abort", "crashed while loading (SIGABRT)"},
        {"BAKEOFF_FAKE_LOAD_FAULT=load:exit", "exited with status 0 while loading"},
        {"BAKEOFF_FAKE_LOAD_FAULT=init:crash", "crashed in init() (SIGSEGV)"},
        {"BAKEOFF_FAKE_LOAD_FAULT=props:fail", "device 0 properties failed"},
        {"BAKEOFF_FAKE_LOAD_FAULT=props:hang BAKEOFF_PLUGIN_PROBE_TIMEOUT=1", "hung in device_props(0) (no answer within 1 s)"},
    };
    for (const auto& f : faults) {
        const auto file = work_dir() / "load-fault.json";
        fs::remove(file);
        auto run = run_bakeoff(f.env, "run --device cpu --suite smoke --workload membw.copy --dtype fp32 --quiet --out '" +
                                          file.string() + "'");
        EXPECT_EQ(run.code, 0) << f.env << run.out << run.err;
        EXPECT_NE(run.err.find("libbakeoff_fake.so: " + f.reason), std::string::npos) << f.env << run.err;
        ASSERT_TRUE(fs::exists(file)) << f.env;
        auto doc = nlohmann::json::parse(slurp(file));
        bool cpu = false;
        for (const auto& r : doc["records"]) {
            EXPECT_NE(r["device"]["backend"], "fake") << r.dump();
            cpu = cpu || (r["device"]["id"] == "cpu:0" && r["status"] == "ok");
        }
        EXPECT_TRUE(cpu) << f.env << doc.dump(1);
        auto devices = run_bakeoff(f.env, "devices");
        EXPECT_EQ(devices.code, 0) << devices.err;
        EXPECT_NE(devices.out.find("plugin refused: "), std::string::npos) << devices.out;
        EXPECT_NE(devices.out.find("libbakeoff_fake.so: " + f.reason), std::string::npos) << devices.out;
    }
}

// A plugin that writes records for another device into every descriptor it
// can find: the forgeries never land, and the case they came from fails.
TEST(Isolation, AnswersForgedByPluginCodeFailTheCaseAsAProtocolViolation) {
    const auto file = work_dir() / "forged.json";
    auto run = run_bakeoff("BAKEOFF_FAKE_FAULT=triad:forge", kFake + "--workload membw --out '" + file.string() + "'");
    EXPECT_EQ(run.code, 1) << run.out << run.err;
    auto doc = nlohmann::json::parse(slurp(file));
    ASSERT_EQ(doc["records"].size(), 5u) << doc.dump(1);
    for (const auto& r : doc["records"]) {
        EXPECT_EQ(r["device"]["id"], "fake:0") << r.dump();
        EXPECT_NE(r["implementation"], "forged") << r.dump();
    }
    auto recs = by_workload(doc);
    expect_failed(recs["membw.triad"], "protocol violation: ");
    expect_ok_with_figure(recs["membw.copy"]);
    expect_ok_with_figure(recs["membw.dot"]);  // on a fresh worker after the violation
}

TEST(Isolation, WorkerIsHiddenFromHelp) {
    auto h = run_bakeoff("", "--help");
    EXPECT_EQ(h.code, 0);
    EXPECT_NE(h.out.find("run"), std::string::npos);
    EXPECT_EQ(h.out.find("worker"), std::string::npos) << h.out;
    auto rh = run_bakeoff("", "run --help");
    EXPECT_NE(rh.out.find("--case-timeout"), std::string::npos);
    EXPECT_NE(rh.out.find("--no-isolation"), std::string::npos);
}

TEST(RunnerSanity, DeviceTimeMustFitTheHostBracket) {
    using bakeoff::timer_inconsistency;
    EXPECT_EQ(timer_inconsistency(1.0e-3, 1.1e-3), "");
    EXPECT_EQ(timer_inconsistency(1.0e-3 + 40e-6, 1.0e-3), "");         // within 5 % + 50 us
    EXPECT_NE(timer_inconsistency(2.0e-3, 1.0e-3), "");                 // slower than the host saw
    EXPECT_EQ(timer_inconsistency(1.0e-4, 10e-3), "");                  // short bracket: launch overhead
    EXPECT_EQ(timer_inconsistency(0.5, 0.6), "");
    EXPECT_NE(timer_inconsistency(2.5e-3, 25e-3), "");                  // a tenth of a long bracket
    EXPECT_EQ(timer_inconsistency(2.5e-3, 25e-3).rfind("timer inconsistent: device says 0.0025 s, host measured 0.025 s", 0), 0u)
        << timer_inconsistency(2.5e-3, 25e-3);
}

TEST(RunnerSanity, AbovePeakOnlyWhenPeakKnownAndBeyondTenPercent) {
    using bakeoff::above_peak;
    EXPECT_EQ(above_peak(109, 100, "GB/s"), "");
    EXPECT_EQ(above_peak(1e9, 0, "GB/s"), "");
    EXPECT_EQ(above_peak(111, 100, "GB/s"),
              "faster than the device's theoretical peak (100 GB/s): timer or work count wrong");
}
