// The scoreboard (ranks by the tie rule, ratio to the baseline, % of claim,
// per watt and per dollar, devices without a figure), the report's order
// (scoreboard first, devices and provenance last), the serving chart present
// only with llm.serve records, and no chart drawn without data.
#include "compare_fixtures.h"

#include "report/compare.h"
#include "report/html_report.h"
#include "report/scoreboard.h"
#include "specs/chip_db.h"
#include "specs/prices.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>

using namespace bakeoff;
using namespace bakeoff::testing;
namespace fs = std::filesystem;

namespace {

const char* const kChipsCsv =
    "id,vendor,chip,fp64_tflops,fp32_tflops,memory_bandwidth_gbs,tdp_w,source,confidence,device_patterns\n"
    "alpha-cpu,Test,Alpha,2,4,250,100,test datasheet,vendor datasheet,alpha cpu\n";

const std::string kFallback = "OpenBLAS runs its Prescott kernels <on purpose>";

const TestDevice kA{"cpu:0", "Alpha CPU", "cpu"}, kB{"cpu:0", "Beta", "cpu"}, kC{"cpu:0", "Gamma", "cpu"};

std::vector<Record> serving(const TestDevice& d, double k) {
    return {make_serving_record(d, "tiny", "chat", 1, 0, spread(100 * k, 1, 8), 50),
            make_serving_record(d, "tiny", "chat", 4, 0, spread(400 * k, 1, 8), 40),
            make_serving_record(d, "tiny", "chat", 8, 0, spread(380 * k, 1, 8), 30)};
}

// a (baseline): triad 100, gemm fp32 1500, no bf16; b: triad 130 (clearly
// faster), gemm fp32 1502 (not clearly), a fallback warning; c: triad 100.5.
std::vector<fs::path> write_three(const std::string& tag, bool with_serving) {
    const fs::path dir = temp_dir(tag);
    std::vector<Record> a = {make_record(kA, "membw.triad", "fp64", "portable", 1 << 28, spread(100, 2, 12)),
                             make_record(kA, "gemm", "fp32", "vendor", 1024, spread(1500, 10, 12)),
                             make_record(kA, "gemm", "bf16", "vendor", 1024, {}, RecordStatus::unsupported, "no bf16"),
                             make_record(kA, "gemm", "fp32", "portable", 256, spread(300, 10, 12))};
    a.back().warnings = {"the slower path's own warning"};
    std::vector<Record> b = {make_record(kB, "membw.triad", "fp64", "portable", 1 << 28, spread(130, 2, 12)),
                             make_record(kB, "gemm", "fp32", "vendor", 1024, spread(1502, 10, 12))};
    b[1].warnings = {kFallback};
    std::vector<Record> c = {make_record(kC, "membw.triad", "fp64", "portable", 1 << 28, spread(100.5, 2, 12))};
    if (with_serving) {
        for (auto& r : serving(kA, 1)) a.push_back(r);
        for (auto& r : serving(kB, 1.5)) b.push_back(r);
    }
    std::vector<fs::path> paths = {dir / "a.json", dir / "b.json", dir / "c.json"};
    write_results(paths[0], make_file({kA}, a));
    write_results(paths[1], make_file({kB}, b));
    write_results(paths[2], make_file({kC}, c));
    return paths;
}

Comparison compare(const std::vector<fs::path>& paths, const specs::ChipDatabase& db) {
    CompareOptions o;
    o.chips = &db;
    std::vector<std::string> files;
    for (const auto& p : paths) files.push_back(p.string());
    return build_comparison(read_inputs(files), o);
}

const ScoreFigure& figure(const Scoreboard& sb, const std::string& label) {
    for (const auto& f : sb.families)
        for (const auto& fig : f.figures)
            if (fig.label == label) return fig;
    throw std::runtime_error("no figure " + label);
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

// Each inline <svg> holds at least one mark drawn from data.
void expect_every_chart_has_data(const std::string& html) {
    for (auto p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) {
        const std::string svg = html.substr(p, html.find("</svg>", p) - p);
        const bool data = svg.find("class=\"bar\"") != std::string::npos ||
                          svg.find("class=\"point") != std::string::npos ||
                          svg.find("class=\"cell cell-") != std::string::npos ||
                          svg.find("class=\"roof ") != std::string::npos;
        EXPECT_TRUE(data) << svg.substr(0, 300);
    }
}

}  // namespace

TEST(Scoreboard, FamiliesInOrderDevicesRankedByTheTieRule) {
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    const Comparison c = compare(write_three("score-rank", true), db);
    const Scoreboard sb = build_scoreboard(c);
    ASSERT_EQ(sb.families.size(), 3u);
    EXPECT_EQ(sb.families[0].name, "membw");
    EXPECT_EQ(sb.families[1].name, "gemm");
    EXPECT_EQ(sb.families[2].name, "llm.serve");

    const ScoreFigure& triad = figure(sb, "membw.triad fp64");
    ASSERT_EQ(triad.ranked.size(), 3u);
    EXPECT_EQ(c.columns[triad.ranked[0].column].device_name, "Beta");
    EXPECT_EQ(triad.ranked[0].rank, 1);
    EXPECT_EQ(c.columns[triad.ranked[1].column].device_name, "Gamma");
    EXPECT_EQ(triad.ranked[1].rank, 2);
    EXPECT_FALSE(triad.ranked[1].shares_rank);
    EXPECT_EQ(c.columns[triad.ranked[2].column].device_name, "Alpha CPU");
    EXPECT_EQ(triad.ranked[2].rank, 2);  // 100 against 100.5: the tie rule cannot separate them
    EXPECT_TRUE(triad.ranked[2].shares_rank);
    ASSERT_TRUE(triad.ranked[0].vs_baseline.has_value());
    EXPECT_NEAR(triad.ranked[0].vs_baseline->ratio, 1.3, 1e-9);
    EXPECT_EQ(triad.ranked[0].vs_baseline->verdict, Verdict::win);
    EXPECT_EQ(triad.ranked[1].vs_baseline->verdict, Verdict::tie);
    EXPECT_FALSE(triad.ranked[2].vs_baseline.has_value());  // the baseline itself
    // Alpha CPU is a chip of the database: 100 GB/s of 250 claimed, at 100 W.
    EXPECT_NEAR(*triad.ranked[2].percent_of_claim, 40, 1e-9);
    EXPECT_NEAR(*triad.ranked[2].per_watt, 1.0, 1e-9);
    EXPECT_FALSE(triad.ranked[0].per_watt.has_value());  // Beta: no chip, no watts

    const ScoreFigure& gemm = figure(sb, "gemm fp32");
    ASSERT_EQ(gemm.ranked.size(), 2u);
    EXPECT_EQ(gemm.ranked[1].rank, 1);
    EXPECT_TRUE(gemm.ranked[1].shares_rank);
    // A warning on a record no entry shows is kept for the family, once; a ranked record's is not repeated.
    ASSERT_EQ(sb.families[1].other_warnings.size(), 1u);
    EXPECT_EQ(sb.families[1].other_warnings[0].text, "the slower path's own warning");
    EXPECT_EQ(sb.families[1].other_warnings[0].record->path, "portable");
    EXPECT_TRUE(sb.families[0].other_warnings.empty());
    const ScoreFigure& bf16 = figure(sb, "gemm bf16");
    EXPECT_TRUE(bf16.ranked.empty());
    ASSERT_EQ(bf16.without_figure.size(), 1u);
    EXPECT_EQ(bf16.without_figure[0].second, "unsupported");

    // Serving: the best load of each device ranks it (c4 here), whatever its size label.
    const ScoreFigure& serve = figure(sb, "llm.serve bf16 tiny chat");
    ASSERT_EQ(serve.ranked.size(), 2u);
    EXPECT_EQ(serve.ranked[0].record->params["concurrency"], 4);
    EXPECT_NEAR(serve.ranked[0].vs_baseline->ratio, 1.5, 1e-9);
}

TEST(Scoreboard, PerDollarFromUserPrices) {
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    const Comparison c = compare(write_three("score-price", false), db);
    const auto prices = specs::PriceList::parse("chip,price_usd,price_per_hour_usd\nalpha-cpu,2000,4\n", "prices.csv");
    const Scoreboard sb = build_scoreboard(c, &prices);
    const ScoreEntry& a = figure(sb, "membw.triad fp64").ranked[2];
    EXPECT_NEAR(*a.per_kusd, 50, 1e-9);       // 100 GB/s per 2 k$
    EXPECT_NEAR(*a.per_usd_hour, 25, 1e-9);   // 100 GB/s per 4 $/h
    EXPECT_FALSE(build_scoreboard(c).families[0].figures[0].ranked[2].per_kusd.has_value());
}

TEST(ReportLayout, ScoreboardFirstDevicesLastServingChartBetween) {
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    const std::string html = render_report_html(compare(write_three("layout-serve", true), db), {});
    const auto main_at = html.find("<main>");
    ASSERT_NE(main_at, std::string::npos);
    EXPECT_EQ(html.find("<section", main_at), html.find("<section id=\"scoreboard\""));
    std::size_t last = 0;
    for (const char* id : {"scoreboard", "serving", "roofline", "claims", "workloads", "coverage", "devices", "provenance"}) {
        const auto at = html.find(std::string("<section id=\"") + id + "\"");
        ASSERT_NE(at, std::string::npos) << id;
        EXPECT_GT(at, last) << id;
        last = at;
    }
    EXPECT_EQ(count(html, "class=\"chart pareto\""), 1u);
    EXPECT_NE(html.find("<a href=\"#serving\">"), std::string::npos);
    // The scoreboard's table: ranks, the shared rank, the verdict, % of claim, per watt, the warning escaped.
    const std::string board = html.substr(html.find("id=\"scoreboard\""), html.find("id=\"serving\"") - html.find("id=\"scoreboard\""));
    EXPECT_NE(board.find("<bdi>=2</bdi>"), std::string::npos);
    EXPECT_NE(board.find("1.30× win"), std::string::npos);
    EXPECT_NE(board.find("40.0 %"), std::string::npos);
    EXPECT_NE(board.find("1.000 GB/s/W"), std::string::npos);
    EXPECT_NE(board.find("OpenBLAS runs its Prescott kernels &lt;on purpose&gt;"), std::string::npos);
    EXPECT_NE(board.find("unsupported"), std::string::npos);
    EXPECT_NE(board.find("(not the figure ranked): warning: the slower path&#39;s own warning"), std::string::npos);
    // The serving table under the chart: loads, latencies, frontier flags.
    EXPECT_NE(html.find("TTFT p99 (ms)"), std::string::npos);
    EXPECT_NE(html.find("<bdi>c8</bdi>"), std::string::npos);
    expect_every_chart_has_data(html);
}

TEST(ReportLayout, NoServingRecordsNoServingChart) {
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    const std::string html = render_report_html(compare(write_three("layout-plain", false), db), {});
    EXPECT_EQ(html.find("chart pareto"), std::string::npos);
    EXPECT_EQ(html.find("id=\"serving\""), std::string::npos);
    EXPECT_EQ(html.find("#serving"), std::string::npos);
    EXPECT_NE(html.find("<section id=\"scoreboard\""), std::string::npos);
    expect_every_chart_has_data(html);
}

TEST(ReportLayout, NoChartWithoutData) {
    // Only n/a, unsupported and failed records: tables and lines, no empty chart.
    const fs::path dir = temp_dir("layout-empty");
    const TestDevice d{"cpu:0", "Host", "cpu"};
    write_results(dir / "x.json",
                  make_file({d}, {make_record(d, "transfer.h2d", "u8", "portable", 1 << 20, {},
                                              RecordStatus::not_applicable, "the device is the host: no copy"),
                                  make_record(d, "gemm", "bf16", "vendor", 64, {}, RecordStatus::unsupported, "no bf16"),
                                  make_record(d, "gemm", "fp16", "vendor", 64, {}, RecordStatus::failed, "wrong")}));
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    const std::string html = render_report_html(compare({dir / "x.json"}, db), {});
    EXPECT_EQ(count(html, "class=\"chart bars\""), 0u);
    EXPECT_EQ(count(html, "class=\"chart claims\""), 0u);
    EXPECT_EQ(count(html, "class=\"chart roofline\""), 0u);
    EXPECT_EQ(count(html, "class=\"chart pareto\""), 0u);
    EXPECT_NE(html.find("No verified figure for gemm"), std::string::npos);
    expect_every_chart_has_data(html);  // the coverage matrix: counts of failed and unsupported cases

    write_results(dir / "na.json", make_file({d}, {make_record(d, "transfer.h2d", "u8", "portable", 1 << 20, {},
                                                               RecordStatus::not_applicable, "the device is the host")}));
    const std::string na = render_report_html(compare({dir / "na.json"}, db), {});
    EXPECT_EQ(count(na, "<svg"), 0u);
    EXPECT_NE(na.find("not applicable, left out"), std::string::npos);
}

TEST(ReportPrices, PerDollarColumnFromThePricesFileAndABadFileRefused) {
    const auto paths = write_three("report-prices", false);
    const fs::path dir = paths[0].parent_path();
    std::ofstream(dir / "chips.csv") << kChipsCsv;
    std::ofstream(dir / "prices.csv") << "chip,price_usd\nalpha-cpu,2000\n";
    std::ofstream(dir / "bad-prices.csv") << "chip,price_eur\nalpha-cpu,2000\n";
    auto report = [&](const std::string& prices, const fs::path& out) {
        const std::string cmd = "'" BAKEOFF_BINARY_PATH "' report '" + paths[0].string() + "' '" + paths[1].string() +
                                "' --chips '" + (dir / "chips.csv").string() + "' --prices '" + (dir / prices).string() +
                                "' -o '" + out.string() + "' >'" + (dir / "err.txt").string() + "' 2>&1 </dev/null";
        const int status = std::system(cmd.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    ASSERT_EQ(report("prices.csv", dir / "priced.html"), 0) << slurp(dir / "err.txt");
    EXPECT_NE(slurp(dir / "priced.html").find("50.00 GB/s per k$"), std::string::npos);  // 100 GB/s for 2 k$
    EXPECT_EQ(report("bad-prices.csv", dir / "no.html"), 1);
    EXPECT_NE(slurp(dir / "err.txt").find("bad-prices.csv"), std::string::npos) << slurp(dir / "err.txt");
    EXPECT_FALSE(fs::exists(dir / "no.html"));
}
