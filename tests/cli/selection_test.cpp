// One selection for run, list and conformance: `list` takes run's filters and
// shows exactly the cases they select; a bad filter is a usage error (exit 2,
// one line) in every command; conformance picks devices the same way.
#include "cli/commands.h"
#include "common/cli_in_process.h"
#include "cpu/cpu_backend.h"
#include "harness/selection.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace bakeoff;
namespace ts = bakeoff::testing_support;

// main() defines it in the binary; `run` records it in the results header.
std::vector<std::string>& bakeoff::cli::command_line() {
    static std::vector<std::string> args = {"bakeoff", "(in-process test)"};
    return args;
}

namespace {

ts::CommandResult list(std::vector<std::string> args) {
    return ts::run_in_process(cli::add_list_command, "list", std::move(args));
}

// The case ids of a `list` table: the first word of each row naming a case.
std::vector<std::string> listed_cases(const std::string& out) {
    std::vector<std::string> ids;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (first.find('/') != std::string::npos) ids.push_back(first);
    }
    return ids;
}

const PluginRegistry& cpu_registry() {
    static PluginRegistry reg;
    static const bool added = reg.add_builtin(bakeoff_cpu_backend());
    EXPECT_TRUE(added);
    return reg;
}

}  // namespace

TEST(Selection, ListWorkloadGemmListsOnlyGemmCases) {
    auto r = list({"--workload", "gemm"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ids = listed_cases(r.out);
    ASSERT_FALSE(ids.empty()) << r.out;
    for (const auto& id : ids) EXPECT_EQ(id.rfind("gemm/", 0), 0u) << id;
    EXPECT_NE(r.out.find(std::to_string(ids.size()) + " cases"), std::string::npos) << r.out;
}

TEST(Selection, ListShowsWhatRunWouldRun) {
    SelectionArgs a;
    a.suite = "smoke";
    a.workloads = {"membw"};
    a.dtypes = {"fp64"};
    a.devices = {"cpu"};
    const auto s = select_cases(a, cpu_registry());
    ASSERT_FALSE(s.plan.empty());
    auto r = list({"--suite", "smoke", "--workload", "membw", "--dtype", "fp64", "--device", "cpu"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ids = listed_cases(r.out);
    ASSERT_EQ(ids.size(), s.plan.size()) << r.out;
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], s.plan[i].spec.id());
}

TEST(Selection, ListWithoutOptionsListsTheWorkloads) {
    auto r = list({});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("suites:"), std::string::npos);
    EXPECT_TRUE(listed_cases(r.out).empty()) << r.out;
}

TEST(Selection, BadFiltersAreUsageErrorsInEveryCommand) {
    const std::vector<std::vector<std::string>> bad = {
        {"--workload", "nosuch"}, {"--dtype", "fp33"},       {"--size", "banana"},
        {"--path", "fastest"},    {"--device", "gpu:7"},     {"--backend", "nosuch"},
        {"--suite", "enormous"},  {"--size", "8x8x8"},       {"--size", "8x8x8", "--workload", "membw.triad"}};
    for (const auto& args : bad) {
        std::string what;
        for (const auto& a : args) what += a + " ";
        auto l = list(args);
        EXPECT_EQ(l.code, 2) << "list " << what << l.err;
        EXPECT_EQ(ts::count_lines(l.err), 1) << "list " << what << l.err;
        EXPECT_TRUE(l.out.empty()) << "list " << what;
        auto r = ts::run_in_process(cli::add_run_command, "run", args);
        EXPECT_EQ(r.code, 2) << "run " << what << r.err;
        EXPECT_EQ(ts::count_lines(r.err), 1) << "run " << what << r.err;
        EXPECT_TRUE(r.out.empty()) << "run " << what;
    }
}

TEST(Selection, ConformanceSelectsDevicesTheSameWay) {
    auto unknown_device = ts::run_in_process(cli::add_conformance_command, "conformance", {"--device", "cpu:9"});
    EXPECT_EQ(unknown_device.code, 2);
    EXPECT_NE(unknown_device.err.find("unknown device 'cpu:9'"), std::string::npos) << unknown_device.err;
    auto unknown_backend = ts::run_in_process(cli::add_conformance_command, "conformance", {"--backend", "nosuch"});
    EXPECT_EQ(unknown_backend.code, 2);
    EXPECT_NE(unknown_backend.err.find("unknown backend 'nosuch' (loaded: cpu"), std::string::npos)
        << unknown_backend.err;
    auto run = ts::run_in_process(cli::add_run_command, "run", {"--device", "cpu:9"});
    EXPECT_EQ(run.code, 2);
    EXPECT_NE(run.err.find("unknown device 'cpu:9'"), std::string::npos) << run.err;
}

TEST(Selection, DeviceSelectionCombinesBackendAndDevice) {
    const auto& reg = cpu_registry();
    EXPECT_EQ(select_devices(reg, {}, {}).devices.size(), reg.devices().size());
    EXPECT_EQ(select_devices(reg, {"cpu"}, {}).devices.size(), 1u);
    EXPECT_EQ(select_devices(reg, {"cpu:*"}, {"cpu"}).devices.size(), 1u);
    EXPECT_EQ(select_devices(reg, {"cpu:0"}, {"cpu"}).devices.at(0).id(), "cpu:0");
    EXPECT_THROW(select_devices(reg, {"cpu:9"}, {}), UsageError);
    EXPECT_THROW(select_devices(reg, {}, {"opencl"}), UsageError);  // not loaded here
}

TEST(Selection, SuiteAndFiltersParseOnce) {
    SelectionArgs a;
    EXPECT_EQ(selected_suite(a), Suite::quick);
    EXPECT_FALSE(a.selects_cases());
    a.suite = "full";
    EXPECT_EQ(selected_suite(a), Suite::full);
    a.suite = "enormous";
    EXPECT_THROW(selected_suite(a), UsageError);
    SelectionArgs g;
    g.workloads = {"gemm"};
    g.sizes = {"128x256x64nt", "4096"};
    const auto f = case_filter(g);
    EXPECT_EQ(f.shapes.size(), 1u);
    EXPECT_EQ(f.sizes, std::vector<std::int64_t>{4096});
    EXPECT_TRUE(g.selects_cases());
}
