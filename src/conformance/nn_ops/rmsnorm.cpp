// RMSNORM and RMSNORM_BWD on the row-wise shapes; w in [0.5, 1.5).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <cmath>

namespace bakeoff::conformance {

namespace {

void forward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    auto x = g.uniform(r.act, r.n), w = g.uniform(r.act, std::size_t(r.dim), 0.5, 1.5);
    std::vector<double> y(r.n);
    nnref::rmsnorm(x.data(), w.data(), y.data(), r.rows, r.dim, op.u.nn.eps);
    c.t = {in("x", r.act, x), in("w", r.act, w), out("y", r.act, y)};
}

void backward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    const double eps = op.u.nn.eps;
    auto x = g.uniform(r.act, r.n), w = g.uniform(r.act, std::size_t(r.dim), 0.5, 1.5), dy = g.uniform(r.act, r.n);
    std::vector<double> dx(r.n), dw(std::size_t(r.dim));
    nnref::rmsnorm_bwd(x.data(), w.data(), dy.data(), dx.data(), dw.data(), r.rows, r.dim, eps);
    c.t = {in("x", r.act, x), in("w", r.act, w), in("dy", r.act, dy), out("dx", r.act, dx), out("dw", BK_F32, dw)};
    // dx = dy w / rms - x (dy.w.x) / (dim rms^3): the two terms cancel
    // (fully when dim = 1), so the error is measured against the first.
    double terms = 0;
    for (std::int64_t i = 0; i < r.rows; ++i) {
        const double* xi = x.data() + i * r.dim;
        const double* dyi = dy.data() + i * r.dim;
        double ss = 0;
        for (std::int64_t j = 0; j < r.dim; ++j) ss += xi[j] * xi[j];
        const double inv = 1 / std::sqrt(ss / double(r.dim) + eps);
        for (std::int64_t j = 0; j < r.dim; ++j) terms += std::fabs(dyi[j] * w[std::size_t(j)]) * inv;
    }
    c.t[3].scale = terms / double(r.n);
}

}  // namespace

NnOpCase rmsnorm_case() { return rowwise_case<BK_OP_RMSNORM>(forward_tolerance, forward); }
NnOpCase rmsnorm_bwd_case() { return rowwise_case<BK_OP_RMSNORM_BWD>(backward_tolerance, backward); }

}  // namespace bakeoff::conformance
