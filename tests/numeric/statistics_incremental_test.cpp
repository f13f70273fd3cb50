// The statistics written to a results file must not change by a bit when the
// way they are computed changes: compute_statistics (one sort, a running
// binomial sum) against the code it replaced (a sort per statistic, the CDF
// summed afresh for every rank), kept here verbatim, on random samples with
// and without duplicates, for n = 1, 2, 3 and larger odd and even n. And the
// runner's stopping rule, checked only now and then, must agree with the
// per-sample rule it replaced at every sample it checks.
#include "harness/runner.h"
#include "numeric/rng.h"
#include "numeric/statistics.h"
#include "results/record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

using namespace bakeoff;

namespace {

// ---- The old implementation (statistics.cpp and record.cpp before the change).
namespace old {
std::vector<double> sorted(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
    std::vector<double> v(x.begin(), x.end());
    std::sort(v.begin(), v.end());
    return v;
}

double binom_half_cdf(std::size_t n, std::size_t j) {
    double sum = 0;
    for (std::size_t i = 0; i <= j && i <= n; ++i) {
        double log_p = std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) - std::lgamma(double(n - i) + 1) -
                       double(n) * std::log(2.0);
        sum += std::exp(log_p);
    }
    return std::min(1.0, sum);
}

double median(std::span<const double> x) {
    auto v = sorted(x);
    std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

stats::MedianCI median_ci(std::span<const double> x, double level) {
    auto v = sorted(x);
    std::size_t n = v.size();
    stats::MedianCI ci;
    std::size_t best = 1;
    for (std::size_t l = 2; 2 * l <= n + 1; ++l) {
        if (1.0 - 2.0 * binom_half_cdf(n, l - 1) >= level) best = l;
        else break;
    }
    ci.rank_low = best;
    ci.rank_high = n + 1 - best;
    ci.low = v[ci.rank_low - 1];
    ci.high = v[ci.rank_high - 1];
    ci.coverage = n == 1 ? 0.0 : 1.0 - 2.0 * binom_half_cdf(n, best - 1);
    return ci;
}

double relative_ci_halfwidth(std::span<const double> x, double level = 0.95) {
    double m = median(x);
    auto ci = median_ci(x, level);
    double half = std::max(m - ci.low, ci.high - m);
    return m == 0 ? INFINITY : half / std::fabs(m);
}

Statistics compute_statistics(std::span<const double> v) {
    Statistics s;
    s.n = v.size();
    s.median = median(v);
    s.min = stats::min(v);
    s.max = stats::max(v);
    s.mean = stats::mean(v);
    s.stddev = stats::stddev(v);
    s.cv = stats::cv(v);
    auto ci = median_ci(v, 0.95);
    s.ci_low = ci.low;
    s.ci_high = ci.high;
    s.ci_coverage = ci.coverage;
    return s;
}
}  // namespace old

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

void expect_identical(const Statistics& a, const Statistics& b, const std::string& what) {
    EXPECT_EQ(a.n, b.n) << what;
    EXPECT_EQ(bits(a.median), bits(b.median)) << what;
    EXPECT_EQ(bits(a.min), bits(b.min)) << what;
    EXPECT_EQ(bits(a.max), bits(b.max)) << what;
    EXPECT_EQ(bits(a.mean), bits(b.mean)) << what;
    EXPECT_EQ(bits(a.stddev), bits(b.stddev)) << what;
    EXPECT_EQ(bits(a.cv), bits(b.cv)) << what;
    EXPECT_EQ(bits(a.ci_low), bits(b.ci_low)) << what;
    EXPECT_EQ(bits(a.ci_high), bits(b.ci_high)) << what;
    EXPECT_EQ(bits(a.ci_coverage), bits(b.ci_coverage)) << what;
}

// Sample values like a run's: around `centre` with noise; with `levels` > 0
// drawn from that many distinct values, so duplicates are common (a coarse
// timer gives exactly that).
std::vector<double> samples(std::size_t n, std::uint64_t seed, int levels) {
    SplitMix64 g(seed);
    std::vector<double> x(n);
    for (auto& v : x) {
        const double u = g.uniform();
        v = levels > 0 ? 100.0 + std::floor(u * levels) * 0.25 : 100.0 * (1.0 + 0.1 * u * u);
    }
    return x;
}

}  // namespace

