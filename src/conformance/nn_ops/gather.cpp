// EMBEDDING and SCATTER_ADD, the row gather and its weighted scatter, on the
// same shapes (rows, dim, vocab): a single row; more rows than vocab (ids
// repeat); rows past a SIMD width. Ids are random in [0, vocab).
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors(bk_op_kind kind) {
    const std::int64_t gathers[][3] = {{1, 1, 1}, {63, 7, 5}, {7, 63, 100}, {3, 4099, 2}, {300, 257, 50}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : gathers) {
            bk_op_desc op = nn_desc(kind, a);
            op.u.nn.rows = s[0], op.u.nn.dim = s[1], op.u.nn.vocab = s[2];
            out.push_back(op);
        }
    return out;
}

void embedding(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    auto table = g.uniform(act, std::size_t(n.vocab * n.dim)), ids = g.ids(std::size_t(n.rows), n.vocab);
    std::vector<double> y(std::size_t(n.rows * n.dim));
    nnref::embedding(table.data(), as_i32(ids).data(), y.data(), n.rows, n.dim);
    c.t = {in("table", act, table), in("ids", BK_I32, ids), out("y", act, y, true)};
}

// y starts random; w (f32) in [0.25, 2). bf16 rounds y at every addition:
// the tolerance grows with the most additions into one row.
void scatter_add(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    auto x = g.uniform(act, std::size_t(n.rows * n.dim)), ids = g.ids(std::size_t(n.rows), n.vocab);
    auto w = g.uniform(BK_F32, std::size_t(n.rows), 0.25, 2);
    auto y0 = g.uniform(act, std::size_t(n.vocab * n.dim));
    auto y = y0;
    nnref::scatter_add(x.data(), as_i32(ids).data(), w.data(), y.data(), n.rows, n.dim);
    if (act == BK_BF16) {
        std::map<double, int> count;
        int most = 0;
        for (double id : ids) most = std::max(most, ++count[id]);
        c.tol = std::ldexp(1.0, -8) * (1 + most);
    }
    c.t = {in("x", act, x), in("ids", BK_I32, ids), in("w", BK_F32, w), inout("y", act, y0, y)};
}

std::string shape(const bk_op_desc& op) {
    return fmt::format("rows={} dim={} vocab={}", op.u.nn.rows, op.u.nn.dim, op.u.nn.vocab);
}

}  // namespace

NnOpCase embedding_case() {
    return {BK_OP_EMBEDDING, [] { return descriptors(BK_OP_EMBEDDING); }, forward_tolerance, embedding, shape};
}
NnOpCase scatter_add_case() {
    return {BK_OP_SCATTER_ADD, [] { return descriptors(BK_OP_SCATTER_ADD); }, forward_tolerance, scatter_add, shape};
}

}  // namespace bakeoff::conformance
