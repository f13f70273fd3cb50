// ADAMW, in place on p, m, v at step 3: n in {1, 7, 63, 4099, 70001}; m
// small, v positive and small, as a few steps in.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (std::int64_t n : {1, 7, 63, 4099, 70001}) {
            bk_op_desc op = nn_desc(BK_OP_ADAMW, a);
            auto& w = op.u.adamw;
            w.n = n, w.step = 3, w.lr = 1e-2, w.beta1 = 0.9, w.beta2 = 0.999, w.eps = 1e-8, w.weight_decay = 0.1;
            out.push_back(op);
        }
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_adamw_op& a = op.u.adamw;
    const std::size_t m = std::size_t(a.n);
    auto p = g.uniform(act, m), gr = g.uniform(act, m), mm = g.uniform(act, m, -0.1, 0.1);
    auto v = g.uniform(act, m, 0.001, 0.01);
    auto p1 = p, m1 = mm, v1 = v;
    nnref::adamw(p1.data(), gr.data(), m1.data(), v1.data(), a);
    c.t = {inout("p", act, p, p1), in("g", act, gr), inout("m", act, mm, m1), inout("v", act, v, v1)};
}

std::string shape(const bk_op_desc& op) { return fmt::format("n={}", op.u.adamw.n); }

}  // namespace

NnOpCase adamw_case() { return {BK_OP_ADAMW, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
