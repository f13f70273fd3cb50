#include "workloads/moe/moe_verify.h"

#include "nn/reference.h"
#include "workloads/op_desc.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace bakeoff::moe {

namespace {

std::vector<double> widen(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// y [m, out] = x [m, in] W^T, W [out, in], in fp64.
std::vector<double> linear(const std::vector<double>& x, std::int64_t m, std::int64_t in, const std::vector<double>& w,
                           std::int64_t out) {
    std::vector<double> y(std::size_t(m * out));
    nnref::gemm(x.data(), w.data(), y.data(), nnop::gemm_shape(m, out, in, false, true));
    return y;
}

// The SwiGLU MLP of one weight set on m rows, rounding the hidden activations
// to the weight type before the down projection as the device does.
std::vector<double> mlp(const std::vector<double>& x, std::int64_t m, std::int64_t d, std::int64_t f,
                        const std::vector<float>& wg, const std::vector<float>& wu, const std::vector<float>& wd,
                        bk_dtype wt) {
    const auto g = linear(x, m, d, widen(wg), f);
    const auto u = linear(x, m, d, widen(wu), f);
    std::vector<double> h(g.size());
    nnref::swiglu(g.data(), u.data(), h.data(), std::int64_t(h.size()));
    std::vector<float> hf(h.begin(), h.end());
    round_to(wt, hf);
    return linear(widen(hf), m, f, widen(wd), d);
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

MoeTolerance moe_tolerance(bk_dtype wt) {
    // f32: GEMM sums of up to 7168 products in f32 differ from fp64 by ~1e-6
    // relative; the bounds leave two orders of margin, while a wrong expert or
    // weight moves a row by O(1). bf16: inputs are rounded identically on both
    // sides (the host models every conversion), but a hidden activation that
    // rounds the other way at a bf16 boundary moves the output by 2^-8 of one
    // of f terms: ~1e-4 of the row, rarely. A conversion that truncates
    // instead of rounding shrinks every term by 2^-8 on average: ~4e-3.
    if (wt == BK_BF16) return {1e-3, 1e-4, 1e-3};
    return {1e-4, 1e-4, 5e-4};
}

std::vector<std::int64_t> sampled_tokens(const MoeShape& s) {
    const double per_token = 2.0 * double(s.dim) *
                             (double(s.experts) + 3.0 * double(s.top_k * s.expert_ffn + s.shared_ffn()));
    const std::int64_t want = std::clamp<std::int64_t>(std::int64_t(4e9 / per_token), 8, 64);
    std::vector<std::int64_t> rows;
    if (s.tokens <= want) {
        for (std::int64_t t = 0; t < s.tokens; ++t) rows.push_back(t);
        return rows;
    }
    // An even spread that includes the first and the last row.
    for (std::int64_t i = 0; i < want; ++i) rows.push_back(i * (s.tokens - 1) / (want - 1));
    return rows;
}

Verification verify_moe(const MoeData& data, std::span<const float> x, std::span<const float> y,
                        std::span<const std::int32_t> idx, std::span<const float> weight) {
    const MoeShape& s = data.shape();
    const bk_dtype wt = data.weight_dtype();
    const MoeTolerance tol = moe_tolerance(wt);
    const std::int64_t d = s.dim, k = s.top_k, E = s.experts;
    const auto rows = sampled_tokens(s);
    const auto n = std::int64_t(rows.size());

    Verification v;
    v.method = fmt::format(
        "{} sampled token rows vs an fp64 layer using the device's routing; routing vs fp64 sigmoid top-{} "
        "(near-ties within {:g} tolerated)",
        n, k, tol.score);
    v.measure = "max |y - ref| / rms(ref row)";
    v.tolerance = tol.output;
    auto fail = [&](std::string why) {
        v.ok = false;
        v.error = std::numeric_limits<double>::infinity();
        v.detail = std::move(why);
        return v;
    };

    // The sampled rows as the device's GEMMs read them (rounded to the weight type).
    std::vector<float> xf(std::size_t(n * d));
    for (std::int64_t i = 0; i < n; ++i)
        std::copy_n(x.begin() + rows[std::size_t(i)] * d, d, xf.begin() + i * d);
    round_to(wt, xf);
    const auto xs = widen(xf);

    // Routing: fp64 logits and scores; the device's choice must be a valid top-k of them.
    const auto logits = linear(xs, n, d, widen(data.router()), E);
    std::vector<std::int32_t> ref_idx(std::size_t(n * k));
    std::vector<double> ref_w(std::size_t(n * k));
    bk_route_op r{n, E, k, 1, 1};
    nnref::topk_route(logits.data(), ref_idx.data(), ref_w.data(), r);

    std::map<std::int32_t, std::vector<std::pair<std::int64_t, double>>> by_expert;  // expert -> (row, weight)
    std::int64_t swaps = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t t = rows[std::size_t(i)];
        const std::int32_t* chosen = idx.data() + t * k;
        std::vector<bool> is_chosen(std::size_t(E), false);
        double min_chosen = 2, sum = 0;
        for (std::int64_t j = 0; j < k; ++j) {
            const std::int32_t e = chosen[j];
            if (e < 0 || e >= E) return fail(fmt::format("token {}: expert index {} out of [0, {})", t, e, E));
            if (is_chosen[std::size_t(e)]) return fail(fmt::format("token {}: expert {} chosen twice", t, e));
            is_chosen[std::size_t(e)] = true;
            const double sc = sigmoid(logits[std::size_t(i * E + e)]);
            min_chosen = std::min(min_chosen, sc);
            sum += sc;
        }
        for (std::int64_t e = 0; e < E; ++e) {
            const double sc = sigmoid(logits[std::size_t(i * E + e)]);
            if (!is_chosen[std::size_t(e)] && sc > min_chosen + tol.score)
                return fail(fmt::format("token {}: expert {} (fp64 score {:.6f}) left out for a chosen expert "
                                        "scoring {:.6f}",
                                        t, e, sc, min_chosen));
        }
        for (std::int64_t j = 0; j < k; ++j)
            if (std::find(chosen, chosen + k, ref_idx[std::size_t(i * k + j)]) == chosen + k) ++swaps;
        for (std::int64_t j = 0; j < k; ++j) {
            const std::int32_t e = chosen[j];
            const double w_ref = sigmoid(logits[std::size_t(i * E + e)]) / sum;
            const double w_dev = weight[std::size_t(t * k + j)];
            if (!(std::abs(w_dev - w_ref) <= tol.weight))
                return fail(fmt::format("token {}: routing weight of expert {} is {:.6g}, fp64 {:.6g}", t, e, w_dev,
                                        w_ref));
            by_expert[e].push_back({i, w_ref});
        }
    }

    // Output: shared MLP over the sampled rows plus each chosen expert's MLP, weighted.
    std::vector<double> ref(std::size_t(n * d), 0.0);
    if (s.shared > 0)
        ref = mlp(xs, n, d, s.shared_ffn(), data.shared(Proj::gate), data.shared(Proj::up), data.shared(Proj::down),
                  wt);
    for (const auto& [e, users] : by_expert) {
        const auto m = std::int64_t(users.size());
        std::vector<double> xe(std::size_t(m * d));
        for (std::int64_t u = 0; u < m; ++u)
            std::copy_n(xs.begin() + users[std::size_t(u)].first * d, d, xe.begin() + u * d);
        const auto oe = mlp(xe, m, d, s.expert_ffn, data.expert(e, Proj::gate), data.expert(e, Proj::up),
                            data.expert(e, Proj::down), wt);
        for (std::int64_t u = 0; u < m; ++u) {
            const auto [i, w] = users[std::size_t(u)];
            for (std::int64_t c = 0; c < d; ++c) ref[std::size_t(i * d + c)] += w * oe[std::size_t(u * d + c)];
        }
    }

    double worst = 0;
    std::int64_t worst_t = -1, worst_c = -1;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t t = rows[std::size_t(i)];
        double ss = 0;
        for (std::int64_t c = 0; c < d; ++c) ss += ref[std::size_t(i * d + c)] * ref[std::size_t(i * d + c)];
        const double rms = std::max(std::sqrt(ss / double(d)), 1e-30);
        for (std::int64_t c = 0; c < d; ++c) {
            const double dev = y[std::size_t(t * d + c)];
            const double e = std::isfinite(dev) ? std::abs(dev - ref[std::size_t(i * d + c)]) / rms
                                                : std::numeric_limits<double>::infinity();
            if (!(e <= worst)) {
                worst = e;
                worst_t = t;
                worst_c = c;
            }
        }
    }
    v.error = worst;
    v.ok = worst <= tol.output;
    if (!v.ok)
        v.detail = fmt::format("token {}, column {}: device {:.6g}, fp64 {:.6g} (error {:.3g} of the row's RMS)", worst_t,
                               worst_c, y[std::size_t(worst_t * d + worst_c)],
                               ref[std::size_t(std::distance(rows.begin(),
                                                             std::find(rows.begin(), rows.end(), worst_t)) *
                                                   d +
                                               worst_c)],
                               worst);
    else if (swaps > 0)
        v.detail = fmt::format("{} of {} sampled tokens' expert choices differ from fp64 within the score tolerance",
                               swaps, n * k);
    return v;
}

}  // namespace bakeoff::moe
