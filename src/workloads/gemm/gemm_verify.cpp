#include "workloads/gemm/gemm_verify.h"

#include "numeric/f16.h"
#include "numeric/rng.h"

#include <fmt/format.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>

namespace bakeoff {

namespace {
constexpr std::int32_t kIntPoison = 0x7FF87FF8;
constexpr int kSampledEntries = 256;
// Products up to this many multiply-adds are checked entry by entry in full;
// larger ones by Freivalds' check plus sampled entries.
constexpr double kFullCheckMacs = double(1 << 28);

bool is_poison(const HostMatrix& c, std::int64_t i, std::int64_t j) {
    if (c.dtype == BK_I32) {
        std::int32_t v;
        std::memcpy(&v, c.bytes.data() + (i * c.cols + j) * 4, 4);
        return v == kIntPoison;
    }
    return !std::isfinite(c.at(i, j));
}
// The largest error seen and where; NaN counts as larger than anything.
struct Worst {
    double error = 0;
    std::int64_t i = -1, j = -1;
    void offer(double err, std::int64_t row, std::int64_t col) {
        if (!(err <= error)) *this = {err, row, col};
    }
};

// Every entry of C against an fp64 product, row by row.
Verification verify_every_entry(const HostMatrix& a, const HostMatrix& b, const HostMatrix& c, Verification v) {
    const std::int64_t m = a.rows, k = a.cols, n = b.cols;
    std::vector<double> bd(std::size_t(k) * std::size_t(n));
    for (std::int64_t l = 0; l < k; ++l) b.row(l, bd.data() + l * n);
    Worst worst;
#pragma omp parallel
    {
        std::vector<double> arow(k), crow(n), ref(n), mag(n);
        Worst local;
#pragma omp for schedule(static)
        for (std::int64_t i = 0; i < m; ++i) {
            a.row(i, arow.data());
            c.row(i, crow.data());
            std::fill(ref.begin(), ref.end(), 0.0);
            std::fill(mag.begin(), mag.end(), 0.0);
            for (std::int64_t l = 0; l < k; ++l) {
                const double al = arow[l];
                const double* brow = bd.data() + l * n;
                for (std::int64_t j = 0; j < n; ++j) {
                    ref[j] += al * brow[j];
                    mag[j] += std::fabs(al * brow[j]);
                }
            }
            for (std::int64_t j = 0; j < n; ++j) {
                const double err = mag[j] > 0 ? std::fabs(crow[j] - ref[j]) / mag[j] : std::fabs(crow[j] - ref[j]);
                local.offer(err, i, j);
            }
        }
#pragma omp critical
        worst.offer(local.error, local.i, local.j);
    }
    v.error = worst.error;
    v.ok = worst.error <= v.tolerance;
    if (!v.ok)
        v.detail = fmt::format("C[{}][{}] = {} has relative error {:.3g} > tolerance {:.3g}", worst.i, worst.j,
                               c.at(worst.i, worst.j), worst.error,
                               v.tolerance);
    return v;
}

}  // namespace

HostMatrix::HostMatrix(bk_dtype t, std::int64_t r, std::int64_t c)
    : dtype(t), rows(r), cols(c), bytes(std::size_t(r) * std::size_t(c) * dtype_size(t)) {}

void HostMatrix::row(std::int64_t i, double* out) const {
    const unsigned char* p = bytes.data() + std::size_t(i) * std::size_t(cols) * dtype_size(dtype);
    switch (dtype) {
        case BK_F64: std::memcpy(out, p, std::size_t(cols) * 8); return;
        case BK_F32: {
            const float* f = reinterpret_cast<const float*>(p);
            for (std::int64_t j = 0; j < cols; ++j) out[j] = f[j];
            return;
        }
        case BK_BF16: {
            const std::uint16_t* h = reinterpret_cast<const std::uint16_t*>(p);
            for (std::int64_t j = 0; j < cols; ++j) out[j] = bf16_to_float(h[j]);
            return;
        }
        case BK_F16: {
            const std::uint16_t* h = reinterpret_cast<const std::uint16_t*>(p);
            for (std::int64_t j = 0; j < cols; ++j) out[j] = f16_to_float(h[j]);
            return;
        }
        case BK_I8: {
            const std::int8_t* q = reinterpret_cast<const std::int8_t*>(p);
            for (std::int64_t j = 0; j < cols; ++j) out[j] = q[j];
            return;
        }
        case BK_I32: {
            const std::int32_t* q = reinterpret_cast<const std::int32_t*>(p);
            for (std::int64_t j = 0; j < cols; ++j) out[j] = q[j];
            return;
        }
        default: throw std::invalid_argument(fmt::format("no host conversion for {}", dtype_name(dtype)));
    }
}

double HostMatrix::at(std::int64_t i, std::int64_t j) const {
    const unsigned char* p = bytes.data() + (std::size_t(i) * std::size_t(cols) + std::size_t(j)) * dtype_size(dtype);
    switch (dtype) {
        case BK_F64: { double v; std::memcpy(&v, p, 8); return v; }
        case BK_F32: { float v; std::memcpy(&v, p, 4); return v; }
        case BK_BF16: { std::uint16_t v; std::memcpy(&v, p, 2); return bf16_to_float(v); }
        case BK_F16: { std::uint16_t v; std::memcpy(&v, p, 2); return f16_to_float(v); }
        case BK_I8: return double(*reinterpret_cast<const std::int8_t*>(p));
        case BK_I32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
        default: throw std::invalid_argument(fmt::format("no host conversion for {}", dtype_name(dtype)));
    }
}

double gemm_tolerance(bk_dtype acc, std::int64_t k) {
    double u = 0;
    switch (acc) {
        case BK_F64: u = 0x1p-53; break;
        case BK_F32: u = 0x1p-24; break;
        case BK_TF32: u = 0x1p-11; break;  // 10 explicit mantissa bits in the multiply
        case BK_F16: u = 0x1p-11; break;
        case BK_BF16: u = 0x1p-8; break;
        case BK_I32: return 0;  // integer accumulation is exact
        default: u = 0x1p-8; break;
    }
    const double ku = double(k) * u;
    // gamma_k for the accumulation, plus the fp64 reference's own rounding.
    return ku / (1 - std::min(ku, 0.5)) + 4 * double(k + 2) * 0x1p-53;
}

Verification verify_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix& c, std::uint64_t seed) {
    Verification v;
    v.method = double(a.rows) * double(b.cols) * double(a.cols) <= kFullCheckMacs
                   ? "poison scan, then every entry vs an fp64 product"
                   : "poison scan of every element, Freivalds' check C x = A (B x), and 256 sampled entries vs fp64";
    v.measure = "max relative error (|error| / sum of |terms|)";
    const std::int64_t m = a.rows, k = a.cols, n = b.cols;
    v.tolerance = gemm_tolerance(c.dtype, k);

    // 1. Poison scan.
    std::int64_t poisoned = 0;
#pragma omp parallel for reduction(+ : poisoned) schedule(static)
    for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) poisoned += is_poison(c, i, j);
    if (poisoned) {
        v.ok = false;
        v.error = std::numeric_limits<double>::infinity();
        v.detail = fmt::format("{} of {} elements of C were not written (still poison or not finite)", poisoned, m * n);
        return v;
    }

    if (double(m) * double(n) * double(k) <= kFullCheckMacs) return verify_every_entry(a, b, c, std::move(v));

    // 2. Freivalds: x random; integer GEMMs use small integers so every sum is exact in fp64.
    SplitMix64 g(seed ^ 0x5EEDull);
    const bool exact = c.dtype == BK_I32;
    std::vector<double> x(n), ax(n);
    for (std::int64_t j = 0; j < n; ++j) {
        x[j] = exact ? double(int(g.next() % 17) - 8) : 2 * g.uniform() - 1;
        ax[j] = std::fabs(x[j]);
    }
    std::vector<double> bx(k), bax(k);
