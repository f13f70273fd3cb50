// RMSNORM and RMSNORM_BWD on the row-wise shapes; w in [0.5, 1.5).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <cmath>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> forward_descriptors() { return rowwise_descriptors(BK_OP_RMSNORM); }
std::vector<bk_op_desc> backward_descriptors() { return rowwise_descriptors(BK_OP_RMSNORM_BWD); }

void forward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd), w = g.uniform(act, std::size_t(n.dim), 0.5, 1.5);
    std::vector<double> y(rd);
    nnref::rmsnorm(x.data(), w.data(), y.data(), n.rows, n.dim, n.eps);
    c.t = {in("x", act, x), in("w", act, w), out("y", act, y)};
}

void backward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd), w = g.uniform(act, std::size_t(n.dim), 0.5, 1.5), dy = g.uniform(act, rd);
    std::vector<double> dx(rd), dw(std::size_t(n.dim));
    nnref::rmsnorm_bwd(x.data(), w.data(), dy.data(), dx.data(), dw.data(), n.rows, n.dim, n.eps);
    c.t = {in("x", act, x), in("w", act, w), in("dy", act, dy), out("dx", act, dx), out("dw", BK_F32, dw)};
    // dx = dy w / rms - x (dy.w.x) / (dim rms^3): the two terms cancel
    // (fully when dim = 1), so the error is measured against the first.
    double terms = 0;
    for (std::int64_t r = 0; r < n.rows; ++r) {
        double ss = 0;
        for (std::int64_t j = 0; j < n.dim; ++j) ss += x[std::size_t(r * n.dim + j)] * x[std::size_t(r * n.dim + j)];
        const double inv = 1 / std::sqrt(ss / double(n.dim) + n.eps);
        for (std::int64_t j = 0; j < n.dim; ++j) terms += std::fabs(dy[std::size_t(r * n.dim + j)] * w[std::size_t(j)]) * inv;
    }
    c.t[3].scale = terms / double(rd);
}

}  // namespace

NnOpCase rmsnorm_case() { return {BK_OP_RMSNORM, forward_descriptors, forward_tolerance, forward, rowwise_shape}; }
NnOpCase rmsnorm_bwd_case() {
    return {BK_OP_RMSNORM_BWD, backward_descriptors, backward_tolerance, backward, rowwise_shape};
}

}  // namespace bakeoff::conformance
