// `bakeoff run` under `mpiexec -np 2` on this host. Every launch is bounded
// by `timeout`, but the program is expected to end on its own: a rank that
// exits or hangs must make the others stop with an error naming it.
#include "common/command_runner.h"
#include "results/results_file.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace bakeoff {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::CommandResult;

// Open MPI refuses root and more ranks than cores unless told; shared memory
// only, so the tests need no network. Other MPIs ignore these variables.
const char* kMpiEnv =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
    "OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_mpi_yield_when_idle=1 "
    "OMP_NUM_THREADS=1";

fs::path test_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto d = testing_support::scratch_dir(std::string("bakeoff-mpi-") + info->name());
    for (const auto& e : fs::directory_iterator(d)) fs::remove_all(e.path());
    return d;
}

CommandResult run_shell(const fs::path& dir, const std::string& cmd) {
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string full = "cd '" + dir.string() + "' && " + cmd + " >'" + out.string() + "' 2>'" + err.string() +
                             "' </dev/null";
    const int status = std::system(full.c_str());
    CommandResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = testing_support::slurp(out);
    r.err = testing_support::slurp(err);
    return r;
}

// `env ENV timeout 60 mpiexec -np 2 bakeoff ARGS`
CommandResult mpirun(const fs::path& dir, const std::string& env, const std::string& args) {
    return run_shell(dir, std::string("env ") + kMpiEnv + " " + env + " timeout 60 " BAKEOFF_MPIEXEC " -np 2 '" +
                              BAKEOFF_BINARY_PATH + "' " + args);
}

json load(const fs::path& p) { return read_json_file(p); }

const json* find_record(const json& doc, const std::string& workload, const std::string& size_label) {
    for (const auto& r : doc["records"])
        if (r["workload"] == workload && r["size_label"] == size_label) return &r;
    return nullptr;
}

const char* kQuick = "run --suite collective --time-budget 0.02 --target-ci 0 --quiet ";

TEST(MpiRun, HostCollectivesAreVerifiedIntoOneGatheredFile) {
    const auto dir = test_dir();
    // --device cpu: host collectives only, whatever other plugins are installed.
    auto r = mpirun(dir, "", std::string(kQuick) + "--device cpu --size 8,4KiB --out r.json");
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".json";
    EXPECT_EQ(files, 1);  // rank 1 wrote nothing of its own
    const json doc = load(dir / "r.json");
    ASSERT_EQ(doc["ranks"].size(), 2u);
    EXPECT_EQ(doc["ranks"][1]["rank"], 1);
    EXPECT_EQ(doc["mpi"]["ranks"], 2);
    // 6 bandwidth workloads and the latency one, at two sizes each.
    ASSERT_EQ(doc["records"].size(), 14u);
    for (const auto& rec : doc["records"]) {
        SCOPED_TRACE(rec["id"].get<std::string>());
        EXPECT_EQ(rec["status"], "ok") << rec["reason"];
        EXPECT_EQ(rec["verification"]["error"], 0.0);
        EXPECT_EQ(rec["params"]["ranks"], 2);
        EXPECT_EQ(rec["params"]["per_rank"].size(), 2u);
        EXPECT_EQ(rec["path"], "portable");
    }
    // busbw = algbw x 2(n-1)/n = algbw for an allreduce on 2 ranks; 0.5 x algbw for an allgather.
    EXPECT_EQ(find_record(doc, "collective.allreduce", "4KiB")->at("params")["busbw_factor"], 1.0);
    EXPECT_EQ(find_record(doc, "collective.allgather", "4KiB")->at("params")["busbw_factor"], 0.5);
    EXPECT_EQ(find_record(doc, "collective.latency", "8B")->at("metric")["unit"], "us");
    // The statistics are the samples' (bakeoff validate recomputes them).
    auto v = run_shell(dir, std::string("'") + BAKEOFF_BINARY_PATH + "' validate r.json");
    EXPECT_EQ(v.code, 0) << v.out << v.err;
}

