// CONVERT: every ordered pair of {fp64, fp32, bf16, fp16} at n in {1, 7, 63,
// 4099, 70001}; inputs in [-100, 100) rounded to the source type, the output
// exact (rounded once, to nearest even).
#include "conformance/nn_op_case.h"

#include <fmt/format.h>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (bk_dtype c : nn_activation_types())
            if (a != c)
                for (std::int64_t n : {1, 7, 63, 4099, 70001}) {
                    bk_op_desc op = nn_desc(BK_OP_CONVERT, a);
                    op.dtype_c = c;
                    op.u.nn.rows = 1;
                    op.u.nn.dim = n;
                    out.push_back(op);
                }
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    auto x = g.uniform(act, std::size_t(op.u.nn.rows * op.u.nn.dim), -100, 100);
    c.t = {in("in0", act, x), out("out", bk_dtype(op.dtype_c), x, true)};
}

std::string shape(const bk_op_desc& op) { return fmt::format("n={}", op.u.nn.rows * op.u.nn.dim); }

}  // namespace

NnOpCase convert_case() { return {BK_OP_CONVERT, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
