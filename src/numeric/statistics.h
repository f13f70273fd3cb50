// Statistics over repeated samples, each a named function with a stated
// definition (docs/methodology.md repeats them). Inputs are unsorted samples;
// every function is well defined for n >= 1 unless it says otherwise.
#pragma once

#include <cstddef>
#include <span>

namespace bakeoff::stats {

double min(std::span<const double> x);
double max(std::span<const double> x);
double mean(std::span<const double> x);
// Middle value of the sorted samples; the mean of the two middle values for even n.
double median(std::span<const double> x);
// Sample standard deviation with Bessel's correction (n - 1); 0 for n < 2.
double stddev(std::span<const double> x);
// Coefficient of variation: stddev / mean; 0 when the mean is 0.
double cv(std::span<const double> x);

// Distribution-free confidence interval of the median from order statistics:
// [x_(l), x_(n+1-l)] of the sorted samples, with l the largest rank such that
// P(l <= B <= n - l) >= level for B ~ Binomial(n, 1/2). When no rank reaches the
// level (n < 6 for 95 %), the interval is [min, max] and `coverage` says what
// it really covers. Ranks are 1-based.
struct MedianCI {
    double low = 0;
    double high = 0;
    double coverage = 0;     // exact coverage probability of [low, high]
    std::size_t rank_low = 0;
    std::size_t rank_high = 0;
};
MedianCI median_ci(std::span<const double> x, double level = 0.95);

// Relative half-width of the median's CI: max(median - low, high - median) / median.
double relative_ci_halfwidth(std::span<const double> x, double level = 0.95);

}  // namespace bakeoff::stats