TEST(MpiRun, PerDeviceRecordsOfEveryRankAreGathered) {
    // Two ranks on one host share its CPU: local rank 0 measures cpu:0, rank 1
    // has no device of its own; both take part in the collective.
    const auto dir = test_dir();
    auto r = mpirun(dir, "", "run --suite quick --time-budget 0.02 --quiet --device cpu "
                             "--workload membw.copy,collective.allreduce --size 1MiB --out r.json");
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const json doc = load(dir / "r.json");
    const json* copy = find_record(doc, "membw.copy", "1MiB");
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ((*copy)["rank"], 0);
    EXPECT_TRUE((*copy)["host"].is_string());
    EXPECT_EQ((*copy)["device"]["id"], "rank0/cpu:0");
    EXPECT_EQ(doc["ranks"][0]["devices"], json::array({"rank0/cpu:0"}));
    EXPECT_TRUE(doc["ranks"][1]["devices"].empty());
    EXPECT_EQ(doc["devices"][0]["id"], "rank0/cpu:0");
    const json* coll = find_record(doc, "collective.allreduce", "1MiB");
    ASSERT_NE(coll, nullptr);
    EXPECT_EQ((*coll)["status"], "ok") << (*coll)["reason"];
    EXPECT_FALSE(coll->contains("rank"));
    auto v = run_shell(dir, std::string("'") + BAKEOFF_BINARY_PATH + "' validate r.json");
    EXPECT_EQ(v.code, 0) << v.out << v.err;
}

TEST(MpiRun, DeviceCollectivesRunThroughTheBackendTable) {
    const auto dir = test_dir();
    auto r = mpirun(dir, "BAKEOFF_PLUGIN_PATH=" BAKEOFF_MPI_PLUGIN_DIR,
                    std::string(kQuick) +
                        "--device mpicoll --workload collective.allreduce,collective.alltoall,collective.broadcast,"
                        "collective.sendrecv --size 4KiB --out r.json");
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const json doc = load(dir / "r.json");
    for (const char* w : {"collective.allreduce", "collective.alltoall", "collective.broadcast"}) {
        const json* rec = find_record(doc, w, "4KiB");
        ASSERT_NE(rec, nullptr) << w;
        EXPECT_EQ((*rec)["status"], "ok") << (*rec)["reason"];
        EXPECT_EQ((*rec)["path"], "vendor");
        EXPECT_NE((*rec)["implementation"].get<std::string>().find("MPI test collectives"), std::string::npos);
    }
    const json* p2p = find_record(doc, "collective.sendrecv", "4KiB");
    ASSERT_NE(p2p, nullptr);
    EXPECT_EQ((*p2p)["status"], "skipped");
    EXPECT_NE((*p2p)["reason"].get<std::string>().find("no sendrecv collective"), std::string::npos);
}

TEST(MpiRun, OneWrongElementOnOneRankFailsTheRecord) {
    const auto dir = test_dir();
    auto r = mpirun(dir, "BAKEOFF_MPICOLL_WRONG=1 BAKEOFF_PLUGIN_PATH=" BAKEOFF_MPI_PLUGIN_DIR,
                    std::string(kQuick) + "--device mpicoll --workload collective.allreduce --size 4KiB --out r.json");
    EXPECT_EQ(r.code, 1) << r.err;
    const json doc = load(dir / "r.json");
    const json* rec = find_record(doc, "collective.allreduce", "4KiB");
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ((*rec)["status"], "failed");
    EXPECT_EQ((*rec)["verification"]["error"], 1.0);
    EXPECT_NE((*rec)["reason"].get<std::string>().find("rank 1"), std::string::npos) << (*rec)["reason"];
    EXPECT_EQ((*rec)["params"]["per_rank"][1]["wrong_elements"], 1);
    EXPECT_EQ((*rec)["params"]["per_rank"][0]["wrong_elements"], 0);
}

