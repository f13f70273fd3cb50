// ROPE_POS: rotary embedding with a position per row (packed rows of many
// sequences). Positions are random and out of order: pos[r] = pos_offset +
// a draw in [0, 4096) (pos_offset is not read by the op; the case uses it as
// the base, up to 100000 where f32 angles would lose digits). Frequencies as
// ROPE_FREQ's case: theta's, each scaled by a random factor in [1/32, 1].
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    struct Shape {
        std::int64_t rows, heads, head_dim, pos_base;
        double theta;
        bool inverse;
    };
    const Shape shapes[] = {{1, 1, 2, 0, 10000, false},
                            {7, 3, 8, 5, 10000, false},
                            {9, 4, 64, 100000, 500000, false},
                            {7, 3, 8, 5, 10000, true},
                            {33, 8, 128, 99000, 500000, false}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const Shape& s : shapes) out.push_back(rope_pos_desc(a, s.rows, s.heads, s.head_dim, s.pos_base, s.theta, s.inverse));
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd);
    auto freq = g.uniform(BK_F64, std::size_t(n.head_dim / 2), 1.0 / 32, 1.0);
    for (std::size_t i = 0; i < freq.size(); ++i) freq[i] *= std::pow(n.theta, -2.0 * double(i) / double(n.head_dim));
    auto pos = g.ids(std::size_t(n.rows), 4096);
    for (double& p : pos) p += double(n.pos_offset);
    std::vector<double> y(rd);
    nnref::rope_pos(x.data(), y.data(), n.rows, n.heads, n.head_dim, as_i32(pos).data(), freq.data(), n.inverse != 0);
    c.t = {in("x", act, x), in("freq", BK_F64, freq), in("pos", BK_I32, pos), out("y", act, y)};
}

std::string shape(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    return fmt::format("rows={} {}x{} pos={}+[0,4096) scaled-theta={}{}", n.rows, n.heads, n.head_dim, n.pos_offset,
                       n.theta, n.inverse ? " inv" : "");
}

}  // namespace

bk_op_desc rope_pos_desc(bk_dtype a, std::int64_t rows, std::int64_t heads, std::int64_t head_dim,
                         std::int64_t pos_base, double theta, bool inverse) {
    bk_op_desc op = nn_desc(BK_OP_ROPE_POS, a);
    auto& n = op.u.nn;
    n.rows = rows, n.heads = heads, n.head_dim = head_dim, n.dim = heads * head_dim;
    n.pos_offset = pos_base, n.theta = theta, n.inverse = inverse ? 1 : 0;
    return op;
}

NnOpCase rope_pos_case() { return {BK_OP_ROPE_POS, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
