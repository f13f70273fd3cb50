// bakeoff report: the HTML it writes, and that page loaded in headless
// Chromium (charts present, hostile strings inert, a screenshot that is not blank).
#include "compare_fixtures.h"
#include "common/headless_browser.h"

#include "report/compare.h"
#include "report/html_report.h"
#include "report/html_util.h"
#include "specs/chip_db.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

using namespace bakeoff;
using namespace bakeoff::testing;
using bakeoff::testing_support::chromium;
using bakeoff::testing_support::headless;
using bakeoff::testing_support::png_size;
namespace fs = std::filesystem;

namespace {

const std::string& kHostile = bakeoff::testing_support::kHostileMarkup;

const char* const kChipsCsv =
    "id,vendor,chip,fp64_tflops,fp32_tflops,memory_bandwidth_gbs,source,confidence,device_patterns\n"
    "alpha-cpu,Test,Alpha,2,4,250,test datasheet,vendor datasheet,alpha cpu\n";

struct Fixture {
    fs::path dir, a, b, chips;
};

// Two files: a plain device and one whose name, library string, reason and
// host name are hostile; the second file's own name holds markup too.
Fixture write_fixture(const std::string& tag) {
    Fixture f;
    f.dir = temp_dir(tag);
    const TestDevice a{"cpu:0", "Alpha CPU", "cpu"};
    const TestDevice b{"cpu:0", "Evil " + kHostile, "cpu"};
    auto records = [](const TestDevice& d, double k, bool hostile) {
        std::vector<Record> r = {
            make_record(d, "membw.copy", "fp64", "portable", 268435456, spread(100 * k, 2, 12)),
            make_record(d, "membw.triad", "fp64", "portable", 268435456, spread(110 * k, 2, 12)),
            make_record(d, "gemm", "fp64", "vendor", 1024, spread(800 * k, 10, 12)),
            make_record(d, "gemm", "fp32", "vendor", 1024, spread(1500 * k, 10, 12)),
            make_record(d, "gemm", "fp32", "portable", 256, spread(300 * k, 10, 12)),
            make_record(d, "gemm", "bf16", "vendor", 1024, {}, hostile ? RecordStatus::failed : RecordStatus::unsupported,
                        hostile ? "failed: " + kHostile : "no bf16 on this CPU"),
        };
        if (hostile) r.push_back(make_record(d, "gemm", "int8", "vendor", 1024, {}, RecordStatus::skipped, "too big"));
        // Serving loads (the Pareto chart); the hostile file's model, profile and a warning carry markup.
        const std::string model = hostile ? "model " + kHostile : "tiny";
        for (int conc : {1, 4, 8}) {
            r.push_back(make_serving_record(d, model, hostile ? kHostile : "chat", conc, 0,
                                            spread(100 * k * (conc == 1 ? 1 : conc == 4 ? 4 : 3.8), 1, 8),
                                            50.0 - 2.5 * conc));
            if (hostile) r.back().warnings = {"fell back: " + kHostile};
        }
        return r;
    };
    auto with_peaks = [](std::vector<Record> rs) {  // the device's own (estimated) peaks, as a CPU backend writes them
        for (auto& r : rs)
            if (r.workload == "gemm") {
                r.peak = r.dtype == "fp32" ? 2000 : r.dtype == "fp64" ? 1000 : 0;
                r.peak_basis = "estimate: test";
            }
        return rs;
    };
    ResultsFile fa = make_file({a}, with_peaks(records(a, 1.0, false)));
    ResultsFile fb = make_file({b}, with_peaks(records(b, 1.3, true)), "host " + kHostile);
    fb.header["devices"][0]["library_versions"] = "libevil " + kHostile;
    fb.header["command_line"] = {"bakeoff", "run", kHostile};
    f.a = f.dir / "alpha.json";
    f.b = f.dir / "evil<b>.json";
    write_results(f.a, fa);
    write_results(f.b, fb);
    // A chip database in which "Alpha CPU" has claims: % of claim and claimed roofs.
    f.chips = f.dir / "chips.csv";
    std::ofstream(f.chips) << kChipsCsv;
    return f;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

struct Run {
    int code = -1;
    std::string out, err;
};

Run shell(const std::string& cmd, const fs::path& dir) {
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const int status = std::system((cmd + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string quote(const fs::path& p) {
    std::string s(1, '\'');
    s += p.string();
    s += '\'';
    return s;
}

std::string make_report(const Fixture& f) {
    auto r = shell("'" BAKEOFF_BINARY_PATH "' report " + quote(f.a) + " " + quote(f.b) + " --chips " + quote(f.chips) +
                       " -o " + quote(f.dir / "report.html"),
                   f.dir);
    EXPECT_EQ(r.code, 0) << r.err;
    return slurp(f.dir / "report.html");
}

}  // namespace

TEST(HtmlEscape, EscapesMarkupAndControls) {
    EXPECT_EQ(html::escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(html::escape(std::string("a\x01""b")), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(html::escape("µ ≈ ok\n"), "µ ≈ ok\n");
}

TEST(HtmlReport, SelfContainedWithChartsAndEscapedStrings) {
    const Fixture f = write_fixture("html-unit");
    CompareOptions o;
    const auto db = specs::ChipDatabase::parse(kChipsCsv, "test.csv");
    o.chips = &db;
    Comparison c = build_comparison(read_inputs({f.a.string(), f.b.string()}), o);
    const std::string html = render_report_html(c, {});
    const std::string l = lower(html);
    EXPECT_EQ(count(l, "<script"), 0u);
    EXPECT_EQ(count(l, "<img"), 0u);
    EXPECT_EQ(count(l, "<link"), 0u);
    EXPECT_EQ(count(l, "http://"), count(l, "http://www.w3.org/2000/svg"));  // the SVG namespace only: nothing to fetch
    EXPECT_EQ(count(l, "https://"), 0u);
    EXPECT_NE(html.find("&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&quot;"),
              std::string::npos);
    EXPECT_NE(html.find("evil&lt;b&gt;.json"), std::string::npos);
    for (const char* cls : {"chart roofline", "chart bars", "chart claims", "chart coverage", "chart pareto"})
        EXPECT_NE(html.find(std::string("class=\"chart ") + (cls + 6) + "\""), std::string::npos) << cls;
    EXPECT_NE(html.find("@media print"), std::string::npos);
    EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
    // Axis labels and units.
    EXPECT_NE(html.find("arithmetic intensity (FLOP/byte, log scale)"), std::string::npos);
    EXPECT_NE(html.find("GB/s (higher is better; whiskers: 95 % CI of the median)"), std::string::npos);
    EXPECT_NE(html.find("% of claimed / peak figure"), std::string::npos);
    // Device peaks from the file become "estimate" roofs; provenance is there.
    EXPECT_NE(html.find("fp32 device peak 2000"), std::string::npos);
    EXPECT_NE(html.find("fp32 claimed 4000"), std::string::npos);
    EXPECT_NE(html.find("claimed 250.0 GB/s"), std::string::npos);
    EXPECT_NE(html.find("alpha-cpu"), std::string::npos);
    EXPECT_NE(html.find("abcdef123456"), std::string::npos);
    EXPECT_NE(html.find("2026-01-02T03:04:05Z"), std::string::npos);
}

TEST(HtmlReport, CommandErrors) {
    const Fixture f = write_fixture("html-cli");
    const std::string bin = "'" BAKEOFF_BINARY_PATH "'";
    auto ok = shell(bin + " report " + quote(f.a) + " -o " + quote(f.dir / "one.html"), f.dir);
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_TRUE(fs::exists(f.dir / "one.html"));
    EXPECT_EQ(shell(bin + " report " + quote(f.a), f.dir).code, 2);  // -o is required
    EXPECT_EQ(shell(bin + " report " + quote(f.a) + " -o x.html --bogus", f.dir).code, 2);
    const auto bad = f.dir / "truncated.json";
    std::ofstream(bad) << "{\"schema\": \"bakeoff-";
    auto broken = shell(bin + " report " + quote(f.a) + " " + quote(bad) + " -o " + quote(f.dir / "no.html"), f.dir);
    EXPECT_EQ(broken.code, 1);
    EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
    EXPECT_NE(broken.err.find(bad.string() + ": "), std::string::npos) << broken.err;
    EXPECT_FALSE(fs::exists(f.dir / "no.html"));
}

TEST(HtmlReportInChromium, RenderedDomHasChartsAndInertHostileStrings) {
    const std::string browser = chromium();
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it); skipping the browser check";
    const Fixture f = write_fixture("html-dom");
    make_report(f);
    auto dom = headless(browser, f.dir / "report.html", "--dump-dom", f.dir);
    ASSERT_EQ(dom.code, 0) << dom.err;
    const std::string& d = dom.out;
    ASSERT_NE(d.find("</html>"), std::string::npos) << d.substr(0, 500) << dom.err;
    for (const char* cls : {"roofline", "bars", "claims", "coverage", "pareto"})
        EXPECT_NE(d.find(std::string("class=\"chart ") + cls + "\""), std::string::npos) << cls;
    // Verdict first: the scoreboard is the first section of the page, the device cards the last but one.
    const auto main_at = d.find("<main>");
    ASSERT_NE(main_at, std::string::npos);
    EXPECT_EQ(d.find("<section", main_at), d.find("<section id=\"scoreboard\""));
    EXPECT_LT(d.find("id=\"serving\""), d.find("id=\"roofline\""));
    EXPECT_LT(d.find("id=\"coverage\""), d.find("id=\"devices\""));
    EXPECT_GE(count(d, "class=\"data scoreboard\""), 3u);  // membw, gemm, llm.serve
    EXPECT_GE(count(d, "<polyline class=\"frontier\""), 2u);  // one frontier per device
    EXPECT_GE(count(d, "class=\"point dominated\""), 2u);
    EXPECT_GE(count(d, "class=\"point\""), 6u);        // GEMM points on the rooflines
    EXPECT_GE(count(d, "compute-roof"), 6u);  // measured, device peak and claimed fp32 / fp64 roofs of alpha.json
    EXPECT_NE(d.find("fp32 claimed 4000"), std::string::npos);
    EXPECT_GE(count(d, "class=\"bar\""), 10u);
    EXPECT_GE(count(d, "class=\"cell cell-"), 8u);
    // The hostile strings are text: escaped in the serialised DOM, no element injected.
    const std::string l = lower(d);
    EXPECT_EQ(count(l, "<script"), 0u);
    EXPECT_EQ(count(l, "<img"), 0u);
    EXPECT_EQ(count(l, "pwned=1</script>"), 0u);
    EXPECT_NE(d.find("&lt;script&gt;window.pwned=1&lt;/script&gt;\"&gt;&lt;img src=x onerror=\"window.pwned=2\"&gt;"),
              std::string::npos);
    EXPECT_EQ(count(d, "data-pwned"), 0u);
}

TEST(HtmlReportInChromium, ScreenshotIsNotBlank) {
    const std::string browser = chromium();
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it); skipping the browser check";
    const Fixture f = write_fixture("html-shot");
    make_report(f);
    std::ofstream(f.dir / "empty.html") << "<!DOCTYPE html><html><body></body></html>\n";
    const auto shot = f.dir / "report.png", blank = f.dir / "empty.png";
    auto r1 = headless(browser, f.dir / "report.html", "--screenshot=" + quote(shot) + " --window-size=1280,2000", f.dir);
    ASSERT_EQ(r1.code, 0) << r1.err;
    auto r2 = headless(browser, f.dir / "empty.html", "--screenshot=" + quote(blank) + " --window-size=1280,2000", f.dir);
    ASSERT_EQ(r2.code, 0) << r2.err;
    const std::string png = slurp(shot), empty = slurp(blank);
    const auto [w, h] = png_size(png);
    EXPECT_EQ(w, 1280u);
    EXPECT_GT(h, 1000u);
    ASSERT_GT(empty.size(), 0u);
    // A page of text and charts compresses far worse than a blank page.
    EXPECT_GT(png.size(), 10 * empty.size()) << "report " << png.size() << " bytes, blank " << empty.size();
    std::cout << "screenshot: " << shot.string() << " (" << png.size() << " bytes; blank page " << empty.size()
              << " bytes)\n";
}
