// The fp64 references of the neural-network ops: straight loops that follow
// the ABI comments literally. Correctness over speed; the conformance shapes
// and the model workloads' verification sizes are small enough for them.
#include "nn/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace bakeoff::nnref {

namespace {

double silu(double g) { return g / (1.0 + std::exp(-g)); }

// The query position of query i (see BK_OP_ATTENTION).
std::int64_t query_pos(const bk_attention_op& a, std::int64_t i) { return a.seq_kv - a.seq_q + i; }

// Number of keys query i may read: all seq_kv, or up to its own position.
std::int64_t keys_seen(const bk_attention_op& a, std::int64_t i) {
    if (!a.causal) return a.seq_kv;
    return std::clamp<std::int64_t>(query_pos(a, i) + 1, 0, a.seq_kv);
}

// Softmax of row x[0..n) into p (max-subtracted, so large logits do not overflow).
void softmax_row(const double* x, double* p, std::int64_t n) {
    double mx = -std::numeric_limits<double>::infinity();
    for (std::int64_t j = 0; j < n; ++j) mx = std::max(mx, x[j]);
    double sum = 0;
    for (std::int64_t j = 0; j < n; ++j) sum += (p[j] = std::exp(x[j] - mx));
    for (std::int64_t j = 0; j < n; ++j) p[j] /= sum;
}

}  // namespace

void rmsnorm(const double* x, const double* w, double* y, std::int64_t rows, std::int64_t dim, double eps) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const double* xr = x + r * dim;
        double ss = 0;
        for (std::int64_t j = 0; j < dim; ++j) ss += xr[j] * xr[j];
        const double inv = 1.0 / std::sqrt(ss / double(dim) + eps);
        for (std::int64_t j = 0; j < dim; ++j) y[r * dim + j] = xr[j] * inv * w[j];
    }
}

void rope(const double* x, double* y, std::int64_t batch, std::int64_t seq, std::int64_t heads,
          std::int64_t head_dim, std::int64_t pos_offset, double theta, bool inverse) {
    std::vector<double> freq(std::size_t(head_dim / 2));
    for (std::size_t i = 0; i < freq.size(); ++i) freq[i] = std::pow(theta, -2.0 * double(i) / double(head_dim));
    rope_freq(x, y, batch, seq, heads, head_dim, pos_offset, freq.data(), inverse);
}

void rope_freq(const double* x, double* y, std::int64_t batch, std::int64_t seq, std::int64_t heads,
               std::int64_t head_dim, std::int64_t pos_offset, const double* freq, bool inverse) {
    const std::int64_t h = head_dim / 2;
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t s = 0; s < seq; ++s) {
            const double p = double(pos_offset + s);
            for (std::int64_t hd = 0; hd < heads; ++hd) {
                const std::int64_t base = ((b * seq + s) * heads + hd) * head_dim;
                for (std::int64_t i = 0; i < h; ++i) {
                    const double ang = (inverse ? -p : p) * freq[i];
                    const double c = std::cos(ang), sn = std::sin(ang);
                    const double a0 = x[base + i], a1 = x[base + i + h];
                    y[base + i] = a0 * c - a1 * sn;
                    y[base + i + h] = a1 * c + a0 * sn;
                }
                // An odd head_dim leaves its last element unpaired: copied.
                if (head_dim % 2) y[base + head_dim - 1] = x[base + head_dim - 1];
            }
        }
}

void softmax(const double* x, double* y, std::int64_t rows, std::int64_t dim) {
    for (std::int64_t r = 0; r < rows; ++r) softmax_row(x + r * dim, y + r * dim, dim);
}

void swiglu(const double* g, const double* u, double* y, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) y[i] = silu(g[i]) * u[i];
}

void embedding(const double* table, const std::int32_t* ids, double* y, std::int64_t rows, std::int64_t dim) {
    for (std::int64_t r = 0; r < rows; ++r)
        std::copy(table + std::int64_t(ids[r]) * dim, table + std::int64_t(ids[r] + 1) * dim, y + r * dim);
}

