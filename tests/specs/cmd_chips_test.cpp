// `bakeoff chips`, driven through its CLI11 registration (cmd_chips.cpp is
// compiled into this test). Expected text is written out by hand from
// data/chips.csv where a test pins a row; orders and counts over the whole
// database are derived from the built-in database, so a new row breaks nothing.
#include "common/cli_in_process.h"
#include "specs/chip_db.h"
#include "specs/chip_query.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
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
              "tf32_tflops,bf16_tflops,fp16_tflops,fp8_tflops,int8_tops,fp4_tflops,tdp_w,confidence\n"
              "h100-sxm5-80gb,NVIDIA,H100 SXM5 80GB,2022,80,HBM3,3350,67,67,494.5,989.5,989.5,1979,1979,,700,"
              "vendor datasheet\n"
              "h100-pcie-80gb,NVIDIA,H100 PCIe 80GB,2022,80,HBM2e,2000,51,51,378,756.5,756.5,1513,1513,,350,"
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

namespace {
const bakeoff::specs::ChipDatabase& db() { return bakeoff::specs::ChipDatabase::embedded(); }
std::vector<std::string> ids_of(const std::vector<const bakeoff::specs::Chip*>& chips) {
    std::vector<std::string> v;
    for (const auto* c : chips) v.push_back(c->id);
    return v;
}
}  // namespace

TEST(ChipsCommand, SortLargestFirstUnknownLast) {
    const auto r = chips({"--sort", "bf16_tflops", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), db().chips().size());
    std::vector<std::string> ids;
    for (const auto& row : j) ids.push_back(row["id"]);
    // Known BF16 figures never increase, ties in file order; unknown ones last.
    std::size_t known = 0;
    while (known < j.size() && !j[known]["bf16_tflops"].is_null()) ++known;
    ASSERT_GT(known, 10u);
    for (std::size_t i = known; i < j.size(); ++i) EXPECT_TRUE(j[i]["bf16_tflops"].is_null()) << ids[i];
    auto pos = [&](const std::string& id) {
        for (std::size_t k = 0; k < db().chips().size(); ++k)
            if (db().chips()[k].id == id) return k;
        return db().chips().size();
    };
    for (std::size_t i = 1; i < known; ++i) {
        const double a = j[i - 1]["bf16_tflops"], b = j[i]["bf16_tflops"];
        EXPECT_GE(a, b) << ids[i - 1] << " before " << ids[i];
        if (a == b) EXPECT_LT(pos(ids[i - 1]), pos(ids[i])) << "tie out of file order: " << ids[i];
    }
    // Pinned by hand from data/chips.csv: MI355X (2516.6) before GB200 (2500); H100 SXM before H800 SXM (989.5, file order).
    EXPECT_EQ(ids[0], "mi355x");
    EXPECT_EQ(ids[1], "gb200");
    EXPECT_LT(std::find(ids.begin(), ids.end(), "h100-sxm5-80gb"), std::find(ids.begin(), ids.end(), "h800-sxm5-80gb"));

    const auto rev = nlohmann::json::parse(chips({"--sort", "bf16_tflops", "--reverse", "--format", "json"}).out);
    ASSERT_EQ(rev.size(), ids.size());
    EXPECT_EQ(rev[known - 1]["id"], ids.front());  // largest last among the known
    EXPECT_EQ(rev.back()["id"], ids.back());        // unknown stays last
}

