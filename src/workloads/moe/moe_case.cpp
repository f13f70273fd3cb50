#include "workloads/moe/moe_case.h"

#include "workloads/moe/moe_data.h"
#include "workloads/moe/moe_verify.h"
#include "workloads/op_desc.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace bakeoff::moe {

namespace {

using BufPtr = std::unique_ptr<Buffer>;

constexpr std::uint32_t kNaN = 0x7FC00000u;

// The layer's op descriptors for m rows of one weight set (an expert or the shared MLP).
struct MlpOps {
    bk_op_desc gate_up, swiglu, to_narrow, down;
};

MlpOps mlp_ops(const MoeShape& s, bk_dtype wt, bk_path path, std::int64_t m, std::int64_t f) {
    return {nnop::gemm(path, wt, BK_F32, m, f, s.dim, false, true),
            nnop::nn(BK_OP_SWIGLU, BK_F32, m, f),
            nnop::convert(BK_F32, wt, m * f),
            nnop::gemm(path, wt, BK_F32, m, s.dim, f, false, true)};
}

class MoeCase final : public CaseInstance {
public:
    MoeCase(Device& dev, const MoeShape& s, bk_dtype wt, bk_path path, std::uint64_t seed)
        : s_(s), wt_(wt), path_(path), data_(s, wt, seed), narrow_(wt != BK_F32) {
        const std::int64_t T = s.tokens, d = s.dim, E = s.experts, k = s.top_k;
        const std::int64_t f = s.expert_ffn, fmax = std::max(f, s.shared_ffn());
        const std::uint64_t wb = dtype_size(wt);
        auto make = [&](std::uint64_t bytes) { return std::make_unique<Buffer>(dev, std::max<std::uint64_t>(bytes, 4)); };
        auto weights = [&](const std::vector<float>& v) {
            auto b = make(v.size() * wb);
            const auto bytes = encode(wt, v);
            b->upload(bytes.data(), bytes.size());
            return b;
        };

        x_host_ = data_.input();
        x_ = make(std::uint64_t(T * d) * 4);
        x_->upload(x_host_.data(), x_host_.size() * 4);
        if (narrow_) x_narrow_ = make(std::uint64_t(T * d) * wb);
        router_ = weights(data_.router());
        for (std::int64_t e = 0; e < E; ++e)
            for (Proj p : {Proj::gate, Proj::up, Proj::down}) expert_[std::size_t(p)].push_back(weights(data_.expert(e, p)));
        if (s.shared > 0)
            for (Proj p : {Proj::gate, Proj::up, Proj::down}) shared_[std::size_t(p)] = weights(data_.shared(p));

        logits_ = make(std::uint64_t(T * E) * 4);
        idx_ = make(std::uint64_t(T * k) * 4);
        weight_ = make(std::uint64_t(T * k) * 4);
        for (std::int64_t e = 0; e < E; ++e) {
            ids_.push_back(make(std::uint64_t(T) * 4));
            route_w_.push_back(make(std::uint64_t(T) * 4));
        }
        rows_ = make(std::uint64_t(T * d) * wb);
        g_ = make(std::uint64_t(T * fmax) * 4);
        u_ = make(std::uint64_t(T * fmax) * 4);
        h_ = make(std::uint64_t(T * fmax) * 4);
        if (narrow_) h_narrow_ = make(std::uint64_t(T * fmax) * wb);
        expert_out_ = make(std::uint64_t(T * d) * 4);
        y_ = make(std::uint64_t(T * d) * 4);

        idx_host_.resize(std::size_t(T * k));
        weight_host_.resize(std::size_t(T * k));
        counts_.assign(std::size_t(E), 0);
    }

    void poison() override {
        y_->fill(kNaN);
        idx_->fill(0xFFFFFFFFu);  // expert -1: a routing that wrote nothing fails run()'s range check
        weight_->fill(kNaN);
    }

