// TOPK_ROUTE: softmax or sigmoid scores, normalised or not, from one expert
// to 64, k up to all of them, and enough tokens to split. Logits on a grid of
// 1/8 from few levels: many exact ties (the lower index wins), and distinct
// scores far apart compared with f32 rounding, so the indices are exact.
#include "conformance/nn_op_case.h"

#include "nn/reference.h"

#include <fmt/format.h>

namespace bakeoff::conformance {

namespace {

std::vector<bk_op_desc> descriptors() {
    // tokens, experts, top_k, score_fn, normalize
    const std::int64_t routes[][5] = {{1, 1, 1, 0, 1}, {7, 8, 2, 0, 1}, {63, 64, 6, 1, 0}, {5, 63, 8, 1, 1},
                                      {3, 4, 4, 0, 0}, {600, 64, 8, 0, 1}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (const auto& s : routes) {
            bk_op_desc op = nn_desc(BK_OP_TOPK_ROUTE, a);
            auto& r = op.u.route;
            r.tokens = s[0], r.experts = s[1], r.top_k = s[2], r.score_fn = int(s[3]), r.normalize = int(s[4]);
            out.push_back(op);
        }
    return out;
}

void build(const bk_op_desc& op, Gen& g, BuiltCase& c) {
    const auto act = bk_dtype(op.dtype_a);
    const bk_route_op& r = op.u.route;
    std::vector<double> l(std::size_t(r.tokens * r.experts));
    for (double& x : l) x = double(int(g.next() % 9) - 4) / 8.0;
    std::vector<std::int32_t> idx(std::size_t(r.tokens * r.top_k));
    std::vector<double> w(idx.size());
    nnref::topk_route(l.data(), idx.data(), w.data(), r);
    c.t = {in("logits", act, l), out("idx", BK_I32, std::vector<double>(idx.begin(), idx.end()), true),
           out("weight", BK_F32, w)};
}

std::string shape(const bk_op_desc& op) {
    const bk_route_op& r = op.u.route;
    return fmt::format("tokens={} experts={} k={} {}{}", r.tokens, r.experts, r.top_k,
                       r.score_fn ? "sigmoid" : "softmax", r.normalize ? " norm" : "");
}

}  // namespace

NnOpCase topk_route_case() { return {BK_OP_TOPK_ROUTE, descriptors, forward_tolerance, build, shape}; }

}  // namespace bakeoff::conformance
