// bakeoff compare on hand-made results files with known outcomes.
#include "compare_fixtures.h"

#include "report/compare.h"
#include "report/compare_format.h"
#include "specs/chip_db.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>

using namespace bakeoff;
using namespace bakeoff::testing;
namespace fs = std::filesystem;

namespace {

const TestDevice kA{"cpu:0", "Alpha CPU", "cpu"};
const TestDevice kB{"cpu:0", "Beta CPU", "cpu"};

// A: the baseline. B against it: copy wins, scale loses, add ties (CIs
// overlap although the rank test alone would call it), triad ties (CIs
// disjoint but 3 vs 3 samples cannot reach p < 0.05), dot is missing from B,
// gemm fp32 failed on B, gemm bf16 unsupported on B.
struct Files {
    fs::path a, b;
};

Files write_files(const std::string& tag) {
    const auto dir = temp_dir(tag);
    const std::vector<double> add_a = {100.0, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6, 100.7, 100.8, 130};
    const std::vector<double> add_b = {100.65, 100.75, 101.1, 101.2, 101.3, 101.4, 101.5, 101.6, 101.7, 101.8};
    ResultsFile a = make_file({kA}, {
        make_record(kA, "membw.copy", "fp64", "portable", 4096, spread(100, 1, 20)),
        make_record(kA, "membw.scale", "fp64", "portable", 4096, spread(100, 1, 20)),
        make_record(kA, "membw.add", "fp64", "portable", 4096, add_a),
        make_record(kA, "membw.triad", "fp64", "portable", 4096, {100, 101, 102}),
        make_record(kA, "membw.dot", "fp64", "portable", 4096, spread(100, 1, 20)),
        make_record(kA, "gemm", "fp32", "vendor", 256, spread(500, 5, 10)),
        make_record(kA, "gemm", "bf16", "vendor", 256, spread(900, 5, 10)),
    });
    ResultsFile b = make_file({kB}, {
        make_record(kB, "membw.copy", "fp64", "portable", 4096, spread(120, 1, 20)),
        make_record(kB, "membw.scale", "fp64", "portable", 4096, spread(80, 1, 20)),
        make_record(kB, "membw.add", "fp64", "portable", 4096, add_b),
        make_record(kB, "membw.triad", "fp64", "portable", 4096, {110, 111, 112}),
        make_record(kB, "gemm", "fp32", "vendor", 256, {0.001, 0.002}, RecordStatus::failed,
                    "verification failed: 3 of 65536 elements wrong"),
        make_record(kB, "gemm", "bf16", "vendor", 256, {}, RecordStatus::unsupported,
                    "bf16 GEMM needs AVX512_BF16"),
    }, "host-b");
    Files f{dir / "a.json", dir / "b.json"};
    write_results(f.a, a);
    write_results(f.b, b);
    return f;
}

const CompareRow& row(const Comparison& c, const std::string& workload, const std::string& dtype = "fp64") {
    for (const auto& r : c.rows)
        if (r.key.workload == workload && r.key.dtype == dtype) return r;
    throw std::runtime_error("no row " + workload);
}

struct Run {
    int code = -1;
    std::string out, err;
};

Run bakeoff_cmd(const std::string& args) {
    const auto dir = temp_dir("compare-cli");
    const auto out = dir / "out.txt", err = dir / "err.txt";
    const std::string cmd = "'" BAKEOFF_BINARY_PATH "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace

TEST(Compare, VerdictsOfKnownOutcomes) {
    const Files f = write_files("compare-verdicts");
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), {});
    ASSERT_EQ(c.columns.size(), 2u);
    EXPECT_EQ(c.columns[0].label, "a.json");
    EXPECT_EQ(c.columns[1].label, "b.json");
    EXPECT_EQ(c.columns[1].device_name, "Beta CPU");
    EXPECT_EQ(c.baseline, 0u);
    ASSERT_EQ(c.rows.size(), 7u);