void attention(const double* q, const double* k, const double* v, double* o, const bk_attention_op& a) {
    const std::int64_t D = a.head_dim, group = a.heads / a.kv_heads;
    std::vector<double> s(std::size_t(std::max<std::int64_t>(a.seq_kv, 1))), p(s.size());
    for (std::int64_t b = 0; b < a.batch; ++b)
        for (std::int64_t h = 0; h < a.heads; ++h) {
            const std::int64_t kh = h / group;
            for (std::int64_t i = 0; i < a.seq_q; ++i) {
                const double* qi = q + ((b * a.seq_q + i) * a.heads + h) * D;
                double* oi = o + ((b * a.seq_q + i) * a.heads + h) * D;
                const std::int64_t n = keys_seen(a, i);
                for (std::int64_t j = 0; j < n; ++j) {
                    const double* kj = k + ((b * a.kv_capacity + j) * a.kv_heads + kh) * D;
                    double dot = 0;
                    for (std::int64_t d = 0; d < D; ++d) dot += qi[d] * kj[d];
                    s[std::size_t(j)] = a.scale * dot;
                }
                softmax_row(s.data(), p.data(), n);
                for (std::int64_t d = 0; d < D; ++d) oi[d] = 0;
                for (std::int64_t j = 0; j < n; ++j) {
                    const double* vj = v + ((b * a.kv_capacity + j) * a.kv_heads + kh) * D;
                    for (std::int64_t d = 0; d < D; ++d) oi[d] += p[std::size_t(j)] * vj[d];
                }
            }
        }
}

void topk_route(const double* logits, std::int32_t* idx, double* weight, const bk_route_op& r) {
    const std::int64_t E = r.experts;
    std::vector<double> s(static_cast<std::size_t>(E));
    std::vector<std::int32_t> order(static_cast<std::size_t>(E));
    for (std::int64_t t = 0; t < r.tokens; ++t) {
        const double* l = logits + t * E;
        if (r.score_fn == 0)
            softmax_row(l, s.data(), E);
        else
            for (std::int64_t e = 0; e < E; ++e) s[std::size_t(e)] = 1.0 / (1.0 + std::exp(-l[e]));
        std::iota(order.begin(), order.end(), 0);
        // Falling score, ties by lower index: a stable sort on score keeps the index order.
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int32_t x, std::int32_t y) { return s[std::size_t(x)] > s[std::size_t(y)]; });
        double sum = 0;
        for (std::int64_t j = 0; j < r.top_k; ++j) sum += s[std::size_t(order[std::size_t(j)])];
        for (std::int64_t j = 0; j < r.top_k; ++j) {
            const std::int32_t e = order[std::size_t(j)];
            idx[t * r.top_k + j] = e;
            weight[t * r.top_k + j] = r.normalize ? s[std::size_t(e)] / sum : s[std::size_t(e)];
        }
    }
}

void scatter_add(const double* x, const std::int32_t* ids, const double* w, double* y, std::int64_t rows,
                 std::int64_t dim) {
    for (std::int64_t i = 0; i < rows; ++i) {
        double* yr = y + std::int64_t(ids[i]) * dim;
        for (std::int64_t j = 0; j < dim; ++j) yr[j] += w[i] * x[i * dim + j];
    }
}

void rmsnorm_bwd(const double* x, const double* w, const double* dy, double* dx, double* dw, std::int64_t rows,
                 std::int64_t dim, double eps) {
    std::fill(dw, dw + dim, 0.0);
    for (std::int64_t r = 0; r < rows; ++r) {
        const double* xr = x + r * dim;
        const double* gr = dy + r * dim;
        double ss = 0, dot = 0;
        for (std::int64_t j = 0; j < dim; ++j) {
            ss += xr[j] * xr[j];
            dot += gr[j] * w[j] * xr[j];
        }
        const double inv = 1.0 / std::sqrt(ss / double(dim) + eps);
        // d/dx_j of x_k inv w_k: inv w_j delta_jk - x_k w_k inv^3 x_j / dim.
        const double c = dot * inv * inv * inv / double(dim);
        for (std::int64_t j = 0; j < dim; ++j) {
            dx[r * dim + j] = gr[j] * w[j] * inv - xr[j] * c;
            dw[j] += gr[j] * xr[j] * inv;
        }
    }
}

void swiglu_bwd(const double* g, const double* u, const double* dy, double* dg, double* du, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
        const double sg = 1.0 / (1.0 + std::exp(-g[i]));
        const double dsilu = sg * (1.0 + g[i] * (1.0 - sg));
        dg[i] = dy[i] * u[i] * dsilu;
        du[i] = dy[i] * g[i] * sg;
    }
}

