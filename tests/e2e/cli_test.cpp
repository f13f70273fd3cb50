// The bakeoff command end to end, as a user runs it.
#include "common/command_runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

using Result = bakeoff::testing_support::CommandResult;
using bakeoff::testing_support::slurp;

// `bakeoff ARGS` with the default plugin search path (test plugins hidden).
const bakeoff::testing_support::BakeoffInScratch& bakeoff_e2e() {
    static const bakeoff::testing_support::BakeoffInScratch b("bakeoff-e2e");
    return b;
}
fs::path work_dir() { return bakeoff_e2e().dir; }
Result run_bakeoff(const std::string& args) { return bakeoff_e2e()(args); }

int lines(const std::string& s) { return bakeoff::testing_support::count_lines(s); }

}  // namespace

TEST(Cli, SmokeRunThenValidate) {
    const auto file = work_dir() / "smoke.json";
    auto run = run_bakeoff("run --suite smoke --quiet --out '" + file.string() + "'");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("median"), std::string::npos);
    EXPECT_NE(run.out.find("membw.triad"), std::string::npos);
    EXPECT_NE(run.out.find("gemm"), std::string::npos);
    // The headline after the table, and transfers on the CPU kept out of it.
    EXPECT_NE(run.out.find("headline: the best figure of each kind per device"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("transfer.h2d  "), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("not applicable, left out: "), std::string::npos) << run.out;
    auto doc = nlohmann::json::parse(slurp(file));
    EXPECT_EQ(doc["schema"], "bakeoff-results");
    EXPECT_EQ(doc["complete"], true);
    EXPECT_GE(doc["records"].size(), 6u);
    bool any_ok = false, any_na = false;
    for (const auto& r : doc["records"]) {
        any_ok = any_ok || r["status"] == "ok";
        any_na = any_na || (r["status"] == "n/a" && r["workload"].get<std::string>().rfind("transfer.", 0) == 0);
    }
    EXPECT_TRUE(any_ok);
    EXPECT_TRUE(any_na) << "transfers on the CPU are kept in the file as n/a";
    auto val = run_bakeoff("validate '" + file.string() + "'");
    EXPECT_EQ(val.code, 0) << val.err;
    EXPECT_NE(val.out.find(": ok ("), std::string::npos);
}

TEST(Cli, ValidateFlagsATamperedFile) {
    const auto file = work_dir() / "tamper.json";
    ASSERT_EQ(run_bakeoff("run --suite smoke --workload membw.copy --quiet --out '" + file.string() + "'").code, 0);
    auto doc = nlohmann::json::parse(slurp(file));
    auto& rec = doc["records"][0];
    ASSERT_EQ(rec["status"], "ok");
    rec["statistics"]["median"] = rec["statistics"]["median"].get<double>() * 2;
    std::ofstream(file) << doc.dump();
    auto val = run_bakeoff("validate '" + file.string() + "'");
    EXPECT_EQ(val.code, 1);
    EXPECT_NE(val.err.find(rec["id"].get<std::string>()), std::string::npos) << val.err;
}