TEST(MpiRun, BackendWithoutCollectivesIsSkippedWithTheReason) {
    const auto dir = test_dir();
    auto r = mpirun(dir, "BAKEOFF_PLUGIN_PATH=" BAKEOFF_TEST_PLUGIN_DIR,
                    std::string(kQuick) + "--device fake --workload collective.allreduce --size 4KiB --out r.json");
    ASSERT_EQ(r.code, 0) << r.err;
    const json doc = load(dir / "r.json");
    const json* rec = find_record(doc, "collective.allreduce", "4KiB");
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ((*rec)["status"], "skipped");
    EXPECT_NE((*rec)["reason"].get<std::string>().find("offers no device collectives"), std::string::npos);
}

TEST(MpiRun, RanksWithDifferentOptionsAreRefused) {
    const auto dir = test_dir();
    const std::string bin = std::string("'") + BAKEOFF_BINARY_PATH + "' " + kQuick + "--size 8 --out r.json";
    auto r = run_shell(dir, std::string("env ") + kMpiEnv + " timeout 60 " BAKEOFF_MPIEXEC " -np 1 " + bin +
                                " --seed 1 : -np 1 " + bin + " --seed 2");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("do not run the same bakeoff build and options"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rank 0"), std::string::npos);
    EXPECT_NE(r.err.find("rank 1"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "r.json") && !load(dir / "r.json")["records"].empty());
}

// A rank that fails at the second collective case: the run ends with an
// error and the first case's record is kept.
void expect_first_case_kept(const fs::path& dir) {
    const json doc = load(dir / "r.json");
    const json* first = find_record(doc, "collective.allreduce", "8B");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ((*first)["status"], "ok");
    EXPECT_EQ(find_record(doc, "collective.allgather", "8B"), nullptr);
}

const char* kTwoCases = "--workload collective.allreduce,collective.allgather --size 8 --rank-timeout 3 --out r.json";

// The two-case run with rank 1 given `fault`: it fails, ends on its own,
// says each of `err_has` on stderr, and keeps the first case's record.
// Returns stderr.
std::string expect_fault_ends_run(const std::string& fault, std::initializer_list<const char*> err_has) {
    const auto dir = test_dir();
    const auto r = mpirun(dir, "BAKEOFF_TEST_RANK_FAULT=1:" + fault, std::string(kQuick) + kTwoCases);
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.code, 124) << "the run did not end on its own";
    for (const char* s : err_has) EXPECT_NE(r.err.find(s), std::string::npos) << s << " in: " << r.err;
    expect_first_case_kept(dir);
    return r.err;
}

TEST(MpiRun, RankThatHangsBetweenCasesIsNamed) {
    expect_fault_ends_run("hang", {"rank 1 (host", "did not reach the start of collective case 2"});
}

TEST(MpiRun, RankThatHangsInsideACollectiveTripsTheWatchdog) {
    expect_fault_ends_run("hang-op", {"rank 0 (host", "did not finish within 3 s"});
}

TEST(MpiRun, RankThatExitsEndsTheRun) {
    // The launcher (or rank 0's check-in) says which rank ended.
    EXPECT_FALSE(expect_fault_ends_run("exit", {}).empty());
}

TEST(PlainRun, CollectivesAreSkippedWithoutALauncher) {
    const auto dir = test_dir();
    auto r = run_shell(dir, std::string("'") + BAKEOFF_BINARY_PATH + "' " + kQuick + "--device cpu --size 8 --out r.json");
    ASSERT_EQ(r.code, 0) << r.err;
    const json doc = load(dir / "r.json");
    ASSERT_EQ(doc["records"].size(), 7u);
    EXPECT_FALSE(doc.contains("ranks"));
    for (const auto& rec : doc["records"]) {
        EXPECT_EQ(rec["status"], "skipped");
        EXPECT_NE(rec["reason"].get<std::string>().find("mpirun"), std::string::npos);
    }
}

}  // namespace
}  // namespace bakeoff
