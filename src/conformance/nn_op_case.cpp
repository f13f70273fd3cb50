#include "conformance/nn_op_case.h"

#include "conformance/gemm_reference.h"
#include "workloads/op_desc.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

namespace bakeoff::conformance {

Operand in(const char* name, bk_dtype t, std::vector<double> v) { return Operand{name, t, Role::in, std::move(v), {}}; }
Operand out(const char* name, bk_dtype t, std::vector<double> ref, bool exact) {
    return Operand{name, t, Role::out, {}, std::move(ref), exact};
}
Operand inout(const char* name, bk_dtype t, std::vector<double> v, std::vector<double> ref, bool exact) {
    return Operand{name, t, Role::inout, std::move(v), std::move(ref), exact};
}

std::vector<double> Gen::uniform(bk_dtype t, std::size_t n, double lo, double hi) {
    std::vector<double> v(n);
    unsigned char tmp[8];
    for (double& x : v) {
        store_element(t, tmp, 0, lo + (hi - lo) * rng_.uniform());
        x = load_element(t, tmp, 0);
    }
    return v;
}

std::vector<double> Gen::ids(std::size_t n, std::int64_t limit) {
    std::vector<double> v(n);
    for (double& x : v) x = double(rng_.next() % std::uint64_t(limit));
    return v;
}

std::vector<std::int32_t> as_i32(const std::vector<double>& v) {
    return std::vector<std::int32_t>(v.begin(), v.end());
}

bk_op_desc nn_desc(bk_op_kind kind, bk_dtype a) { return blank_op(kind, BK_PATH_PORTABLE, a, a, a); }

const std::vector<bk_dtype>& nn_activation_types() {
    static const std::vector<bk_dtype> acts = {BK_F64, BK_F32, BK_BF16, BK_F16};
    return acts;
}

double forward_tolerance(const bk_op_desc& op) {
    switch (bk_dtype(op.dtype_a)) {
        case BK_F64: return 1e-10;
        case BK_F32: return 3e-5;
        default: return std::ldexp(1.0, -7);
    }
}

double backward_tolerance(const bk_op_desc& op) { return op.dtype_a == BK_F32 ? 2e-4 : forward_tolerance(op); }

bk_op_desc rowwise_desc(bk_op_kind kind, bk_dtype a, std::int64_t rows, std::int64_t dim) {
    bk_op_desc op = nn_desc(kind, a);
    op.u.nn.rows = rows;
    op.u.nn.dim = dim;
    op.u.nn.eps = 1e-5;
    return op;
}

std::vector<bk_op_desc> rowwise_descriptors(bk_op_kind kind) {
    const std::pair<std::int64_t, std::int64_t> rowdims[] = {{1, 1}, {7, 7}, {3, 63}, {2, 4099}, {17, 4099}};
    std::vector<bk_op_desc> out;
    for (bk_dtype a : nn_activation_types())
        for (auto [rows, dim] : rowdims) out.push_back(rowwise_desc(kind, a, rows, dim));
    return out;
}

Rows rows_of(const bk_op_desc& op) {
    const bk_nn_op& n = op.u.nn;
    return {bk_dtype(op.dtype_a), n.rows, n.dim, std::size_t(n.rows * n.dim)};
}

std::string rowwise_shape(const bk_op_desc& op) { return fmt::format("rows={} dim={}", op.u.nn.rows, op.u.nn.dim); }

const std::vector<NnOpCase>& nn_op_cases() {
    // The order conformance has always run them in (results list them so).
    static const std::vector<NnOpCase> all = {
        convert_case(),    rmsnorm_case(),    softmax_case(),     swiglu_case(),       rmsnorm_bwd_case(),
        swiglu_bwd_case(), cross_entropy_case(), rope_case(),     rope_freq_case(),    embedding_case(),
        scatter_add_case(), kv_write_case(),  topk_route_case(),  adamw_case(),        attention_case(),
        attention_bwd_case(), rope_pos_case(),   paged_kv_write_case(), paged_attention_case(),
    };
    return all;
}

const NnOpCase* find_nn_op_case(std::uint32_t kind) {
    for (const NnOpCase& c : nn_op_cases())
        if (std::uint32_t(c.kind) == kind) return &c;
    return nullptr;
}

}  // namespace bakeoff::conformance
