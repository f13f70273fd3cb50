#include "workloads/attention/attention_workload.h"

#include "core/dtype.h"
#include "numeric/rng.h"
#include "nn/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace bakeoff {

namespace {

bk_attention_op attn_of(const CaseSpec& c) {
    bk_attention_op a{};
    a.batch = c.params.at("batch");
    a.heads = c.params.at("heads");
    a.kv_heads = c.params.at("kv_heads");
    a.seq_q = a.seq_kv = a.kv_capacity = c.size;
    a.head_dim = c.params.at("head_dim");
    a.causal = c.params.at("causal").get<bool>() ? 1 : 0;
    a.scale = 1.0 / std::sqrt(double(a.head_dim));
    return a;
}

// Host array in the activation type plus its exact values in double.
struct HostTensor {
    bk_dtype t;
    std::vector<unsigned char> bytes;
    std::vector<double> values;
    HostTensor(bk_dtype type, std::size_t n, std::uint64_t seed) : t(type), bytes(n * dtype_size(type)), values(n) {
        std::vector<float> f(n);
        fill_uniform(f.data(), n, seed, -1.0f, 1.0f);
        for (std::size_t i = 0; i < n; ++i) {
            if (t == BK_F32) {
                std::memcpy(&bytes[i * 4], &f[i], 4);
                values[i] = f[i];
            } else {  // bf16
                const std::uint16_t h = float_to_bf16(f[i]);
                std::memcpy(&bytes[i * 2], &h, 2);
                values[i] = bf16_to_float(h);
            }
        }
    }
};

class AttentionCase final : public CaseInstance {
public:
    AttentionCase(Device& dev, const bk_op_desc& op, std::uint64_t seed)
        : op_(op),
          seed_(seed),
          q_(bk_dtype(op.dtype_a), nq(), seed),
          k_(bk_dtype(op.dtype_a), nkv(), seed + 1),
          v_(bk_dtype(op.dtype_a), nkv(), seed + 2) {
        const std::size_t es = dtype_size(bk_dtype(op.dtype_a));
        dq_ = std::make_unique<Buffer>(dev, nq() * es);
        dk_ = std::make_unique<Buffer>(dev, nkv() * es);
        dv_ = std::make_unique<Buffer>(dev, nkv() * es);
        do_ = std::make_unique<Buffer>(dev, nq() * es);
        dq_->upload(q_.bytes.data(), q_.bytes.size());
        dk_->upload(k_.bytes.data(), k_.bytes.size());
        dv_->upload(v_.bytes.data(), v_.bytes.size());
    }
    void poison() override { do_->fill(0x7FF87FF8u); }
    void run(Stream& s) override { s.launch(op_, {dq_.get(), dk_.get(), dv_.get(), do_.get()}); }
    bk_op_desc main_op() const override { return op_; }

    Verification verify() override {
        const auto& a = op_.u.attn;
        const bk_dtype t = bk_dtype(op_.dtype_a);
        Verification v;
        v.method = "64 sampled query rows vs fp64 reference";
        v.measure = "max |error| / max |reference|";
        v.tolerance = t == BK_F32 ? 1e-4 : 2e-2;  // bf16: outputs rounded to 8 bits
        std::vector<unsigned char> out(nq() * dtype_size(t));
        do_->download(out.data(), out.size());
        auto value = [&](std::size_t i) -> double {
            if (t == BK_F32) {
                float f;
                std::memcpy(&f, &out[i * 4], 4);
                return f;
            }
            std::uint16_t h;
            std::memcpy(&h, &out[i * 2], 2);
            return bf16_to_float(h);
        };
        for (std::size_t i = 0; i < nq(); ++i)
            if (!std::isfinite(value(i))) {
                v.error = std::numeric_limits<double>::infinity();
                v.detail = fmt::format("output element {} is {} (not written?)", i, value(i));
                return v;
            }
        // Sampled (batch, query) pairs, always including the first and last query.
        SplitMix64 g(seed_ ^ 0xA77Eull);
        std::vector<std::pair<std::int64_t, std::int64_t>> rows{{0, 0}, {a.batch - 1, a.seq_q - 1}};
        while (rows.size() < 64 && std::int64_t(rows.size()) < a.batch * a.seq_q)
            rows.push_back({std::int64_t(g.next() % std::uint64_t(a.batch)), std::int64_t(g.next() % std::uint64_t(a.seq_q))});
        const std::int64_t qrow = a.heads * a.head_dim, kvrow = a.kv_heads * a.head_dim;
        double num = 0, den = 0;
        std::vector<double> ref(static_cast<std::size_t>(qrow));
        for (auto [b, i] : rows) {
            // Query i alone: seq_q = 1 at position i (causal) sees keys [0, i]; non-causal sees all.
            bk_attention_op one = a;
            one.batch = 1;
            one.seq_q = 1;
            one.seq_kv = a.causal ? a.seq_kv - a.seq_q + i + 1 : a.seq_kv;
            const std::size_t qoff = std::size_t((b * a.seq_q + i) * qrow);
            nnref::attention(q_.values.data() + qoff, k_.values.data() + b * a.kv_capacity * kvrow,
                             v_.values.data() + b * a.kv_capacity * kvrow, ref.data(), one);
            for (std::int64_t j = 0; j < qrow; ++j) {
                num = std::max(num, std::abs(value(qoff + std::size_t(j)) - ref[std::size_t(j)]));
                den = std::max(den, std::abs(ref[std::size_t(j)]));
            }
        }
        v.error = den > 0 ? num / den : num;
        v.ok = v.error <= v.tolerance;
        if (!v.ok) v.detail = fmt::format("error {:.3g} > tolerance {:.3g}", v.error, v.tolerance);
        return v;
    }

private:
    std::size_t nq() const {
        const auto& a = op_.u.attn;
        return std::size_t(a.batch * a.seq_q * a.heads * a.head_dim);
    }
    std::size_t nkv() const {
        const auto& a = op_.u.attn;
        return std::size_t(a.batch * a.kv_capacity * a.kv_heads * a.head_dim);
    }
    bk_op_desc op_;
    std::uint64_t seed_;
    HostTensor q_, k_, v_;
    std::unique_ptr<Buffer> dq_, dk_, dv_, do_;
};

}  // namespace

