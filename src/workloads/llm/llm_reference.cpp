#include "workloads/llm/llm_reference.h"

#include "nn/reference.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace bakeoff::llm {

namespace {

std::size_t tensor_index(const WeightSource& w, TensorKind k, int layer) {
    const auto& t = w.tensors();
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].kind == k && t[i].layer == layer) return i;
    throw std::logic_error("llm reference: tensor missing from the model");
}

// y[r, :] += b for every row of y.
void add_bias(std::vector<double>& y, const std::vector<double>& b) {
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += b[i % b.size()];
}

}  // namespace

void round_activations(bk_dtype t, double* v, std::size_t n) {
    if (t == BK_F64 || t == BK_F32) return;
    for (std::size_t i = 0; i < n; ++i) {
        float f = float(v[i]);
        round_to_storage(t, &f, 1);
        v[i] = f;
    }
}

void ref_linear(const double* x, const double* w, double* y, std::int64_t rows, std::int64_t n, std::int64_t k) {
    // Weight rows outside, token rows inside: each weight row is read from
    // memory once and meets every token row while it is in cache.
#pragma omp parallel for schedule(static) if (rows * n * k > 100000)
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t r = 0; r < rows; ++r) {
            const double* xr = x + r * k;
            const double* wj = w + j * k;
            double acc = 0;
            for (std::int64_t i = 0; i < k; ++i) acc += xr[i] * wj[i];
            y[r * n + j] = acc;
        }
}

std::vector<double> ref_residual(const RefForward& f, int layers, const std::vector<std::int64_t>& out_rows) {
    const WeightSource& w = *f.weights;
    const LlmConfig& c = w.config();
    const std::int64_t T = f.batch * f.seq, D = c.dim, kvd = c.kv_dim(), qd = c.q_dim();
    const std::int64_t ctx = f.pos + f.seq;  // positions in the host cache
    if (layers < 0) layers = int(c.layers);
    if (std::int64_t(f.tokens.size()) != T) throw std::invalid_argument("llm reference: token count != batch x seq");

    std::vector<std::int64_t> all(static_cast<std::size_t>(T));
    std::iota(all.begin(), all.end(), 0);

    // x: residual rows, indexed by token row (only `active` rows are valid in the last layer).
    std::vector<double> x(std::size_t(T * D));
    {
        const std::size_t e = tensor_index(w, TensorKind::embed, -1);
        std::vector<float> row(static_cast<std::size_t>(D));
        for (std::int64_t r = 0; r < T; ++r) {
            w.rows(e, f.tokens[std::size_t(r)], f.tokens[std::size_t(r)] + 1, row.data());
            for (std::int64_t j = 0; j < D; ++j) x[std::size_t(r * D + j)] = row[std::size_t(j)];
        }
    }
    std::vector<double> h(std::size_t(T * D)), k(std::size_t(T * kvd)), v(std::size_t(T * kvd)), kr(k.size());
    std::vector<double> kc(std::size_t(f.batch * ctx * kvd)), vc(kc.size());
    std::vector<float> crow(static_cast<std::size_t>(kvd));
    const std::vector<double> freq = rope_frequencies(c);
    for (int l = 0; l < layers; ++l) {
        const bool last = l == layers - 1;
        const std::vector<std::int64_t>& active = last ? out_rows : all;
        auto W = [&](TensorKind kind) { return w.tensor_f64(tensor_index(w, kind, l)); };
        const auto attn_norm = W(TensorKind::attn_norm), ffn_norm = W(TensorKind::ffn_norm);

        nnref::rmsnorm(x.data(), attn_norm.data(), h.data(), T, D, c.norm_eps);
        round_activations(f.act_dtype, h.data(), h.size());
        ref_linear(h.data(), W(TensorKind::wk).data(), k.data(), T, kvd, D);
        ref_linear(h.data(), W(TensorKind::wv).data(), v.data(), T, kvd, D);
        if (c.qkv_bias) {
            add_bias(k, W(TensorKind::bk));
            add_bias(v, W(TensorKind::bv));
        }
        nnref::rope_freq(k.data(), kr.data(), f.batch, f.seq, c.kv_heads, c.head_dim, f.pos, freq.data(), false);
        round_activations(f.act_dtype, kr.data(), kr.size());
        round_activations(f.act_dtype, v.data(), v.size());
        for (std::int64_t b = 0; b < f.batch; ++b) {
            for (std::int64_t p = 0; p < f.pos; ++p)
                for (int kv = 0; kv < 2; ++kv) {
                    cache_row(f.cache_seed, l, kv, b, p, kvd, crow.data());
                    round_to_storage(f.kv_dtype, crow.data(), kvd);  // as the device's cache holds them
                    double* dst = (kv == 0 ? kc : vc).data() + (b * ctx + p) * kvd;
                    for (std::int64_t j = 0; j < kvd; ++j) dst[j] = crow[std::size_t(j)];
                }
            for (std::int64_t s = 0; s < f.seq; ++s)
                for (std::int64_t j = 0; j < kvd; ++j) {
                    kc[std::size_t((b * ctx + f.pos + s) * kvd + j)] = kr[std::size_t((b * f.seq + s) * kvd + j)];
                    vc[std::size_t((b * ctx + f.pos + s) * kvd + j)] = v[std::size_t((b * f.seq + s) * kvd + j)];
                }
        }
        // The rest, row by row for the active rows.
        const auto wq = W(TensorKind::wq), wo = W(TensorKind::wo);
        const auto wg = W(TensorKind::wgate), wu = W(TensorKind::wup), wd = W(TensorKind::wdown);
        const std::int64_t A = std::int64_t(active.size());
        std::vector<double> ha(std::size_t(A * D)), q(std::size_t(A * qd)), qr(q.size()), ao(q.size());
        for (std::int64_t i = 0; i < A; ++i)
            std::copy_n(h.begin() + active[std::size_t(i)] * D, D, ha.begin() + i * D);
        ref_linear(ha.data(), wq.data(), q.data(), A, qd, D);
        if (c.qkv_bias) add_bias(q, W(TensorKind::bq));
        for (std::int64_t i = 0; i < A; ++i) {
            const std::int64_t r = active[std::size_t(i)], b = r / f.seq, s = r % f.seq;
            nnref::rope_freq(q.data() + i * qd, qr.data() + i * qd, 1, 1, c.heads, c.head_dim, f.pos + s,
                             freq.data(), false);
            round_activations(f.act_dtype, qr.data() + i * qd, std::size_t(qd));
            // One query at position pos + s of sequence b sees keys [0, pos + s].
            bk_attention_op a{};
            a.batch = 1;
            a.heads = c.heads;
            a.kv_heads = c.kv_heads;
            a.seq_q = 1;
            a.seq_kv = f.pos + s + 1;
            a.kv_capacity = ctx;
            a.head_dim = c.head_dim;
            a.causal = 1;
            a.scale = 1.0 / std::sqrt(double(c.head_dim));
            nnref::attention(qr.data() + i * qd, kc.data() + b * ctx * kvd, vc.data() + b * ctx * kvd,
                             ao.data() + i * qd, a);
            round_activations(f.act_dtype, ao.data() + i * qd, std::size_t(qd));
        }
        std::vector<double> o(std::size_t(A * D)), x1(std::size_t(A * D)), h2(x1.size());
        ref_linear(ao.data(), wo.data(), o.data(), A, D, qd);
        for (std::int64_t i = 0; i < A; ++i)
            for (std::int64_t j = 0; j < D; ++j)
                x1[std::size_t(i * D + j)] = x[std::size_t(active[std::size_t(i)] * D + j)] + o[std::size_t(i * D + j)];
        nnref::rmsnorm(x1.data(), ffn_norm.data(), h2.data(), A, D, c.norm_eps);
        round_activations(f.act_dtype, h2.data(), h2.size());
        std::vector<double> g(std::size_t(A * c.ffn)), u(g.size()), sw(g.size()), d(std::size_t(A * D));
        ref_linear(h2.data(), wg.data(), g.data(), A, c.ffn, D);
        ref_linear(h2.data(), wu.data(), u.data(), A, c.ffn, D);
        nnref::swiglu(g.data(), u.data(), sw.data(), A * c.ffn);
        round_activations(f.act_dtype, sw.data(), sw.size());
        ref_linear(sw.data(), wd.data(), d.data(), A, D, c.ffn);
        for (std::int64_t i = 0; i < A; ++i)
            for (std::int64_t j = 0; j < D; ++j)
                x[std::size_t(active[std::size_t(i)] * D + j)] = x1[std::size_t(i * D + j)] + d[std::size_t(i * D + j)];
    }
    std::vector<double> out(out_rows.size() * std::size_t(D));
    for (std::size_t i = 0; i < out_rows.size(); ++i)
        std::copy_n(x.begin() + out_rows[i] * D, D, out.begin() + std::int64_t(i) * D);
    return out;
}

