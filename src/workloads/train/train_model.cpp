#include "workloads/train/train_model.h"

#include "numeric/rng.h"
#include "workloads/op_desc.h"
#include "workloads/train/train_host.h"

#include <cmath>

namespace bakeoff::train {

namespace {
using BufPtr = std::unique_ptr<Buffer>;

struct Param {
    BufPtr p, g, m, v;
    std::int64_t n = 0;
};

struct LayerBufs {
    BufPtr h, a, q, k, v, att, hm, m, g, u, s;
};
}  // namespace

// The ops of one step, with the shapes spelled out once.
struct StepOps {
    bk_op_desc embed, norm, norm_bwd, rope, rope_inv, attn, attn_bwd, add, swiglu, swiglu_bwd, ce, scatter;
    // Linear layers y = x W^T, W [out, in]: forward, dX = dY W, dW = dY^T X.
    bk_op_desc qkvo, qkvo_dx, qkvo_dx_acc, qkvo_dw;
    bk_op_desc up, up_dx, up_dx_acc, up_dw;  // D -> F (gate, up)
    bk_op_desc down, down_dx, down_dw;       // F -> D
    bk_op_desc head, head_dx, head_dw;       // D -> V

    StepOps(const TrainShape& s, bk_path gp) {
        const std::int64_t T = s.tokens(), D = s.dim, F = s.ffn, V = s.vocab;
        embed = nnop::rows_op(BK_OP_EMBEDDING, BK_F32, T, D, V);
        scatter = nnop::rows_op(BK_OP_SCATTER_ADD, BK_F32, T, D, V);
        norm = nnop::rmsnorm(BK_OP_RMSNORM, T, D, kNormEps);
        norm_bwd = nnop::rmsnorm(BK_OP_RMSNORM_BWD, T, D, kNormEps);
        rope = nnop::rope(s.batch, s.seq, s.heads, s.head_dim(), kRopeTheta, false);
        rope_inv = nnop::rope(s.batch, s.seq, s.heads, s.head_dim(), kRopeTheta, true);
        const double scale = 1.0 / std::sqrt(double(s.head_dim()));
        attn = nnop::attention(BK_OP_ATTENTION, s.batch, s.seq, s.heads, s.head_dim(), scale);
        attn_bwd = nnop::attention(BK_OP_ATTENTION_BWD, s.batch, s.seq, s.heads, s.head_dim(), scale);
        add = nnop::add(T * D);
        swiglu = nnop::nn(BK_OP_SWIGLU, BK_F32, T, F);
        swiglu_bwd = nnop::nn(BK_OP_SWIGLU_BWD, BK_F32, T, F);
        ce = nnop::cross_entropy(T, V);
        auto lin = [&](std::int64_t in, std::int64_t out, bk_op_desc& fwd, bk_op_desc& dx, bk_op_desc* dx_acc,
                       bk_op_desc& dw) {
            fwd = nnop::gemm(gp, BK_F32, BK_F32, T, out, in, false, true);
            dx = nnop::gemm(gp, BK_F32, BK_F32, T, in, out, false, false);
            if (dx_acc) *dx_acc = nnop::gemm(gp, BK_F32, BK_F32, T, in, out, false, false, 1.0);
            dw = nnop::gemm(gp, BK_F32, BK_F32, out, in, T, true, false);
        };
        lin(D, D, qkvo, qkvo_dx, &qkvo_dx_acc, qkvo_dw);
        lin(D, F, up, up_dx, &up_dx_acc, up_dw);
        lin(F, D, down, down_dx, nullptr, down_dw);
        lin(D, V, head, head_dx, nullptr, head_dw);
    }
};

struct DeviceModel::Impl {
    Device& dev;
    StepOps ops;
    std::vector<std::vector<float>> init;
    std::vector<Param> params;
    ParamIndex ix;
    std::vector<LayerBufs> layers;
    std::vector<BufPtr> tokens, targets;  // per pool batch
    BufPtr ones, qraw, kraw, tmp, h_out, fn, logits, dlogits, loss;
    BufPtr dh, dh2, dx, dfn, dm, datt, dqr, dkr, dq, dk, dv, da, ds, dg, du;
    double lr;

    Impl(Device& d, const TrainShape& s, bk_path gp, std::uint64_t seed)
        : dev(d), ops(s, gp), init(initial_weights(s, seed)), ix(train_param_index(s)), lr(s.lr) {
        const auto T = std::uint64_t(s.tokens()), D = std::uint64_t(s.dim), F = std::uint64_t(s.ffn);
        const auto V = std::uint64_t(s.vocab);
        auto f32 = [&](std::uint64_t n) { return std::make_unique<Buffer>(dev, n * 4); };
        for (const auto& v : init) {
            Param p;
            p.n = std::int64_t(v.size());
            p.p = f32(v.size());
            p.g = f32(v.size());
            p.m = f32(v.size());
            p.v = f32(v.size());
            params.push_back(std::move(p));
        }
        for (std::int64_t l = 0; l < s.layers; ++l) {
            LayerBufs b;
            for (BufPtr* x : {&b.h, &b.a, &b.q, &b.k, &b.v, &b.att, &b.hm, &b.m}) *x = f32(T * D);
            for (BufPtr* x : {&b.g, &b.u, &b.s}) *x = f32(T * F);
            layers.push_back(std::move(b));
        }
        for (BufPtr* x : {&qraw, &kraw, &tmp, &h_out, &fn, &dh, &dh2, &dx, &dfn, &dm, &datt, &dqr, &dkr, &dq, &dk,
                          &dv, &da})
            *x = f32(T * D);
        for (BufPtr* x : {&ds, &dg, &du}) *x = f32(T * F);
        logits = f32(T * V);
        dlogits = f32(T * V);
        loss = f32(T);
        ones = f32(T);
        const std::vector<float> one(T, 1.0f);
        ones->upload(one.data(), T * 4);
    }