    const auto& copy = row(c, "membw.copy").cells[1].vs_baseline;
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->verdict, Verdict::win);
    EXPECT_NEAR(copy->ratio, 1.2, 1e-9);
    EXPECT_FALSE(copy->ci_overlap);
    EXPECT_TRUE(copy->rank_test.exact);
    EXPECT_LT(copy->rank_test.p_value, 1e-9);

    const auto& scale = row(c, "membw.scale").cells[1].vs_baseline;
    ASSERT_TRUE(scale);
    EXPECT_EQ(scale->verdict, Verdict::loss);
    EXPECT_NEAR(scale->ratio, 0.8, 1e-9);

    // add: the rank test alone would separate them, the CIs overlap: a tie.
    const auto& add = row(c, "membw.add").cells[1].vs_baseline;
    ASSERT_TRUE(add);
    EXPECT_TRUE(add->ci_overlap);
    EXPECT_LT(add->rank_test.p_value, 0.05);
    EXPECT_EQ(add->verdict, Verdict::tie);

    // triad: disjoint CIs ([min, max] for n = 3) but p = 2 / C(6,3) = 0.1: a tie.
    const auto& triad = row(c, "membw.triad").cells[1].vs_baseline;
    ASSERT_TRUE(triad);
    EXPECT_FALSE(triad->ci_overlap);
    EXPECT_NEAR(triad->rank_test.p_value, 0.1, 1e-12);
    EXPECT_EQ(triad->verdict, Verdict::tie);
    EXPECT_NEAR(triad->ratio, 111.0 / 101.0, 1e-9);

    const auto& dot = row(c, "membw.dot");
    EXPECT_EQ(dot.cells[1].record, nullptr);
    EXPECT_FALSE(dot.cells[1].vs_baseline);
    EXPECT_EQ(cell_figure(dot.cells[1]), "missing");

    const auto& fp32 = row(c, "gemm", "fp32");
    ASSERT_NE(fp32.cells[1].record, nullptr);
    EXPECT_EQ(cell_figure(fp32.cells[1]), "failed");
    EXPECT_FALSE(fp32.cells[1].vs_baseline);
    EXPECT_EQ(cell_figure(row(c, "gemm", "bf16").cells[1]), "unsupported");

    EXPECT_EQ(coverage_text(c.coverage[0]), "7 ok, 0 failed, 0 unsupported, 0 skipped, 0 missing of 7 cases");
    EXPECT_EQ(coverage_text(c.coverage[1]), "4 ok, 1 failed, 1 unsupported, 0 skipped, 1 missing of 7 cases");
}

TEST(Compare, BaselineChoiceFlipsTheVerdicts) {
    const Files f = write_files("compare-baseline");
    CompareOptions o;
    o.baseline = f.b.string();
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), o);
    EXPECT_EQ(c.baseline, 1u);
    const auto& copy = row(c, "membw.copy").cells[0].vs_baseline;
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->verdict, Verdict::loss);
    EXPECT_NEAR(copy->ratio, 1 / 1.2, 1e-9);
    o.baseline = "b.json";  // a column label works too
    EXPECT_EQ(build_comparison(read_inputs({f.a.string(), f.b.string()}), o).baseline, 1u);
    o.baseline = "nowhere.json";
    EXPECT_THROW(build_comparison(read_inputs({f.a.string(), f.b.string()}), o), InputError);
}

