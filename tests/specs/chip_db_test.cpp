// The chip database: the shipped data loads whole, empty cells stay unknown,
// malformed files are reported with file, line and column.
#include "specs/chip_db.h"

#include "expect_parse_error.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace bakeoff::specs;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::string kShipped = std::string(BAKEOFF_SOURCE_DIR) + "/data/chips.csv";

ParseError db_error(std::string_view text) {
    return bakeoff::specs::test_support::expect_parse_error(text, [](std::string_view t) { ChipDatabase::parse(std::string(t), "user.csv"); });
}

const std::string kHeader = "vendor,chip,fp16_tflops,tdp_w,source,confidence\n";

}  // namespace

TEST(ChipDb, EmbeddedCopyIsTheShippedFile) {
    const std::string file = read_file(kShipped);
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(embedded_chips_csv(), file) << "rebuild to regenerate the embedded database";
}

TEST(ChipDb, EveryShippedRowLoadsAndKeepsItsSource) {
    const std::string file = read_file(kShipped);
    // The shipped file has no line breaks inside fields: one row per line after the header.
    std::size_t lines = 0;
    for (char c : file) lines += c == '\n';
    const auto& db = ChipDatabase::embedded();
    ASSERT_EQ(db.chips().size(), lines - 1);
    for (const Chip& c : db.chips()) {
        EXPECT_FALSE(c.source.empty()) << c.id;
        EXPECT_NE(file.find(c.source), std::string::npos) << c.id;  // kept verbatim
        EXPECT_NE(file.find(c.name), std::string::npos) << c.id;
        EXPECT_EQ(db.find(c.id), &c);
        EXPECT_GT(c.line, 1u);
    }
}

TEST(ChipDb, FiguresAsInTheCsv) {
    const auto& db = ChipDatabase::embedded();
    const Chip* h100 = db.find("h100-sxm5-80gb");
    ASSERT_NE(h100, nullptr);
    EXPECT_EQ(h100->vendor, "NVIDIA");
    EXPECT_EQ(h100->name, "H100 SXM5 80GB");
    EXPECT_EQ(h100->year, 2022);
    EXPECT_EQ(h100->die_area_mm2, 814);
    EXPECT_EQ(h100->tf32_tflops, 494.5);
    EXPECT_EQ(h100->bf16_tflops, 989.5);
    EXPECT_EQ(h100->fp8_tflops, 1979);
    EXPECT_EQ(h100->memory_bandwidth_gbs, 3350);
    EXPECT_EQ(h100->tdp_w, 700);
    EXPECT_EQ(h100->confidence, Confidence::vendor_datasheet);
    const Chip* h20 = db.find("H20");  // ids compare case-insensitively
    ASSERT_NE(h20, nullptr);
    EXPECT_EQ(h20->name, "H20 (HGX H20)");
    EXPECT_EQ(h20->confidence, Confidence::press_report);
    // A quoted source with commas survives whole.
    EXPECT_EQ(h20->source,
              "NVIDIA HGX H20 specification as reported by press (SemiAnalysis / Tom's Hardware / TechPowerUp, "
              "Nov 2023); die = GH100 per reports");
    EXPECT_EQ(db.find("xeon-8480plus")->confidence, Confidence::third_party_estimate);
}

TEST(ChipDb, EmptyCellIsUnknownNotZero) {
    const auto& db = ChipDatabase::embedded();
    EXPECT_FALSE(db.find("b200")->die_area_mm2.has_value());
    EXPECT_FALSE(db.find("a100-sxm4-80gb")->fp8_tflops.has_value());
    EXPECT_FALSE(db.find("l20-48gb")->fp64_tflops.has_value());
    EXPECT_FALSE(db.find("l20-48gb")->interconnect_gbs.has_value());
    EXPECT_FALSE(db.find("ascend-910b4")->die_area_mm2.has_value());
    EXPECT_FALSE(db.find("ascend-910b4")->year.has_value());
    EXPECT_EQ(db.find("h800-sxm5-80gb")->fp64_tflops, 1);  // a small figure is not an empty one
    const Chip* mlu590 = db.find("mlu590");
    ASSERT_NE(mlu590, nullptr);
    for (const auto& d : peak_dtypes()) EXPECT_FALSE((mlu590->*(d.member)).has_value()) << d.name;
    EXPECT_TRUE(mlu590->process_node.empty());
    EXPECT_FALSE(numeric_field(*mlu590, "memory_bandwidth_gbs").has_value());
    EXPECT_EQ(field_text(*mlu590, "tdp_w"), "");
}

TEST(ChipDb, MinimalUserFileDerivesIds) {
    const auto db = ChipDatabase::parse(kHeader + "Acme,Rocket X1+ (PCIe),100,300,my lab,estimate\n", "user.csv");
    ASSERT_EQ(db.chips().size(), 1u);
    const Chip& c = db.chips()[0];
    EXPECT_EQ(c.id, "rocket-x1plus-pcie");
    EXPECT_EQ(c.fp16_tflops, 100);
    EXPECT_FALSE(c.bf16_tflops.has_value());  // column absent: unknown
    EXPECT_EQ(c.line, 2u);
    EXPECT_EQ(db.origin(), "user.csv");
}

