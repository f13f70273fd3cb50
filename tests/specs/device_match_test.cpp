// Matching device names to database chips, and the claimed figures.
#include "specs/device_match.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff::specs;

namespace {
const ChipDatabase& db() { return ChipDatabase::embedded(); }
std::string matched_id(std::string_view device) {
    const auto m = match_device(db(), device);
    if (m.chip) return m.chip->id;
    std::string status(to_string(m.status));
    return "<" + status + ">";
}
}  // namespace

TEST(DeviceMatch, Normalization) {
    EXPECT_EQ(normalize_device_name("  NVIDIA A100-SXM4-80GB "), "nvidia a100 sxm4 80gb");
    EXPECT_EQ(normalize_device_name("Intel(R) Xeon(R) Platinum 8480+"), "intel r xeon r platinum 8480+");
    EXPECT_EQ(normalize_device_name("*H100_80GB*", true), "*h100 80gb*");
    EXPECT_EQ(normalize_device_name("*H100_80GB*", false), "h100 80gb");
}

TEST(DeviceMatch, ExactNames) {
    EXPECT_EQ(matched_id("NVIDIA H100 80GB HBM3"), "h100-sxm5-80gb");
    EXPECT_EQ(matched_id("NVIDIA H100 PCIe"), "h100-pcie-80gb");
    EXPECT_EQ(matched_id("NVIDIA A100-SXM4-80GB"), "a100-sxm4-80gb");
    EXPECT_EQ(matched_id("NVIDIA H200"), "h200-sxm-141gb");
    EXPECT_EQ(matched_id("NVIDIA H20"), "h20");  // not the H200
    EXPECT_EQ(matched_id("nvidia l40s"), "l40s");
    EXPECT_EQ(matched_id("AMD Instinct MI300X"), "mi300x");
    EXPECT_EQ(matched_id("AMD Instinct MI325X VF"), "mi325x");
    EXPECT_EQ(matched_id("Ascend910B3"), "ascend-910b3");
    EXPECT_EQ(matched_id("Intel(R) Xeon(R) Platinum 8480+"), "xeon-8480plus");
    EXPECT_EQ(matched_id("AMD EPYC 9654 96-Core Processor"), "epyc-9654");
    const auto m = match_device(db(), "NVIDIA H100 80GB HBM3");
    EXPECT_EQ(m.status, MatchStatus::matched);
    EXPECT_EQ(m.pattern, "*h100 80gb hbm3*");
    EXPECT_TRUE(m.ok());
}

TEST(DeviceMatch, AmbiguousMatchesNothingAndSaysWhy) {
    const auto m = match_device(db(), "NVIDIA H100");  // SXM5 or PCIe?
    EXPECT_EQ(m.status, MatchStatus::ambiguous);
    EXPECT_EQ(m.chip, nullptr);
    ASSERT_EQ(m.candidates.size(), 2u);
    EXPECT_NE(m.reason.find("h100-sxm5-80gb, h100-pcie-80gb"), std::string::npos) << m.reason;
    const auto a = match_device(db(), "Ascend910B");  // B2, B3 or B4?
    EXPECT_EQ(a.status, MatchStatus::ambiguous);
    EXPECT_EQ(a.candidates.size(), 3u);
}

TEST(DeviceMatch, UnknownMatchesNothingAndSaysWhy) {
    for (const char* name : {"NVIDIA H100 NVL", "NVIDIA A100 80GB PCIe", "NVIDIA Quadro P800",
                             "AMD EPYC 9754 128-Core Processor", "NVIDIA H200 NVL", ""}) {
        const auto m = match_device(db(), name);
        EXPECT_EQ(m.status, MatchStatus::unknown_device) << name;
        EXPECT_EQ(m.chip, nullptr) << name;
        EXPECT_NE(m.reason.find("matches no chip"), std::string::npos) << m.reason;
    }
}

TEST(DeviceMatch, ExplicitIdOverrides) {
    auto m = match_device(db(), "NVIDIA H100", "h100-pcie-80gb");
    EXPECT_EQ(m.status, MatchStatus::overridden);
    ASSERT_NE(m.chip, nullptr);
    EXPECT_EQ(m.chip->id, "h100-pcie-80gb");
    m = match_device(db(), "NVIDIA H100 80GB HBM3", "h800-sxm5-80gb");
    EXPECT_EQ(m.chip->id, "h800-sxm5-80gb");
    EXPECT_NE(m.reason.find("would have matched 'h100-sxm5-80gb'"), std::string::npos);
    m = match_device(db(), "NVIDIA H100 80GB HBM3", "no-such-chip");
    EXPECT_EQ(m.status, MatchStatus::unknown_override);
    EXPECT_EQ(m.chip, nullptr);
}

