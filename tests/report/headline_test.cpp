// The headline after run's table picks, per device, the best memory triad
// (not a cache-resident one), the best GEMM of each type with its path and
// library, the best decode and prefill, and lists each warning once.
#include "compare_fixtures.h"

#include "report/headline.h"
#include "report/output.h"

#include <gtest/gtest.h>

using namespace bakeoff;
using namespace bakeoff::testing;

namespace {

const TestDevice kCpu{"cpu:0", "Test CPU", "cpu"};
const TestDevice kGpu{"opencl:0", "Test GPU", "opencl"};

Record with_impl(Record r, const std::string& impl) {
    r.implementation = impl;
    return r;
}

Record tokens(const TestDevice& d, const std::string& workload, double per_s) {
    Record r = make_record(d, workload, "bf16", "portable", 1, {1.0});
    r.samples_s.clear();
    r.metric = {"throughput", "tokens/s", "items", 1.0};
    r.work = {0, 0, 64};
    for (double f : {0.99, 1.0, 1.01}) r.samples_s.push_back(64 / (per_s * f));
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    return r;
}

std::vector<Record> hand_made() {
    Record cached = make_record(kCpu, "membw.triad", "fp64", "portable", 4096, spread(300, 1, 5));
    cached.params["cache_resident"] = true;
    Record warned = with_impl(make_record(kCpu, "gemm", "fp64", "vendor", 512, spread(50, 1, 5)),
                              "OpenBLAS cblas_dgemm, core Prescott, 2 threads");
    warned.warnings = {"OpenBLAS runs its Prescott kernels"};
    Record warned_too = warned;
    warned_too.id += "2";
    warned_too.size_label = "1024";
    return {
        cached,
        make_record(kCpu, "membw.triad", "fp64", "portable", 1 << 30, spread(40, 1, 5)),
        make_record(kCpu, "membw.triad", "fp32", "portable", 1 << 30, spread(42, 1, 5)),
        warned,
        warned_too,
        with_impl(make_record(kCpu, "gemm", "fp64", "portable", 512, spread(60, 1, 5)), "bakeoff portable gemm, avx512f"),
        with_impl(make_record(kCpu, "gemm", "fp32", "vendor", 512, spread(200, 1, 5)),
                  "oneDNN 2.6.3 matmul brg:avx512_core (f32 x f32 -> f32), 2 threads"),
        with_impl(make_record(kCpu, "gemm", "fp32", "portable", 512, spread(150, 1, 5)), "bakeoff portable gemm"),
        make_record(kCpu, "gemm", "bf16", "vendor", 512, {}, RecordStatus::failed, "verification failed"),
        tokens(kCpu, "llm.decode", 8),
        tokens(kCpu, "llm.decode", 9),
        tokens(kCpu, "llm.prefill", 120),
        make_record(kGpu, "membw.triad", "fp32", "portable", 1 << 30, spread(900, 1, 5)),
    };
}

const std::vector<Cell>& row(const Table& t, const std::string& device, const std::string& figure) {
    for (const auto& r : t.rows)
        if (r.at(0).text == device && r.at(1).text == figure) return r;
    throw std::runtime_error("no headline row " + device + " " + figure);
}

TEST(Headline, PicksTheBestRecordOfEachKindPerDevice) {
    const Table t = headline_table(hand_made());
    // The memory triad, not the faster cache-resident one; the best over dtypes.
    EXPECT_NEAR(row(t, "cpu:0", "triad").at(2).number, 42, 0.5);
    EXPECT_EQ(row(t, "cpu:0", "triad").at(6).text, "fp32 · 1073741824 · portable");
    // fp64: the portable path beats the vendor library in fallback.
    EXPECT_NEAR(row(t, "cpu:0", "gemm fp64").at(2).number, 60, 0.5);
    EXPECT_EQ(row(t, "cpu:0", "gemm fp64").at(6).text, "512 · portable · bakeoff portable gemm");
    EXPECT_EQ(row(t, "cpu:0", "gemm fp32").at(6).text, "512 · vendor · oneDNN 2.6.3 matmul brg:avx512_core");
    // A type with no figure (bf16 failed) has no row.
    EXPECT_THROW(row(t, "cpu:0", "gemm bf16"), std::runtime_error);
    EXPECT_NEAR(row(t, "cpu:0", "decode").at(2).number, 9, 0.1);
    EXPECT_NEAR(row(t, "cpu:0", "prefill").at(2).number, 120, 1);
    EXPECT_NEAR(row(t, "opencl:0", "triad").at(2).number, 900, 1);
    // % of peak where the record has a peak; unknown where not.
    EXPECT_EQ(row(t, "cpu:0", "decode").at(4).kind, Cell::Kind::unknown);
    // The warning once, naming where it was first and how many more carry it.
    ASSERT_EQ(t.notes.size(), 1u);
    EXPECT_EQ(t.notes[0], "cpu:0: warning (gemm fp64 512 vendor and 1 more): OpenBLAS runs its Prescott kernels");
}

TEST(Headline, NothingToSayIsNoTable) {
    EXPECT_TRUE(headline_table({}).rows.empty());
    const Table t = headline_table({make_record(kCpu, "gemm", "fp32", "vendor", 64, {}, RecordStatus::unsupported, "no")});
    EXPECT_TRUE(t.rows.empty());
}

TEST(Headline, RendersInEveryFormat) {
    const Table t = headline_table(hand_made());
    for (Format f : {Format::text, Format::markdown, Format::csv, Format::json})
        EXPECT_NE(render(t, f).find("triad"), std::string::npos);
}

}  // namespace
