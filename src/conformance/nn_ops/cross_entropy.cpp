// CROSS_ENTROPY on the row-wise shapes (dim = the classes); logits in [-4, 4),
// random targets.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() { return rowwise_descriptors(BK_OP_CROSS_ENTROPY); }

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd, -4, 4), t = g.ids(std::size_t(n.rows), n.dim);
    std::vector<double> loss(std::size_t(n.rows)), dx(rd);
    nnref::cross_entropy(x.data(), as_i32(t).data(), loss.data(), dx.data(), n.rows, n.dim);
    c.t = {in("x", act, x), in("t", BK_I32, t), out("loss", BK_F32, loss), out("dx", act, dx)};
}

}  // namespace

NnOpCase cross_entropy_case() {
    return {BK_OP_CROSS_ENTROPY, descriptors, backward_tolerance, build, rowwise_shape};
}

}  // namespace bakeoff::conformance
