#include "workloads/gemm/gemm_workload.h"

#include "harness/rng.h"
#include "workloads/gemm/gemm_verify.h"

#include <fmt/format.h>

namespace bakeoff {

namespace {

void fill_inputs(HostMatrix& m, std::uint64_t seed, bool is_a) {
    const std::size_t count = std::size_t(m.rows) * std::size_t(m.cols);
    switch (m.dtype) {
        case BK_F64: fill_uniform(reinterpret_cast<double*>(m.bytes.data()), count, seed, -1.0, 1.0); break;
        case BK_F32: fill_uniform(reinterpret_cast<float*>(m.bytes.data()), count, seed, -1.0f, 1.0f); break;
        case BK_BF16: {
            std::vector<float> tmp(count);
            fill_uniform(tmp.data(), count, seed, -1.0f, 1.0f);
            auto* h = reinterpret_cast<std::uint16_t*>(m.bytes.data());
#pragma omp parallel for schedule(static)
            for (std::size_t i = 0; i < count; ++i) h[i] = float_to_bf16(tmp[i]);
            break;
        }
        case BK_I8:
            // A in [0, 127] so backends may read it as u8 or s8 (see the ABI).
            fill_uniform_int8(reinterpret_cast<std::int8_t*>(m.bytes.data()), count, seed, is_a ? 0 : -128, 127);
            break;
        default: throw std::invalid_argument(fmt::format("gemm has no host input generator for {}", dtype_name(m.dtype)));
    }
}

class GemmCase final : public CaseInstance {
public:
    GemmCase(Device& dev, const bk_op_desc& op, std::uint64_t seed)
        : op_(op),
          seed_(seed),
          a_(bk_dtype(op.dtype_a), op.u.gemm.m, op.u.gemm.k),
          b_(bk_dtype(op.dtype_b), op.u.gemm.k, op.u.gemm.n),
          c_(bk_dtype(op.dtype_c), op.u.gemm.m, op.u.gemm.n) {
        fill_inputs(a_, seed, true);
        fill_inputs(b_, seed + 1, false);
        da_ = std::make_unique<Buffer>(dev, a_.size_bytes());
        db_ = std::make_unique<Buffer>(dev, b_.size_bytes());
        dc_ = std::make_unique<Buffer>(dev, c_.size_bytes());
        da_->upload(a_.bytes.data(), a_.size_bytes());
        db_->upload(b_.bytes.data(), b_.size_bytes());
    }

    void poison() override { dc_->fill(0x7FF87FF8u); }
    void run(Stream& s) override { s.launch(op_, {da_.get(), db_.get(), dc_.get()}); }
    bk_op_desc main_op() const override { return op_; }

    Verification verify() override {
        dc_->download(c_.bytes.data(), c_.size_bytes());
        return verify_gemm(a_, b_, c_, seed_);
    }

private:
    bk_op_desc op_;
    std::uint64_t seed_;
    HostMatrix a_, b_, c_;
    std::unique_ptr<Buffer> da_, db_, dc_;
};

}  // namespace

bk_dtype GemmWorkload::output_type(bk_dtype in) {
    switch (in) {
        case BK_F64: return BK_F64;
        case BK_I8:
        case BK_U8: return BK_I32;
        default: return BK_F32;
    }
}

std::string GemmWorkload::description() const {
    return "dense matrix multiply C = A B, square, fp64/fp32/bf16/int8, vendor library and portable kernel";
}

MetricDef GemmWorkload::metric(const CaseSpec& c) const {
    if (c.dtype == BK_I8) return {"throughput", "GOP/s", "flops", 1e9};
    return {"throughput", "GFLOP/s", "flops", 1e9};
}

std::vector<CaseSpec> GemmWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::int64_t> sizes;
    switch (suite) {
        case Suite::smoke: sizes = {128}; break;
        case Suite::quick: sizes = {2048}; break;
        case Suite::standard: sizes = {1024, 2048, 4096}; break;
        case Suite::full: sizes = {1024, 2048, 4096, 8192}; break;
        case Suite::collective: return {};  // cross-rank workloads only
    }
    if (!choice.sizes.empty()) sizes = choice.sizes;
    std::vector<bk_dtype> dtypes{BK_F64, BK_F32, BK_BF16, BK_I8};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (t == BK_F64 || t == BK_F32 || t == BK_BF16 || t == BK_I8 || t == BK_F16) dtypes.push_back(t);
    }
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes)
        for (std::int64_t n : sizes)
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) {
                CaseSpec c;
                c.workload = id();
                c.dtype = t;
                c.path = p;
                c.size = n;
                c.size_label = std::to_string(n);
                c.params = {{"dtype", dtype_name(t)},
                            {"output_dtype", dtype_name(output_type(t))},
                            {"m", n},
                            {"n", n},
                            {"k", n},
                            {"layout", "row-major, no transpose"}};
                out.push_back(c);
            }
    return out;
}

WorkCounts GemmWorkload::counts(const CaseSpec& c) const {
    const double n = double(c.size);
    const double in = double(dtype_size(c.dtype)), out = double(dtype_size(output_type(c.dtype)));
    return {2 * n * n * n, n * n * (2 * in + out)};
}

std::uint64_t GemmWorkload::device_bytes(const CaseSpec& c) const {
    const std::uint64_t n2 = std::uint64_t(c.size) * std::uint64_t(c.size);
    return n2 * (2 * dtype_size(c.dtype) + dtype_size(output_type(c.dtype)));
}

std::vector<bk_op_desc> GemmWorkload::ops(const CaseSpec& c) const {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = BK_OP_GEMM;
    op.path = c.path;
    op.dtype_a = op.dtype_b = c.dtype;
    op.dtype_c = output_type(c.dtype);
    auto& g = op.u.gemm;
    g.m = g.n = g.k = c.size;
    g.lda = g.ldb = g.ldc = c.size;
    g.alpha = 1.0;
    g.beta = 0.0;
    return {op};
}

double GemmWorkload::peak(const CaseSpec& c, const DeviceInfo& device) const {
    return device.props.peak_gflops[c.dtype];
}

std::unique_ptr<CaseInstance> GemmWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    return std::make_unique<GemmCase>(device, ops(c).front(), seed);
}

}  // namespace bakeoff
