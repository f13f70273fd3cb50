// Results files found by fuzzing (fuzz/fuzz_results.cpp, docs/fuzzing.md),
// minimized and inlined: each must be refused with one line naming the file,
// the record and the field, never read with a wrapped or undefined value.
#include "report/compare.h"
#include "report/compare_format.h"
#include "report/html_report.h"
#include "results/results_file.h"
#include "report/svg_chart.h"
#include "specs/chip_db.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace bakeoff;
namespace fs = std::filesystem;

namespace {

class FuzzRegressions : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bakeoff-report-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        const fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
    // The InputError text read_results gives for `text`, "" when it reads.
    std::string error_of(const std::string& name, const std::string& text) {
        try {
            read_results(write(name, text));
        } catch (const InputError& e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
};

// A results file with one skipped record whose integer fields are given.
std::string file_with(const std::string& seed, const std::string& extra = "") {
    return R"({"schema":"bakeoff-results","schema_version":1,"records":[{"id":"r","workload":"gemm","dtype":"fp32",)"
           R"("path":"vendor","size":1,"size_label":"1","params":{},"device":{"id":"cpu:0","name":"c","backend":"cpu"},)"
           R"("status":"skipped","reason":"x","implementation":"","warnings":[],"seed":)" +
           seed + R"(,"work":{"flops":0,"bytes":0},"metric":{"name":"t","unit":"GFLOP/s","basis":"flops","scale":1e9},)"
           R"("samples_s":[],"wall_s":0)" +
           extra + "}]}";
}

}  // namespace

TEST_F(FuzzRegressions, ValidIntegerFieldsStillRead) {
    const auto f = read_results(write("ok.json", file_with("18446744073709551615", R"(,"rank":3)")));
    ASSERT_EQ(f.records.size(), 1u);
    EXPECT_EQ(f.records[0].seed, 18446744073709551615ull);
    EXPECT_EQ(f.records[0].rank, 3);
}

// Found: "seed": 1e87 went through the JSON library's unchecked cast to a
// 64-bit unsigned integer (undefined behaviour, reported by the sanitizer).
TEST_F(FuzzRegressions, FractionalIntegerFieldIsRefusedByName) {
    const std::string e = error_of("seed.json", file_with("1e87"));
    EXPECT_NE(e.find("seed.json: record 0 (r): field 'seed' must be an integer, not a fraction"), std::string::npos)
        << e;
    const std::string size = error_of("size.json", file_with("1").replace(file_with("1").find("\"size\":1"), 8,
                                                                           "\"size\":2.5"));
    EXPECT_NE(size.find("field 'size' must be an integer"), std::string::npos) << size;
}

TEST_F(FuzzRegressions, IntegerFieldOutOfRangeIsRefusedByName) {
    std::string e = error_of("rank.json", file_with("1", R"(,"rank":4294967296)"));
    EXPECT_NE(e.find("rank.json: record 0 (r): field 'rank' is out of range (4294967296)"), std::string::npos) << e;
    e = error_of("neg.json", file_with("-1"));
    EXPECT_NE(e.find("field 'seed' is out of range (-1)"), std::string::npos) << e;
    e = error_of("n.json", file_with("1", R"(,"statistics":{"n":-5,"median":1,"min":1,"max":1,"mean":1,"stddev":0,)"
                                          R"("cv":0,"ci95_low":1,"ci95_high":1,"ci_coverage":0.95})"));
    EXPECT_NE(e.find("field 'n' is out of range (-5)"), std::string::npos) << e;
}

// Found by reading the code the fuzzer pointed at: a version read as int
// wrapped 4294967297 to 1 and accepted it.
TEST_F(FuzzRegressions, HugeSchemaVersionIsNotWrappedToASupportedOne) {
    const std::string e = error_of("version.json", R"({"schema":"bakeoff-results","schema_version":4294967297,"records":[]})");
    EXPECT_NE(e.find("version.json: schema version 4294967297 is not supported"), std::string::npos) << e;
}

// Found: a number beyond the range of a double ("1.7e8452" where a sample
// was) made the JSON library throw an error read_json_file did not catch; the
// command printed the library's message without the file's name.
TEST_F(FuzzRegressions, NumberOutOfRangeIsAnInputErrorNamingTheFile) {
    const std::string e = error_of("big.json", R"({"schema":"bakeoff-results","x":1.755131529109e8452})");
    EXPECT_NE(e.find("big.json: not valid JSON: number overflow parsing '1.755131529109e8452'"), std::string::npos) << e;
}

// Found by reading the code: copying a record's params nested 200000 deep
// recursed once per level and overflowed the stack (validate, compare, report).
TEST_F(FuzzRegressions, DeepNestingIsRefusedBeforeParsing) {
    const std::size_t n = 200000;
    const std::string deep = std::string(n, '[') + std::string(n, ']');
    const std::string e = error_of("deep.json", "{\"schema\":\"bakeoff-results\",\n\"x\":" + deep + "}");
    EXPECT_NE(e.find("deep.json: arrays and objects nested more than 100 deep at line 2, column 104"),
              std::string::npos)
        << e;
    // The outer object is the first level: its 100th array is the 101st.
    // Brackets inside strings do not count; nesting up to the limit reads.
    const std::string ok = R"({"schema":"bakeoff-results","schema_version":1,"records":[],"s":"[[[[{{{{","x":)" +
                           std::string(99, '[') + std::string(99, ']') + "}";
    EXPECT_EQ(error_of("ok.json", ok), "");
}

// Found by reading the chart code the fuzzer reached: a median near the
// largest double made the bar chart's axis infinite, and linear_ticks then
// stepped from 0 towards infinity, filling memory (`bakeoff report` hung).
TEST_F(FuzzRegressions, ChartAxesStayFiniteAndShortForExtremeValues) {
    EXPECT_TRUE(std::isfinite(svg::nice_ceil(1.68e308)));
    EXPECT_EQ(svg::linear_ticks(0, INFINITY, 8), std::vector<double>{0});
    EXPECT_TRUE(svg::log_ticks(1, INFINITY).empty());
    // Where the step is below the spacing of doubles, v += step stands still.
    EXPECT_LE(svg::linear_ticks(1e17, 1e17 + 16, 8).size(), 34u);
}

TEST_F(FuzzRegressions, ReportOfAHugeMedianRenders) {
    const std::string text = R"({"schema":"bakeoff-results","schema_version":1,"records":[{"id":"r","workload":"gemm",)"
        R"("dtype":"fp32","path":"vendor","size":1,"size_label":"1","params":{},"device":{"id":"cpu:0","name":"c",)"
        R"("backend":"cpu"},"status":"ok","reason":"","implementation":"","warnings":[],"seed":1,)"
        R"("work":{"flops":1,"bytes":1},"metric":{"name":"t","unit":"GFLOP/s","basis":"flops","scale":1e9},)"
        R"("samples_s":[1,1],"wall_s":0,"statistics":{"n":2,"median":1.6e308,"min":1,"max":1.6e308,"mean":1,)"
        R"("stddev":0,"cv":0,"ci95_low":1,"ci95_high":1.6e308,"ci_coverage":0.95},"value":1.6e308}]})";
    std::vector<InputFile> in;
    in.push_back({"huge.json", read_results(write("huge.json", text))});
    CompareOptions o;
    o.chips = &specs::ChipDatabase::embedded();
    const Comparison c = build_comparison(std::move(in), o);
    const std::string html = render_report_html(c, {});
    EXPECT_NE(html.find("<svg"), std::string::npos);
}

// Found by reading the code the fuzzer reached: a file name that is not UTF-8
// became a column label, and `compare --format json` threw the JSON library's
// "invalid UTF-8 byte" instead of printing; the bytes are now replaced (U+FFFD).
TEST_F(FuzzRegressions, ComparisonJsonWithANonUtf8FileNameIsWritten) {
    std::vector<InputFile> in;
    in.push_back({"a\xff.json", read_results(write("plain.json", file_with("1")))});
    const Comparison c = build_comparison(std::move(in), {});
    const std::string json = render_comparison(c, Format::json);
    EXPECT_NE(json.find("a\xEF\xBF\xBD.json"), std::string::npos) << json;
}
