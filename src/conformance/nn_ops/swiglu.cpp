// SWIGLU and SWIGLU_BWD on the row-wise shapes; the gate g in [-6, 6).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> forward_descriptors() { return rowwise_descriptors(BK_OP_SWIGLU); }
std::vector<bk_op_desc> backward_descriptors() { return rowwise_descriptors(BK_OP_SWIGLU_BWD); }

void forward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const std::size_t rd = std::size_t(op.u.nn.rows * op.u.nn.dim);
    auto gg = g.uniform(act, rd, -6, 6), u = g.uniform(act, rd);
    std::vector<double> y(rd);
    nnref::swiglu(gg.data(), u.data(), y.data(), std::int64_t(rd));
    c.t = {in("g", act, gg), in("u", act, u), out("y", act, y)};
}

void backward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const std::size_t rd = std::size_t(op.u.nn.rows * op.u.nn.dim);
    auto gg = g.uniform(act, rd, -6, 6), u = g.uniform(act, rd), dy = g.uniform(act, rd);
    std::vector<double> dg(rd), du(rd);
    nnref::swiglu_bwd(gg.data(), u.data(), dy.data(), dg.data(), du.data(), std::int64_t(rd));
    c.t = {in("g", act, gg), in("u", act, u), in("dy", act, dy), out("dg", act, dg), out("du", act, du)};
}

}  // namespace

NnOpCase swiglu_case() { return {BK_OP_SWIGLU, forward_descriptors, forward_tolerance, forward, rowwise_shape}; }
NnOpCase swiglu_bwd_case() {
    return {BK_OP_SWIGLU_BWD, backward_descriptors, backward_tolerance, backward, rowwise_shape};
}

}  // namespace bakeoff::conformance