TEST(Compare, MarkdownText) {
    const Files f = write_files("compare-md");
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), {});
    const std::string md = render_comparison(c, Format::markdown);
    EXPECT_NE(md.find("| workload | dtype | size | path | unit | a.json (baseline) | b.json | vs baseline |\n"
                      "| --- | --- | ---: | --- | --- | ---: | ---: | ---: |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| membw.copy | fp64 | 4096 | portable | GB/s | 100.0 [99.53, 100.5] | 120.0 [119.5, 120.5] | 1.20× win |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| membw.scale | fp64 | 4096 | portable | GB/s | 100.0 [99.53, 100.5] | 80.00 [79.53, 80.47] | 0.80× loss |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| membw.triad | fp64 | 4096 | portable | GB/s | 101.0 [100.0, 102.0] | 111.0 [110.0, 112.0] | 1.10× ≈ |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| membw.add | fp64 | 4096 | portable | GB/s | 100.5 [100.1, 100.8] | 101.3 [100.8, 101.7] | 1.01× ≈ |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| membw.dot | fp64 | 4096 | portable | GB/s | 100.0 [99.53, 100.5] | missing | — |"), std::string::npos) << md;
    EXPECT_NE(md.find("| gemm | fp32 | 256 | vendor | GFLOP/s | 500.0 [496.1, 503.9] | failed [1] | — |"), std::string::npos) << md;
    EXPECT_NE(md.find("| gemm | bf16 | 256 | vendor | GFLOP/s | 900.0 [896.1, 903.9] | unsupported [2] | — |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("1. b.json gemm/fp32/256/vendor: failed: verification failed: 3 of 65536 elements wrong\n"
                      "2. b.json gemm/bf16/256/vendor: unsupported: bf16 GEMM needs AVX512_BF16\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("- b.json: Beta CPU (cpu:0, cpu) — 4 ok, 1 failed, 1 unsupported, 0 skipped, 1 missing of 7 cases"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("Mann–Whitney"), std::string::npos);
}

TEST(Compare, CsvText) {
    const Files f = write_files("compare-csv");
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), {});
    const std::string csv = render_comparison(c, Format::csv);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "workload,dtype,size,size_label,path,unit,column,baseline,file,device_id,device_name,backend,status,"
              "median,ci95_low,ci95_high,n,ratio,verdict,ci_overlap,p_value,claimed,percent_of_claim,reason");
    // 2 columns x 7 rows + the header.
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 15);
    // p = 2 / C(40, 20) for two completely separated samples of 20.
    EXPECT_NE(csv.find("membw.copy,fp64,4096,4096,portable,GB/s,b.json,false," + f.b.string() +
                       ",cpu:0,Beta CPU,cpu,ok,120,119.526,120.474,20,1.2,win,false,1.45089e-11,,,\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("membw.copy,fp64,4096,4096,portable,GB/s,a.json,true," + f.a.string() +
                       ",cpu:0,Alpha CPU,cpu,ok,100,99.5263,100.474,20,,,,,,,\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("membw.dot,fp64,4096,4096,portable,GB/s,b.json,false," + f.b.string() +
                       ",cpu:0,Beta CPU,cpu,missing,,,,,,,,,,,\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find(",unsupported,,,,,,,,,,,bf16 GEMM needs AVX512_BF16\n"), std::string::npos) << csv;
    EXPECT_EQ(csv_field("a,b \"c\""), "\"a,b \"\"c\"\"\"");
    EXPECT_EQ(csv_field("plain"), "plain");
}

TEST(Compare, JsonHasVerdictsAndRankTest) {
    const Files f = write_files("compare-json");
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), {});
    auto j = nlohmann::json::parse(render_comparison(c, Format::json));
    EXPECT_EQ(j["baseline"], "a.json");
    EXPECT_EQ(j["rows"][0]["cells"][1]["verdict"], "win");
    EXPECT_EQ(j["rows"][0]["cells"][1]["rank_test"]["test"], "mann-whitney-u");
    EXPECT_EQ(j["rows"][3]["cells"][1]["verdict"], "tie");
    EXPECT_EQ(j["columns"][1]["coverage"]["missing"], 1);
}

TEST(Compare, SeveralDevicesInOneFileAreSeveralColumns) {
    const auto dir = temp_dir("compare-multi");
    const TestDevice d0{"cpu:0", "Socket 0", "cpu"}, d1{"ocl:1", "GPU one", "opencl"};
    write_results(dir / "m.json", make_file({d0, d1}, {make_record(d0, "membw.copy", "fp64", "portable", 4096, spread(50, 1, 8)),
                                                         make_record(d1, "membw.copy", "fp64", "portable", 4096, spread(200, 1, 8))}));
    Comparison c = build_comparison(read_inputs({(dir / "m.json").string()}), {});
    ASSERT_EQ(c.columns.size(), 2u);
    EXPECT_EQ(c.columns[0].label, "m.json#cpu:0");
    EXPECT_EQ(c.columns[1].label, "m.json#ocl:1");
    EXPECT_EQ(c.rows[0].cells[1].vs_baseline->verdict, Verdict::win);
}