TEST(ChipDb, BadNumberNamesLineAndColumn) {
    // Row 3, fields: "Acme"(1) ","(5) "B"(6) ","(7) "19.5 TF" starts at column 8.
    const auto e = db_error(kHeader + "Acme,A,1,2,s,estimate\nAcme,B,19.5 TF,300,s,estimate\n");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.column(), 8u);
    EXPECT_EQ(std::string(e.what()).rfind("user.csv:3:8: fp16_tflops: '19.5 TF' is not a number", 0), 0u)
        << e.what();
}

TEST(ChipDb, ZeroAndNegativeAreRejected) {
    EXPECT_EQ(db_error(kHeader + "Acme,A,0,300,s,estimate\n").column(), 8u);
    EXPECT_EQ(db_error(kHeader + "Acme,A,-1,300,s,estimate\n").column(), 8u);
    EXPECT_EQ(db_error(kHeader + "Acme,A,nan,300,s,estimate\n").column(), 8u);
}

TEST(ChipDb, HeaderErrors) {
    auto e = db_error("vendor,chip,flops,source,confidence\n");
    EXPECT_EQ(e.line(), 1u);
    EXPECT_EQ(e.column(), 13u);
    EXPECT_NE(e.message().find("unknown column 'flops'"), std::string::npos);
    e = db_error("vendor,chip,source\n");  // confidence missing
    EXPECT_EQ(e.line(), 1u);
    EXPECT_NE(e.message().find("missing required column 'confidence'"), std::string::npos);
    e = db_error("vendor,chip,source,confidence,chip\n");
    EXPECT_EQ(e.column(), 31u);
    EXPECT_NE(e.message().find("appears twice"), std::string::npos);
    EXPECT_EQ(db_error("").line(), 1u);
}

TEST(ChipDb, FieldCountErrors) {
    auto e = db_error(kHeader + "Acme,A,1,2,s\n");  // one short
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 13u);  // just past the last character
    EXPECT_EQ(e.message(), "expected 6 fields, found 5");
    e = db_error(kHeader + "Acme,A,1,2,s,estimate,extra\n");
    EXPECT_EQ(e.column(), 23u);  // the first extra field
}

TEST(ChipDb, RequiredConfidenceAndSource) {
    auto e = db_error(kHeader + "Acme,A,1,2,s,rumour\n");
    EXPECT_EQ(e.column(), 14u);
    EXPECT_NE(e.message().find("not one of: vendor datasheet, vendor announcement, press report, third-party estimate"), std::string::npos);
    e = db_error(kHeader + "Acme,A,1,2,,estimate\n");
    EXPECT_EQ(e.column(), 12u);
    EXPECT_EQ(e.message(), "source: required, but empty");
}

TEST(ChipDb, DuplicateAndInvalidIds) {
    const std::string h = "id,vendor,chip,source,confidence\n";
    auto e = db_error(h + "x1,Acme,A,s,estimate\nx1,Acme,B,s,estimate\n");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.column(), 1u);
    EXPECT_NE(e.message().find("duplicate chip id 'x1' (first on line 2)"), std::string::npos);
    e = db_error(h + "Big Chip,Acme,A,s,estimate\n");
    EXPECT_NE(e.message().find("not a valid id"), std::string::npos);
    e = db_error(h + ",Acme,A,s,estimate\n");
    EXPECT_NE(e.message().find("empty id"), std::string::npos);
}

