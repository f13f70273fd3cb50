// Scaled-dot-product attention, forward and backward, with grouped-query
// heads and a KV cache.
//
// Forward: parallel over (batch, KV head, block of 16 queries); a task takes
// the query heads that read its KV head (grouped-query attention), so each key
// block is read once for all of them (and, for bf16 and f16, widened to f32 once).
// The block walks the keys in blocks of 64 with an online (streaming) softmax
// per (query, head) row: a running max m, running sum l and an unnormalised
// output, rescaled by exp(m_old - m_new) when the max grows, so no seq x seq
// matrix exists and long caches need O(head_dim) state per row. Key blocks
// past a query's causal limit are never computed.
//
// Backward (seq_q == seq_kv == kv_capacity): parallel over (batch, KV head);
// the task owns dk and dv of its KV head, so the query heads of its group add
// into them without races; scores are recomputed per query row.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "nn_ops.h"
#include "nn_types.h"

namespace bk_cpu {
namespace {

constexpr int64_t kQueryBlock = 16;
constexpr int64_t kKeyBlock = 64;

// Keys query i reads: all seq_kv, or up to its position seq_kv - seq_q + i.
int64_t keys_seen(const bk_attention_op& a, int64_t i) {
    if (!a.causal) return a.seq_kv;
    return std::clamp<int64_t>(a.seq_kv - a.seq_q + i + 1, 0, a.seq_kv);
}

template <class T>
void attention_fwd(const bk_attention_op& a, const T* q, const T* k, const T* v, T* o) {
    using A = Acc<T>;
    const int64_t D = a.head_dim, H = a.heads, KH = a.kv_heads, group = H / KH;
    const int64_t qblocks = (a.seq_q + kQueryBlock - 1) / kQueryBlock;
    const int64_t tasks = a.batch * KH * qblocks;
    const A scale = static_cast<A>(a.scale);
    const int64_t work = a.batch * H * a.seq_q * a.seq_kv * D;
    parallel_for_dynamic(tasks, work, [&](int64_t task) {
        const int64_t qb = task % qblocks, kh = (task / qblocks) % KH, b = task / (qblocks * KH);
        const int64_t i0 = qb * kQueryBlock, i1 = std::min(a.seq_q, i0 + kQueryBlock), nq = i1 - i0;
        // Rows of this task: (query qi, head kh * group + g) at r = qi * group + g.
        const int64_t rows = nq * group;
        thread_local std::vector<A> qf, acc, m, l, s, kw, vw;
        qf.resize(size_t(rows * D));
        acc.assign(size_t(rows * D), A(0));
        m.assign(size_t(rows), -std::numeric_limits<A>::infinity());
        l.assign(size_t(rows), A(0));
        s.resize(size_t(kKeyBlock));
        for (int64_t qi = 0; qi < nq; ++qi)
            for (int64_t g = 0; g < group; ++g) {
                const T* qr = q + ((b * a.seq_q + i0 + qi) * H + kh * group + g) * D;
                for (int64_t d = 0; d < D; ++d) qf[size_t((qi * group + g) * D + d)] = ld(qr, d) * scale;
            }
        auto krow = [&](int64_t j) { return k + ((b * a.kv_capacity + j) * KH + kh) * D; };
        auto vrow = [&](int64_t j) { return v + ((b * a.kv_capacity + j) * KH + kh) * D; };
        const int64_t kmax = keys_seen(a, i1 - 1);  // the last query of the block sees the most
        for (int64_t j0 = 0; j0 < kmax; j0 += kKeyBlock) {
            const int64_t j1 = std::min(kmax, j0 + kKeyBlock);
            // The block's keys and values in the math type: read in place when
            // stored so, else widened once here for every row of the task.
            auto kat = [&](int64_t j) -> const A* {
                if constexpr (std::is_same_v<T, A>) return krow(j);
                else return kw.data() + (j - j0) * D;
            };
            auto vat = [&](int64_t j) -> const A* {
                if constexpr (std::is_same_v<T, A>) return vrow(j);
                else return vw.data() + (j - j0) * D;
            };
            if constexpr (!std::is_same_v<T, A>) {
                kw.resize(size_t(kKeyBlock * D));
                vw.resize(size_t(kKeyBlock * D));
                for (int64_t j = j0; j < j1; ++j) {
                    const T* kr = krow(j);
                    const T* vr = vrow(j);
                    A* kd = kw.data() + (j - j0) * D;
                    A* vd = vw.data() + (j - j0) * D;
#pragma omp simd
                    for (int64_t d = 0; d < D; ++d) {
                        kd[d] = ld(kr, d);
                        vd[d] = ld(vr, d);
                    }
                }
            }
            for (int64_t r = 0; r < rows; ++r) {
                const int64_t qi = r / group;
                const int64_t je = std::min(j1, keys_seen(a, i0 + qi));
                if (je <= j0) continue;  // masked for this query: not computed
                const A* qv = qf.data() + r * D;
                A bmax = -std::numeric_limits<A>::infinity();
                for (int64_t j = j0; j < je; ++j) {
                    const A* kr = kat(j);
                    A dot = 0;
#pragma omp simd reduction(+ : dot)
                    for (int64_t d = 0; d < D; ++d) dot += qv[d] * kr[d];
                    s[size_t(j - j0)] = dot;
                    bmax = std::max(bmax, dot);
                }
                A& mi = m[size_t(r)];
                A* ac = acc.data() + r * D;
                const A mnew = std::max(mi, bmax);
                if (mnew > mi) {
                    const A corr = std::exp(mi - mnew);  // 0 on the first block (mi = -inf)
                    l[size_t(r)] *= corr;
#pragma omp simd
                    for (int64_t d = 0; d < D; ++d) ac[d] *= corr;
                    mi = mnew;
                }
                A lsum = 0;
                for (int64_t j = j0; j < je; ++j) {
                    const A pj = std::exp(s[size_t(j - j0)] - mi);
                    lsum += pj;
                    const A* vr = vat(j);
#pragma omp simd
                    for (int64_t d = 0; d < D; ++d) ac[d] += pj * vr[d];
                }
                l[size_t(r)] += lsum;
            }
        }
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t qi = r / group, g = r % group;
            T* orow = o + ((b * a.seq_q + i0 + qi) * H + kh * group + g) * D;
            const A inv = A(1) / l[size_t(r)];
            const A* ac = acc.data() + r * D;
#pragma omp simd
            for (int64_t d = 0; d < D; ++d) st(orow, d, ac[d] * inv);
        }
    });
}

}  // namespace

