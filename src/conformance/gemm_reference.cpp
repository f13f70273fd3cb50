#include "conformance/gemm_reference.h"

#include "core/dtype.h"
#include "numeric/rng.h"
#include "workloads/gemm/gemm_verify.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace bakeoff::conformance {

double load_element(bk_dtype t, const void* data, std::size_t i) {
    const auto* p = static_cast<const unsigned char*>(data) + i * dtype_size(t);
    switch (t) {
        case BK_F64: { double v; std::memcpy(&v, p, 8); return v; }
        case BK_F32: { float v; std::memcpy(&v, p, 4); return v; }
        case BK_BF16: { std::uint16_t v; std::memcpy(&v, p, 2); return bf16_to_float(v); }
        case BK_F16: { std::uint16_t v; std::memcpy(&v, p, 2); return f16_to_float(v); }
        case BK_I8: return double(std::int8_t(*p));
        case BK_I32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
        default: throw std::invalid_argument(fmt::format("conformance: no host conversion for {}", dtype_name(t)));
    }
}

namespace {

// v as a float rounded to odd: truncated toward zero, with the lowest bit set
// when anything was dropped. Rounding that float to nearest even in a type at
// least two bits narrower (bf16, f16) gives v correctly rounded; going
// through float(v) instead can round twice (1 + 2^-8 + 2^-40 would become the
// bf16 tie 1 + 2^-8 and then 1, not 1 + 2^-7).
float round_to_odd(double v) {
    float f = float(v);
    if (!std::isfinite(f) || double(f) == v) return f;
    if (std::fabs(double(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(f) | 1u);
}

}  // namespace

void store_element(bk_dtype t, void* data, std::size_t i, double v) {
    auto* p = static_cast<unsigned char*>(data) + i * dtype_size(t);
    switch (t) {
        case BK_F64: std::memcpy(p, &v, 8); return;
        case BK_F32: { const float f = float(v); std::memcpy(p, &f, 4); return; }
        case BK_BF16: { const std::uint16_t h = float_to_bf16(round_to_odd(v)); std::memcpy(p, &h, 2); return; }
        case BK_F16: { const std::uint16_t h = float_to_f16(round_to_odd(v)); std::memcpy(p, &h, 2); return; }
        case BK_I8: { const std::int8_t q = std::int8_t(v); std::memcpy(p, &q, 1); return; }
        case BK_I32: { const std::int32_t q = std::int32_t(v); std::memcpy(p, &q, 4); return; }
        default: throw std::invalid_argument(fmt::format("conformance: no host conversion for {}", dtype_name(t)));
    }
}

GemmCheck check_gemm(const bk_op_desc& op, const std::vector<unsigned char>& a, const std::vector<unsigned char>& b,
                     const std::vector<unsigned char>& c0, const std::vector<unsigned char>& c,
                     std::uint32_t pad_pattern) {
    const auto& g = op.u.gemm;
    const auto ta = bk_dtype(op.dtype_a), tb = bk_dtype(op.dtype_b), tc = bk_dtype(op.dtype_c);
    GemmCheck r;
    // The accumulation's gamma_k, plus two more roundings: alpha times the sum,
    // and adding beta C0 (its product and the final sum).
    r.tolerance = gemm_tolerance(tc, g.k + 2);
    const bool exact = tc == BK_I32;
    const std::size_t cs = dtype_size(tc);

    std::int64_t unwritten = 0, pad_bad = 0, wrong = 0;
    std::int64_t ui = -1, uj = -1, pi = -1, pj = -1, wi = -1, wj = -1;
    double worst = 0, worst_got = 0, worst_ref = 0;
    for (std::int64_t i = 0; i < g.m; ++i) {
        for (std::int64_t j = 0; j < g.n; ++j) {
            double ref = 0, mag = 0;
            for (std::int64_t l = 0; l < g.k; ++l) {
                const double x = load_element(ta, a.data(), std::size_t(g.trans_a ? l * g.lda + i : i * g.lda + l));
                const double y = load_element(tb, b.data(), std::size_t(g.trans_b ? j * g.ldb + l : l * g.ldb + j));
                ref += x * y;
                mag += std::fabs(x * y);
            }
            ref *= g.alpha;
            mag *= std::fabs(g.alpha);
            if (g.beta != 0) {
                const double c0v = load_element(tc, c0.data(), std::size_t(i * g.ldc + j));
                ref += g.beta * c0v;
                mag += std::fabs(g.beta * c0v);
            }
            const std::size_t at = std::size_t(i * g.ldc + j);
            std::uint32_t word;
            std::memcpy(&word, c.data() + at * cs, 4);
            const double got = load_element(tc, c.data(), at);
            const bool poisoned = exact ? word == pad_pattern : !std::isfinite(got);
            if (poisoned) {
                if (unwritten++ == 0) { ui = i; uj = j; }
                continue;
            }
            const double err = mag > 0 ? std::fabs(got - ref) / mag : std::fabs(got - ref);
            if (!(err <= r.tolerance)) ++wrong;
            if (!(err <= worst)) {
                worst = err;
                wi = i;
                wj = j;
                worst_got = got;
                worst_ref = ref;
            }
        }
        // The padding after each row of C: every 4-byte word still the poison.
        for (std::int64_t j = g.n; j < g.ldc; ++j)
            for (std::size_t w = 0; w < cs; w += 4) {
                std::uint32_t word;
                std::memcpy(&word, c.data() + std::size_t(i * g.ldc + j) * cs + w, 4);
                if (word != pad_pattern) {
                    if (pad_bad++ == 0) { pi = i; pj = j; }
                    break;
                }
            }
    }
    r.error = worst;
    if (unwritten) {
        r.error = std::numeric_limits<double>::infinity();
        r.detail = fmt::format("{} of {} elements of C not written or not finite, first C[{}][{}]{}", unwritten,
                               g.m * g.n, ui, uj,
                               g.beta == 0 ? " (still poison: never written, or read although beta = 0)" : "");
    } else if (wrong) {
        r.detail = fmt::format("{} of {} elements wrong; worst C[{}][{}] = {} but the fp64 reference is {}", wrong,
                               g.m * g.n, wi, wj, worst_got, worst_ref);
    } else if (pad_bad) {
        r.error = double(pad_bad);
        r.detail = fmt::format("{} elements in the padding of C (columns {}..{} of ldc = {}) were overwritten, first "
                               "C[{}][{}]",
                               pad_bad, g.n, g.ldc - 1, g.ldc, pi, pj);
    }
    r.ok = !unwritten && !wrong && !pad_bad;
    return r;
}

}  // namespace bakeoff::conformance
