// ROPE and ROPE_FREQ: one element pair; grouped rows past one head; a
// head_dim of 130 at a position past 4093 with Llama 3's theta; the inverse
// rotation; 33 positions of 8 heads of 128. ROPE_FREQ is given theta's
// frequencies, each scaled by a random factor in [1/32, 1] (the range Llama
// 3's rescaling spans).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors(bk_op_kind kind) {
    struct Rope {
        std::int64_t batch, seq, heads, head_dim, pos;
        double theta;
        bool inverse;
    };
    const Rope ropes[] = {{1, 1, 1, 2, 0, 10000, false},
                          {2, 7, 3, 8, 5, 10000, false},
                          {1, 3, 2, 130, 4093, 500000, false},
                          {2, 7, 3, 8, 5, 10000, true},
                          {1, 33, 8, 128, 7, 500000, false}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const Rope& r : ropes)
            out.push_back(rope_desc(kind, a, r.batch, r.seq, r.heads, r.head_dim, r.pos, r.theta, r.inverse));
    return out;
}

void rope(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd);
    std::vector<double> y(rd);
    nnref::rope(x.data(), y.data(), n.rows / n.seq, n.seq, n.heads, n.head_dim, n.pos_offset, n.theta, n.inverse != 0);
    c.t = {in("x", act, x), out("y", act, y)};
}

void rope_freq(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    const std::size_t rd = std::size_t(n.rows * n.dim);
    auto x = g.uniform(act, rd);
    auto freq = g.uniform(BK_F64, std::size_t(n.head_dim / 2), 1.0 / 32, 1.0);
    for (std::size_t i = 0; i < freq.size(); ++i) freq[i] *= std::pow(n.theta, -2.0 * double(i) / double(n.head_dim));
    std::vector<double> y(rd);
    nnref::rope_freq(x.data(), y.data(), n.rows / n.seq, n.seq, n.heads, n.head_dim, n.pos_offset, freq.data(),
                     n.inverse != 0);
    c.t = {in("x", act, x), in("freq", BK_F64, freq), out("y", act, y)};
}

std::string shape(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    return fmt::format("{}x{}x{}x{} pos={} {}={}{}", n.rows / std::max<std::int64_t>(n.seq, 1), n.seq, n.heads,
                       n.head_dim, n.pos_offset, op.kind == BK_OP_ROPE ? "theta" : "scaled-theta", n.theta,
                       n.inverse ? " inv" : "");
}

}  // namespace

bk_op_desc rope_desc(bk_op_kind kind, bk_dtype a, std::int64_t batch, std::int64_t seq, std::int64_t heads,
                     std::int64_t head_dim, std::int64_t pos_offset, double theta, bool inverse) {
    bk_op_desc op = nn_desc(kind, a);
    auto& n = op.u.nn;
    n.rows = batch * seq, n.seq = seq, n.heads = heads, n.head_dim = head_dim;
    n.dim = heads * head_dim, n.pos_offset = pos_offset, n.theta = theta, n.inverse = inverse ? 1 : 0;
    return op;
}

NnOpCase rope_case() {
    return {BK_OP_ROPE, [] { return descriptors(BK_OP_ROPE); }, forward_tolerance, rope, shape};
}
NnOpCase rope_freq_case() {
    return {BK_OP_ROPE_FREQ, [] { return descriptors(BK_OP_ROPE_FREQ); }, forward_tolerance, rope_freq, shape};
}

}  // namespace bakeoff::conformance