#pragma omp parallel
    {
        std::vector<double> row(n);
#pragma omp for schedule(static)
        for (std::int64_t l = 0; l < k; ++l) {
            b.row(l, row.data());
            double s = 0, sa = 0;
            for (std::int64_t j = 0; j < n; ++j) {
                s += row[j] * x[j];
                sa += std::fabs(row[j]) * ax[j];
            }
            bx[l] = s;
            bax[l] = sa;
        }
    }
    Worst worst;
#pragma omp parallel
    {
        std::vector<double> arow(k), crow(n);
        Worst local;
#pragma omp for schedule(static)
        for (std::int64_t i = 0; i < m; ++i) {
            a.row(i, arow.data());
            c.row(i, crow.data());
            double ref = 0, mag = 0, got = 0;
            for (std::int64_t l = 0; l < k; ++l) {
                ref += arow[l] * bx[l];
                mag += std::fabs(arow[l]) * bax[l];
            }
            for (std::int64_t j = 0; j < n; ++j) got += crow[j] * x[j];
            const double err = mag > 0 ? std::fabs(got - ref) / mag : std::fabs(got - ref);
            local.offer(err, i, 0);
        }
#pragma omp critical
        worst.offer(local.error, local.i, 0);
    }
    v.error = worst.error;
    if (!(worst.error <= v.tolerance)) {
        v.ok = false;
        v.detail = fmt::format("Freivalds' check fails in row {}: relative error {:.3g} > tolerance {:.3g}", worst.i,
                               worst.error, v.tolerance);
        return v;
    }

    // 3. Sampled entries, each recomputed in fp64.
    std::vector<double> arow(k);
    for (int s = 0; s < kSampledEntries; ++s) {
        const std::int64_t i = std::int64_t(g.next() % std::uint64_t(m));
        const std::int64_t j = std::int64_t(g.next() % std::uint64_t(n));
        a.row(i, arow.data());
        double ref = 0, mag = 0;
        for (std::int64_t l = 0; l < k; ++l) {
            const double t = arow[l] * b.at(l, j);
            ref += t;
            mag += std::fabs(t);
        }
        const double got = c.at(i, j);
        const double err = mag > 0 ? std::fabs(got - ref) / mag : std::fabs(got - ref);
        if (err > v.error) v.error = err;
        if (!(err <= v.tolerance)) {
            v.ok = false;
            v.detail = fmt::format("C[{}][{}] = {} but the fp64 reference is {} (relative error {:.3g})", i, j, got, ref,
                                   err);
            return v;
        }
    }
    v.ok = true;
    return v;
}

}  // namespace bakeoff
