// KV_WRITE: rows of x into a cache of `capacity` positions per sequence at
// pos_offset; the rest of the cache (random) must stay as it was.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    // rows, seq, dim, capacity, pos_offset
    const std::int64_t kvs[][5] = {{1, 1, 1, 1, 0}, {14, 7, 63, 20, 13}, {6, 2, 4099, 3, 1}, {64, 32, 1024, 40, 8}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : kvs) {
            bk_op_desc op = nn_desc(BK_OP_KV_WRITE, a);
            auto& n = op.u.nn;
            n.rows = s[0], n.seq = s[1], n.dim = s[2], n.capacity = s[3], n.pos_offset = s[4];
            out.push_back(op);
        }
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    auto x = g.uniform(act, std::size_t(n.rows * n.dim));
    auto y0 = g.uniform(act, std::size_t(n.rows / n.seq * n.capacity * n.dim));
    auto y = y0;
    nnref::kv_write(x.data(), y.data(), n.rows, n.dim, n.seq, n.capacity, n.pos_offset);
    c.t = {in("x", act, x), inout("y", act, y0, y, true)};
}

std::string shape(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    return fmt::format("rows={} seq={} dim={} capacity={} pos={}", n.rows, n.seq, n.dim, n.capacity, n.pos_offset);
}

}  // namespace

NnOpCase kv_write_case() { return {BK_OP_KV_WRITE, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