TEST(Cli, BadFlagsAndValuesExitTwoWithOneLine) {
    for (const char* args : {"run --no-such-flag", "run --suite enormous", "run --dtype fp33", "run --size -5",
                             "run --size banana", "run --path fastest", "run --workload nosuch",
                             "run --device gpu:7", "run --time-budget -1", "run --suite smoke --chip no-such-chip", "frobnicate",
                             "run --out /nonexistent-folder/x.json --suite smoke", "run --size 1x2",
                             "run --size 0x8x8 --workload gemm", "run --size 8x8x8tn --workload gemm",
                             "run --size 8x8x8 --workload membw.triad", "run --size 8x8x8",
                             "run --vendor-lib 'open blas'"}) {
        auto r = run_bakeoff(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
        EXPECT_EQ(lines(r.err), 1) << args << "\n" << r.err;
        EXPECT_TRUE(r.out.empty()) << args;
    }
}

TEST(Cli, VendorLibForcesTheLibraryAndIsRecorded) {
    const auto file = work_dir() / "vendor-lib.json";
    auto run = run_bakeoff("run --device cpu --workload gemm --dtype fp32 --path vendor --size 64 --time-budget 0.05 --quiet "
                           "--vendor-lib OpenBLAS --out '" + file.string() + "'");
    ASSERT_EQ(run.code, 0) << run.err;
    auto doc = nlohmann::json::parse(slurp(file));
    ASSERT_EQ(doc["records"].size(), 1u);
    const auto& r = doc["records"][0];
    EXPECT_EQ(r["status"], "ok") << r["reason"];
    EXPECT_NE(r["implementation"].get<std::string>().find("library: OpenBLAS, forced by --vendor-lib"),
              std::string::npos) << r["implementation"];
    EXPECT_EQ(doc["host"]["environment"].value("BAKEOFF_VENDOR_LIB", ""), "OpenBLAS") << doc["host"]["environment"];
    // A library the backend does not have: the case is unsupported, saying why.
    run = run_bakeoff("run --device cpu --workload gemm --dtype fp32 --path vendor --size 64 --time-budget 0.05 --quiet "
                      "--vendor-lib nosuchlib --out '" + file.string() + "'");
    doc = nlohmann::json::parse(slurp(file));
    EXPECT_EQ(doc["records"][0]["status"], "unsupported");
    EXPECT_NE(doc["records"][0]["reason"].get<std::string>().find("nosuchlib names none"), std::string::npos);
}

TEST(Cli, ChipOverrideGivesPercentOfClaimThatValidates) {
    const auto file = work_dir() / "claim.json";
    // A GEMM record: the smoke suite's membw arrays fit in the caches, and a
    // cache figure is not set against a memory-bandwidth claim.
    auto run = run_bakeoff("run --workload gemm --dtype fp32 --path vendor --size 64 --chip h100-sxm5-80gb --quiet --out '" +
                           file.string() + "'");
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("% claim"), std::string::npos);
    auto doc = nlohmann::json::parse(slurp(file));
    const auto& claim = doc["records"][0]["claim"];
    EXPECT_EQ(claim["chip"], "h100-sxm5-80gb");
    EXPECT_EQ(claim["match"], "overridden");
    EXPECT_DOUBLE_EQ(claim["claimed"].get<double>(), 67.0 * 1000);  // H100 SXM fp32: 67 TFLOPS
    EXPECT_TRUE(claim["percent"].is_number());
    EXPECT_EQ(run_bakeoff("validate '" + file.string() + "'").code, 0);
}

TEST(Cli, RunChipOverrideNamesTheClosestIds) {
    auto r = run_bakeoff("run --suite smoke --chip ascend-910b");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("unknown chip id 'ascend-910b'; did you mean ascend-910b2, ascend-910b3, ascend-910b4?"),
              std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(Cli, MalformedChipDatabaseExitsOneNamingFileAndLine) {
    const auto db = work_dir() / "chips.csv";
    std::ofstream(db) << "not,a,chip,database\n1,2\n";
    auto r = run_bakeoff("run --suite smoke --chips '" + db.string() + "'");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(db.string()), std::string::npos) << r.err;
}

TEST(Cli, MalformedResultsFileExitsOneNamingIt) {
    const auto file = work_dir() / "broken.json";
    std::ofstream(file) << R"({"schema": "bakeoff-results", "schema_version": 1, "records": [)";
    auto r = run_bakeoff("validate '" + file.string() + "'");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(file.string()), std::string::npos);
    auto missing = run_bakeoff("validate '" + (work_dir() / "nope.json").string() + "'");
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("no such file"), std::string::npos);
}

TEST(Cli, HelpAndVersionExitZero) {
    auto h = run_bakeoff("--help");
    EXPECT_EQ(h.code, 0);
    EXPECT_NE(h.out.find("run"), std::string::npos);
    auto rh = run_bakeoff("run --help");
    EXPECT_EQ(rh.code, 0);
    EXPECT_NE(rh.out.find("--time-budget"), std::string::npos);
    auto v = run_bakeoff("--version");
    EXPECT_EQ(v.code, 0);
    EXPECT_NE(v.out.find("bakeoff"), std::string::npos);
}

TEST(Cli, DevicesListsTheCpu) {
    auto r = run_bakeoff("devices");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("cpu:0"), std::string::npos);
    auto j = run_bakeoff("devices --format json");
    ASSERT_EQ(j.code, 0);
    auto doc = nlohmann::json::parse(j.out);
    ASSERT_FALSE(doc["devices"].empty());
    EXPECT_EQ(doc["devices"][0]["id"], "cpu:0");
}

