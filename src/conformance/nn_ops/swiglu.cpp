// SWIGLU and SWIGLU_BWD on the row-wise shapes; the gate g in [-6, 6).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

namespace bakeoff::conformance {

namespace {

void forward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    auto gg = g.uniform(r.act, r.n, -6, 6), u = g.uniform(r.act, r.n);
    std::vector<double> y(r.n);
    nnref::swiglu(gg.data(), u.data(), y.data(), std::int64_t(r.n));
    c.t = {in("g", r.act, gg), in("u", r.act, u), out("y", r.act, y)};
}

void backward(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const Rows r = rows_of(op);
    auto gg = g.uniform(r.act, r.n, -6, 6), u = g.uniform(r.act, r.n), dy = g.uniform(r.act, r.n);
    std::vector<double> dg(r.n), du(r.n);
    nnref::swiglu_bwd(gg.data(), u.data(), dy.data(), dg.data(), du.data(), std::int64_t(r.n));
    c.t = {in("g", r.act, gg), in("u", r.act, u), in("dy", r.act, dy), out("dg", r.act, dg), out("du", r.act, du)};
}

}  // namespace

NnOpCase swiglu_case() { return rowwise_case<BK_OP_SWIGLU>(forward_tolerance, forward); }
NnOpCase swiglu_bwd_case() { return rowwise_case<BK_OP_SWIGLU_BWD>(backward_tolerance, backward); }

}  // namespace bakeoff::conformance