double AttentionWorkload::visible_pairs(std::int64_t sq, std::int64_t skv, bool causal) {
    if (!causal) return double(sq) * double(skv);
    double n = 0;
    for (std::int64_t i = 0; i < sq; ++i) n += double(std::clamp<std::int64_t>(skv - sq + i + 1, 0, skv));
    return n;
}

std::string AttentionWorkload::description() const {
    return "scaled-dot-product attention (causal and not, grouped-query), GFLOP/s, fp32/bf16";
}

MetricDef AttentionWorkload::metric(const CaseSpec&) const { return {"throughput", "GFLOP/s", "flops", 1e9}; }

CaseSpec AttentionWorkload::make_case(bk_dtype t, bk_path p, std::int64_t batch, std::int64_t heads,
                                      std::int64_t kv_heads, std::int64_t seq, std::int64_t head_dim,
                                      bool causal) const {
    CaseSpec c;
    c.workload = id();
    c.dtype = t;
    c.path = p;
    c.size = seq;
    c.size_label = fmt::format("b{}-h{}{}-s{}-d{}{}", batch, heads, kv_heads != heads ? fmt::format("kv{}", kv_heads) : "",
                               seq, head_dim, causal ? "-causal" : "");
    c.params = {{"batch", batch},     {"heads", heads},       {"kv_heads", kv_heads}, {"seq_q", seq},
                {"seq_kv", seq},      {"head_dim", head_dim}, {"causal", causal},     {"dtype", dtype_name(t)},
                {"scale", 1.0 / std::sqrt(double(head_dim))},
                {"layout", "q, o [batch, seq, heads, head_dim]; k, v [batch, seq, kv_heads, head_dim]"}};
    return c;
}

std::vector<CaseSpec> AttentionWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    struct Shape {
        std::int64_t batch, heads, kv_heads, seq, head_dim;
        bool causal;
    };
    std::vector<Shape> shapes;
    switch (suite) {
        case Suite::smoke:
        case Suite::collective: return {};
        case Suite::quick: shapes.push_back({1, 8, 8, 1024, 64, true}); break;
        case Suite::standard:
        case Suite::full:
            for (std::int64_t d : {64, 128})
                for (std::int64_t s : {512, 1024, 2048, 4096})
                    for (bool causal : {false, true}) shapes.push_back({1, 8, 8, s, d, causal});
            shapes.push_back({1, 32, 8, 2048, 128, true});  // grouped-query, Llama-3-8B heads
            break;
    }
    if (!choice.sizes.empty()) {  // --size replaces the sequence lengths
        std::vector<Shape> with;
        for (const auto& sh : shapes) {
            bool seen = false;
            for (const auto& w : with)
                seen = seen || (w.heads == sh.heads && w.kv_heads == sh.kv_heads && w.head_dim == sh.head_dim &&
                                w.causal == sh.causal);
            if (seen) continue;
            for (std::int64_t n : choice.sizes) {
                Shape x = sh;
                x.seq = n;
                with.push_back(x);
            }
        }
        shapes = with;
    }
    std::vector<bk_dtype> dtypes{BK_F32, BK_BF16};
    if (!choice.dtypes.empty()) {
        dtypes.clear();
        for (bk_dtype t : choice.dtypes)
            if (t == BK_F32 || t == BK_BF16) dtypes.push_back(t);
    }
    std::vector<CaseSpec> out;
    for (bk_dtype t : dtypes)
        for (const auto& sh : shapes)
            for (bk_path p : {BK_PATH_VENDOR, BK_PATH_PORTABLE})
                out.push_back(make_case(t, p, sh.batch, sh.heads, sh.kv_heads, sh.seq, sh.head_dim, sh.causal));
    return out;
}

WorkCounts AttentionWorkload::counts(const CaseSpec& c) const {
    const auto a = attn_of(c);
    WorkCounts w;
    w.flops = 4.0 * double(a.batch * a.heads * a.head_dim) * visible_pairs(a.seq_q, a.seq_kv, a.causal != 0);
    const double es = double(dtype_size(c.dtype));
    w.bytes = es * double(a.batch * a.head_dim) * double(2 * a.seq_q * a.heads + 2 * a.seq_kv * a.kv_heads);
    return w;
}

std::uint64_t AttentionWorkload::device_bytes(const CaseSpec& c) const { return std::uint64_t(counts(c).bytes); }

std::vector<bk_op_desc> AttentionWorkload::ops(const CaseSpec& c) const {
    bk_op_desc op;
    std::memset(&op, 0, sizeof op);
    op.struct_size = sizeof op;
    op.kind = BK_OP_ATTENTION;
    op.path = c.path;
    op.dtype_a = op.dtype_b = op.dtype_c = c.dtype;
    op.u.attn = attn_of(c);
    return {op};
}

double AttentionWorkload::peak(const CaseSpec& c, const DeviceInfo& device) const {
    // The matrix peak bounds attention from above; only fp32's is a like-for-like figure on every backend.
    return c.dtype == BK_F32 ? device.props.peak_gflops[BK_F32] : 0.0;
}

std::unique_ptr<CaseInstance> AttentionWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    return std::make_unique<AttentionCase>(device, ops(c).front(), seed);
}

}  // namespace bakeoff