TEST(StatisticsIncremental, ComputeStatisticsIsBitIdenticalToTheOldCode) {
    std::vector<std::size_t> sizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 63, 64, 100, 101, 257, 1000, 1001, 2048};
    int cases = 0;
    for (std::size_t n : sizes)
        for (int levels : {0, 1, 3, 40})
            for (std::uint64_t seed : {1u, 2u, 3u}) {
                const auto x = samples(n, seed * 7919 + n, levels);
                expect_identical(compute_statistics(x), old::compute_statistics(x),
                                 "n=" + std::to_string(n) + " levels=" + std::to_string(levels) +
                                     " seed=" + std::to_string(seed));
                ++cases;
            }
    EXPECT_EQ(cases, int(sizes.size()) * 4 * 3);
    // Large enough that most binomial terms are exactly 0 and are skipped.
    for (std::size_t n : {4000, 5001}) {
        const auto x = samples(n, n, 3);
        expect_identical(compute_statistics(x), old::compute_statistics(x), "n=" + std::to_string(n));
    }
}

TEST(StatisticsIncremental, MedianCiAtOtherLevelsIsBitIdentical) {
    const auto x = samples(301, 11, 0);
    for (double level : {0.5, 0.9, 0.95, 0.99, 0.999}) {
        const auto a = stats::median_ci(x, level), b = old::median_ci(x, level);
        EXPECT_EQ(a.rank_low, b.rank_low) << level;
        EXPECT_EQ(a.rank_high, b.rank_high) << level;
        EXPECT_EQ(bits(a.coverage), bits(b.coverage)) << level;
        EXPECT_EQ(bits(stats::relative_ci_halfwidth(x, level)), bits(old::relative_ci_halfwidth(x, level))) << level;
    }
}

TEST(StatisticsIncremental, EmptySampleStillThrows) {
    EXPECT_THROW(compute_statistics(std::vector<double>{}), std::invalid_argument);
    EXPECT_THROW(stats::median_ci(std::vector<double>{}), std::invalid_argument);
}

TEST(StatisticsIncremental, SortedSampleMergesToAFullSort) {
    const auto x = samples(5000, 5, 17);
    stats::SortedSample s;
    std::size_t next_read = 1;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s.add(x[i]);
        if (i + 1 == next_read) {
            std::vector<double> want(x.begin(), x.begin() + std::ptrdiff_t(i + 1));
            std::sort(want.begin(), want.end());
            const auto got = s.sorted();
            ASSERT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end())) << "after " << i + 1;
            next_read += 1 + next_read / 3;
        }
    }
    EXPECT_EQ(s.size(), x.size());
}

// At every sample where the stopping rule checks, it decides as the old rule
// (relative_ci_halfwidth of all the values so far) did; it checks at every
// sample up to 64 and then at most once per n/32.
TEST(StatisticsIncremental, StoppingRuleAgreesWithTheOldRuleWhereItChecks) {
    const std::size_t min_samples = 5, n_max = 1500;
    const std::vector<double> targets = {0.0, 0.002, 0.02};
    for (int levels : {0, 5}) {
        const auto x = samples(n_max, 99, levels);
        std::vector<StoppingRule> rules;
        for (double t : targets) rules.emplace_back(t, min_samples);
        std::size_t checks = 0;
        for (std::size_t n = 1; n <= n_max; ++n) {
            std::vector<bool> tight;
            for (auto& r : rules) tight.push_back(r.add(x[n - 1]));
            const bool checked = rules[0].checks() > checks;
            checks = rules[0].checks();
            if (n < min_samples) {
                EXPECT_FALSE(checked) << n;
                continue;
            }
            if (n <= 64) EXPECT_TRUE(checked) << n;
            if (!checked) {
                for (bool t : tight) EXPECT_FALSE(t) << n;
                continue;
            }
            const double half = old::relative_ci_halfwidth(std::span<const double>(x.data(), n));
            for (std::size_t k = 0; k < targets.size(); ++k)
                EXPECT_EQ(tight[k], half <= targets[k]) << "n=" << n << " target=" << targets[k];
        }
        // About 64 + 32 ln(n/64) (the step n/32 is rounded down, hence 40).
        EXPECT_LE(checks, 64 + std::size_t(40 * std::log(double(n_max) / 64)));
    }
}
