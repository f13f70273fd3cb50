#include "report/compare_rank_test.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace bakeoff::stats {

namespace {

// P(U <= u) under the null for samples of sizes m and n without ties: the
// number of orderings of m x's and n y's with at most u (x > y) pairs, over
// C(m + n, m). counts[i][j][k] = orderings of i x's and j y's with k such pairs:
// the largest element is an x (it beats all j y's: k - j) or a y.
double exact_cdf(std::size_t m, std::size_t n, std::size_t u) {
    // Rolling over i; row[j] is the polynomial for (i, j).
    std::vector<std::vector<double>> prev(n + 1), cur(n + 1);
    for (std::size_t j = 0; j <= n; ++j) prev[j] = {1.0};  // i = 0: one ordering, no pairs
    for (std::size_t i = 1; i <= m; ++i) {
        for (std::size_t j = 0; j <= n; ++j) {
            std::vector<double> poly(i * j + 1, 0.0);
            // last is x: counts[i-1][j] shifted by j
            for (std::size_t k = 0; k < prev[j].size(); ++k) poly[k + j] += prev[j][k];
            // last is y: counts[i][j-1]
            if (j > 0)
                for (std::size_t k = 0; k < cur[j - 1].size(); ++k) poly[k] += cur[j - 1][k];
            cur[j] = std::move(poly);
        }
        std::swap(prev, cur);
    }
    const std::vector<double>& dist = prev[n];
    double total = 0, below = 0;
    for (std::size_t k = 0; k < dist.size(); ++k) {
        total += dist[k];
        if (k <= u) below += dist[k];
    }
    return below / total;
}

}  // namespace

MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y) {
    MannWhitney r;
    r.n_x = x.size();
    r.n_y = y.size();
    if (x.empty() || y.empty()) return r;

    // Pool, sort, assign mid-ranks to groups of equal values.
    std::vector<std::pair<double, int>> pooled;  // value, 0 = x, 1 = y
    pooled.reserve(x.size() + y.size());
    for (double v : x) pooled.emplace_back(v, 0);
    for (double v : y) pooled.emplace_back(v, 1);
    std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const double N = double(pooled.size());
    double rank_sum_x = 0, tie_term = 0;
    bool ties = false;
    for (std::size_t i = 0; i < pooled.size();) {
        std::size_t j = i;
        while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
        const double t = double(j - i);
        const double mid_rank = (double(i + 1) + double(j)) / 2.0;  // ranks i+1 .. j
        for (std::size_t k = i; k < j; ++k)
            if (pooled[k].second == 0) rank_sum_x += mid_rank;
        if (t > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        i = j;
    }
    const double nx = double(x.size()), ny = double(y.size());
    r.u_x = rank_sum_x - nx * (nx + 1) / 2.0;
    r.u_y = nx * ny - r.u_x;

    if (!ties && x.size() <= kMannWhitneyExactMaxN && y.size() <= kMannWhitneyExactMaxN) {
        const double u_min = std::min(r.u_x, r.u_y);  // an integer without ties
        r.exact = true;
        r.p_value = std::min(1.0, 2.0 * exact_cdf(x.size(), y.size(), std::size_t(std::llround(u_min))));
        return r;
    }
    const double mu = nx * ny / 2.0;
    const double var = nx * ny / 12.0 * ((N + 1) - tie_term / (N * (N - 1)));
    if (!(var > 0)) return r;  // every value equal: nothing to tell apart
    const double sigma = std::sqrt(var);
    const double dev = r.u_x - mu;
    const double zabs = std::max(0.0, std::fabs(dev) - 0.5) / sigma;
    r.z = dev < 0 ? -zabs : zabs;
    r.p_value = std::min(1.0, std::erfc(zabs / std::sqrt(2.0)));
    return r;
}

}  // namespace bakeoff::stats
