// SOFTMAX on the row-wise shapes; x in [-8, 8).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() { return rowwise_descriptors(BK_OP_SOFTMAX); }

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd, -8, 8);
    std::vector<double> y(rd);
    nnref::softmax(x.data(), y.data(), n.rows, n.dim);
    c.t = {in("x", act, x), out("y", act, y)};
}

}  // namespace

NnOpCase softmax_case() { return {BK_OP_SOFTMAX, descriptors, forward_tolerance, build, rowwise_shape}; }

}  // namespace bakeoff::conformance