    void run(Stream& st) override {
        const std::int64_t T = s_.tokens, d = s_.dim, E = s_.experts, k = s_.top_k;
        Buffer* act = narrow_ ? x_narrow_.get() : x_.get();
        if (narrow_) st.launch(nnop::convert(BK_F32, wt_, T * d), {x_.get(), act});
        st.launch(nnop::gemm(path_, wt_, BK_F32, T, E, d, false, true), {act, router_.get(), logits_.get()});
        st.launch(nnop::topk_route(T, E, k, 1, true), {logits_.get(), idx_.get(), weight_.get()});

        // Host round trip: the routing comes back, the per-expert lists go out.
        st.sync();
        idx_->download(idx_host_.data(), idx_host_.size() * 4);
        weight_->download(weight_host_.data(), weight_host_.size() * 4);
        build_lists();

        if (s_.shared > 0)
            run_mlp(st, act, T, s_.shared_ffn(), shared_, y_.get());
        else
            y_->fill(0);
        for (std::int64_t e = 0; e < E; ++e) {
            const std::int64_t m = counts_[std::size_t(e)];
            if (m == 0) continue;
            Buffer* ids = ids_[std::size_t(e)].get();
            st.launch(nnop::rows_op(BK_OP_EMBEDDING, wt_, m, d, T), {act, ids, rows_.get()});
            std::array<Buffer*, 3> w = {expert_[0][std::size_t(e)].get(), expert_[1][std::size_t(e)].get(),
                                        expert_[2][std::size_t(e)].get()};
            run_mlp(st, rows_.get(), m, s_.expert_ffn, w, expert_out_.get());
            st.launch(nnop::rows_op(BK_OP_SCATTER_ADD, BK_F32, m, d, T),
                      {expert_out_.get(), ids, route_w_[std::size_t(e)].get(), y_.get()});
        }
    }

    Verification verify() override {
        const std::int64_t T = s_.tokens, d = s_.dim;
        std::vector<float> y(std::size_t(T * d));
        y_->download(y.data(), y.size() * 4);
        idx_->download(idx_host_.data(), idx_host_.size() * 4);
        weight_->download(weight_host_.data(), weight_host_.size() * 4);
        Verification v = verify_moe(data_, x_host_, y, idx_host_, weight_host_);
        if (v.ok) {
            // The routing's load balance, for the record (a property of the
            // data and weights, not of the device).
            const Imbalance im = routing_imbalance(counts_);
            const std::string balance =
                fmt::format("routing load: max/mean {:.3f}, cv {:.3f}, busiest expert {} tokens, {} idle experts",
                            im.max_over_mean, im.cv, im.max_tokens, im.idle_experts);
            v.detail = v.detail.empty() ? balance : balance + "; " + v.detail;
        }
        return v;
    }

    // The routing's load balance in the record's params.measured.routing.
    nlohmann::json measured() const override {
        const Imbalance im = routing_imbalance(counts_);
        return {{"routing",
                 {{"max_over_mean", im.max_over_mean},
                  {"cv", im.cv},
                  {"max_tokens", im.max_tokens},
                  {"idle_experts", im.idle_experts}}}};
    }

    MoeOutputs outputs() const {
        MoeOutputs o;
        o.x = x_host_;
        o.y.resize(std::size_t(s_.tokens * s_.dim));
        y_->download(o.y.data(), o.y.size() * 4);
        o.idx.resize(idx_host_.size());
        idx_->download(o.idx.data(), o.idx.size() * 4);
        o.weight.resize(weight_host_.size());
        weight_->download(o.weight.data(), o.weight.size() * 4);
        o.tokens_per_expert = counts_;
        return o;
    }

    bk_op_desc main_op() const override {
        const std::int64_t per_expert = std::max<std::int64_t>(1, s_.tokens * s_.top_k / s_.experts);
        return nnop::gemm(path_, wt_, BK_F32, per_expert, s_.expert_ffn, s_.dim, false, true);
    }

private:
    // out [m, d] = (silu(in Wg^T) * (in Wu^T)) Wd^T, the hidden activations
    // converted to the weight type first when it is narrower than f32.
    template <class W>
    void run_mlp(Stream& st, Buffer* in, std::int64_t m, std::int64_t f, const W& w, Buffer* out) {
        const MlpOps o = mlp_ops(s_, wt_, path_, m, f);
        st.launch(o.gate_up, {in, &*w[0], g_.get()});
        st.launch(o.gate_up, {in, &*w[1], u_.get()});
        st.launch(o.swiglu, {g_.get(), u_.get(), h_.get()});
        Buffer* h = h_.get();
        if (narrow_) {
            st.launch(o.to_narrow, {h_.get(), h_narrow_.get()});
            h = h_narrow_.get();
        }
        st.launch(o.down, {h, &*w[2], out});
    }

