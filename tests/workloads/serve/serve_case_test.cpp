// llm.serve run in-process on the built-in CPU device: a verified record with
// every serving figure, preemption under a small cache, and the
// batch-invariance check catching a kernel that is wrong only when several
// sequences share a step (the faulty CPU proxy plugin).
#include "common/cpu_device.h"
#include "common/faulty_cpu_device.h"
#include "harness/runner.h"
#include "results/serving_check.h"
#include "workloads/llm/llm_config.h"
#include "workloads/serve/serve_workload.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace bakeoff {
namespace {

RunOptions quick_run() {
    RunOptions o;
    o.time_budget_s = 0.01;
    o.min_samples = 2;
    return o;
}

serve::LoadSpec load(std::int64_t concurrency, std::int64_t isl, std::int64_t osl, std::int64_t requests) {
    serve::LoadSpec l;
    l.profile = "custom";
    l.isl = isl;
    l.osl = osl;
    l.requests = requests;
    l.concurrency = concurrency;
    return l;
}

CaseSpec tiny_case(const serve::LoadSpec& l, std::int64_t kv_blocks = 0) {
    return ServeWorkload().make_case(*llm::find_preset("tiny"), BK_F32, BK_PATH_VENDOR, "", l, 2000, 200, kv_blocks);
}

TEST(ServeCpu, AClosedLoopRunIsVerifiedAndCarriesEveryFigure) {
    const ServeWorkload w;
    const CaseSpec c = tiny_case(load(3, 40, 12, 6));
    const Record r = run_case(testing::cpu_device(), w, c, 42, quick_run());
    ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
    ASSERT_TRUE(r.verification && r.verification->ok);
    EXPECT_LE(r.verification->error, 1e-4);
    const auto& s = r.params.at("measured").at("serving");
    EXPECT_EQ(s.at("requests").get<std::int64_t>(), 6 * s.at("runs").get<std::int64_t>());
    EXPECT_GT(s.at("ttft_ms").at("p50").get<double>(), 0);
    EXPECT_GE(s.at("ttft_ms").at("p99").get<double>(), s.at("ttft_ms").at("p50").get<double>());
    EXPECT_GT(s.at("tokens_per_s_per_user").get<double>(), 0);
    EXPECT_EQ(s.at("preemptions").get<std::int64_t>(), 0);  // the default cache holds every request in flight
    EXPECT_EQ(s.at("per_request").size(), s.at("requests").get<std::size_t>());
    // The record's own figures match its raw times, and an edit shows.
    EXPECT_EQ(check_serving_figures(r.params), "");
    nlohmann::json edited = r.params;
    edited["measured"]["serving"]["ttft_ms"]["p99"] = s.at("ttft_ms").at("p99").get<double>() * 0.5;
    EXPECT_NE(check_serving_figures(edited).find("ttft_ms.p99"), std::string::npos);
    edited = r.params;
    edited["measured"]["serving"]["per_request"][0]["first_token_s"] = 1e6;
    EXPECT_NE(check_serving_figures(edited), "");
}

TEST(ServeCpu, ASmallCachePreemptsAndQueuesYetEveryOutputVerifies) {
    // Prompts of 12..16 tokens and 8 outputs need 2 blocks of 16 each; 3
    // blocks for 3 in flight: the oldest's second block evicts the youngest.
    const ServeWorkload w;
    const CaseSpec c = tiny_case(load(3, 16, 8, 6), 3);
    const Record r = run_case(testing::cpu_device(), w, c, 42, quick_run());
    ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
    const auto& s = r.params.at("measured").at("serving");
    EXPECT_GT(s.at("preemptions").get<std::int64_t>(), 0);
    EXPECT_GT(s.at("waited").get<std::int64_t>(), 0);
}

TEST(ServeCpu, AnOpenLoopServesPoissonArrivalsAtTheirTimes) {
    serve::LoadSpec l = load(0, 24, 6, 8);
    l.open_loop = true;
    l.rate = 400;  // requests/s: gaps of 2.5 ms on average
    const CaseSpec c = tiny_case(l);
    EXPECT_EQ(c.params.at("arrival"), "poisson");
    const Record r = run_case(testing::cpu_device(), ServeWorkload(), c, 42, quick_run());
    ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
    // Each request arrives at its drawn time (the same in every run), and is
    // never served before it arrives.
    const auto want = serve::make_requests(l, llm::find_preset("tiny")->vocab, c.params.at("load_seed").get<std::uint64_t>());
    const auto& raw = r.params.at("measured").at("serving").at("per_request");
    ASSERT_EQ(raw.size() % want.size(), 0u);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        EXPECT_DOUBLE_EQ(raw[i].at("arrival_s").get<double>(), want[i % want.size()].arrival_s);
        EXPECT_GE(raw[i].at("first_token_s").get<double>(), raw[i].at("arrival_s").get<double>());
    }
    EXPECT_GT(want.back().arrival_s, want.front().arrival_s);
}

TEST(ServeCpu, AnImpossibleLoadIsRefusedNamingTheFlag) {
    try {
        tiny_case(load(2, 64, 64, 4), 2);  // 127 positions need 8 blocks
        FAIL() << "a cache of 2 blocks was accepted";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("--kv-blocks"), std::string::npos) << e.what();
    }
}

using FaultyServe = testing::FaultyCpuTest;

TEST_F(FaultyServe, AWrongKernelInTheBatchedPathFailsTheRecord) {
    const ServeWorkload w;
    const CaseSpec c = tiny_case(load(4, 24, 8, 4));
    // Correct proxy: the same case passes.
    const Record good = run_case(*dev_, w, c, 42, quick_run());
    ASSERT_EQ(good.status, RecordStatus::ok) << good.reason;
    setenv("BAKEOFF_FAULTY_PAGED", "1", 1);
    const Record bad = run_case(*dev_, w, c, 42, quick_run());
    EXPECT_EQ(bad.status, RecordStatus::failed);
    EXPECT_NE(bad.reason.find("batched"), std::string::npos) << bad.reason;
}

}  // namespace
}  // namespace bakeoff
