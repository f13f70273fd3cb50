// Latency metrics (MetricDef::lower_is_better): the value is a time per item,
// compare calls the smaller one the win, validate recomputes it, and the
// results file keeps the flag.
#include "compare_fixtures.h"

#include "report/compare.h"
#include "results/validate.h"

#include <gtest/gtest.h>

using namespace bakeoff;
using namespace bakeoff::testing;

namespace {

// A launch-latency record: `launches` empty launches per sample, each sample
// taking launches * us microseconds.
Record latency_record(const std::string& device, const std::vector<double>& us_per_launch, double launches = 1000) {
    Record r = make_record(TestDevice{device, "Test GPU", "fake"}, "latency.launch", "none", "portable", 1000, {1.0});
    r.work = {};
    r.work.items = launches;
    r.metric = {"latency", "us", "items", 1e6, true};
    r.samples_s.clear();
    for (double us : us_per_launch) r.samples_s.push_back(us * launches / 1e6);
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    return r;
}

}  // namespace

TEST(LatencyMetric, ValueIsTimePerItemInTheScaledUnit) {
    MetricDef m{"latency", "us", "items", 1e6, true};
    WorkCounts w;
    w.items = 500;
    // 500 launches in 2.5 ms: 5 us each.
    const auto v = metric_values(m, w, std::vector<double>{2.5e-3, 5e-3});
    ASSERT_EQ(v.size(), 2u);
    EXPECT_DOUBLE_EQ(v[0], 5.0);
    EXPECT_DOUBLE_EQ(v[1], 10.0);
}

TEST(LatencyMetric, RateMetricsAreUnchanged) {
    MetricDef m{"throughput", "tokens/s", "items", 1, false};
    WorkCounts w;
    w.items = 64;
    const auto v = metric_values(m, w, std::vector<double>{0.5});
    EXPECT_DOUBLE_EQ(v[0], 128.0);
}

TEST(LatencyMetric, UnknownBasisIsNegative) {
    WorkCounts w{1, 2, 3};
    EXPECT_EQ(basis_count(w, "flops"), 1);
    EXPECT_EQ(basis_count(w, "bytes"), 2);
    EXPECT_EQ(basis_count(w, "items"), 3);
    EXPECT_LT(basis_count(w, "furlongs"), 0);
}

TEST(LatencyMetric, SmallerLatencyWins) {
    std::vector<double> fast, slow;
    for (int i = 0; i < 20; ++i) {
        fast.push_back(5.0 + 0.01 * i);
        slow.push_back(9.0 + 0.01 * i);
    }
    const Record base = latency_record("gpu:0", slow);
    const Record other = latency_record("gpu:1", fast);
    const Difference d = compare_records(base, other);
    EXPECT_EQ(d.verdict, Verdict::win);
    EXPECT_LT(d.ratio, 1.0);  // the ratio stays other / base
    EXPECT_EQ(compare_records(other, base).verdict, Verdict::loss);
}

TEST(LatencyMetric, RoundTripsAndValidates) {
    std::vector<double> v;
    for (int i = 0; i < 10; ++i) v.push_back(4.0 + 0.1 * i);
    const Record r = latency_record("gpu:0", v);
    const Record back = record_from_json(to_json(r));
    EXPECT_TRUE(back.metric.lower_is_better);
    EXPECT_EQ(back.work.items, 1000);
    ASSERT_TRUE(back.value());
    EXPECT_NEAR(*back.value(), r.stats->median, 1e-12);

    ResultsFile f = make_file({TestDevice{"gpu:0", "Test GPU", "fake"}}, {back});
    EXPECT_TRUE(check_consistency(f).empty());

    // A file whose statistics were computed as a rate fails validation.
    Record tampered = back;
    tampered.stats = compute_statistics(
        metric_values(MetricDef{"latency", "us", "items", 1e6, false}, tampered.work, tampered.samples_s));
    ResultsFile g = make_file({TestDevice{"gpu:0", "Test GPU", "fake"}}, {tampered});
    EXPECT_FALSE(check_consistency(g).empty());
}