TEST(Cli, InterruptKeepsFinishedRecordsAndExitsNonZero) {
    const auto file = work_dir() / "interrupted.json";
    const auto out = work_dir() / "int-stdout.txt";
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Long per-case budgets so the run is still going when the signal comes.
        int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(BAKEOFF_BINARY_PATH, BAKEOFF_BINARY_PATH, "run", "--suite", "smoke", "--workload", "membw",
              "--time-budget", "3", "--target-ci", "0", "--quiet", "--out", file.c_str(), (char*)nullptr);
        _exit(127);
    }
    // Wait until at least one record has been written, then interrupt.
    bool has_record = false;
    for (int i = 0; i < 300 && !has_record; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        try {
            auto doc = nlohmann::json::parse(slurp(file));
            has_record = !doc["records"].empty();
        } catch (...) {
        }
    }
    ASSERT_TRUE(has_record);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 0);
    auto doc = nlohmann::json::parse(slurp(file));
    EXPECT_EQ(doc["interrupted"], true);
    EXPECT_EQ(doc["complete"], false);
    ASSERT_GE(doc["records"].size(), 1u);
    EXPECT_EQ(doc["records"][0]["status"], "ok");
}

// One --format for every command that prints a table: the same spellings, and
// the same one-line usage error for a bad one.
TEST(Cli, EveryCommandAcceptsEveryFormat) {
    const auto file = work_dir() / "formats.json";
    const std::string f = "'" + file.string() + "'";
    // run: -o is --out; the summary in each format, only the table on stdout under CSV and JSON.
    for (const char* fmt : {"text", "table", "markdown", "md", "csv", "json"}) {
        auto r = run_bakeoff(std::string("run --suite smoke --workload membw.copy --device cpu:0 --quiet -o ") + f +
                             " --format " + fmt);
        ASSERT_EQ(r.code, 0) << fmt << "\n" << r.err;
        EXPECT_NE(r.out.find("membw.copy"), std::string::npos) << fmt;
        if (std::string(fmt) == "json") EXPECT_EQ(nlohmann::json::parse(r.out)[0]["workload"], "membw.copy");
        if (std::string(fmt) == "csv") EXPECT_EQ(r.out.rfind("workload,dtype,size,path,median,", 0), 0u) << r.out;
    }
    ASSERT_TRUE(fs::exists(file));
    const std::vector<std::string> commands = {"devices", "list", "list --suite smoke", "chips --filter h100",
                                               "chips show h20", "project gemm --chip h20 --m 64 --n 64 --k 64",
                                               "compare " + f, "conformance --device cpu:0"};
    for (const auto& cmd : commands) {
        std::string text_out;
        for (const char* fmt : {"text", "table", "markdown", "md", "csv", "json"}) {
            auto r = run_bakeoff(cmd + " --format " + fmt);
            EXPECT_EQ(r.code, 0) << cmd << " --format " << fmt << "\n" << r.err;
            EXPECT_FALSE(r.out.empty()) << cmd << " --format " << fmt;
            if (std::string(fmt) == "json") EXPECT_NO_THROW((void)nlohmann::json::parse(r.out)) << cmd;
            if (std::string(fmt) == "text") text_out = r.out;
            // The same output under both spellings, where it does not measure anything.
            const bool measures = cmd.rfind("conformance", 0) == 0 || cmd.rfind("devices", 0) == 0;
            if (std::string(fmt) == "table" && !measures) EXPECT_EQ(r.out, text_out) << cmd;
        }
    }
}

TEST(Cli, BadFormatIsAUsageErrorOfOneLine) {
    for (const char* cmd : {"run --suite smoke", "devices", "list", "chips", "chips show h20",
                            "project gemm --chip h20 --m 1 --n 1 --k 1", "compare nope.json", "conformance"}) {
        auto r = run_bakeoff(std::string(cmd) + " --format xml");
        EXPECT_EQ(r.code, 2) << cmd << "\n" << r.err;
        EXPECT_EQ(lines(r.err), 1) << cmd << "\n" << r.err;
        EXPECT_EQ(r.err, "bakeoff: --format: unknown format 'xml' (text (or table), markdown (or md), csv, json)\n")
            << cmd;
        EXPECT_TRUE(r.out.empty()) << cmd;
    }
}

TEST(Cli, ProjectChipsIsTheDatabase) {
    auto old = run_bakeoff("project gemm --chips h20 --m 1 --n 1 --k 1");
    EXPECT_EQ(old.code, 2);
    EXPECT_EQ(lines(old.err), 1) << old.err;
    EXPECT_NE(old.err.find("write --chip h20"), std::string::npos) << old.err;
    auto dep = run_bakeoff("project gemm --chips-db '" + std::string(BAKEOFF_SOURCE_DIR) +
                           "/data/chips.csv' --chip h20 --m 1 --n 1 --k 1");
    EXPECT_EQ(dep.code, 0) << dep.err;
    EXPECT_EQ(lines(dep.err), 1) << dep.err;
    EXPECT_NE(dep.err.find("deprecated"), std::string::npos);
}
