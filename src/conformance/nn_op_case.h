// One conformance case definition per NN op kind (BK_OP_CONVERT ..
// BK_OP_PAGED_ATTENTION), each in its own file under nn_ops/: the descriptors
// conformance runs it on, how its operands and the fp64 reference
// (src/nn/reference.h) are built from a descriptor, its tolerance and how its
// shape is labelled. nn_op_cases() lists them in run order; planned_nn_ops()
// walks that list, run_nn_case() (nn_cases.cpp) uploads, launches and checks,
// and the backend tests (tests/nn, tests/opencl) run the same definitions on
// their devices, on the listed descriptors or on shapes of their own.
//
// Tolerances, for float outputs: max_i |got_i - ref_i| / (|ref_i| + mean_j |ref_j|)
// <= tol. The mean term keeps elements that cancel to near zero (gradients,
// rotated pairs) from demanding more than the tensor's own scale.
//   fp64: 1e-10 (f64 math; the sums here are short).
//   fp32: 3e-5 (a few hundred units of the last place: f32 statistics over
//         rows of 4099, exp/log of the math library); the backward ops and
//         cross-entropy 2e-4 (sums of products that cancel: dS = P (dP - PdP)).
//   bf16, fp16: 2^-7, four half-units of bf16's last place: inputs are exact,
//         the math is f32, the output is rounded once; scatter_add rounds y at
//         every addition, so there it is 2^-8 times (1 + the most additions
//         into one row) (see nn_ops/scatter_add.cpp).
// Exact (bit for bit after rounding the reference to the type): convert,
// embedding, kv_write, paged_kv_write and the router's expert indices.
// A NaN in a reference means "poison the op must not write": the element must
// still hold NaN (paged_attention's o rows no sequence owns).
#pragma once

#include "numeric/rng.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bakeoff::conformance {

enum class Role { in, out, inout };

// One operand: its values on the host (exact in its type), and for outputs
// the fp64 reference.
struct Operand {
    const char* name;
    bk_dtype type;
    Role role;
    std::vector<double> v;    // inputs / initial contents (inout)
    std::vector<double> ref;  // expected (out, inout)
    bool exact = false;       // compare the reference rounded to the type, bit for bit
    double scale = 0;         // a floor for the error's denominator: the size of the terms that cancel
};

// A descriptor's operands, in the ABI's order, and the tolerance of its float outputs.
struct BuiltCase {
    std::vector<Operand> t;
    double tol = 0;
};

Operand in(const char* name, bk_dtype t, std::vector<double> v);
Operand out(const char* name, bk_dtype t, std::vector<double> ref, bool exact = false);
Operand inout(const char* name, bk_dtype t, std::vector<double> v, std::vector<double> ref, bool exact = false);

// Random inputs from the case's seed.
class Gen {
public:
    explicit Gen(std::uint64_t seed) : rng_(seed) {}
    // n values uniform in [lo, hi), rounded to t (so the reference sees what the backend sees).
    std::vector<double> uniform(bk_dtype t, std::size_t n, double lo = -1, double hi = 1);
    // n ids in [0, limit).
    std::vector<double> ids(std::size_t n, std::int64_t limit);
    std::uint64_t next() { return rng_.next(); }

private:
    SplitMix64 rng_;
};

std::vector<std::int32_t> as_i32(const std::vector<double>& v);

// The definition of one op kind's cases.
struct NnOpCase {
    bk_op_kind kind;
    // The descriptors conformance runs, on the portable path (the plan runs
    // each on the vendor path too), every activation type, in run order.
    std::vector<bk_op_desc> (*descriptors)();
    // The tolerance of a descriptor's float outputs (before build() widens it
    // for what the inputs hold).
    double (*tolerance)(const bk_op_desc& op);
    // Fills c.t with the operands and references of any descriptor of this
    // kind; c.tol arrives as tolerance(op).
    void (*build)(const bk_op_desc& op, Gen& g, BuiltCase& c);
    // "rows=3 dim=63", as results show it.
    std::string (*shape)(const bk_op_desc& op);
};