TEST(DeviceMatch, ClaimedFigures) {
    const Chip& h100 = *db().find("h100-sxm5-80gb");
    EXPECT_EQ(claimed_bandwidth_gbs(h100), 3350);
    EXPECT_EQ(claimed_peak(h100, "fp64"), 67);
    EXPECT_EQ(claimed_peak(h100, "tf32"), 494.5);
    EXPECT_EQ(claimed_peak(h100, "BF16"), 989.5);
    EXPECT_EQ(claimed_peak(h100, "int8"), 1979);
    EXPECT_FALSE(claimed_peak(h100, "int4"));
    const Chip& l20 = *db().find("l20-48gb");
    EXPECT_FALSE(claimed_peak(l20, "fp64"));  // empty cell: unknown, not 0
    EXPECT_FALSE(claimed_bandwidth_gbs(*db().find("thead-ppu")));
}

TEST(DeviceMatch, PercentOfClaim) {
    EXPECT_DOUBLE_EQ(*percent_of_claim(3015, 3350.0), 90.0);
    EXPECT_DOUBLE_EQ(*percent_of_claim(798, 989.5), 100.0 * 798 / 989.5);
    EXPECT_FALSE(percent_of_claim(100, std::nullopt));
    EXPECT_FALSE(percent_of_claim(100, 0.0));
    EXPECT_FALSE(percent_of_claim(std::nan(""), 10.0));
    EXPECT_FALSE(percent_of_claim(-1, 10.0));
    EXPECT_DOUBLE_EQ(*percent_of_claim(0, 10.0), 0.0);
}

TEST(DeviceMatch, OneDieOfAMultiDevicePackage) {
    // The 910C row is the package (752 FP16, 128 GB, 3200 GB/s); software sees each
    // of its two dies as a device, so a measured device meets half of each claim.
    const auto m = match_device(db(), "Ascend910C");
    ASSERT_EQ(m.status, MatchStatus::matched);
    const Chip& c = *m.chip;
    EXPECT_EQ(c.id, "ascend-910c");
    EXPECT_EQ(devices_per_package(c), 2);
    EXPECT_EQ(claimed_peak(c, "fp16"), 752.0 / 2);
    EXPECT_EQ(claimed_bandwidth_gbs(c), 3200.0 / 2);
    const Claim p = peak_claim(c, "fp16");
    EXPECT_EQ(p.package_value, 752);
    EXPECT_EQ(p.devices_per_package, 2);
    EXPECT_EQ(p.confidence, Confidence::vendor_datasheet);
    EXPECT_EQ(p.source, c.source);
    EXPECT_EQ(capacity_claim(c).value, 64);
    EXPECT_DOUBLE_EQ(*percent_of_claim(300, claimed_peak(c, "fp16")), 100.0 * 300 / 376);
    // A one-device package keeps its figures.
    EXPECT_EQ(claimed_peak(*db().find("b200"), "bf16"), 2250);
    EXPECT_EQ(peak_claim(*db().find("h20"), "bf16").confidence, Confidence::press_report);
}

TEST(DeviceMatch, OverrideAcceptsNamesAndSuggestsIds) {
    auto m = match_device(db(), "some device", "ascend-910b");
    EXPECT_EQ(m.status, MatchStatus::unknown_override);
    EXPECT_NE(m.reason.find("did you mean ascend-910b2, ascend-910b3, ascend-910b4?"), std::string::npos) << m.reason;
    m = match_device(db(), "some device", "Instinct MI355X");
    EXPECT_EQ(m.status, MatchStatus::overridden);
    EXPECT_EQ(m.chip->id, "mi355x");
}

TEST(DeviceMatch, NewRowsMatchTheirNamesOnly) {
    // The GB300 is not the B300; the Max-Q edition is not in the database.
    const std::pair<const char*, const char*> cases[] = {
        {"NVIDIA B300 SXM6 AC", "b300"}, {"NVIDIA GB300", "gb300"}, {"NVIDIA GB200", "gb200"},
        {"AMD Instinct MI355X", "mi355x"}, {"TPU v6 lite", "tpu-v6e"}, {"P800 OAM", "kunlunxin-p800"},
        {"NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition", "<unknown device>"}};
    for (const auto& [device, id] : cases) EXPECT_EQ(matched_id(device), id) << device;
}
