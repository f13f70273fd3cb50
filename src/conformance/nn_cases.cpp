#include "conformance/nn_cases.h"

#include "conformance/gemm_reference.h"
#include "conformance/nn_op_case.h"
#include "core/dtype.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace bakeoff::conformance {

namespace {

constexpr std::uint32_t kPoison = 0x7FF87FF8u;  // NaN in f64, f32, bf16, f16 (0x7FF8 halves)
constexpr std::int64_t kGuard = 16;             // poisoned elements after every output

std::vector<unsigned char> encode(bk_dtype t, const std::vector<double>& v) {
    std::vector<unsigned char> bytes(v.size() * dtype_size(t));
    for (std::size_t i = 0; i < v.size(); ++i) store_element(t, bytes.data(), i, v[i]);
    return bytes;
}

// Compares one output; fills r on failure and returns false.
bool check_output(const Operand& t, const std::vector<unsigned char>& got_bytes, double tol, CaseResult& r) {
    const std::size_t n = t.ref.size(), es = dtype_size(t.type);
    // Guard: the elements after the output keep the poison.
    for (std::size_t w = n * es; w + 4 <= got_bytes.size(); w += 4) {
        std::uint32_t word;
        std::memcpy(&word, got_bytes.data() + w, 4);
        if (word != kPoison) {
            r.outcome = Outcome::fail;
            r.error = 1;
            r.detail = fmt::format("{}: written past its {} elements", t.name, n);
            return false;
        }
    }
    if (t.exact) {
        const auto want = encode(t.type, t.ref);
        for (std::size_t i = 0; i < n; ++i)
            if (std::memcmp(want.data() + i * es, got_bytes.data() + i * es, es) != 0) {
                r.outcome = Outcome::fail;
                r.error = 1;
                r.detail = fmt::format("{}[{}] = {} but the exact result is {}", t.name, i,
                                       load_element(t.type, got_bytes.data(), i), load_element(t.type, want.data(), i));
                return false;
            }
        return true;
    }
    // A NaN reference is poison the op must leave alone: it must still be NaN,
    // and it does not count in the tensor's scale.
    double mean = 0;
    std::size_t counted = 0;
    for (double x : t.ref)
        if (!std::isnan(x)) mean += std::fabs(x), ++counted;
    mean /= double(std::max<std::size_t>(counted, 1));
    double worst = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double got = load_element(t.type, got_bytes.data(), i);
        if (std::isnan(t.ref[i])) {
            if (std::isnan(got)) continue;
            r.outcome = Outcome::fail;
            r.error = 1;
            r.detail = fmt::format("{}[{}] = {} was written, but it is poison the op must leave alone",
                                   t.name, i, got);
            return false;
        }
        const double e = std::fabs(got - t.ref[i]) / (std::fabs(t.ref[i]) + std::max(mean, t.scale) + 1e-300);
        const double err = std::isnan(e) ? std::numeric_limits<double>::infinity() : e;
        if (err > worst) worst = err, at = i;
    }
    r.error = std::max(r.error, worst);
    if (!(worst <= tol)) {
        r.outcome = Outcome::fail;
        r.detail = fmt::format("{}[{}] = {} but the reference is {} (error {:.3g} > tolerance {:.3g})", t.name, at,
                               load_element(t.type, got_bytes.data(), at), t.ref[at], worst, tol);
        return false;
    }
    return true;
}

}  // namespace

bool is_nn_kind(std::uint32_t kind) { return kind >= BK_OP_CONVERT && kind <= BK_OP_PAGED_ATTENTION; }

double nn_tolerance(const bk_op_desc& op) {
    const NnOpCase* def = find_nn_op_case(op.kind);
    return def ? def->tolerance(op) : 0;
}

std::vector<bk_op_desc> planned_nn_ops() {
    std::vector<bk_op_desc> out;
    for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
        for (const NnOpCase& def : nn_op_cases())
            for (bk_op_desc op : def.descriptors()) {
                op.path = p;
                out.push_back(op);
            }
    return out;
}

std::string nn_dtype_label(const bk_op_desc& op) {
    const std::string a(dtype_name(bk_dtype(op.dtype_a)));
    if (op.kind == BK_OP_CONVERT) return a + "->" + std::string(dtype_name(bk_dtype(op.dtype_c)));
    return a;
}

std::string nn_shape_label(const bk_op_desc& op) {
    const NnOpCase* def = find_nn_op_case(op.kind);
    return def ? def->shape(op) : rowwise_shape(op);
}

CaseResult run_nn_case(Device& dev, const bk_op_desc& op, std::uint64_t seed, CaseResult r) {
    const NnOpCase* def = find_nn_op_case(op.kind);
    if (!def) throw std::logic_error(fmt::format("no conformance definition of op kind {}", op.kind));
    BuiltCase c;
    c.tol = def->tolerance(op);
    Gen g(seed);
    def->build(op, g, c);
    r.tolerance = c.tol;
    std::vector<std::unique_ptr<Buffer>> bufs;
    std::vector<Buffer*> operands;
    for (const Operand& t : c.t) {
        const std::size_t count = t.role == Role::out ? t.ref.size() : t.v.size();
        const std::int64_t guard = t.role == Role::in ? 0 : kGuard;
        // Whole 4-byte words: the poison is a 4-byte pattern.
        const std::uint64_t bytes = (std::uint64_t(count + std::size_t(guard)) * dtype_size(t.type) + 3) / 4 * 4;
        auto b = std::make_unique<Buffer>(dev, bytes);
        b->fill(kPoison);
        if (t.role != Role::out && count) {
            const auto bytes = encode(t.type, t.v);
            b->upload(bytes.data(), bytes.size());
        }
        operands.push_back(b.get());
        bufs.push_back(std::move(b));
    }
    Stream s(dev);
    s.launch(op, operands);
    s.sync();
    for (std::size_t i = 0; i < c.t.size(); ++i) {
        const Operand& t = c.t[i];
        std::vector<unsigned char> got(bufs[i]->bytes());
        bufs[i]->download(got.data(), got.size());
        if (t.role == Role::in) {
            const auto sent = encode(t.type, t.v);
            if (std::memcmp(sent.data(), got.data(), sent.size()) != 0) {
                r.outcome = Outcome::fail;
                r.error = 1;
                r.detail = fmt::format("input {} was modified", t.name);
                return r;
            }
            continue;
        }
        if (!check_output(t, got, c.tol, r)) return r;
    }
    return r;
}

}  // namespace bakeoff::conformance
