// The rank test `bakeoff compare` uses to decide whether two records differ:
// the Mann–Whitney U test (Wilcoxon rank-sum), two-sided, on the raw
// per-sample metric values of both records. Documented in docs/report.md.
#pragma once

#include <cstddef>
#include <span>

namespace bakeoff::stats {

struct MannWhitney {
    std::size_t n_x = 0, n_y = 0;
    // U of the first sample: the number of pairs (x_i, y_j) with x_i > y_j,
    // a tied pair counting 1/2. Equals R_x - n_x (n_x + 1) / 2 with R_x the sum
    // of x's mid-ranks in the pooled sample.
    double u_x = 0;
    double u_y = 0;       // n_x n_y - u_x
    double z = 0;         // the normal approximation's z (signed like u_x - n_x n_y / 2); 0 when exact
    double p_value = 1;   // two-sided
    bool exact = false;   // p from the exact null distribution of U (no ties, both n <= kExactMaxN)
};

// Largest sample size (each side) for which the exact distribution is used.
inline constexpr std::size_t kMannWhitneyExactMaxN = 30;

// Two-sided Mann–Whitney U test of "x and y come from the same distribution".
// Exact p = min(1, 2 P(U <= min(u_x, u_y))) when neither sample has more than
// kMannWhitneyExactMaxN values and there are no ties; otherwise the normal
// approximation with tie correction and continuity correction:
//   mu = n_x n_y / 2
//   sigma^2 = n_x n_y / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1)))   (t: size of each group of ties, N = n_x + n_y)
//   z = (|u_x - mu| - 1/2) / sigma (at least 0),  p = erfc(z / sqrt 2).
// An empty sample, or all values equal, gives p = 1.
MannWhitney mann_whitney_u(std::span<const double> x, std::span<const double> y);

}  // namespace bakeoff::stats