    void gemm(Stream& st, const bk_op_desc& op, Buffer* a, Buffer* b, Buffer* c) { st.launch(op, {a, b, c}); }

    void forward_backward(Stream& st, const TrainShape& s, std::size_t batch) {
        const auto& o = ops;
        Buffer* tok = tokens[batch].get();
        auto P = [&](std::size_t i) { return params[i].p.get(); };
        auto G = [&](std::size_t i) { return params[i].g.get(); };
        // The embedding gradient accumulates one row per token, so it is
        // zeroed first. A blocking fill, done while the stream is idle: a
        // step starts after the previous one was synced (the runner syncs
        // after every run, the training loops after every step).
        params[ix.embed].g->fill(0);

        // Forward: every activation the backward reads is kept per layer.
        st.launch(o.embed, {P(ix.embed), tok, layers[0].h.get()});
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const LayerParams& lp = ix.layers[l];
            LayerBufs& A = layers[l];
            Buffer* next = l + 1 < layers.size() ? layers[l + 1].h.get() : h_out.get();
            st.launch(o.norm, {A.h.get(), P(lp.attn_norm), A.a.get()});
            gemm(st, o.qkvo, A.a.get(), P(lp.wq), qraw.get());
            gemm(st, o.qkvo, A.a.get(), P(lp.wk), kraw.get());
            gemm(st, o.qkvo, A.a.get(), P(lp.wv), A.v.get());
            st.launch(o.rope, {qraw.get(), A.q.get()});
            st.launch(o.rope, {kraw.get(), A.k.get()});
            st.launch(o.attn, {A.q.get(), A.k.get(), A.v.get(), A.att.get()});
            gemm(st, o.qkvo, A.att.get(), P(lp.wo), tmp.get());
            st.launch(o.add, {A.h.get(), tmp.get(), A.hm.get()});
            st.launch(o.norm, {A.hm.get(), P(lp.mlp_norm), A.m.get()});
            gemm(st, o.up, A.m.get(), P(lp.wg), A.g.get());
            gemm(st, o.up, A.m.get(), P(lp.wu), A.u.get());
            st.launch(o.swiglu, {A.g.get(), A.u.get(), A.s.get()});
            gemm(st, o.down, A.s.get(), P(lp.wd), tmp.get());
            st.launch(o.add, {A.hm.get(), tmp.get(), next});
        }
        st.launch(o.norm, {h_out.get(), P(ix.final_norm), fn.get()});
        gemm(st, o.head, fn.get(), P(ix.lm_head), logits.get());
        st.launch(o.ce, {logits.get(), targets[batch].get(), loss.get(), dlogits.get()});

        // Backward. dh holds the gradient of the current layer's output.
        gemm(st, o.head_dw, dlogits.get(), fn.get(), G(ix.lm_head));
        gemm(st, o.head_dx, dlogits.get(), P(ix.lm_head), dfn.get());
        st.launch(o.norm_bwd, {h_out.get(), P(ix.final_norm), dfn.get(), dh.get(), G(ix.final_norm)});
        for (std::size_t l = layers.size(); l-- > 0;) {
            const LayerParams& lp = ix.layers[l];
            LayerBufs& A = layers[l];
            gemm(st, o.down_dw, dh.get(), A.s.get(), G(lp.wd));
            gemm(st, o.down_dx, dh.get(), P(lp.wd), ds.get());
            st.launch(o.swiglu_bwd, {A.g.get(), A.u.get(), ds.get(), dg.get(), du.get()});
            gemm(st, o.up_dw, dg.get(), A.m.get(), G(lp.wg));
            gemm(st, o.up_dw, du.get(), A.m.get(), G(lp.wu));
            gemm(st, o.up_dx, dg.get(), P(lp.wg), dm.get());
            gemm(st, o.up_dx_acc, du.get(), P(lp.wu), dm.get());
            st.launch(o.norm_bwd, {A.hm.get(), P(lp.mlp_norm), dm.get(), dx.get(), G(lp.mlp_norm)});
            st.launch(o.add, {dh.get(), dx.get(), dh2.get()});  // gradient of hm
            gemm(st, o.qkvo_dw, dh2.get(), A.att.get(), G(lp.wo));
            gemm(st, o.qkvo_dx, dh2.get(), P(lp.wo), datt.get());
            st.launch(o.attn_bwd, {A.q.get(), A.k.get(), A.v.get(), datt.get(), dqr.get(), dkr.get(), dv.get()});
            st.launch(o.rope_inv, {dqr.get(), dq.get()});
            st.launch(o.rope_inv, {dkr.get(), dk.get()});
            gemm(st, o.qkvo_dw, dq.get(), A.a.get(), G(lp.wq));
            gemm(st, o.qkvo_dw, dk.get(), A.a.get(), G(lp.wk));
            gemm(st, o.qkvo_dw, dv.get(), A.a.get(), G(lp.wv));
            gemm(st, o.qkvo_dx, dq.get(), P(lp.wq), da.get());
            gemm(st, o.qkvo_dx_acc, dk.get(), P(lp.wk), da.get());
            gemm(st, o.qkvo_dx_acc, dv.get(), P(lp.wv), da.get());
            st.launch(o.norm_bwd, {A.h.get(), P(lp.attn_norm), da.get(), dx.get(), G(lp.attn_norm)});
            st.launch(o.add, {dh2.get(), dx.get(), dh.get()});
        }
        st.launch(o.scatter, {dh.get(), tok, ones.get(), G(ix.embed)});
    }

