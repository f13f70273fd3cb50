#include "workloads/membw/stream_workload.h"

#include "numeric/rng.h"
#include "workloads/op_desc.h"
#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace bakeoff {

namespace {

constexpr std::int64_t kMiB = 1 << 20;

bk_op_kind op_kind(StreamKernel k) {
    switch (k) {
        case StreamKernel::copy: return BK_OP_COPY;
        case StreamKernel::scale: return BK_OP_SCALE;
        case StreamKernel::add: return BK_OP_ADD;
        case StreamKernel::triad: return BK_OP_TRIAD;
        case StreamKernel::dot: return BK_OP_DOT;
    }
    return BK_OP_COPY;
}

int inputs(StreamKernel k) { return (k == StreamKernel::copy || k == StreamKernel::scale) ? 1 : 2; }

// Gold value of element i, computed on the host in the array's own type.
// Triad may be computed with or without a fused multiply-add: both roundings
// are accepted, nothing else.
template <typename T>
bool matches_gold(StreamKernel k, T a, T b, T out) {
    const T q = T(StreamWorkload::kScalar);
    switch (k) {
        case StreamKernel::copy: return out == a;
        case StreamKernel::scale: return out == T(q * a);
        case StreamKernel::add: return out == T(a + b);
        case StreamKernel::triad: {
            volatile T prod = q * b;  // volatile: keep the unfused rounding
            return out == T(a + prod) || out == T(std::fma(q, b, a));
        }
        case StreamKernel::dot: return false;
    }
    return false;
}

template <typename T>
class StreamCase final : public CaseInstance {
public:
    StreamCase(Device& dev, StreamKernel k, std::int64_t n, std::uint64_t seed, bk_op_desc op)
        : kernel_(k), n_(n), op_(op), a_(n), b_(inputs(k) == 2 ? n : 0) {
        // Inputs in [0.5, 1.5): never zero, no cancellation in dot.
        fill_uniform(a_.data(), a_.size(), seed, T(0.5), T(1.5));
        if (!b_.empty()) fill_uniform(b_.data(), b_.size(), seed + 1, T(0.5), T(1.5));
        const std::uint64_t bytes = std::uint64_t(n) * sizeof(T);
        in0_ = std::make_unique<Buffer>(dev, bytes);
        in0_->upload(a_.data(), bytes);
        if (!b_.empty()) {
            in1_ = std::make_unique<Buffer>(dev, bytes);
            in1_->upload(b_.data(), bytes);
        }
        out_ = std::make_unique<Buffer>(dev, k == StreamKernel::dot ? 64 : bytes);
    }

    void poison() override { out_->fill(0x7FF87FF8u); }  // NaN as f32 and as f64

    void run(Stream& s) override {
        std::vector<Buffer*> ops{in0_.get()};
        if (in1_) ops.push_back(in1_.get());
        ops.push_back(out_.get());
        s.launch(op_, ops);
    }

    bk_op_desc main_op() const override { return op_; }

    Verification verify() override {
        Verification v;
        if (kernel_ == StreamKernel::dot) return verify_dot();
        v.method = "every element exact vs gold values computed on the host (triad: fused or unfused rounding)";
        v.measure = "elements that differ from gold";
        v.tolerance = 0;
        std::vector<T> out(n_);
        out_->download(out.data(), out.size() * sizeof(T));
        std::int64_t bad = 0, first_bad = -1;
#pragma omp parallel for reduction(+ : bad) schedule(static)
        for (std::int64_t i = 0; i < n_; ++i) {
            T b = b_.empty() ? T(0) : b_[i];
            if (!matches_gold(kernel_, a_[i], b, out[i])) ++bad;
        }
        if (bad) {
            for (std::int64_t i = 0; i < n_; ++i) {
                T b = b_.empty() ? T(0) : b_[i];
                if (!matches_gold(kernel_, a_[i], b, out[i])) {
                    first_bad = i;
                    break;
                }
            }
            v.detail = fmt::format("{} of {} elements wrong; first at index {}: got {}", bad, n_, first_bad,
                                   double(out[first_bad]));
        }
        v.error = double(bad);
        v.ok = bad == 0;
        return v;
    }

private:
    Verification verify_dot() {
        Verification v;
        v.method = "relative error vs a long-double host sum";
        v.measure = "|dot - ref| / sum |a b|";
        T got{};
        out_->download(&got, sizeof(T));
        long double ref = 0, mag = 0;
        for (std::int64_t i = 0; i < n_; ++i) {
            long double p = (long double)a_[i] * (long double)b_[i];
            ref += p;
            mag += p < 0 ? -p : p;
        }
        // Rounding errors of a sum of n positive terms grow like sqrt(n) u for
        // any order of summation in practice; 8 sqrt(n) u leaves a wide margin
        // while a skipped block of the array is still caught.
        const double u = std::numeric_limits<T>::epsilon() / 2;
        v.tolerance = 8.0 * std::sqrt(double(n_)) * u;
        v.error = double(std::fabs((long double)got - ref) / mag);
        v.ok = std::isfinite(double(got)) && v.error <= v.tolerance;
        if (!v.ok) v.detail = fmt::format("dot = {} but the reference is {}", double(got), double(ref));
        return v;
    }

