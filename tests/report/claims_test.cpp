#include "report/claims.h"
#include "results/validate.h"
#include "specs/chip_db.h"

#include <gtest/gtest.h>

using namespace bakeoff;

namespace {
Record measured(const std::string& workload, const std::string& dtype, const std::string& unit, double seconds,
                WorkCounts w) {
    Record r;
    r.id = workload + "@gpu:0";
    r.workload = workload;
    r.dtype = dtype;
    r.status = RecordStatus::ok;
    r.metric = {"x", unit, unit == "GB/s" ? "bytes" : "flops", 1e9};
    r.work = w;
    r.samples_s = {seconds, seconds, seconds, seconds, seconds};
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.verification = Verification{true, "m", "e", 0, 0, ""};
    r.reason = "";
    return r;
}
}  // namespace

TEST(Claims, BandwidthRecordAgainstTheDatasheet) {
    const auto& db = specs::ChipDatabase::embedded();
    auto m = specs::match_device(db, "NVIDIA H100 80GB HBM3");
    ASSERT_TRUE(m.ok()) << m.reason;
    // 3e12 bytes in 1 s = 3000 GB/s against H100 SXM's claimed 3350 GB/s.
    Record r = measured("membw.copy", "fp64", "GB/s", 1.0, {0, 3e12});
    auto j = claim_json(r, m, nullptr);
    EXPECT_EQ(j["chip"], m.chip->id);
    EXPECT_DOUBLE_EQ(j["claimed"].get<double>(), *m.chip->memory_bandwidth_gbs);
    EXPECT_NEAR(j["percent"].get<double>(), 100.0 * 3000 / *m.chip->memory_bandwidth_gbs, 1e-9);
    EXPECT_NEAR(j["per_watt"].get<double>(), 3000 / *m.chip->tdp_w, 1e-9);
}

TEST(Claims, GemmRecordUsesTheDtypesPeakInGflops) {
    const auto& db = specs::ChipDatabase::embedded();
    auto m = specs::match_device(db, "", "h100-sxm5-80gb");
    ASSERT_TRUE(m.ok()) << m.reason;
    // 2e15 FLOP in 4 s = 500,000 GFLOP/s against a bf16 claim of 989.5 TFLOPS.
    Record r = measured("gemm", "bf16", "GFLOP/s", 4.0, {2e15, 0});
    ASSERT_TRUE(claim_in_record_unit(r, *m.chip).has_value());
    EXPECT_DOUBLE_EQ(*claim_in_record_unit(r, *m.chip), *m.chip->bf16_tflops * 1000);
    r.claim = claim_json(r, m, nullptr);
    EXPECT_NEAR(*r.percent_of_claim(), 100.0 * 500000 / (*m.chip->bf16_tflops * 1000), 1e-9);
}

TEST(Claims, UnknownDeviceSaysWhyAndCarriesNoPercent) {
    const auto& db = specs::ChipDatabase::embedded();
    auto m = specs::match_device(db, "Some Unheard-Of Accelerator 9000");
    EXPECT_FALSE(m.ok());
    Record r = measured("membw.copy", "fp64", "GB/s", 1.0, {0, 1e9});
    auto j = claim_json(r, m, nullptr);
    EXPECT_TRUE(j["chip"].is_null());
    EXPECT_FALSE(j["reason"].get<std::string>().empty());
    r.claim = j;
    EXPECT_FALSE(r.percent_of_claim().has_value());
}

TEST(Claims, ValidateCatchesAnEditedPercentOfClaim) {
    const auto& db = specs::ChipDatabase::embedded();
    auto m = specs::match_device(db, "", "h100-sxm5-80gb");
    ResultsFile f;
    f.header = {{"tool", {}}, {"host", {}}, {"devices", nlohmann::json::array()}, {"created_utc", "x"},
                {"seed", 1}, {"command_line", {}}, {"complete", true}};
    Record r = measured("membw.copy", "fp64", "GB/s", 1.0, {0, 3e12});
    r.claim = claim_json(r, m, nullptr);
    r.device_id = "gpu:0";
    f.records.push_back(r);
    f.header["devices"] = {{{"id", r.device_id}}};  // the device the record ran on
    EXPECT_TRUE(check_consistency(f).empty());
    f.records[0].claim["percent"] = 99.0;
    ASSERT_FALSE(check_consistency(f).empty());
    EXPECT_NE(check_consistency(f)[0].find("claim.percent"), std::string::npos);
}

TEST(Claims, CacheResidentBandwidthIsNotSetAgainstAMemoryClaim) {
    const auto& db = specs::ChipDatabase::embedded();
    auto m = specs::match_device(db, "", "h100-sxm5-80gb");
    Record r = measured("membw.copy", "fp64", "GB/s", 1.0, {0, 3e12});
    r.params = {{"cache_resident", true}};
    EXPECT_FALSE(claim_in_record_unit(r, *m.chip).has_value());
    r.claim = claim_json(r, m, nullptr);
    EXPECT_FALSE(r.percent_of_claim().has_value());
    r.params["cache_resident"] = false;
    EXPECT_TRUE(claim_in_record_unit(r, *m.chip).has_value());
}
