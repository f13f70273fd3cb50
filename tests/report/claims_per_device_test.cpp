// A package software sees as several devices (devices_per_package): the claim
// a measured device is set against, and its figure per watt, are one device's
// share; the record's claim object carries the package's figure beside them.
#include "report/claims.h"
#include "results/validate.h"
#include "specs/chip_db.h"

#include <gtest/gtest.h>

using namespace bakeoff;

namespace {
Record membw(double gbs) {
    Record r;
    r.id = "membw.copy@npu:0";
    r.workload = "membw.copy";
    r.dtype = "fp64";
    r.status = RecordStatus::ok;
    r.metric = {"x", "GB/s", "bytes", 1e9};
    r.work = {0, gbs * 1e9};
    r.samples_s = {1.0, 1.0, 1.0, 1.0, 1.0};
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.verification = Verification{true, "m", "e", 0, 0, ""};
    return r;
}
const specs::ChipDatabase& two_dies() {
    static const auto db = specs::ChipDatabase::parse(
        "id,vendor,chip,memory_bandwidth_gbs,tdp_w,devices_per_package,source,confidence,device_patterns\n"
        "duo,Acme,Duo,3200,800,2,lab,vendor datasheet,acme duo\n"
        "solo,Acme,Solo,3200,800,,lab,vendor datasheet,acme solo\n",
        "two_dies.csv");
    return db;
}
}  // namespace

TEST(ClaimsPerDevice, PerWattUsesTheDevicesShareOfTheTdp) {
    const auto m = specs::match_device(two_dies(), "Acme Duo");
    ASSERT_TRUE(m.ok()) << m.reason;
    const auto j = claim_json(membw(1600), m, nullptr);
    EXPECT_DOUBLE_EQ(j["claimed"].get<double>(), 1600);          // 3200 / 2 devices
    EXPECT_DOUBLE_EQ(j["percent"].get<double>(), 100);
    EXPECT_DOUBLE_EQ(j["per_watt"].get<double>(), 1600.0 / 400);  // 800 W / 2 devices, not 800 W
    EXPECT_EQ(j["devices_per_package"], 2);
    EXPECT_DOUBLE_EQ(j["claimed_package"].get<double>(), 3200);
    EXPECT_DOUBLE_EQ(j["tdp_w"].get<double>(), 800);              // the package's, as in the database
}

TEST(ClaimsPerDevice, OneDevicePackagesCarryNoPackageFields) {
    const auto m = specs::match_device(two_dies(), "Acme Solo");
    ASSERT_TRUE(m.ok()) << m.reason;
    const auto j = claim_json(membw(1600), m, nullptr);
    EXPECT_DOUBLE_EQ(j["per_watt"].get<double>(), 1600.0 / 800);
    EXPECT_FALSE(j.contains("devices_per_package"));
    EXPECT_FALSE(j.contains("claimed_package"));
}
