// PAGED_KV_WRITE: rows into a cache of `capacity` slots, each row to a slot
// drawn at random without repeats (so the slots scatter over the cache's
// blocks, in no order), every row r with r % 3 == 1 skipped (slot -1, a
// padding row). The rest of the cache (random) must keep its values.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    // rows, dim (kv_heads * head_dim), capacity (num_blocks * block_size)
    const std::int64_t shapes[][3] = {{1, 1, 1}, {7, 63, 20}, {40, 256, 12 * 16}, {3, 4099, 5}, {16, 128, 5 * 5}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : shapes) {
            bk_op_desc op = nn_desc(BK_OP_PAGED_KV_WRITE, a);
            op.u.nn.rows = s[0], op.u.nn.dim = s[1], op.u.nn.capacity = s[2];
            out.push_back(op);
        }
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_nn_op& n = op.u.nn;
    // A random permutation of the slots (Fisher-Yates); row r takes the r-th.
    std::vector<std::int64_t> order(std::size_t(n.capacity));
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[g.next() % i]);
    std::vector<double> slot(std::size_t(n.rows));
    for (std::int64_t r = 0; r < n.rows; ++r)
        slot[std::size_t(r)] = r % 3 == 1 || r >= n.capacity ? -1.0 : double(order[std::size_t(r)]);
    auto x = g.uniform(act, std::size_t(n.rows * n.dim));
    auto cache0 = g.uniform(act, std::size_t(n.capacity * n.dim));
    auto cache = cache0;
    nnref::paged_kv_write(x.data(), as_i32(slot).data(), cache.data(), n.rows, n.dim);
    c.t = {in("x", act, x), in("slot", BK_I32, slot), inout("cache", act, cache0, cache, true)};
}

std::string shape(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    return fmt::format("rows={} dim={} capacity={} scattered, every 3rd row skipped", n.rows, n.dim, n.capacity);
}

}  // namespace

NnOpCase paged_kv_write_case() { return {BK_OP_PAGED_KV_WRITE, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
