#include "workloads/train/train_host.h"

#include "numeric/rng.h"
#include "nn/reference.h"
#include "workloads/op_desc.h"

#include <cmath>

namespace bakeoff::train {

namespace {

using Vec = std::vector<double>;

// C [m, n] (= or +=) op(A) op(B) in fp64, as BK_OP_GEMM.
void gemm(const Vec& a, const Vec& b, Vec& c, std::int64_t m, std::int64_t n, std::int64_t k, bool ta, bool tb,
          double beta = 0) {
    c.resize(std::size_t(m * n));
    nnref::gemm(a.data(), b.data(), c.data(), nnop::gemm_shape(m, n, k, ta, tb, beta));
}

Vec add(const Vec& x, const Vec& y) {
    Vec r(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) r[i] = x[i] + y[i];
    return r;
}

struct LayerActs {
    Vec h, a, q, k, v, att, hm, m, g, u, s;
};

}  // namespace

std::vector<std::vector<float>> initial_weights(const TrainShape& s, std::uint64_t seed) {
    std::vector<std::vector<float>> out;
    std::uint64_t i = 0;
    for (const auto& spec : train_param_specs(s)) {
        std::vector<float> v(std::size_t(spec.size()), 1.0f);
        SplitMix64 mix(seed ^ (0x51EDull << 20) ^ ++i);  // one stream per tensor
        if (spec.init == Init::uniform) fill_uniform(v.data(), v.size(), mix.next(), float(-spec.scale), float(spec.scale));
        out.push_back(std::move(v));
    }
    return out;
}

HostParams initial_params(const TrainShape& s, std::uint64_t seed) {
    HostParams out;
    for (const auto& v : initial_weights(s, seed)) out.emplace_back(v.begin(), v.end());
    return out;
}

HostResult host_step(const TrainShape& s, const HostParams& p, const Batch& b, bool backward) {
    const std::int64_t T = s.tokens(), D = s.dim, F = s.ffn, V = s.vocab, L = s.layers;
    const std::int64_t B = s.batch, S = s.seq, H = s.heads, hd = s.head_dim();
    const ParamIndex ix = train_param_index(s);
    bk_attention_op at{};
    at.batch = B;
    at.heads = at.kv_heads = H;
    at.seq_q = at.seq_kv = at.kv_capacity = S;
    at.head_dim = hd;
    at.causal = 1;
    at.scale = 1.0 / std::sqrt(double(hd));
    const std::size_t TD = std::size_t(T * D), TF = std::size_t(T * F);

    std::vector<LayerActs> acts(static_cast<std::size_t>(L));
    Vec h(TD);
    nnref::embedding(p[ix.embed].data(), b.tokens.data(), h.data(), T, D);
    Vec tmp;
    for (std::int64_t l = 0; l < L; ++l) {
        const LayerParams& lp = ix.layers[std::size_t(l)];
        LayerActs& A = acts[std::size_t(l)];
        A.h = h;
        A.a.resize(TD);
        nnref::rmsnorm(A.h.data(), p[lp.attn_norm].data(), A.a.data(), T, D, kNormEps);
        Vec qraw, kraw;
        gemm(A.a, p[lp.wq], qraw, T, D, D, false, true);
        gemm(A.a, p[lp.wk], kraw, T, D, D, false, true);
        gemm(A.a, p[lp.wv], A.v, T, D, D, false, true);
        A.q.resize(TD);
        A.k.resize(TD);
        nnref::rope(qraw.data(), A.q.data(), B, S, H, hd, 0, kRopeTheta, false);
        nnref::rope(kraw.data(), A.k.data(), B, S, H, hd, 0, kRopeTheta, false);
        A.att.resize(TD);
        nnref::attention(A.q.data(), A.k.data(), A.v.data(), A.att.data(), at);
        gemm(A.att, p[lp.wo], tmp, T, D, D, false, true);
        A.hm = add(A.h, tmp);
        A.m.resize(TD);
        nnref::rmsnorm(A.hm.data(), p[lp.mlp_norm].data(), A.m.data(), T, D, kNormEps);
        gemm(A.m, p[lp.wg], A.g, T, F, D, false, true);
        gemm(A.m, p[lp.wu], A.u, T, F, D, false, true);
        A.s.resize(TF);
        nnref::swiglu(A.g.data(), A.u.data(), A.s.data(), std::int64_t(TF));
        gemm(A.s, p[lp.wd], tmp, T, D, F, false, true);
        h = add(A.hm, tmp);
    }
    Vec fn(TD), logits;
    nnref::rmsnorm(h.data(), p[ix.final_norm].data(), fn.data(), T, D, kNormEps);
    gemm(fn, p[ix.lm_head], logits, T, V, D, false, true);
    HostResult r;
    r.row_loss.resize(std::size_t(T));
    Vec dlogits(logits.size());
    nnref::cross_entropy(logits.data(), b.targets.data(), r.row_loss.data(), dlogits.data(), T, V);
    for (double x : r.row_loss) r.loss += x;
    r.loss /= double(T);
    if (!backward) return r;

    r.grads.resize(p.size());
    gemm(dlogits, fn, r.grads[ix.lm_head], V, D, T, true, false);
    Vec dfn, dh(TD), dx(TD);
    gemm(dlogits, p[ix.lm_head], dfn, T, D, V, false, false);
    r.grads[ix.final_norm].resize(std::size_t(D));
    nnref::rmsnorm_bwd(h.data(), p[ix.final_norm].data(), dfn.data(), dh.data(), r.grads[ix.final_norm].data(), T, D,
                       kNormEps);
    for (std::int64_t l = L - 1; l >= 0; --l) {
        const LayerParams& lp = ix.layers[std::size_t(l)];
        const LayerActs& A = acts[std::size_t(l)];
        // MLP branch: dh is the gradient of the layer's output.
        Vec ds, dg(TF), du(TF), dm;
        gemm(dh, A.s, r.grads[lp.wd], D, F, T, true, false);
        gemm(dh, p[lp.wd], ds, T, F, D, false, false);
        nnref::swiglu_bwd(A.g.data(), A.u.data(), ds.data(), dg.data(), du.data(), std::int64_t(TF));
        gemm(dg, A.m, r.grads[lp.wg], F, D, T, true, false);
        gemm(du, A.m, r.grads[lp.wu], F, D, T, true, false);
        gemm(dg, p[lp.wg], dm, T, D, F, false, false);
        gemm(du, p[lp.wu], dm, T, D, F, false, false, 1.0);
        r.grads[lp.mlp_norm].resize(std::size_t(D));
        nnref::rmsnorm_bwd(A.hm.data(), p[lp.mlp_norm].data(), dm.data(), dx.data(), r.grads[lp.mlp_norm].data(), T,
                           D, kNormEps);
        const Vec dhm = add(dh, dx);
        // Attention branch.
        Vec datt, dqr(TD), dkr(TD), dv(TD), dq(TD), dk(TD), da;
        gemm(dhm, A.att, r.grads[lp.wo], D, D, T, true, false);
        gemm(dhm, p[lp.wo], datt, T, D, D, false, false);
        nnref::attention_bwd(A.q.data(), A.k.data(), A.v.data(), datt.data(), dqr.data(), dkr.data(), dv.data(), at);
        nnref::rope(dqr.data(), dq.data(), B, S, H, hd, 0, kRopeTheta, true);
        nnref::rope(dkr.data(), dk.data(), B, S, H, hd, 0, kRopeTheta, true);
        gemm(dq, A.a, r.grads[lp.wq], D, D, T, true, false);
        gemm(dk, A.a, r.grads[lp.wk], D, D, T, true, false);
        gemm(dv, A.a, r.grads[lp.wv], D, D, T, true, false);
        gemm(dq, p[lp.wq], da, T, D, D, false, false);
        gemm(dk, p[lp.wk], da, T, D, D, false, false, 1.0);
        gemm(dv, p[lp.wv], da, T, D, D, false, false, 1.0);
        r.grads[lp.attn_norm].resize(std::size_t(D));
        nnref::rmsnorm_bwd(A.h.data(), p[lp.attn_norm].data(), da.data(), dx.data(), r.grads[lp.attn_norm].data(), T,
                           D, kNormEps);
        dh = add(dhm, dx);
    }
    r.grads[ix.embed].assign(std::size_t(V * D), 0.0);
    const Vec ones(std::size_t(T), 1.0);
    nnref::scatter_add(dh.data(), b.tokens.data(), ones.data(), r.grads[ix.embed].data(), T, D);
    return r;
}

}  // namespace bakeoff::train