TEST(Compare, PercentOfClaimFromTheChipDatabase) {
    const Files f = write_files("compare-claims");
    const auto db = specs::ChipDatabase::parse(
        "id,vendor,chip,fp32_tflops,memory_bandwidth_gbs,source,confidence,device_patterns\n"
        "alpha,Test,Alpha,1,200,test sheet,vendor datasheet,alpha cpu\n",
        "test.csv");
    CompareOptions o;
    o.chips = &db;
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), o);
    ASSERT_NE(c.columns[0].chip.chip, nullptr);
    EXPECT_EQ(c.columns[0].chip.chip->id, "alpha");
    EXPECT_EQ(c.columns[1].chip.chip, nullptr);  // "Beta CPU" matches nothing
    ASSERT_TRUE(row(c, "membw.copy").cells[0].percent_of_claim);
    EXPECT_NEAR(*row(c, "membw.copy").cells[0].percent_of_claim, 50.0, 1e-6);  // 100 of 200 GB/s
    EXPECT_NEAR(*row(c, "gemm", "fp32").cells[0].percent_of_claim, 50.0, 1e-6);  // 500 GFLOP/s of 1 TFLOPS
    EXPECT_FALSE(row(c, "gemm", "bf16").cells[0].percent_of_claim);             // no bf16 claim
    const std::string text = render_comparison(c, Format::text);
    EXPECT_NE(text.find("% of claim"), std::string::npos) << text;
    EXPECT_NE(text.find("50.0 %"), std::string::npos) << text;

    o.chip_overrides = {{"b.json", "alpha"}};
    Comparison c2 = build_comparison(read_inputs({f.a.string(), f.b.string()}), o);
    ASSERT_NE(c2.columns[1].chip.chip, nullptr);
    EXPECT_NEAR(*row(c2, "membw.copy").cells[1].percent_of_claim, 60.0, 1e-6);
    o.chip_overrides = {{"b.json", "no-such-chip"}};
    EXPECT_THROW(build_comparison(read_inputs({f.a.string(), f.b.string()}), o), std::invalid_argument);
}

TEST(Compare, UntrustedTextIsNeutralised) {
    const auto dir = temp_dir("compare-hostile");
    const TestDevice evil{"cpu:0", "Evil\x1b[31m <b>CPU</b>", "cpu"};
    write_results(dir / "e.json", make_file({evil}, {make_record(evil, "membw.copy", "fp64", "portable", 4096, spread(50, 1, 8))}));
    Comparison c = build_comparison(read_inputs({(dir / "e.json").string()}), {});
    const std::string text = render_comparison(c, Format::text);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_NE(text.find("Evil?[31m <b>CPU</b>"), std::string::npos) << text;
    const std::string md = render_comparison(c, Format::markdown);
    EXPECT_NE(md.find("Evil?[31m \\<b\\>CPU\\</b\\>"), std::string::npos) << md;
}

TEST(CompareCli, FormatsFlagsAndErrors) {
    const Files f = write_files("compare-cmd");
    auto csv = bakeoff_cmd("compare '" + f.a.string() + "' '" + f.b.string() + "' --format csv");
    ASSERT_EQ(csv.code, 0) << csv.err;
    CompareOptions o;
    o.chips = &specs::ChipDatabase::embedded();  // what the command uses without --chips
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), o);
    EXPECT_EQ(csv.out, render_comparison(c, Format::csv));

    auto table = bakeoff_cmd("compare '" + f.a.string() + "' '" + f.b.string() + "'");
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("1.20× win"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("coverage: 4 ok, 1 failed, 1 unsupported, 0 skipped, 1 missing of 7 cases"), std::string::npos);

    // --baseline with a file not listed adds it as the first column.
    auto base = bakeoff_cmd("compare '" + f.b.string() + "' --baseline '" + f.a.string() + "' --format csv");
    ASSERT_EQ(base.code, 0) << base.err;
    EXPECT_EQ(base.out, csv.out);

    const auto out = f.a.parent_path() / "cmp.md";
    auto written = bakeoff_cmd("compare '" + f.a.string() + "' '" + f.b.string() + "' --format markdown -o '" + out.string() + "'");
    ASSERT_EQ(written.code, 0) << written.err;
    EXPECT_EQ(written.out, "");
    EXPECT_EQ(slurp(out), render_comparison(c, Format::markdown));

    const auto bad = f.a.parent_path() / "bad.json";
    std::ofstream(bad) << "{\"schema\": \"bakeoff-results\", \"schema_version\": 1, \"records\": [";
    auto broken = bakeoff_cmd("compare '" + f.a.string() + "' '" + bad.string() + "'");
    EXPECT_EQ(broken.code, 1);
    EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
    EXPECT_NE(broken.err.find(bad.string() + ": "), std::string::npos) << broken.err;

    EXPECT_EQ(bakeoff_cmd("compare '" + f.a.string() + "' --no-such-flag").code, 2);
    EXPECT_EQ(bakeoff_cmd("compare '" + f.a.string() + "' --format xml").code, 2);
    EXPECT_EQ(bakeoff_cmd("compare").code, 2);
    EXPECT_EQ(bakeoff_cmd("compare '" + f.a.string() + "' --chip oops").code, 2);
    EXPECT_EQ(bakeoff_cmd("compare '" + f.a.string() + "' --baseline nowhere.json").code, 1);
}