std::vector<double> ref_logits(const WeightSource& w, const std::vector<double>& x, std::vector<std::int64_t> ids,
                               bk_dtype act_dtype) {
    const LlmConfig& c = w.config();
    const std::int64_t D = c.dim, n = std::int64_t(x.size()) / D;
    if (ids.empty()) {
        ids.resize(std::size_t(c.vocab));
        std::iota(ids.begin(), ids.end(), 0);
    }
    const auto norm = w.tensor_f64(tensor_index(w, TensorKind::final_norm, -1));
    std::vector<double> h(x.size());
    nnref::rmsnorm(x.data(), norm.data(), h.data(), n, D, c.norm_eps);
    round_activations(act_dtype, h.data(), h.size());
    const std::size_t head = tensor_index(w, c.tied ? TensorKind::embed : TensorKind::lm_head, -1);
    std::vector<double> out(std::size_t(n) * ids.size());
    const std::int64_t count = std::int64_t(ids.size());
#pragma omp parallel if (count * n * D > 1000000)
    {
        std::vector<float> row(static_cast<std::size_t>(D));
#pragma omp for schedule(static)
        for (std::int64_t v = 0; v < count; ++v) {
            w.rows(head, ids[std::size_t(v)], ids[std::size_t(v)] + 1, row.data());
            for (std::int64_t r = 0; r < n; ++r) {
                double acc = 0;
                for (std::int64_t j = 0; j < D; ++j) acc += h[std::size_t(r * D + j)] * row[std::size_t(j)];
                out[std::size_t(r * count + v)] = acc;
            }
        }
    }
    return out;
}

}  // namespace bakeoff::llm
