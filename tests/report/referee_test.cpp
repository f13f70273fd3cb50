// What bakeoff notices about a figure, end to end: a faked library report (a
// kernel core below the CPU's ISA, with its warning) reaches the record, run's
// table, compare and the report; n/a cases stay in the file, pass validate,
// and are left out of the table, compare rows, report charts and coverage
// counts with one line saying so.
#include "common/cpu_device.h"
#include "common/fake_device.h"
#include "compare_fixtures.h"

#include "harness/runner.h"
#include "report/compare.h"
#include "report/compare_format.h"
#include "report/html_report.h"
#include "report/run_summary.h"
#include "results/validate.h"
#include "workloads/workload.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace bakeoff;
using namespace bakeoff::testing;

namespace {

const std::string kWarning =
    "OpenBLAS runs its Prescott kernels (SSE) on an AVX-512 CPU: this OpenBLAS does not recognise the CPU and fell "
    "back, so the figure measures the library's CPU detection, not the machine; OPENBLAS_CORETYPE=SapphireRapids "
    "selects the right kernels";

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using Referee = FakeDeviceTest;

// A faked OpenBLAS report from the backend lands in the record as implementation and warning.
Record run_with_fake_report(Device& dev, const RunOptions& o) {
    ::setenv("BAKEOFF_FAKE_OP_INFO", ("OpenBLAS cblas_sgemm, core Prescott\nwarning: " + kWarning).c_str(), 1);
    const Workload* w = find_workload("gemm");
    CaseChoice choice;
    choice.dtypes = {BK_F32};
    choice.sizes = {64};
    // The fake has no vendor library; its portable path carries the faked report.
    for (const auto& c : w->cases(Suite::smoke, dev.info(), choice)) {
        if (c.path != BK_PATH_PORTABLE) continue;
        Record r = run_case(dev, *w, c, 7, o);
        ::unsetenv("BAKEOFF_FAKE_OP_INFO");
        return r;
    }
    ADD_FAILURE() << "no portable fp32 gemm case";
    Record r;
    ::unsetenv("BAKEOFF_FAKE_OP_INFO");
    return r;
}

Record not_applicable(const TestDevice& d, const std::string& workload, std::int64_t size) {
    Record r = make_record(d, workload, "u8", "vendor", size, {}, RecordStatus::not_applicable,
                           "the device is the host: its memory is host memory, so there is no host-device copy");
    return r;
}

TEST_F(Referee, AFakedLibraryFallbackReachesTheRecordTableCompareAndReport) {
    const Record r = run_with_fake_report(*dev_, opts_);
    ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
    EXPECT_EQ(r.implementation, "OpenBLAS cblas_sgemm, core Prescott");
    ASSERT_EQ(r.warnings, std::vector<std::string>{kWarning});

    const std::string table = run_summary({r}, {});
    EXPECT_TRUE(has(table, "ok [1]")) << table;
    EXPECT_TRUE(has(table, "warning: " + kWarning)) << table;

    const auto dir = temp_dir("referee-warning");
    ResultsFile f = make_file({{r.device_id, r.device_name, r.backend}}, {r});
    write_results(dir / "w.json", f);
    const Comparison c = build_comparison(read_inputs({(dir / "w.json").string()}), {});
    const std::string text = render_comparison(c, Format::text);
    EXPECT_TRUE(has(text, "warning: " + kWarning)) << text;
    const std::string html = render_report_html(c, {});
    EXPECT_TRUE(has(html, "OPENBLAS_CORETYPE=SapphireRapids selects the right kernels")) << "no warning in the report";
}

TEST(RefereeNotApplicable, KeptInTheFileAcceptedByValidateLeftOutOfTables) {
    const TestDevice cpu{"cpu:0", "Test CPU", "cpu"};
    std::vector<Record> records = {
        make_record(cpu, "membw.triad", "fp64", "portable", 4096, spread(100, 1, 10)),
        not_applicable(cpu, "transfer.h2d", 65536),
        not_applicable(cpu, "transfer.d2h", 65536),
    };
    const auto dir = temp_dir("referee-na");
    write_results(dir / "na.json", make_file({cpu}, records));
    const ResultsFile back = read_results(dir / "na.json");
    ASSERT_EQ(back.records.size(), 3u);
    EXPECT_EQ(back.records[1].status, RecordStatus::not_applicable);
    EXPECT_TRUE(has(slurp(dir / "na.json"), "\"status\": \"n/a\"") || has(slurp(dir / "na.json"), "\"status\":\"n/a\""));
    EXPECT_TRUE(check_consistency(back).empty());

    // An n/a record with a figure, or without a reason, is refused like any non-ok one.
    ResultsFile bad = back;
    bad.records[1].reason.clear();
    EXPECT_FALSE(check_consistency(bad).empty());

    const std::string table = run_summary(back.records, {});
    const std::string rows = table.substr(0, table.find("\n\n"));
    EXPECT_FALSE(has(rows, "transfer.")) << rows;
    EXPECT_TRUE(has(table, "2 cases not applicable, left out: transfer.h2d, transfer.d2h on cpu:0 (the device is the host)"))
        << table;

    const Comparison c = build_comparison(read_inputs({(dir / "na.json").string()}), {});
    ASSERT_EQ(c.rows.size(), 1u);  // the triad only
    EXPECT_EQ(c.coverage.at(0).cases(), 1u);
    EXPECT_EQ(c.not_applicable.count(), 2u);
    EXPECT_TRUE(has(render_comparison(c, Format::text), "2 cases not applicable, left out"));
    EXPECT_TRUE(has(render_comparison(c, Format::markdown), "2 cases not applicable, left out"));
    const std::string html = render_report_html(c, {});
    EXPECT_FALSE(has(html, "Workload transfer.h2d")) << "a chart for n/a cases";
    // Once in the scoreboard, once above the workload charts, once above the coverage matrix.
    std::size_t lines = 0;
    for (auto p = html.find("2 cases not applicable"); p != std::string::npos; p = html.find("2 cases not applicable", p + 1))
        ++lines;
    EXPECT_EQ(lines, 3u);
}

TEST(RefereeNotApplicable, TheCpuDeviceRecordsTransfersAndLaunchLatencyAsNotApplicable) {
    Device& cpu = bakeoff::testing::cpu_device();
    RunOptions o;
    o.time_budget_s = 0.01;
    for (const char* id : {"latency.launch", "transfer.h2d", "transfer.d2h"}) {
        const Workload* w = find_workload(id);
        const Record r = run_case(cpu, *w, w->cases(Suite::smoke, cpu.info(), {}).at(0), 7, o);
        EXPECT_EQ(r.status, RecordStatus::not_applicable) << id << ": " << r.reason;
        EXPECT_TRUE(has(r.reason, "the device is the host")) << r.reason;
    }
}

}  // namespace
