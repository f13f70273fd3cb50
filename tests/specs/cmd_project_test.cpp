// `bakeoff project`, driven through its CLI11 registration (cmd_project.cpp is
// compiled into this test).
#include "common/cli_in_process.h"
#include "results/results_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

using Result = bakeoff::testing_support::CommandResult;

Result project(std::vector<std::string> args) {
    return bakeoff::testing_support::run_in_process(bakeoff::cli::add_project_command, "project", std::move(args));
}

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(CmdProject, TrainSideBySide) {
    auto r = project({"train", "--chip", "h800-sxm5-80gb,h20,ascend-910c", "--model", "deepseek-v3", "--tokens",
                      "14.8T", "--devices", "2048", "--chip-hours", "2.788M"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "MFU: 0.4 (assumed")) << r.out;
    EXPECT_TRUE(has(r.out, "PUE 1.2 (assumed)"));
    EXPECT_TRUE(has(r.out, "6 x active params x tokens"));
    EXPECT_TRUE(has(r.out, "no price given: omitted"));
    EXPECT_FALSE(has(r.out, "Cost USD"));
    EXPECT_TRUE(has(r.out, "unknown: no bf16 peak in the database")) << r.out;
    EXPECT_TRUE(has(r.out, "h20"));
}

TEST(CmdProject, TrainJsonImpliedMfu) {
    auto r = project({"train", "--chip", "h800-sxm5-80gb", "--active-params", "37e9", "--params", "671e9", "--tokens",
                      "14.8e12", "--chip-hours", "2788000", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["projection"], "train");
    ASSERT_EQ(j["rows"].size(), 1u);
    // 6 x 37e9 x 14.8e12 / (2.788e6 x 3600 x 989.5e12) = 0.331
    EXPECT_NEAR(j["rows"][0]["implied_mfu"].get<double>(), 0.331, 0.331 * 0.05);
    EXPECT_TRUE(j["rows"][0]["missing"].empty());
}

TEST(CmdProject, TrainMissingFiguresInJson) {
    auto r = project({"train", "--chip", "ascend-910c", "--dtype", "fp16", "--flops", "1e24", "--price-per-hour", "1.5",
                      "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const auto& row = j["rows"][0];
    EXPECT_TRUE(row["energy_mwh"].is_null());
    EXPECT_TRUE(row["cost_usd"].is_number());
    EXPECT_EQ(row["missing"], nlohmann::json::array({"no TDP in the database"}));
}

TEST(CmdProject, GemmTableAndMarkdown) {
    auto r = project({"gemm", "--chip", "h100-sxm5-80gb,h20", "--m", "8192", "--n", "8192", "--k", "8192"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "time = max(FLOPs / peak, bytes / bandwidth)"));
    EXPECT_TRUE(has(r.out, "compute"));
    auto m = project({"gemm", "--chip", "h20", "--m", "1", "--n", "8192", "--k", "8192", "--format", "markdown"});
    ASSERT_EQ(m.code, 0) << m.err;
    EXPECT_TRUE(has(m.out, "| h20 |")) << m.out;
    EXPECT_TRUE(has(m.out, "| memory |"));
}

TEST(CmdProject, RooflineMemoryOp) {
    auto r = project({"roofline", "--chip", "ascend-910c", "--bytes", "1e9", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    // 1e9 B / 3.2e12 B/s = 0.3125 ms
    EXPECT_DOUBLE_EQ(j["rows"][0]["time_ms"].get<double>(), 0.3125);
    EXPECT_EQ(j["rows"][0]["bound"], "memory");
}

TEST(CmdProject, Serve) {
    auto r = project({"serve", "--chip", "h100-sxm5-80gb,h20", "--model", "llama-3.1-70b", "--context", "8192",
                      "--batch", "8", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["rows"].size(), 2u);
    EXPECT_TRUE(j["rows"][0]["decode_tokens_s"].is_number());
    EXPECT_TRUE(j["rows"][1]["prefill_tokens_s"].is_number());
    auto c = project({"serve", "--chip", "h20", "--params", "7B", "--layers", "32", "--kv-heads", "8", "--head-dim",
                      "128", "--devices", "1"});
    ASSERT_EQ(c.code, 0) << c.err;
    EXPECT_TRUE(has(c.out, "yes"));
}

TEST(CmdProject, BadInput) {
    auto u = project({"train", "--chip", "h100-sxm5-80gb,nope-9000", "--flops", "1e24"});
    EXPECT_EQ(u.code, 2);
    EXPECT_EQ(u.err.rfind("bakeoff: unknown chip id 'nope-9000'", 0), 0u) << u.err;
    EXPECT_EQ(u.err.find('\n'), u.err.size() - 1) << u.err;  // one line
    EXPECT_TRUE(u.out.empty());
    auto near = project({"train", "--chip", "ascend-910b", "--flops", "1e24"});
    EXPECT_EQ(near.code, 2);
    EXPECT_EQ(near.err, "bakeoff: unknown chip id 'ascend-910b'; did you mean ascend-910b2, ascend-910b3, ascend-910b4?\n");
    // Ids in any case, and a chip's plain name, name the chip.
    auto named = project({"train", "--chip", "H20 (HGX H20),H100-SXM5-80GB", "--flops", "1e24", "--format", "json"});
    ASSERT_EQ(named.code, 0) << named.err;
    EXPECT_EQ(nlohmann::json::parse(named.out)["rows"].size(), 2u);
    for (std::vector<std::string> args : {
             std::vector<std::string>{"train", "--chip", "h20", "--flops", "1e2x"},
             {"train", "--chip", "h20", "--flops", "1e24", "--mfu", "1.5"},
             {"train", "--chip", "h20", "--flops", "1e24", "--mfu", "abc"},
             {"train", "--chip", "h20", "--flops", "1e24", "--pue", "0.9"},
             {"train", "--chip", "h20", "--tokens", "1T"},  // no model
             {"gemm", "--chip", "h20", "--m", "-5", "--n", "1", "--k", "1"},
             {"gemm", "--chip", "h20", "--m", "1.5", "--n", "1", "--k", "1"},
             {"gemm", "--chip", "h20", "--m", "1", "--n", "1", "--k", "1", "--dtype", "fp7"},
             {"gemm", "--m", "1", "--n", "1", "--k", "1"},  // no chips
             {"serve", "--chip", "h20", "--model", "gpt-9"},
             {"serve", "--chip", "h20", "--params", "7B"},  // no KV geometry
             {"serve", "--chip", "h20", "--model", "llama-3.1-8b", "--batch", "0"},
             {"gemm", "--chip", "h20", "--m", "1", "--n", "1", "--k", "1", "--format", "xml"},
         }) {
        auto r = project(args);
        EXPECT_EQ(r.code, 2) << fmt::format("{}", fmt::join(args, " ")) << "\n" << r.out;
        EXPECT_FALSE(r.err.empty());
    }
}

TEST(CmdProject, EverySpellingOfEveryFormat) {
    const std::vector<std::string> gemm = {"gemm", "--chip", "h20", "--m", "64", "--n", "64", "--k", "64", "--format"};
    auto with = [&](const std::string& f) {
        auto args = gemm;
        args.push_back(f);
        return project(args);
    };
    const auto text = project({"gemm", "--chip", "h20", "--m", "64", "--n", "64", "--k", "64"});
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_EQ(with("text").out, text.out);
    EXPECT_EQ(with("table").out, text.out);
    EXPECT_EQ(with("md").out, with("markdown").out);
    const auto csv = with("csv");
    ASSERT_EQ(csv.code, 0) << csv.err;
    EXPECT_EQ(csv.out.rfind("target,basis,peak_tflops,bandwidth_gbs,compute_ms,memory_ms,time_ms,bound,tflops,"
                            "ridge_flop_per_byte\nh20,", 0),
              0u)
        << csv.out;
    EXPECT_EQ(nlohmann::json::parse(with("json").out)["projection"], "roofline");
    const auto bad = with("xml");
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err, "bakeoff: --format: unknown format 'xml' (text (or table), markdown (or md), csv, json)\n");
}

TEST(CmdProject, ChipsIsTheDatabaseAsInEveryCommand) {
    // The old spelling of the chip list is a usage error that gives the new one.
    auto old = project({"gemm", "--chips", "h100-sxm5-80gb,h20", "--m", "1", "--n", "1", "--k", "1"});
    EXPECT_EQ(old.code, 2);
    EXPECT_EQ(old.err, "bakeoff: --chips is the chip database (a CSV file) and 'h100-sxm5-80gb,h20' is no file; "
                       "to name chips write --chip h100-sxm5-80gb,h20\n");
    EXPECT_TRUE(old.out.empty());

    const auto db = std::filesystem::temp_directory_path() / "bakeoff_project_chips.csv";
    std::ofstream(db) << "vendor,chip,bf16_tflops,memory_bandwidth_gbs,source,confidence\nAcme,Rocket 1,100,1000,lab,estimate\n";
    auto r = project({"gemm", "--chips", db.string(), "--chip", "rocket-1", "--m", "1", "--n", "1", "--k", "1"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "rocket-1")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;

    // --chips-db still works, with a one-line note.
    auto dep = project({"gemm", "--chips-db", db.string(), "--chip", "rocket-1", "--m", "1", "--n", "1", "--k", "1"});
    EXPECT_EQ(dep.code, 0) << dep.err;
    EXPECT_EQ(dep.out, r.out);
    EXPECT_EQ(dep.err, "bakeoff: --chips-db is deprecated; write --chips " + db.string() + "\n");

    // A database that is named but missing is a failure to read, not a usage error.
    EXPECT_EQ(project({"gemm", "--chips", "/nonexistent/chips.csv", "--chip", "h20", "--m", "1", "--n", "1", "--k", "1"}).code, 1);
    std::filesystem::remove(db);
}

TEST(CmdProject, CalibratedByResultsFile) {
    using namespace bakeoff;
    // A file validate accepts (project reads results through its checks):
    // one 10 ms sample whose work gives exactly the median wanted.
    ResultsFile f;
    f.header = {{"schema", kResultsSchema}, {"schema_version", kResultsSchemaVersion}, {"tool", {{"name", "bakeoff"}}},
                {"host", {{"hostname", "h"}}}, {"devices", {{{"id", "cuda:0"}, {"name", "NVIDIA H100 80GB HBM3"}}}},
                {"created_utc", "2026-01-01T00:00:00Z"}, {"seed", 1}, {"command_line", {"bakeoff"}}, {"complete", true}};
    auto rec = [](std::string workload, std::string dtype, std::string unit, double median) {
        Record r;
        r.workload = workload;
        r.dtype = dtype;
        r.id = workload + "/" + dtype + "@cuda:0";
        r.device_id = "cuda:0";
        r.device_name = "NVIDIA H100 80GB HBM3";
        r.backend = "cuda";
        r.status = RecordStatus::ok;
        r.metric = {unit == "GB/s" ? "bandwidth" : "throughput", unit, unit == "GB/s" ? "bytes" : "flops", 1e9};
        r.samples_s = {0.01};
        (unit == "GB/s" ? r.work.bytes : r.work.flops) = median * 0.01 * 1e9;
        r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
        r.verification = Verification{true, "exact", "elements that differ", 0, 0, ""};
        return r;
    };
    f.records.push_back(rec("gemm", "bf16", "GFLOP/s", 742125));     // 75 % of 989.5 TFLOPS
    f.records.push_back(rec("membw.triad", "fp32", "GB/s", 2680));   // 80 % of 3,350 GB/s
    const auto path = std::filesystem::temp_directory_path() / "bakeoff_project_test_results.json";
    try {
        write_results(path, f);
    } catch (const std::exception& e) {
        GTEST_SKIP() << "cannot write a results file here: " << e.what();
    }
    auto r = project({"gemm", "--results", path.string(), "--m", "8192", "--n", "8192", "--k", "8192", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    const auto& row = j["rows"][0];
    EXPECT_EQ(row["target"], "NVIDIA H100 80GB HBM3 (h100-sxm5-80gb)");
    EXPECT_DOUBLE_EQ(row["peak_tflops"].get<double>(), 742.125);
    EXPECT_TRUE(has(row["basis"].get<std::string>(), "measured (75 % of claimed)")) << row["basis"];
    // 2 x 8192^3 / 742.125e12 = 1.4815 ms
    EXPECT_NEAR(row["time_ms"].get<double>(), 2.0 * 8192 * 8192 * 8192 / 742.125e12 * 1e3, 1e-9);
    auto t = project({"train", "--results", path.string(), "--flops", "1e24", "--mfu", "0.8"});
    ASSERT_EQ(t.code, 0) << t.err;
    EXPECT_TRUE(has(t.out, "75.0 % of the claimed peak")) << t.out;
    EXPECT_TRUE(has(t.out, "warning: MFU 0.8 exceeds the measured GEMM efficiency"));
    std::filesystem::remove(path);
}

}  // namespace