void nn_attention(const bk_op_desc& op, NnPtrs p) {
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        attention_fwd<T>(op.u.attn, reinterpret_cast<const T*>(p[0]), reinterpret_cast<const T*>(p[1]),
                         reinterpret_cast<const T*>(p[2]), reinterpret_cast<T*>(p[3]));
    });
}

void nn_attention_bwd(const bk_op_desc& op, NnPtrs p) {
    const bk_attention_op& a = op.u.attn;
    const float* q = reinterpret_cast<const float*>(p[0]);
    const float* k = reinterpret_cast<const float*>(p[1]);
    const float* v = reinterpret_cast<const float*>(p[2]);
    const float* dout = reinterpret_cast<const float*>(p[3]);
    float* dq = reinterpret_cast<float*>(p[4]);
    float* dk = reinterpret_cast<float*>(p[5]);
    float* dv = reinterpret_cast<float*>(p[6]);
    const int64_t D = a.head_dim, H = a.heads, KH = a.kv_heads, group = H / KH, S = a.seq_q;
    const float scale = static_cast<float>(a.scale);
    const int64_t work = a.batch * H * S * S * D;
    parallel_for_dynamic(a.batch * KH, work, [&](int64_t task) {
        const int64_t b = task / KH, kh = task % KH;
        auto kvat = [&](int64_t j) { return ((b * S + j) * KH + kh) * D; };
        for (int64_t j = 0; j < S; ++j)
            for (int64_t d = 0; d < D; ++d) dk[kvat(j) + d] = dv[kvat(j) + d] = 0.0f;
        thread_local std::vector<float> s, dp;
        s.resize(size_t(S));
        dp.resize(size_t(S));
        for (int64_t h = kh * group; h < (kh + 1) * group; ++h)
            for (int64_t i = 0; i < S; ++i) {
                const int64_t n = keys_seen(a, i);
                const int64_t qat = ((b * S + i) * H + h) * D;
                const float* qi = q + qat;
                const float* gi = dout + qat;
                float mx = -std::numeric_limits<float>::infinity();
                for (int64_t j = 0; j < n; ++j) {
                    const float* kr = k + kvat(j);
                    const float* vr = v + kvat(j);
                    float dot = 0, dgv = 0;
#pragma omp simd reduction(+ : dot, dgv)
                    for (int64_t d = 0; d < D; ++d) {
                        dot += qi[d] * kr[d];
                        dgv += gi[d] * vr[d];
                    }
                    s[size_t(j)] = scale * dot;
                    dp[size_t(j)] = dgv;
                    mx = std::max(mx, s[size_t(j)]);
                }
                float sum = 0;
                for (int64_t j = 0; j < n; ++j) sum += (s[size_t(j)] = std::exp(s[size_t(j)] - mx));
                const float inv = 1.0f / sum;
                float pdp = 0;
                for (int64_t j = 0; j < n; ++j) {
                    s[size_t(j)] *= inv;  // now P
                    pdp += s[size_t(j)] * dp[size_t(j)];
                }
                float* dqi = dq + qat;
                for (int64_t d = 0; d < D; ++d) dqi[d] = 0.0f;
                for (int64_t j = 0; j < n; ++j) {
                    const float pj = s[size_t(j)];
                    const float ds = pj * (dp[size_t(j)] - pdp) * scale;
                    const float* kr = k + kvat(j);
                    float* dkr = dk + kvat(j);
                    float* dvr = dv + kvat(j);
#pragma omp simd
                    for (int64_t d = 0; d < D; ++d) {
                        dqi[d] += ds * kr[d];
                        dkr[d] += ds * qi[d];
                        dvr[d] += pj * gi[d];
                    }
                }
            }
    });
}

}  // namespace bk_cpu
