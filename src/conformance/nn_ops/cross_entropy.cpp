// CROSS_ENTROPY on the row-wise shapes (dim = the classes); logits in [-4, 4),
// random targets.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    auto x = g.uniform(r.act, r.n, -4, 4), t = g.ids(std::size_t(r.rows), r.dim);
    std::vector<double> loss(std::size_t(r.rows)), dx(r.n);
    nnref::cross_entropy(x.data(), as_i32(t).data(), loss.data(), dx.data(), r.rows, r.dim);
    c.t = {in("x", r.act, x), in("t", BK_I32, t), out("loss", BK_F32, loss), out("dx", r.act, dx)};
}

}  // namespace

NnOpCase cross_entropy_case() { return rowwise_case<BK_OP_CROSS_ENTROPY>(backward_tolerance, build); }

}  // namespace bakeoff::conformance