void attention_bwd(const double* q, const double* k, const double* v, const double* dout, double* dq, double* dk,
                   double* dv, const bk_attention_op& a) {
    const std::int64_t D = a.head_dim, group = a.heads / a.kv_heads, S = a.seq_q;
    const std::int64_t cap = a.kv_capacity;
    std::fill(dq, dq + a.batch * S * a.heads * D, 0.0);
    std::fill(dk, dk + a.batch * cap * a.kv_heads * D, 0.0);
    std::fill(dv, dv + a.batch * cap * a.kv_heads * D, 0.0);
    std::vector<double> s(std::size_t(std::max<std::int64_t>(a.seq_kv, 1))), p(s.size()), dp(s.size());
    auto qat = [&](std::int64_t b, std::int64_t i, std::int64_t h) { return ((b * S + i) * a.heads + h) * D; };
    auto kat = [&](std::int64_t b, std::int64_t j, std::int64_t kh) { return ((b * cap + j) * a.kv_heads + kh) * D; };
    for (std::int64_t b = 0; b < a.batch; ++b)
        for (std::int64_t h = 0; h < a.heads; ++h) {
            const std::int64_t kh = h / group;
            for (std::int64_t i = 0; i < S; ++i) {
                const std::int64_t n = keys_seen(a, i);
                const double* qi = q + qat(b, i, h);
                const double* gi = dout + qat(b, i, h);
                for (std::int64_t j = 0; j < n; ++j) {
                    double dot = 0, dgv = 0;
                    for (std::int64_t d = 0; d < D; ++d) {
                        dot += qi[d] * k[kat(b, j, kh) + d];
                        dgv += gi[d] * v[kat(b, j, kh) + d];
                    }
                    s[std::size_t(j)] = a.scale * dot;
                    dp[std::size_t(j)] = dgv;
                }
                softmax_row(s.data(), p.data(), n);
                // dS_j = P_j (dP_j - sum_l P_l dP_l).
                double pdp = 0;
                for (std::int64_t j = 0; j < n; ++j) pdp += p[std::size_t(j)] * dp[std::size_t(j)];
                for (std::int64_t j = 0; j < n; ++j) {
                    const double ds = p[std::size_t(j)] * (dp[std::size_t(j)] - pdp) * a.scale;
                    for (std::int64_t d = 0; d < D; ++d) {
                        dq[qat(b, i, h) + d] += ds * k[kat(b, j, kh) + d];
                        dk[kat(b, j, kh) + d] += ds * qi[d];
                        dv[kat(b, j, kh) + d] += p[std::size_t(j)] * gi[d];
                    }
                }
            }
        }
}

void cross_entropy(const double* x, const std::int32_t* t, double* loss, double* dx, std::int64_t rows,
                   std::int64_t dim) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const double* xr = x + r * dim;
        double mx = -std::numeric_limits<double>::infinity();
        for (std::int64_t j = 0; j < dim; ++j) mx = std::max(mx, xr[j]);
        double sum = 0;
        for (std::int64_t j = 0; j < dim; ++j) sum += std::exp(xr[j] - mx);
        const double lse = mx + std::log(sum);
        loss[r] = lse - xr[t[r]];
        for (std::int64_t j = 0; j < dim; ++j)
            dx[r * dim + j] = (std::exp(xr[j] - lse) - (j == t[r] ? 1.0 : 0.0)) / double(rows);
    }
}

void kv_write(const double* x, double* y, std::int64_t rows, std::int64_t dim, std::int64_t seq,
              std::int64_t capacity, std::int64_t pos_offset) {
    const std::int64_t batch = rows / seq;
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t s = 0; s < seq; ++s)
            std::copy(x + (b * seq + s) * dim, x + (b * seq + s + 1) * dim, y + (b * capacity + pos_offset + s) * dim);
}

void adamw(double* p, const double* g, double* m, double* v, const bk_adamw_op& a) {
    const double c1 = 1.0 - std::pow(a.beta1, double(a.step));
    const double c2 = 1.0 - std::pow(a.beta2, double(a.step));
    for (std::int64_t i = 0; i < a.n; ++i) {
        m[i] = a.beta1 * m[i] + (1.0 - a.beta1) * g[i];
        v[i] = a.beta2 * v[i] + (1.0 - a.beta2) * g[i] * g[i];
        p[i] -= a.lr * ((m[i] / c1) / (std::sqrt(v[i] / c2) + a.eps) + a.weight_decay * p[i]);
    }
}

void gemm(const double* a, const double* b, double* c, const bk_gemm_op& g) {
    for (std::int64_t i = 0; i < g.m; ++i)
        for (std::int64_t j = 0; j < g.n; ++j) {
            double acc = 0;
            for (std::int64_t l = 0; l < g.k; ++l) {
                const double av = g.trans_a ? a[l * g.lda + i] : a[i * g.lda + l];
                const double bv = g.trans_b ? b[j * g.ldb + l] : b[l * g.ldb + j];
                acc += av * bv;
            }
            double& out = c[i * g.ldc + j];
            out = g.beta == 0 ? g.alpha * acc : g.alpha * acc + g.beta * out;
        }
}

}  // namespace bakeoff::nnref