TEST(ChipDb, YearMustBeAYear) {
    const auto e = db_error("vendor,chip,year,source,confidence\nAcme,A,2024.5,s,estimate\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 8u);
}

TEST(ChipDb, UnreadableFile) {
    try {
        ChipDatabase::load_file("/nonexistent/chips.csv");
        FAIL();
    } catch (const ParseError& e) {
        EXPECT_EQ(e.line(), 0u);
        EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/chips.csv: cannot open", 0), 0u) << e.what();
    }
}

TEST(ChipDb, LoadReplacesTheDatabaseWithAUserFile) {
    const std::string path = testing::TempDir() + "bakeoff_specs_user_chips.csv";
    {
        std::ofstream out(path);
        out << kHeader << "Acme,A1,50,250,\"lab, 2026\",estimate\n";
    }
    const auto db = ChipDatabase::load(path);
    ASSERT_EQ(db.chips().size(), 1u);
    EXPECT_EQ(db.chips()[0].source, "lab, 2026");
    EXPECT_EQ(db.find("h100-sxm5-80gb"), nullptr);
    EXPECT_EQ(ChipDatabase::load("").chips().size(), ChipDatabase::embedded().chips().size());
    std::remove(path.c_str());
}

TEST(ChipDb, DtypeTable) {
    ASSERT_EQ(peak_dtypes().size(), 8u);  // fp4 added in 2026
    EXPECT_EQ(find_peak_dtype("FP4")->bits, 4);
    EXPECT_EQ(find_peak_dtype("fp4")->column, "fp4_tflops");
    EXPECT_EQ(find_peak_dtype("BF16")->bits, 16);
    EXPECT_EQ(find_peak_dtype("tf32")->bits, 32);
    EXPECT_EQ(find_peak_dtype("int8")->column, "int8_tops");
    EXPECT_EQ(find_peak_dtype("int4"), nullptr);
}

TEST(ChipDb, FourConfidenceClasses) {
    const std::string h = "vendor,chip,source,confidence\n";
    const auto db = ChipDatabase::parse(h + "A,a,s,vendor datasheet\nA,b,s,vendor announcement\nA,c,s,press report\n"
                                            "A,d,s,third-party estimate\nA,e,s,estimate\n",
                                        "c.csv");
    ASSERT_EQ(db.chips().size(), 5u);
    EXPECT_EQ(db.chips()[0].confidence, Confidence::vendor_datasheet);
    EXPECT_EQ(db.chips()[1].confidence, Confidence::vendor_announcement);
    EXPECT_EQ(db.chips()[2].confidence, Confidence::press_report);
    EXPECT_EQ(db.chips()[3].confidence, Confidence::third_party_estimate);
    EXPECT_EQ(db.chips()[4].confidence, Confidence::third_party_estimate);  // the old name, mapped
    EXPECT_EQ(to_string(Confidence::vendor_announcement), "vendor announcement");
    EXPECT_EQ(field_text(db.chips()[4], "confidence"), "third-party estimate");
    // An unknown class names the file, the line and the classes.
    const auto e = db_error(h + "A,a,s,press report\nA,b,s,rumour\n");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(std::string(e.what()), "user.csv:3:7: confidence: 'rumour' is not one of: vendor datasheet, vendor "
                                     "announcement, press report, third-party estimate");
    // The shipped rows use the new spellings only.
    const std::string file = read_file(kShipped);
    EXPECT_EQ(file.find(",estimate,"), std::string::npos);
    EXPECT_EQ(ChipDatabase::embedded().find("ascend-950dt-announced")->confidence, Confidence::vendor_announcement);
}

TEST(ChipDb, Fp4AndDevicesPerPackageColumns) {
    const auto& db = ChipDatabase::embedded();
    const Chip& b300 = *db.find("b300");
    EXPECT_EQ(b300.fp4_tflops, 14000);
    EXPECT_EQ(db.find("gb300")->fp4_format, "NVFP4");
    EXPECT_EQ(db.find("mi355x")->fp4_format, "MXFP4");
    EXPECT_FALSE(db.find("h100-sxm5-80gb")->fp4_tflops);  // no FP4: empty, not 0
    EXPECT_EQ(db.find("ascend-910c")->devices_per_package, 2);
    EXPECT_FALSE(db.find("b200")->devices_per_package);  // two dies, one device
    EXPECT_EQ(devices_per_package(*db.find("b200")), 1);
    EXPECT_EQ(numeric_field(*db.find("ascend-910c"), "devices_per_package"), 2);
    EXPECT_EQ(field_text(*db.find("ascend-910c"), "devices_per_package"), "2");
    const std::string h = "vendor,chip,source,confidence,devices_per_package\n";
    EXPECT_EQ(db_error(h + "A,a,s,estimate,0\n").column(), 16u);
    EXPECT_NE(db_error(h + "A,a,s,estimate,1.5\n").message().find("whole number of devices"), std::string::npos);
}

TEST(ChipDb, LookupByIdNameOrClosest) {
    const auto& db = ChipDatabase::embedded();
    EXPECT_EQ(db.resolve("H100-SXM5-80GB").id, "h100-sxm5-80gb");   // case-insensitive id
    EXPECT_EQ(db.resolve("instinct mi300x").id, "mi300x");          // plain name, unambiguous
    EXPECT_EQ(db.resolve("H20 (HGX H20)").id, "h20");
    const auto l = db.lookup("ascend-910b");
    EXPECT_EQ(l.chip, nullptr);
    EXPECT_EQ(l.error, "unknown chip id 'ascend-910b'; did you mean ascend-910b2, ascend-910b3, ascend-910b4?");
    EXPECT_EQ(db.lookup("h100-sxm-80gb").suggestions.front(), "h100-sxm5-80gb");  // edit distance 1
    EXPECT_THROW(db.resolve("no-such-chip-at-all"), UnknownChipError);
    try {
        db.resolve("mi325");
        ADD_FAILURE();
    } catch (const UnknownChipError& e) {
        EXPECT_EQ(std::string(e.what()), "unknown chip id 'mi325'; did you mean mi325x?");
    }
    // A name two rows share is ambiguous and names both.
    const auto two = ChipDatabase::parse("id,vendor,chip,source,confidence\na1,A,Twin,s,estimate\n"
                                         "a2,A,Twin,s,estimate\n",
                                         "t.csv");
    const auto t = two.lookup("twin");
    EXPECT_EQ(t.chip, nullptr);
    EXPECT_NE(t.error.find("ambiguous"), std::string::npos);
    EXPECT_NE(t.error.find("a1, a2"), std::string::npos);
}
