// `bakeoff chips`, driven through its CLI11 registration (cmd_chips.cpp is
// compiled into this test). Expected text is written out by hand from
// data/chips.csv.
#include "common/cli_in_process.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

using Result = bakeoff::testing_support::CommandResult;

Result chips(std::vector<std::string> args) {
    return bakeoff::testing_support::run_in_process(bakeoff::cli::add_chips_command, "chips", std::move(args));
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
}

// Column `col` (0-based) of each CSV data line, for lines without quoted commas.
std::vector<std::string> csv_column(const std::string& csv, std::size_t col) {
    std::vector<std::string> out;
    auto ls = lines(csv);
    for (std::size_t i = 1; i < ls.size(); ++i) {
        std::istringstream in(ls[i]);
        std::string f;
        for (std::size_t k = 0; k <= col; ++k) std::getline(in, f, ',');
        out.push_back(f);
    }
    return out;
}

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST(ChipsCommand, CsvOfAFilter) {
    const auto r = chips({"--filter", "h100", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out,
              "id,vendor,chip,year,memory_capacity_gb,memory_type,memory_bandwidth_gbs,fp64_tflops,fp32_tflops,"
              "tf32_tflops,bf16_tflops,fp16_tflops,fp8_tflops,int8_tops,tdp_w,confidence\n"
              "h100-sxm5-80gb,NVIDIA,H100 SXM5 80GB,2022,80,HBM3,3350,67,67,494.5,989.5,989.5,1979,1979,700,"
              "vendor datasheet\n"
              "h100-pcie-80gb,NVIDIA,H100 PCIe 80GB,2022,80,HBM2e,2000,51,51,378,756.5,756.5,1513,1513,350,"
              "vendor datasheet\n");
    EXPECT_TRUE(r.err.empty());
}

TEST(ChipsCommand, MarkdownWithAnUnknownCell) {
    const auto r = chips({"--filter", "L40S", "--format", "markdown"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 5u) << r.out;
    EXPECT_EQ(ls[1], "");
    EXPECT_EQ(ls[2], "| id | vendor | chip | year | GB | memory | GB/s | FP64 | FP32 | TF32 | BF16 | FP16 | FP8 | INT8 "
                     "| TDP W | confidence |");
    // The shared Markdown renderer's rule: "---:" right-aligns the numbers.
    EXPECT_EQ(ls[3], "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    EXPECT_EQ(ls[4], "| l40s | NVIDIA | L40S | 2023 | 48 | GDDR6 | 864 | - | 91.6 | 183 | 362.05 | 362.05 | 733 | "
                     "733 | 350 | vendor datasheet |");
}

TEST(ChipsCommand, AlignedTable) {
    const auto r = chips({"--filter", "h100"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 6u) << r.out;  // title, blank, header, rule, 2 rows
    // id column is 14 wide ("h100-sxm5-80gb"), then two spaces: vendor starts at 16.
    EXPECT_EQ(ls[2].find("vendor"), 16u);
    EXPECT_EQ(ls[4].find("NVIDIA"), 16u);
    EXPECT_EQ(ls[5].find("NVIDIA"), 16u);
    // Numbers are right-aligned under their header: "GB/s" ends where "3350" and "2000" end.
    const auto end = ls[2].find("GB/s") + 4;
    EXPECT_EQ(ls[4].find("3350") + 4, end);
    EXPECT_EQ(ls[5].find("2000") + 4, end);
}

TEST(ChipsCommand, JsonKeepsUnknownAsNull) {
    const auto r = chips({"--filter", "l40s", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_TRUE(j[0]["fp64_tflops"].is_null());
    EXPECT_EQ(j[0]["bf16_tflops"], 362.05);
    EXPECT_EQ(j[0]["id"], "l40s");
}

TEST(ChipsCommand, SortLargestFirstUnknownLast) {
    const auto r = chips({"--sort", "bf16_tflops", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ids = csv_column(r.out, 0);
    // BF16 from the CSV: 2250, 1307.4 (x2, file order kept), 1024, 989.5 (x3), 756.5, 512, 425, 362.05, 345,
    // 312, 192, 148, 119.5, 114.7, 100, 96; then the chips without a BF16 figure.
    const std::vector<std::string> expected = {
        "b200", "mi300x", "mi325x", "br100", "h100-sxm5-80gb", "h800-sxm5-80gb", "h200-sxm-141gb",
        "h100-pcie-80gb", "br104", "ascend-950pr-atlas350", "l40s", "kunlunxin-p800", "a100-sxm4-80gb",
        "iluvatar-bi-v150", "h20", "l20-48gb", "xeon-8480plus", "mtt-s4000", "mlu370-x8"};
    ASSERT_GT(ids.size(), expected.size());
    EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + expected.size()), expected);
    const auto bf16 = csv_column(r.out, 10);
    for (std::size_t i = expected.size(); i < bf16.size(); ++i) EXPECT_EQ(bf16[i], "") << ids[i];

    const auto rev = csv_column(chips({"--sort", "bf16_tflops", "--reverse", "--format", "csv"}).out, 0);
    EXPECT_EQ(rev.front(), "mlu370-x8");
    EXPECT_EQ(rev[expected.size() - 1], "b200");
}

TEST(ChipsCommand, VendorFilter) {
    auto r = chips({"--vendor", "nvidia", "--format", "csv"});
    ASSERT_EQ(r.code, 0);
    EXPECT_EQ(csv_column(r.out, 0).size(), 9u);  // nine NVIDIA rows in data/chips.csv
    r = chips({"--vendor", "AMD,Intel", "--format", "csv"});
    EXPECT_EQ(csv_column(r.out, 0), (std::vector<std::string>{"mi300x", "mi325x", "epyc-9654", "xeon-8480plus"}));
    r = chips({"--filter", "ascend-910b?", "--format", "csv"});  // glob on the id
    EXPECT_EQ(csv_column(r.out, 0), (std::vector<std::string>{"ascend-910b2", "ascend-910b3", "ascend-910b4"}));
}

TEST(ChipsCommand, UsageErrorsExitTwoWithOneLine) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--sort", "nope"},
             {"--vendor", "Acme"},
             {"--format", "xml"},
             {"--as-of", "2026-13-01", "--export-control"},
             {"--export-control", "--efficiency"},
             {"--efficiency", "--dtype", "int4"},
             {"show", "no-such-chip"}}) {
        const auto r = chips(args);
        EXPECT_EQ(r.code, 2) << args[0];
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("bakeoff: ", 0), 0u) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
    EXPECT_NE(chips({"--sort", "nope"}).err.find("unknown sort field 'nope'"), std::string::npos);
    EXPECT_NE(chips({"show", "h10"}).err.find("did you mean: h100-sxm5-80gb, h100-pcie-80gb"), std::string::npos);
}

TEST(ChipsCommand, EverySpellingOfEveryFormat) {
    const auto text = chips({"--filter", "h100"});
    EXPECT_EQ(chips({"--filter", "h100", "--format", "table"}).out, text.out);
    EXPECT_EQ(chips({"--filter", "h100", "--format", "text"}).out, text.out);
    const auto md = chips({"--filter", "h100", "--format", "markdown"});
    ASSERT_EQ(md.code, 0) << md.err;
    EXPECT_EQ(chips({"--filter", "h100", "--format", "md"}).out, md.out);  // refused before the shared flag
    for (const char* f : {"csv", "json"}) EXPECT_EQ(chips({"--filter", "h100", "--format", f}).code, 0) << f;
    for (const char* f : {"text", "md", "csv", "json"}) {
        const auto r = chips({"show", "h20", "--format", f});
        EXPECT_EQ(r.code, 0) << f << r.err;
        EXPECT_NE(r.out.find("h20"), std::string::npos) << f;
    }
    const auto bad = chips({"--format", "xml"});
    EXPECT_EQ(bad.err, "bakeoff: --format: unknown format 'xml' (text (or table), markdown (or md), csv, json)\n");
}

TEST(ChipsCommand, MalformedDatabaseExitsOneNamingFileLineColumn) {
    const std::string path = write_temp("bakeoff_bad_chips.csv",
                                        "vendor,chip,fp16_tflops,source,confidence\n"
                                        "Acme,A,1,s,estimate\n"
                                        "Acme,B,1O0,s,estimate\n");
    const auto r = chips({"--chips", path});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "bakeoff: " + path + ":3:8: fp16_tflops: '1O0' is not a number (digits such as 814 or 19.5, "
                                          "no units or spaces; leave the cell empty if unknown)\n");
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(chips({"--chips", "/nonexistent.csv"}).code, 1);
    std::remove(path.c_str());
}

TEST(ChipsCommand, UserDatabaseReplacesTheBuiltIn) {
    const std::string path = write_temp("bakeoff_user_chips.csv",
                                        "vendor,chip,fp16_tflops,source,confidence\nAcme,Rocket 1,100,lab,estimate\n");
    const auto r = chips({"--chips", path, "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(csv_column(r.out, 0), std::vector<std::string>{"rocket-1"});
    std::remove(path.c_str());
}

TEST(ChipsCommand, ShowOneChipWithFormulas) {
    const auto r = chips({"show", "h20"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("source: NVIDIA HGX H20 specification as reported by press"), std::string::npos);
    EXPECT_NE(r.out.find("confidence: press report"), std::string::npos);
    EXPECT_NE(r.out.find("bf16 148x16=2368"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("TPP 2368 / die area 814 mm2"), std::string::npos);
    EXPECT_NE(r.out.find("148 / 400 W"), std::string::npos);  // bf16 per watt
    EXPECT_NE(r.out.find("below both"), std::string::npos);
    // Options of `chips` may follow `show ID`.
    const auto j = nlohmann::json::parse(chips({"show", "b200", "--format", "json"}).out);
    EXPECT_TRUE(j["die_area_mm2"].is_null());
    EXPECT_EQ(j["derived"]["tpp"], 36000);
    EXPECT_TRUE(j["derived"]["performance_density"].is_null());
    EXPECT_EQ(j["derived"]["export_control"]["band"], "3A090.a");
}

TEST(ChipsCommand, ExportControlCsv) {
    const auto r = chips({"--export-control", "--filter", "HGX H20", "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 2u);
    EXPECT_EQ(ls[0], "id,vendor,chip,tpp,tpp_basis,die_area_mm2,pd,band,clause,confidence,uncertain,why,notes");
    // tf32 74x32 is the first of the tied maxima in column order; PD 2368/814 = 2.909090..., to 4 decimals.
    EXPECT_EQ(ls[1].rfind("h20,NVIDIA,H20 (HGX H20),2368,tf32 74x32,814,2.9091,below both,,press report,yes,", 0),
              0u)
        << ls[1];
    const auto old = chips({"--export-control", "--as-of", "2023-01-01", "--filter", "h800", "--format", "csv"});
    EXPECT_NE(old.out.find(",below,"), std::string::npos) << old.out;  // 400 GB/s < 600 under the 2022 rule
}

TEST(ChipsCommand, PricesAddPerDollarColumns) {
    const std::string path =
        write_temp("bakeoff_prices.csv", "chip,price_usd,price_per_hour_usd\nh100-sxm5-80gb,25000,2.5\n");
    const auto r = chips({"--prices", path, "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    // 989.5/700 = 1.41357; 3350/700 = 4.7857; 989.5/25 = 39.58; 3350/25 = 134; 989.5/2.5 = 395.8; 3350/2.5 = 1340.
    EXPECT_EQ(r.out,
              "id,vendor,chip,bf16_tflops,tdp_w,bf16_tflops_per_w,memory_bandwidth_gbs,gbs_per_w,price_usd,"
              "bf16_tflops_per_kusd,gbs_per_kusd,price_per_hour_usd,bf16_tflops_per_usd_hour,gbs_per_usd_hour,"
              "price_source,confidence\n"
              "h100-sxm5-80gb,NVIDIA,H100 SXM5 80GB,989.5,700,1.41357,3350,4.7857,25000,39.58,134,2.5,395.8,1340,,"
              "vendor datasheet\n");
    const std::string bad = write_temp("bakeoff_bad_prices.csv", "chip,price_usd\nh100-sxm5-80gb,25k\n");
    const auto e = chips({"--prices", bad});
    EXPECT_EQ(e.code, 1);
    EXPECT_EQ(e.err.rfind("bakeoff: " + bad + ":2:16: price_usd: '25k' is not a number", 0), 0u) << e.err;
    std::remove(path.c_str());
    std::remove(bad.c_str());
}