    StreamKernel kernel_;
    std::int64_t n_;
    bk_op_desc op_;
    std::vector<T> a_, b_;
    std::unique_ptr<Buffer> in0_, in1_, out_;
};

}  // namespace

int StreamWorkload::arrays() const { return inputs(kernel_) + (kernel_ == StreamKernel::dot ? 0 : 1); }

std::string StreamWorkload::id() const {
    const char* names[] = {"copy", "scale", "add", "triad", "dot"};
    return fmt::format("membw.{}", names[int(kernel_)]);
}

std::string StreamWorkload::description() const {
    switch (kernel_) {
        case StreamKernel::copy: return "memory bandwidth: out = a (STREAM copy)";
        case StreamKernel::scale: return "memory bandwidth: out = q a (STREAM scale)";
        case StreamKernel::add: return "memory bandwidth: out = a + b (STREAM add)";
        case StreamKernel::triad: return "memory bandwidth: out = a + q b (STREAM triad)";
        case StreamKernel::dot: return "memory bandwidth: sum a b (BabelStream dot)";
    }
    return {};
}

MetricDef StreamWorkload::metric(const CaseSpec&) const { return {"bandwidth", "GB/s", "bytes", 1e9}; }

std::vector<CaseSpec> StreamWorkload::cases(Suite suite, const DeviceInfo& device, const CaseChoice& choice) const {
    const std::int64_t llc = std::int64_t(device.props.last_level_cache_bytes);
    // Each array >= 2x LLC (so even copy's two arrays are >= 4x LLC), >= 64 MiB,
    // rounded up to a whole MiB.
    std::int64_t base = std::max<std::int64_t>(2 * llc, 64 * kMiB);
    base = (base + kMiB - 1) / kMiB * kMiB;
    std::vector<std::int64_t> bytes;
    std::vector<bk_dtype> dtypes{BK_F64};
    switch (suite) {
        case Suite::smoke: bytes = {4 * kMiB}; break;
        case Suite::quick: bytes = {base}; break;
        case Suite::standard: bytes = {base, 4 * base}; dtypes = {BK_F64, BK_F32}; break;
        case Suite::full: bytes = {base, 4 * base, 16 * base}; dtypes = {BK_F64, BK_F32}; break;
        case Suite::collective: return {};  // cross-rank workloads only
    }
    if (!choice.sizes.empty()) bytes = choice.sizes;
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (t == BK_F64 || t == BK_F32) dtypes.push_back(t);
    }
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes) {
        for (std::int64_t b : bytes) {
            CaseSpec c;
            c.workload = id();
            c.dtype = t;
            c.path = BK_PATH_PORTABLE;
            const std::int64_t n = std::max<std::int64_t>(1, b / std::int64_t(dtype_size(t)));
            c.size = n * std::int64_t(dtype_size(t));
            c.size_label = format_bytes(std::uint64_t(c.size));
            c.params = {{"dtype", dtype_name(t)},
                        {"elements", n},
                        {"array_bytes", c.size},
                        {"arrays", arrays()},
                        {"scalar", kScalar},
                        {"cache_resident", c.size * 2 < 4 * llc}};
            out.push_back(c);
        }
    }
    return out;
}

WorkCounts StreamWorkload::counts(const CaseSpec& c) const {
    const double n = double(c.params.at("elements").get<std::int64_t>());
    const double s = double(dtype_size(c.dtype));
    switch (kernel_) {
        case StreamKernel::copy: return {0, 2 * n * s};
        case StreamKernel::scale: return {n, 2 * n * s};
        case StreamKernel::add: return {n, 3 * n * s};
        case StreamKernel::triad: return {2 * n, 3 * n * s};
        case StreamKernel::dot: return {2 * n, 2 * n * s};
    }
    return {};
}

std::uint64_t StreamWorkload::device_bytes(const CaseSpec& c) const {
    return std::uint64_t(c.size) * std::uint64_t(arrays());
}

std::vector<bk_op_desc> StreamWorkload::ops(const CaseSpec& c) const {
    return {stream_op(op_kind(kernel_), c.dtype, c.path, c.params.at("elements").get<std::int64_t>(), kScalar)};
}

double StreamWorkload::peak(const CaseSpec&, const DeviceInfo& device) const { return device.props.peak_mem_gbs; }

std::unique_ptr<CaseInstance> StreamWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    const auto op = ops(c).front();
    const std::int64_t n = op.u.stream.n;
    if (c.dtype == BK_F64) return std::make_unique<StreamCase<double>>(device, kernel_, n, seed, op);
    if (c.dtype == BK_F32) return std::make_unique<StreamCase<float>>(device, kernel_, n, seed, op);
    throw std::invalid_argument(fmt::format("{} has no {} variant", id(), dtype_name(c.dtype)));
}

}  // namespace bakeoff