    void adamw(Stream& st, const TrainShape& s, std::int64_t step) {
        for (auto& p : params)
            st.launch(nnop::adamw(p.n, step, lr, s.beta1, s.beta2, s.eps, s.weight_decay),
                      {p.p.get(), p.g.get(), p.m.get(), p.v.get()});
    }
};

DeviceModel::DeviceModel(Device& dev, const TrainShape& s, bk_path gemm_path, std::uint64_t seed)
    : m_(std::make_unique<Impl>(dev, s, gemm_path, seed)), s_(s) {
    const TaskRule rule = task_rule(s.vocab, seed);
    for (std::size_t b = 0; b < kBatchPool; ++b) {
        batches_.push_back(make_batch(rule, s.batch, s.seq, SplitMix64(seed ^ (0xBA7Cull << 16) ^ b).next()));
        const auto bytes = std::uint64_t(s.tokens()) * 4;
        m_->tokens.push_back(std::make_unique<Buffer>(dev, bytes));
        m_->targets.push_back(std::make_unique<Buffer>(dev, bytes));
        m_->tokens.back()->upload(batches_.back().tokens.data(), bytes);
        m_->targets.back()->upload(batches_.back().targets.data(), bytes);
    }
    reset();
}

DeviceModel::~DeviceModel() = default;

void DeviceModel::reset() {
    for (std::size_t i = 0; i < m_->params.size(); ++i) {
        auto& p = m_->params[i];
        p.p->upload(m_->init[i].data(), m_->init[i].size() * 4);
        p.m->fill(0);
        p.v->fill(0);
        p.g->fill(0);
    }
    step_ = 0;
}

void DeviceModel::step(Stream& st) {
    last_batch_ = std::size_t(step_) % kBatchPool;
    m_->forward_backward(st, s_, last_batch_);
    ++step_;
    m_->adamw(st, s_, step_);
}

void DeviceModel::forward_backward(Stream& st, std::size_t b) {
    last_batch_ = b % kBatchPool;
    m_->forward_backward(st, s_, last_batch_);
}

std::vector<float> DeviceModel::row_losses() const {
    std::vector<float> v(std::size_t(s_.tokens()));
    m_->loss->download(v.data(), v.size() * 4);
    return v;
}

std::vector<float> DeviceModel::grad(std::size_t i) const {
    std::vector<float> v(std::size_t(m_->params.at(i).n));
    m_->params[i].g->download(v.data(), v.size() * 4);
    return v;
}

std::vector<float> DeviceModel::value(std::size_t i) const {
    std::vector<float> v(std::size_t(m_->params.at(i).n));
    m_->params[i].p->download(v.data(), v.size() * 4);
    return v;
}

void DeviceModel::set_value(std::size_t i, const std::vector<float>& v) {
    if (v.size() != std::size_t(m_->params.at(i).n)) throw std::invalid_argument("set_value: wrong element count");
    m_->params[i].p->upload(v.data(), v.size() * 4);
}

void DeviceModel::poison_outputs() { m_->loss->fill(0x7FC00000u); }

bk_op_desc DeviceModel::main_op() const { return m_->ops.head; }

std::vector<bk_op_desc> train_ops(const TrainShape& s, bk_path gp) {
    const StepOps o(s, gp);
    return {o.embed,   o.norm,      o.norm_bwd, o.rope,   o.rope_inv,   o.attn,    o.attn_bwd,
            o.add,     o.swiglu,    o.swiglu_bwd, o.ce,   o.scatter,    o.qkvo,    o.qkvo_dx,
            o.qkvo_dx_acc, o.qkvo_dw, o.up,     o.up_dw,  o.down,       o.down_dx, o.down_dw,
            o.head,    o.head_dx,   o.head_dw,
            nnop::adamw(s.dim, 1, s.lr, s.beta1, s.beta2, s.eps, s.weight_decay)};
}

}  // namespace bakeoff::train