// Every NN op's definition, in the order conformance runs them.
const std::vector<NnOpCase>& nn_op_cases();
// The definition of an NN op kind; null for other kinds.
const NnOpCase* find_nn_op_case(std::uint32_t kind);

// Building blocks of the definitions.
// The zeroed descriptor of an NN op on the portable path, all operands of type a.
bk_op_desc nn_desc(bk_op_kind kind, bk_dtype a);
// The activation types every op is tried in.
const std::vector<bk_dtype>& nn_activation_types();
// The tolerance of forward ops (see above) and of the backward ones.
double forward_tolerance(const bk_op_desc& op);
double backward_tolerance(const bk_op_desc& op);
// Row-wise ops (rmsnorm, softmax, swiglu, their backwards, cross-entropy):
// every type x rows x dim of one element, odd, a row of 63, rows past a SIMD
// width and a page, and one large enough that a CPU backend splits it.
std::vector<bk_op_desc> rowwise_descriptors(bk_op_kind kind);
std::string rowwise_shape(const bk_op_desc& op);
// What a row-wise op's build reads of its descriptor.
struct Rows {
    bk_dtype act;  // the activation type (dtype_a)
    std::int64_t rows, dim;
    std::size_t n;  // rows x dim
};
Rows rows_of(const bk_op_desc& op);
// The definition of a row-wise op K: rowwise_descriptors(K), rowwise_shape,
// and its own tolerance and build.
template <bk_op_kind K>
NnOpCase rowwise_case(double (*tolerance)(const bk_op_desc&), void (*build)(const bk_op_desc&, Gen&, BuiltCase&)) {
    return {K, [] { return rowwise_descriptors(K); }, tolerance, build, rowwise_shape};
}

// The per-op definitions (nn_ops/*.cpp).
NnOpCase convert_case();
NnOpCase rmsnorm_case();
NnOpCase rmsnorm_bwd_case();
NnOpCase softmax_case();
NnOpCase swiglu_case();
NnOpCase swiglu_bwd_case();
NnOpCase cross_entropy_case();
NnOpCase rope_case();
NnOpCase rope_freq_case();
NnOpCase embedding_case();
NnOpCase scatter_add_case();
NnOpCase kv_write_case();
NnOpCase topk_route_case();
NnOpCase adamw_case();
NnOpCase attention_case();
NnOpCase attention_bwd_case();
NnOpCase rope_pos_case();
NnOpCase paged_kv_write_case();
NnOpCase paged_attention_case();

// Descriptors the definitions and the backend tests share.
bk_attention_op attention_shape(std::int64_t batch, std::int64_t heads, std::int64_t kv_heads, std::int64_t seq_q,
                                std::int64_t seq_kv, std::int64_t kv_capacity, std::int64_t head_dim, bool causal);
bk_op_desc attention_desc(bk_dtype a, const bk_attention_op& shape);
bk_op_desc rope_desc(bk_op_kind kind, bk_dtype a, std::int64_t batch, std::int64_t seq, std::int64_t heads,
                     std::int64_t head_dim, std::int64_t pos_offset, double theta, bool inverse);
// ROPE_POS of rows x heads x head_dim; the case draws positions pos_base + [0, 4096).
bk_op_desc rope_pos_desc(bk_dtype a, std::int64_t rows, std::int64_t heads, std::int64_t head_dim,
                         std::int64_t pos_base, double theta, bool inverse);
// PAGED_ATTENTION with scale 1/sqrt(head_dim); a shape the case does not list
// gets a random layout of sequences that fits it.
bk_op_desc paged_attention_desc(bk_dtype t, std::int64_t seqs, std::int64_t tokens, std::int64_t heads,
                                std::int64_t kv_heads, std::int64_t head_dim, std::int64_t block_size,
                                std::int64_t num_blocks, std::int64_t max_blocks, bool causal);
bk_op_desc rowwise_desc(bk_op_kind kind, bk_dtype a, std::int64_t rows, std::int64_t dim);

}  // namespace bakeoff::conformance
