// bakeoff db site: the static leaderboard site from a registry holding two
// hosts' runs of one model (reproduced), llm.serve records (the Pareto
// chart) and a device, host and command line full of markup; then the pages
// in headless Chromium: charts present, hostile strings inert, not blank.
#include "common/command_runner.h"
#include "common/headless_browser.h"
#include "common/serving_figures.h"
#include "registry/registry.h"
#include "registry_fixtures.h"
#include "report/site.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>

using namespace bakeoff;
using namespace bakeoff::testing;
using bakeoff::testing_support::chromium;
using bakeoff::testing_support::headless;
using bakeoff::testing_support::png_size;
namespace fs = std::filesystem;

namespace {

const std::string& kHostile = bakeoff::testing_support::kHostileMarkup;

// An llm.serve record: `per_device` output tokens/s per device at `per_user` tokens/s per user.
Record serve_record(const TestDevice& d, int concurrency, double per_device, double per_user) {
    Record r = make_record(d, "llm.serve", "bf16", "vendor", concurrency, spread(per_device, per_device / 50, 6));
    r.id = "llm.serve/bf16/c" + std::to_string(concurrency) + "/vendor@" + d.id;
    r.metric = {"throughput", "tokens/s", "items", 1};
    r.work = {0, 0, 1000};
    r.samples_s.clear();
    for (double v : spread(per_device, per_device / 50, 6)) r.samples_s.push_back(1000 / v);
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.params = {{"concurrency", concurrency},
                {"profile", "chat"},
                {"model", "llama-1b"},
                {"measured", {{"serving", serving_figures(per_user)}}}};
    return r;
}

struct Site {
    fs::path dir, out;
    std::string index, alpha_page;
};

const Site& written_site() {
    static const Site s = [] {
        Site s;
        s.dir = temp_dir("site");
        const fs::path db = s.dir / "site.db";
        fs::remove(db);
        registry::Registry reg(db, true);
        auto write = [&](const std::string& name, const ResultsFile& f) {
            write_results(s.dir / name, f);
            reg.add(s.dir / name);
        };
        const TestDevice alpha{"cpu:0", "Alpha CPU", "cpu"};
        ResultsFile a = registry_file("host-a", "2026-01-01", 100, 900, "Alpha CPU");
        ResultsFile b = registry_file("host-b", "2026-01-03", 98, 880, "Alpha CPU");
        // Throughput rises with concurrency as each user's speed falls; concurrency 4 is dominated.
        a.records.push_back(serve_record(alpha, 1, 50, 50));
        a.records.push_back(serve_record(alpha, 4, 60, 12));
        a.records.push_back(serve_record(alpha, 8, 300, 37));
        write("a.json", a);
        write("b.json", b);
        ResultsFile evil = registry_file("host " + kHostile, "2026-01-02", 40, 300, "Evil " + kHostile);
        evil.header["command_line"] = {"bakeoff", "run", kHostile};
        evil.header["devices"][0]["library_versions"] = "libevil " + kHostile;
        write("evil.json", evil);
        s.out = s.dir / "site";
        const auto r = testing_support::run_binary(BAKEOFF_BINARY_PATH, s.dir, "",
                                                   "db site --db '" + db.string() + "' -o '" + s.out.string() + "'");
        EXPECT_EQ(r.code, 0) << r.err;
        s.index = slurp(s.out / "index.html");
        s.alpha_page = slurp(s.out / site::device_page_name("Alpha CPU"));
        return s;
    }();
    return s;
}

std::size_t count(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
    return n;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

}  // namespace

TEST(Site, PagesAreSelfContainedWithAStrictPolicy) {
    const Site& s = written_site();
    std::size_t pages = 0;
    for (const auto& e : fs::directory_iterator(s.out)) {
        ++pages;
        const std::string html = slurp(e.path());
        EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""),
                  std::string::npos)
            << e.path();
        EXPECT_EQ(count(lower(html), "<script"), 0u) << e.path();
        // Nothing fetched: no link or source off the page (the SVG namespace is a name, not a fetch).
        for (const char* remote : {"href=\"http", "src=\"http", "url(", "@import"})
            EXPECT_EQ(html.find(remote), std::string::npos) << e.path() << ": " << remote;
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
    }
    EXPECT_EQ(pages, 3u);  // index, Alpha CPU, the hostile device
    // The leaderboard: Alpha first on gemm, reproduced by two hosts on different dates.
    EXPECT_NE(s.index.find("gemm / fp32"), std::string::npos);
    EXPECT_NE(s.index.find("<td class=\"reproduced\">reproduced</td>"), std::string::npos) << s.index;
    EXPECT_NE(s.index.find("href=\"" + site::device_page_name("Alpha CPU") + "\""), std::string::npos);
    // Alpha's page: its runs with digests, provenance, a roofline per run, the Pareto chart.
    EXPECT_NE(s.alpha_page.find("host-b"), std::string::npos);
    EXPECT_GE(count(s.alpha_page, "class=\"chart roofline\""), 2u);
    EXPECT_EQ(count(s.alpha_page, "class=\"chart pareto\""), 1u);
    EXPECT_EQ(count(s.alpha_page, "class=\"point frontier\""), 2u);
    EXPECT_EQ(site::device_page_name("Evil " + kHostile).find_first_of("<>\"' /"), std::string::npos);
}

