#include "numeric/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace bakeoff::stats {

namespace {
std::vector<double> sorted(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
    std::vector<double> v(x.begin(), x.end());
    std::sort(v.begin(), v.end());
    return v;
}

// P(B = i) for B ~ Binomial(n, 1/2), in log space so large n is exact enough.
// P(B <= j) is the sum of these for i = 0..j, added in that order.
double log_binom_half_pmf(std::size_t n, std::size_t i) {
    return std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) - std::lgamma(double(n - i) + 1) -
           double(n) * std::log(2.0);
}

double binom_half_pmf(std::size_t n, std::size_t i) { return std::exp(log_binom_half_pmf(n, i)); }

// The first i whose P(B = i) can be non-zero in a double. exp() of anything
// below about -745 is exactly 0 (the smallest subnormal is e^-744.4), and a
// sum with 0.0 added is the sum it was, so the terms before this index can be
// left out of P(B <= j) without changing a bit. log P(B = i) grows with i up
// to n/2, so a binary search finds the index; the margin down to -800 is far
// beyond the rounding of the lgamma differences.
std::size_t first_counted_term(std::size_t n) {
    std::size_t lo = 0, hi = n / 2;  // P(B = n/2) is the largest: never below e^-800
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (log_binom_half_pmf(n, mid) < -800.0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void require_samples(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
}
}  // namespace

double min(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
    return *std::min_element(x.begin(), x.end());
}

double max(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
    return *std::max_element(x.begin(), x.end());
}

double mean(std::span<const double> x) {
    if (x.empty()) throw std::invalid_argument("statistics of an empty sample");
    return std::accumulate(x.begin(), x.end(), 0.0) / double(x.size());
}

double median(std::span<const double> x) { return median_sorted(sorted(x)); }

double median_sorted(std::span<const double> v) {
    require_samples(v);
    std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double stddev(std::span<const double> x) {
    if (x.size() < 2) return 0.0;
    double m = mean(x);
    double ss = 0;
    for (double v : x) ss += (v - m) * (v - m);
    return std::sqrt(ss / double(x.size() - 1));
}

double cv(std::span<const double> x) {
    double m = mean(x);
    return m == 0 ? 0.0 : stddev(x) / m;
}

MedianCI median_ci(std::span<const double> x, double level) { return median_ci_sorted(sorted(x), level); }

MedianCI median_ci_sorted(std::span<const double> v, double level) {
    require_samples(v);
    std::size_t n = v.size();
    MedianCI ci;
    // Coverage of [x_(l), x_(n+1-l)] is 1 - 2 P(B <= l - 1). Grow l while the
    // interval still covers at least `level`. P(B <= l - 1) is kept as a
    // running sum, one term per step: the additions are the ones a fresh
    // sum over 0..l-1 makes, in the same order, so each value is the same to
    // the bit, and the search costs O(n) terms instead of O(n^2). Terms that
    // are exactly 0 are not computed (for n = 100,000 that is 5 in 6).
    const std::size_t first = first_counted_term(n);
    double cdf = first == 0 ? binom_half_pmf(n, 0) : 0.0;  // P(B <= 0)
    double cdf_best = cdf;
    std::size_t best = 1;
    for (std::size_t l = 2; 2 * l <= n + 1; ++l) {
        if (l - 1 >= first) cdf += binom_half_pmf(n, l - 1);
        if (1.0 - 2.0 * std::min(1.0, cdf) >= level) {
            best = l;
            cdf_best = cdf;
        } else {
            break;
        }
    }
    ci.rank_low = best;
    ci.rank_high = n + 1 - best;
    ci.low = v[ci.rank_low - 1];
    ci.high = v[ci.rank_high - 1];
    ci.coverage = n == 1 ? 0.0 : 1.0 - 2.0 * std::min(1.0, cdf_best);
    return ci;
}

double relative_ci_halfwidth(std::span<const double> x, double level) {
    return relative_ci_halfwidth_sorted(sorted(x), level);
}

double relative_ci_halfwidth_sorted(std::span<const double> v, double level) {
    double m = median_sorted(v);
    auto ci = median_ci_sorted(v, level);
    double half = std::max(m - ci.low, ci.high - m);
    return m == 0 ? INFINITY : half / std::fabs(m);
}

std::span<const double> SortedSample::sorted() {
    if (!pending_.empty()) {
        std::sort(pending_.begin(), pending_.end());
        const auto mid = sorted_.insert(sorted_.end(), pending_.begin(), pending_.end());
        std::inplace_merge(sorted_.begin(), mid, sorted_.end());
        pending_.clear();
    }
    return sorted_;
}

}  // namespace bakeoff::stats
