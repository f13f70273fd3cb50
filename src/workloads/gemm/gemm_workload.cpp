#include "workloads/gemm/gemm_workload.h"

#include "numeric/f16.h"
#include "numeric/rng.h"
#include "workloads/gemm/gemm_verify.h"

#include <fmt/format.h>

#include <cstring>

namespace bakeoff {

namespace {

void fill_inputs(HostMatrix& m, std::uint64_t seed, bool is_a) {
    const std::size_t count = std::size_t(m.rows) * std::size_t(m.cols);
    switch (m.dtype) {
        case BK_F64: fill_uniform(reinterpret_cast<double*>(m.bytes.data()), count, seed, -1.0, 1.0); break;
        case BK_F32: fill_uniform(reinterpret_cast<float*>(m.bytes.data()), count, seed, -1.0f, 1.0f); break;
        case BK_BF16:
        case BK_F16: {
            std::vector<float> tmp(count);
            fill_uniform(tmp.data(), count, seed, -1.0f, 1.0f);
            auto* h = reinterpret_cast<std::uint16_t*>(m.bytes.data());
            const bool bf16 = m.dtype == BK_BF16;
#pragma omp parallel for schedule(static)
            for (std::size_t i = 0; i < count; ++i) h[i] = bf16 ? float_to_bf16(tmp[i]) : float_to_f16(tmp[i]);
            break;
        }
        case BK_I8:
            // A in [0, 127] so backends may read it as u8 or s8 (see the ABI).
            fill_uniform_int8(reinterpret_cast<std::int8_t*>(m.bytes.data()), count, seed, is_a ? 0 : -128, 127);
            break;
        default: throw std::invalid_argument(fmt::format("gemm has no host input generator for {}", dtype_name(m.dtype)));
    }
}

// The bytes of a row-major matrix stored transposed (cols x rows).
std::vector<unsigned char> transposed(const HostMatrix& m) {
    const std::size_t e = dtype_size(m.dtype), rows = std::size_t(m.rows), cols = std::size_t(m.cols);
    std::vector<unsigned char> out(m.bytes.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t j = 0; j < m.cols; ++j)
        for (std::size_t i = 0; i < rows; ++i)
            std::memcpy(out.data() + (std::size_t(j) * rows + i) * e, m.bytes.data() + (i * cols + std::size_t(j)) * e, e);
    return out;
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
        // The host keeps B as k x n for the verification; the device gets it
        // n x k when the case asks for that layout.
        if (op.u.gemm.trans_b)
            db_->upload(transposed(b_).data(), b_.size_bytes());
        else
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
    return "dense matrix multiply C = A B, square or MxNxK[nt], fp64/fp32/bf16/int8 (fp16 on request), vendor library and portable kernel";
}

MetricDef GemmWorkload::metric(const CaseSpec& c) const {
    if (c.dtype == BK_I8) return {"throughput", "GOP/s", "flops", 1e9};
    return {"throughput", "GFLOP/s", "flops", 1e9};
}

std::vector<CaseSpec> GemmWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::int64_t> sizes;
    switch (suite) {
        case Suite::smoke: sizes = {128}; break;
        // 1024 keeps the quick suite quick where a vendor library runs far
        // below the device (CLBlast's untuned defaults on PoCL: seconds a
        // run at 2048); the standard suite measures 2048 and 4096.
        case Suite::quick: sizes = {1024}; break;
        case Suite::standard: sizes = {1024, 2048, 4096}; break;
        case Suite::full: sizes = {1024, 2048, 4096, 8192}; break;
        case Suite::collective: return {};  // cross-rank workloads only
    }
    std::vector<bk_dtype> dtypes{BK_F64, BK_F32, BK_BF16, BK_I8};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (t == BK_F64 || t == BK_F32 || t == BK_BF16 || t == BK_I8 || t == BK_F16) dtypes.push_back(t);
    }
    // --size replaces the suite's sizes with its square sizes and MxNxK shapes.
    if (!choice.sizes.empty() || !choice.shapes.empty()) sizes = choice.sizes;
    std::vector<GemmShape> shapes;
    for (std::int64_t n : sizes) shapes.push_back({n, n, n, false});
    shapes.insert(shapes.end(), choice.shapes.begin(), choice.shapes.end());
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes)
        for (const GemmShape& sh : shapes)
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE}) {
                const bool square = sh.m == sh.n && sh.n == sh.k && !sh.trans_b;
                CaseSpec c;
                c.workload = id();
                c.dtype = t;
                c.path = p;
                c.size = sh.m;
                c.size_label = square ? std::to_string(sh.m) : format_gemm_shape(sh);
                c.params = {{"dtype", dtype_name(t)},
                            {"output_dtype", dtype_name(output_type(t))},
                            {"m", sh.m},
                            {"n", sh.n},
                            {"k", sh.k},
                            {"trans_b", sh.trans_b},
                            {"layout", sh.trans_b ? "row-major, B stored n x k (transposed)" : "row-major, no transpose"}};
                out.push_back(c);
            }
    return out;
}

GemmShape GemmWorkload::shape(const CaseSpec& c) {
    // Records written before shapes existed carry only m = n = k = size.
    auto dim = [&](const char* name) { return c.params.contains(name) ? c.params.at(name).get<std::int64_t>() : c.size; };
    return {dim("m"), dim("n"), dim("k"), c.params.value("trans_b", false)};
}

WorkCounts GemmWorkload::counts(const CaseSpec& c) const {
    const GemmShape s = shape(c);
    const double m = double(s.m), n = double(s.n), k = double(s.k);
    const double in = double(dtype_size(c.dtype)), out = double(dtype_size(output_type(c.dtype)));
    return {2 * m * n * k, (m * k + k * n) * in + m * n * out};
}

std::uint64_t GemmWorkload::device_bytes(const CaseSpec& c) const {
    const GemmShape s = shape(c);
    const std::uint64_t m = std::uint64_t(s.m), n = std::uint64_t(s.n), k = std::uint64_t(s.k);
    return (m * k + k * n) * dtype_size(c.dtype) + m * n * dtype_size(output_type(c.dtype));
}

std::vector<bk_op_desc> GemmWorkload::ops(const CaseSpec& c) const {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = BK_OP_GEMM;
    op.path = c.path;
    op.dtype_a = op.dtype_b = c.dtype;
    op.dtype_c = output_type(c.dtype);
    auto& g = op.u.gemm;
    const GemmShape s = shape(c);
    g.m = s.m;
    g.n = s.n;
    g.k = s.k;
    g.trans_b = s.trans_b ? 1 : 0;
    g.lda = s.k;
    g.ldb = s.trans_b ? s.k : s.n;
    g.ldc = s.n;
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