TEST(SiteInChromium, RenderedPagesHaveChartsAndInertHostileStrings) {
    const std::string browser = chromium();
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it); skipping the browser check";
    const Site& s = written_site();
    for (const fs::path page : {s.out / "index.html", s.out / site::device_page_name("Evil " + kHostile)}) {
        auto dom = headless(browser, page, "--dump-dom", s.dir);
        ASSERT_EQ(dom.code, 0) << dom.err;
        const std::string& d = dom.out;
        ASSERT_NE(d.find("</html>"), std::string::npos) << page << d.substr(0, 300);
        const std::string l = lower(d);
        EXPECT_EQ(count(l, "<script"), 0u) << page;
        EXPECT_EQ(count(l, "<img"), 0u) << page;
        EXPECT_NE(d.find("&lt;script&gt;window.pwned=1&lt;/script&gt;"), std::string::npos) << page;
    }
    auto index = headless(browser, s.out / "index.html", "--dump-dom", s.dir);
    EXPECT_NE(index.out.find("class=\"chart pareto\""), std::string::npos);
    EXPECT_GE(count(index.out, "class=\"point"), 3u);
    auto alpha = headless(browser, s.out / site::device_page_name("Alpha CPU"), "--dump-dom", s.dir);
    EXPECT_GE(count(alpha.out, "class=\"chart roofline\""), 2u);
}

TEST(SiteInChromium, ScreenshotIsNotBlank) {
    const std::string browser = chromium();
    if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it); skipping the browser check";
    const Site& s = written_site();
    std::ofstream(s.dir / "empty.html") << "<!DOCTYPE html><html><body></body></html>\n";
    const auto shot = s.dir / "index.png", blank = s.dir / "empty.png";
    ASSERT_EQ(headless(browser, s.out / "index.html", "--screenshot='" + shot.string() + "' --window-size=1280,1600", s.dir).code, 0);
    ASSERT_EQ(headless(browser, s.dir / "empty.html", "--screenshot='" + blank.string() + "' --window-size=1280,1600", s.dir).code, 0);
    const std::string png = slurp(shot), empty = slurp(blank);
    EXPECT_EQ(png_size(png).first, 1280u);
    ASSERT_GT(empty.size(), 0u);
    EXPECT_GT(png.size(), 10 * empty.size()) << "site " << png.size() << " bytes, blank " << empty.size();
    std::cout << "screenshot: " << shot.string() << " (" << png.size() << " bytes)\n";
}
