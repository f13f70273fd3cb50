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

// P(B <= j) for B ~ Binomial(n, 1/2), summed in log space so large n is exact enough.
double binom_half_cdf(std::size_t n, std::size_t j) {
    double sum = 0;
    for (std::size_t i = 0; i <= j && i <= n; ++i) {
        double log_p = std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) - std::lgamma(double(n - i) + 1) -
                       double(n) * std::log(2.0);
        sum += std::exp(log_p);
    }
    return std::min(1.0, sum);
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

double median(std::span<const double> x) {
    auto v = sorted(x);
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

MedianCI median_ci(std::span<const double> x, double level) {
    auto v = sorted(x);
    std::size_t n = v.size();
    MedianCI ci;
    // Coverage of [x_(l), x_(n+1-l)] is 1 - 2 P(B <= l - 1). Grow l while the
    // interval still covers at least `level`.
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

double relative_ci_halfwidth(std::span<const double> x, double level) {
    double m = median(x);
    auto ci = median_ci(x, level);
    double half = std::max(m - ci.low, ci.high - m);
    return m == 0 ? INFINITY : half / std::fabs(m);
}

}  // namespace bakeoff::stats
