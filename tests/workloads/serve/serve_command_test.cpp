// `bakeoff run --workload llm.serve` end to end: the file validates (validate
// recomputes the percentiles from the raw per-request times), an edited
// percentile is caught, and impossible loads exit 2 with one line naming the flag.
#include "common/command_runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

namespace ts = bakeoff::testing_support;

const ts::BakeoffInScratch& bakeoff() {
    static const ts::BakeoffInScratch b("bakeoff-serve");
    return b;
}

TEST(ServeCommand, RunsTheTinyModelAndTheFileValidates) {
    const auto file = bakeoff().dir / "serve.json";
    const auto run = bakeoff()("run --quiet --device cpu --workload llm.serve --requests 6 --concurrency 2 --isl 32 "
                               "--osl 8 --time-budget 0.05 --out '" + file.string() + "'");
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("tiny-custom-c2"), std::string::npos) << run.out;
    auto doc = nlohmann::json::parse(ts::slurp(file));
    const auto& r = doc["records"].at(0);
    ASSERT_EQ(r["status"], "ok") << r["reason"];
    EXPECT_EQ(r["workload"], "llm.serve");
    EXPECT_EQ(r["params"]["concurrency"], 2);
    const auto val = bakeoff()("validate '" + file.string() + "'");
    EXPECT_EQ(val.code, 0) << val.out << val.err;
    // An edited percentile no longer matches the raw times.
    doc["records"][0]["params"]["measured"]["serving"]["tpot_ms"]["p50"] = 0.001;
    const auto edited = bakeoff().dir / "edited.json";
    std::ofstream(edited) << doc.dump();
    const auto bad = bakeoff()("validate '" + edited.string() + "'");
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE((bad.out + bad.err).find("tpot_ms.p50"), std::string::npos) << bad.out << bad.err;
}

TEST(ServeCommand, ImpossibleLoadsExitTwoNamingTheFlag) {
    const std::pair<const char*, const char*> cases[] = {
        {"--request-rate 0", "--request-rate"},
        {"--request-rate -3", "--request-rate"},
        {"--slo-ttft 0", "--slo-ttft"},
        {"--concurrency 0", "--concurrency"},
        {"--kv-blocks 2 --isl 64 --osl 64", "--kv-blocks"},
        {"--profile chatty", "--profile"},
    };
    for (const auto& [args, flag] : cases) {
        const auto r = bakeoff()(std::string("run --quiet --device cpu --workload llm.serve ") + args +
                                 " --out '" + (bakeoff().dir / "never.json").string() + "'");
        EXPECT_EQ(r.code, 2) << args << ": " << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << args << ": " << r.err;
        EXPECT_EQ(ts::count_lines(r.err), 1) << args << ": " << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(bakeoff().dir / "never.json"));
}

}  // namespace
