// SOFTMAX on the row-wise shapes; x in [-8, 8).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    auto x = g.uniform(r.act, r.n, -8, 8);
    std::vector<double> y(r.n);
    nnref::softmax(x.data(), y.data(), r.rows, r.dim);
    c.t = {in("x", r.act, x), out("y", r.act, y)};
}

}  // namespace

NnOpCase softmax_case() { return rowwise_case<BK_OP_SOFTMAX>(forward_tolerance, build); }

}  // namespace bakeoff::conformance
