// Statistics over repeated samples, each a named function with a stated
// definition (docs/methodology.md repeats them). Inputs are unsorted samples;
// every function is well defined for n >= 1 unless it says otherwise.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

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

// The same three over samples already sorted ascending, without a copy or a
// sort: equal to the bit to the functions above on the same values in any
// order (those sort a copy and call these).
double median_sorted(std::span<const double> sorted);
MedianCI median_ci_sorted(std::span<const double> sorted, double level = 0.95);
double relative_ci_halfwidth_sorted(std::span<const double> sorted, double level = 0.95);

// A sample that grows one value at a time and is read sorted now and then
// (the runner's stopping rule). Values added since the last read wait
// unsorted; a read sorts just them and merges them in, O(k log k + n) for k
// new values, so reading after every n/c new ones costs O(c n) over a
// sample of n, not a full sort per read.
class SortedSample {
public:
    void add(double x) { pending_.push_back(x); }
    std::size_t size() const { return sorted_.size() + pending_.size(); }
    std::span<const double> sorted();

private:
    std::vector<double> sorted_, pending_;
};

}  // namespace bakeoff::stats