TEST(ChipsCommand, SortIsTheDatabasesOneOrdering) {
    auto json_ids = [](const std::string& out) {
        std::vector<std::string> v;
        for (const auto& row : nlohmann::json::parse(out)) v.push_back(row["id"]);
        return v;
    };
    // --sort on a database key gives exactly specs::sort_chips' order, both ways.
    for (const char* key : {"tpp", "fp4_tflops", "memory_bandwidth_gbs", "year"}) {
        const auto r = chips({"--sort", key, "--format", "json"});
        ASSERT_EQ(r.code, 0) << key << r.err;
        EXPECT_EQ(json_ids(r.out), ids_of(bakeoff::specs::sort_chips(db(), key))) << key;
        const auto rev = chips({"--sort", key, "--reverse", "--format", "json"});
        EXPECT_EQ(json_ids(rev.out), ids_of(bakeoff::specs::sort_chips(db(), key, true))) << key;
    }
    // A derived column of a view sorts by the same rule: largest first, unknown last.
    const auto e = chips({"--efficiency", "--sort", "bf16_tflops_per_w", "--format", "json"});
    ASSERT_EQ(e.code, 0) << e.err;
    const auto j = nlohmann::json::parse(e.out);
    bool seen_unknown = false;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const auto& v = j[i]["bf16_tflops_per_w"];
        if (v.is_null()) seen_unknown = true;
        else EXPECT_FALSE(seen_unknown) << "known value after an unknown one at row " << i;
        if (i > 0 && !v.is_null() && !j[i - 1]["bf16_tflops_per_w"].is_null())
            EXPECT_GE(j[i - 1]["bf16_tflops_per_w"].get<double>(), v.get<double>());
    }
}

