// The command against careless and hostile inputs: each check here once let
// a figure through that validate rejects, destroyed a file, read without
// end, or took a nonsense flag value in silence.
#include "common/command_runner.h"
#include "core/terminal_text.h"
#include "results/results_file.h"
#include "results/sample_results.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using bakeoff::testing_support::CommandResult;
using bakeoff::testing_support::slurp;

namespace {

const bakeoff::testing_support::BakeoffInScratch& bakeoff_h() {
    static const bakeoff::testing_support::BakeoffInScratch b("bakeoff-harden");
    return b;
}
fs::path dir() { return bakeoff_h().dir; }
CommandResult run(const std::string& args) { return bakeoff_h()(args); }

// The sample results file (tests/results), edited as JSON, written as `name`.
fs::path sample(const std::string& name, const std::function<void(nlohmann::json&)>& edit = {}) {
    nlohmann::json doc = bakeoff::to_json(bakeoff::testing::sample_file());
    if (edit) edit(doc);
    const auto p = dir() / name;
    std::ofstream(p) << doc.dump(1);
    return p;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST(Hardening, CompareReportAndProjectRefuseWhatValidateRejects) {
    const auto tripled = sample("tripled.json", [](nlohmann::json& d) {
        d["records"][0]["value"] = 3 * d["records"][0]["value"].get<double>();
    });
    const auto unverified = sample("unverified.json", [](nlohmann::json& d) {
        d["records"][0]["verification"]["ok"] = false;  // status ok, output wrong
    });
    const auto good = sample("good.json");
    EXPECT_EQ(run("validate " + q(good)).code, 0);
    for (const auto& f : {tripled, unverified}) {
        EXPECT_EQ(run("validate " + q(f)).code, 1) << f;
        auto c = run("compare " + q(f));
        EXPECT_EQ(c.code, 1) << c.out << c.err;
        EXPECT_EQ(c.out, "") << "a figure was shown";
        auto r = run("report " + q(f) + " -o " + q(dir() / "r.html"));
        EXPECT_EQ(r.code, 1) << r.err;
        EXPECT_FALSE(fs::exists(dir() / "r.html"));
        auto p = run("project gemm --m 4096 --n 4096 --k 4096 --dtype fp64 --results " + q(f));
        EXPECT_EQ(p.code, 1) << p.out << p.err;
    }
    auto c = run("compare " + q(unverified));
    EXPECT_NE(c.err.find("fails validation"), std::string::npos) << c.err;
    EXPECT_NE(c.err.find("verification did not pass"), std::string::npos) << c.err;
    EXPECT_EQ(run("compare " + q(good)).code, 0);
}

TEST(Hardening, ValidateFiltersTerminalControlsFromIds) {
    const auto f = sample("escape.json", [](nlohmann::json& d) {
        d["records"][0]["id"] = "a\x1b]0;owned\x07\r@cpu:0";
        d["records"][1]["size"] = -5;
    });
    auto v = run("validate " + q(f));
    EXPECT_EQ(v.code, 1);
    EXPECT_NE(v.err.find("size -5 is negative"), std::string::npos) << v.err;
    for (char c : {'\x1b', '\x07', '\r'}) EXPECT_EQ(v.err.find(c), std::string::npos) << v.err;
    auto d = run("validate " + q(sample("dup.json", [](nlohmann::json& d) {
                     d["records"][1]["id"] = "a\x1b[2J";
                     d["records"][0]["id"] = "a\x1b[2J";
                 })));
    EXPECT_EQ(d.err.find('\x1b'), std::string::npos) << d.err;
    EXPECT_NE(d.err.find("a?[2J"), std::string::npos) << d.err;
}

TEST(Hardening, TerminalSafeReplacesControlsAndBidiOverridesOnly) {
    using bakeoff::terminal_safe;
    EXPECT_EQ(terminal_safe("a\x1b[31mb\x07\r\tc\n"), "a?[31mb???c\n");
    EXPECT_EQ(terminal_safe("x\xc2\x9b" "1m"), "x?1m");                  // C1 CSI
    EXPECT_EQ(terminal_safe("evil\xe2\x80\xae" "gpj.exe"), "evil?gpj.exe");  // U+202E
    EXPECT_EQ(terminal_safe("µ ≈ 華為 — ok"), "µ ≈ 華為 — ok");
}

TEST(Hardening, AnOutputThatIsAnInputIsRefused) {
    const auto a = sample("a.json");
    const std::string before = slurp(a);
    auto r = run("report " + q(a) + " -o " + q(a));
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--out: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
    auto c = run("compare " + q(a) + " --out " + q(dir() / "." / "a.json"));
    EXPECT_EQ(c.code, 2) << c.err;
    EXPECT_EQ(slurp(a), before);
}

TEST(Hardening, AnEmptyOutputNameIsAUsageError) {
    const auto a = sample("empty-out.json");
    const std::string commands[] = {"run --suite smoke --workload membw.copy --out ''", "compare " + q(a) + " --out ''",
                                    "report " + q(a) + " -o ''"};
    for (const std::string& cmd : commands) {
        auto r = run(cmd);
        EXPECT_EQ(r.code, 2) << cmd << r.err;
        EXPECT_NE(r.err.find("--out"), std::string::npos) << cmd << r.err;
    }
    // Nothing written under the default name (bakeoff-<time>.json) either.
    for (const auto& e : fs::directory_iterator(dir()))
        EXPECT_FALSE(e.path().filename().string().starts_with("bakeoff-")) << e.path();
}

TEST(Hardening, OutputsRefuseSpecialFiles) {
    const auto a = sample("to-fifo.json");
    const auto fifo = dir() / "out.fifo";
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto c = run("compare " + q(a) + " --out " + q(fifo));
    EXPECT_EQ(c.code, 1) << c.err;
    EXPECT_NE(c.err.find("it is a FIFO, not a regular file"), std::string::npos) << c.err;
    EXPECT_TRUE(fs::is_fifo(fifo));
    fs::remove(fifo);
}

TEST(Hardening, UserCsvFilesAreReadWithTheResultsReadersLimits) {
    const auto fifo = dir() / "chips.fifo";
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);  // no writer: reading it would block for ever
    auto chips = run("chips --chips " + q(fifo));
    EXPECT_EQ(chips.code, 1) << chips.err;
    EXPECT_NE(chips.err.find("is a FIFO, not a regular file"), std::string::npos) << chips.err;
    fs::remove(fifo);
    auto prices = run("chips --prices /dev/zero");
    EXPECT_EQ(prices.code, 1) << prices.err;
    EXPECT_NE(prices.err.find("/dev/zero"), std::string::npos) << prices.err;
    EXPECT_NE(prices.err.find("is a character device, not a regular file"), std::string::npos) << prices.err;
    auto project = run("project train --chip h100-sxm5-80gb --model llama-3.1-8b --tokens 1T --prices /dev/zero");
    EXPECT_EQ(project.code, 1) << project.err;
    EXPECT_NE(project.err.find("is a character device"), std::string::npos) << project.err;
}

TEST(Hardening, NonsenseNumbersAreUsageErrorsNamingTheFlag) {
    const std::string base = "run --suite smoke --workload membw.copy --out " + q(dir() / "never.json") + " ";
    const std::pair<std::string, std::string> cases[] = {
        {"--target-ci nan", "--target-ci"},     {"--target-ci inf", "--target-ci"},
        {"--time-budget nan", "--time-budget"}, {"--time-budget -1", "--time-budget"},
        {"--case-timeout nan", "--case-timeout"}, {"--case-timeout 1e400", "--case-timeout"},
        {"--seed -1", "--seed"},                {"--seed 18446744073709551616", "--seed"},
        {"--seed ''", "--seed"},                {"--seed 1e3", "--seed"},
        {"--rank-timeout nan", "--rank-timeout"},
    };
    for (const auto& [flags, flag] : cases) {
        auto r = run(base + flags);
        EXPECT_EQ(r.code, 2) << flags << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << flags << r.err;
        EXPECT_EQ(bakeoff::testing_support::count_lines(r.err), 1) << flags << r.err;
    }
    EXPECT_FALSE(fs::exists(dir() / "never.json"));
    auto p = run("project gemm --chip h100-sxm5-80gb --m 1e308 --n 1e308 --k 1e308");
    EXPECT_EQ(p.code, 2) << p.out << p.err;
    EXPECT_NE(p.err.find("--m"), std::string::npos) << p.err;
    EXPECT_EQ(p.out.find("inf"), std::string::npos) << p.out;
}

TEST(Hardening, ReportIsolatesBidiOverridesInDeviceNames) {
    const auto f = sample("rtl.json", [](nlohmann::json& d) {
        for (auto& r : d["records"]) r["device"]["name"] = "Evil\u202e CPU";
        d["devices"][0]["name"] = "Evil\u202e CPU";
    });
    const auto out = dir() / "rtl.html";
    auto r = run("report " + q(f) + " -o " + q(out));
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string html = slurp(out);
    EXPECT_EQ(html.find("\u202e"), std::string::npos);
    EXPECT_NE(html.find("Evil\uFFFD CPU"), std::string::npos);
    EXPECT_NE(html.find("<td><bdi>"), std::string::npos);
}