    // Token ids and routing weights per expert, in token order, uploaded.
    void build_lists() {
        const std::int64_t T = s_.tokens, E = s_.experts, k = s_.top_k;
        std::vector<std::vector<std::int32_t>> ids(static_cast<std::size_t>(E));
        std::vector<std::vector<float>> ws(static_cast<std::size_t>(E));
        for (std::int64_t t = 0; t < T; ++t)
            for (std::int64_t j = 0; j < k; ++j) {
                const std::int32_t e = idx_host_[std::size_t(t * k + j)];
                if (e < 0 || e >= E)
                    throw std::runtime_error(
                        fmt::format("moe: topk_route gave expert {} for token {} (experts: {})", e, t, E));
                ids[std::size_t(e)].push_back(std::int32_t(t));
                ws[std::size_t(e)].push_back(weight_host_[std::size_t(t * k + j)]);
            }
        for (std::int64_t e = 0; e < E; ++e) {
            const auto& list = ids[std::size_t(e)];
            counts_[std::size_t(e)] = std::int64_t(list.size());
            if (list.empty()) continue;
            ids_[std::size_t(e)]->upload(list.data(), list.size() * 4);
            route_w_[std::size_t(e)]->upload(ws[std::size_t(e)].data(), list.size() * 4);
        }
    }

    MoeShape s_;
    bk_dtype wt_;
    bk_path path_;
    MoeData data_;
    bool narrow_;
    std::vector<float> x_host_;
    BufPtr x_, x_narrow_, router_, logits_, idx_, weight_, rows_, g_, u_, h_, h_narrow_, expert_out_, y_;
    std::array<std::vector<BufPtr>, 3> expert_;  // gate, up, down per expert
    std::array<BufPtr, 3> shared_;
    std::vector<BufPtr> ids_, route_w_;
    std::vector<std::int32_t> idx_host_;
    std::vector<float> weight_host_;
    std::vector<std::int64_t> counts_;
};

}  // namespace

std::vector<bk_op_desc> moe_ops(const MoeShape& s, bk_dtype wt, bk_path path) {
    const std::int64_t T = s.tokens, d = s.dim;
    const std::int64_t per_expert = std::max<std::int64_t>(1, T * s.top_k / s.experts);
    const MlpOps e = mlp_ops(s, wt, path, per_expert, s.expert_ffn);
    std::vector<bk_op_desc> ops = {nnop::gemm(path, wt, BK_F32, T, s.experts, d, false, true),
                                   nnop::topk_route(T, s.experts, s.top_k, 1, true),
                                   e.gate_up,
                                   e.swiglu,
                                   e.down,
                                   nnop::rows_op(BK_OP_EMBEDDING, wt, per_expert, d, T),
                                   nnop::rows_op(BK_OP_SCATTER_ADD, BK_F32, per_expert, d, T)};
    if (wt != BK_F32) {
        ops.push_back(nnop::convert(BK_F32, wt, T * d));
        ops.push_back(e.to_narrow);
    }
    return ops;
}

MoeOutputs moe_outputs(const CaseInstance& c) {
    const auto* m = dynamic_cast<const MoeCase*>(&c);
    if (!m) throw std::invalid_argument("moe_outputs: not a moe case");
    return m->outputs();
}

std::unique_ptr<CaseInstance> make_moe_case(Device& dev, const MoeShape& s, bk_dtype wt, bk_path path,
                                            std::uint64_t seed) {
    return std::make_unique<MoeCase>(dev, s, wt, path, seed);
}

}  // namespace bakeoff::moe