TEST(ChipsCommand, VendorFilter) {
    auto count = [](std::initializer_list<const char*> vendors) {
        std::vector<std::string> v;
        for (const auto& c : db().chips())
            for (const char* want : vendors)
                if (c.vendor == want) v.push_back(c.id);
        return v;
    };
    auto r = chips({"--vendor", "nvidia", "--format", "csv"});
    ASSERT_EQ(r.code, 0);
    EXPECT_EQ(csv_column(r.out, 0), count({"NVIDIA"}));  // case-insensitive, file order
    EXPECT_GE(csv_column(r.out, 0).size(), 14u);
    r = chips({"--vendor", "AMD,Intel", "--format", "csv"});
    EXPECT_EQ(csv_column(r.out, 0), count({"AMD", "Intel"}));
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
             {"show", "no-such-chip"},
             {"--compare", "h100-sxm5-80gb,nope-9000"},
             {"--compare", "h20,h100-sxm5-80gb", "--sort", "year"},
             {"--compare", "h20", "--export-control"},
             {"show", "h20", "--compare", "b200"}}) {
        const auto r = chips(args);
        EXPECT_EQ(r.code, 2) << args[0];
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_EQ(r.err.rfind("bakeoff: ", 0), 0u) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
    EXPECT_NE(chips({"--sort", "nope"}).err.find("unknown sort field 'nope'"), std::string::npos);
    EXPECT_EQ(chips({"show", "ascend-910b"}).err,
              "bakeoff: unknown chip id 'ascend-910b'; did you mean ascend-910b2, ascend-910b3, ascend-910b4?\n");
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

TEST(ChipsCommand, CompareFiguresRatiosAndConfidence) {
    // Ids and plain names, any case; every --format through the shared table.
    const auto r = chips({"--compare", "H100-SXM5-80GB,b200,H20 (HGX H20)", "--format", "json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_GE(j.size(), 2u);
    EXPECT_EQ(j[0]["field"], "confidence");
    EXPECT_EQ(j[0]["h100-sxm5-80gb"], "vendor datasheet");
    EXPECT_EQ(j[0]["h20"], "press report");
    EXPECT_FALSE(j[0].contains("h100-sxm5-80gb_ratio"));  // the first chip is the reference
    const nlohmann::json* bf16 = nullptr;
    const nlohmann::json* fp4 = nullptr;
    for (const auto& row : j) {
        EXPECT_NE(row["field"], "year");  // claimed figures only
        if (row["field"] == "bf16_tflops") bf16 = &row;
        if (row["field"] == "fp4_tflops") fp4 = &row;
    }
    ASSERT_NE(bf16, nullptr);
    EXPECT_EQ((*bf16)["unit"], "TFLOPS");
    EXPECT_EQ((*bf16)["b200"], 2250);
    EXPECT_NEAR((*bf16)["b200_ratio"].get<double>(), 2250 / 989.5, 1e-4);
    EXPECT_NEAR((*bf16)["h20_ratio"].get<double>(), 148 / 989.5, 1e-4);
    ASSERT_NE(fp4, nullptr);  // B200 has an FP4 figure, H100 none: value shown, no ratio
    EXPECT_TRUE((*fp4)["h100-sxm5-80gb"].is_null());
    EXPECT_TRUE((*fp4)["b200_ratio"].is_null());

    const auto text = chips({"--compare", "h100-sxm5-80gb,b200"});
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_NE(text.out.find("b200 ratio"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("2.27"), std::string::npos) << text.out;  // 2250 / 989.5 to two decimals
    for (const char* f : {"csv", "markdown"}) EXPECT_EQ(chips({"--compare", "h20,b200", "--format", f}).code, 0) << f;

    const auto bad = chips({"--compare", "h100-sxm5-80gb,ascend-910b"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err, "bakeoff: unknown chip id 'ascend-910b'; did you mean ascend-910b2, ascend-910b3, ascend-910b4?\n");
}

TEST(ChipsCommand, ShowTakesAnyCaseAndPlainNamesAndShowsFp4AndDevices) {
    const auto by_id = chips({"show", "b200", "--format", "json"});
    ASSERT_EQ(by_id.code, 0) << by_id.err;
    EXPECT_EQ(chips({"show", "B200", "--format", "json"}).out, by_id.out);
    const auto by_name = chips({"show", "h20 (hgx h20)", "--format", "json"});
    ASSERT_EQ(by_name.code, 0) << by_name.err;
    EXPECT_EQ(nlohmann::json::parse(by_name.out)["id"], "h20");

    const auto j = nlohmann::json::parse(by_id.out);
    EXPECT_TRUE(j["fp4_tflops"].is_number());
    EXPECT_TRUE(j.contains("fp4_format"));
    EXPECT_TRUE(j.contains("devices_per_package"));
    const auto text = chips({"show", "ascend-910c"});
    ASSERT_EQ(text.code, 0) << text.err;
    for (const char* field : {"fp4_tflops", "fp4_format", "devices_per_package"})
        EXPECT_NE(text.out.find(field), std::string::npos) << field << "\n" << text.out;
    const auto at = text.out.find("devices_per_package");
    const std::string line = text.out.substr(at, text.out.find('\n', at) - at);
    EXPECT_EQ(line.substr(line.find_last_of(' ') + 1), "2") << line;
    EXPECT_NE(text.out.find("a measured device is compared with figure / 2"), std::string::npos) << text.out;
}

TEST(ChipsCommand, Fp4ColumnWhereTheDatabaseHasFp4Figures) {
    // Text and Markdown show FP4 when a listed chip has a figure, and leave out an all-unknown column;
    // CSV and JSON always carry it.
    const auto all = lines(chips({}).out);
    ASSERT_GT(all.size(), 3u);
    EXPECT_NE(all[2].find(" FP4 "), std::string::npos) << all[2];
    const auto h100 = lines(chips({"--filter", "h100"}).out);
    EXPECT_EQ(h100[2].find("FP4"), std::string::npos) << h100[2];
    const auto md = chips({"--filter", "b200", "--format", "markdown"});
    EXPECT_NE(md.out.find("| FP4 |"), std::string::npos) << md.out;
    EXPECT_NE(chips({"--filter", "h100", "--format", "csv"}).out.find(",fp4_tflops,"), std::string::npos);
}

TEST(ChipsCommand, ExportControlAsOfAppliesTheRuleInForceThatDay) {
    auto band = [](const char* date) {
        const auto r = chips({"--export-control", "--as-of", date, "--filter", "h100-sxm5-80gb", "--format", "json"});
        EXPECT_EQ(r.code, 0) << r.err;
        return nlohmann::json::parse(r.out)[0]["band"].get<std::string>();
    };
    EXPECT_EQ(band("2022-01-01"), "none");     // before 3A090
    EXPECT_EQ(band("2022-10-07"), "3A090");    // 87 FR 62186: TPP >= 4800 and I/O >= 600 GB/s
    EXPECT_EQ(band("2024-01-01"), "3A090.a");  // 88 FR 73458
    const auto title = lines(chips({"--export-control", "--as-of", "2024-01-01", "--filter", "h20"}).out);
    EXPECT_NE(title[0].find("rules in force on 2024-01-01 (88 FR 73458"), std::string::npos) << title[0];
}
