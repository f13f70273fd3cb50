// Scaled-dot-product attention, forward and backward, with grouped-query
// heads and a KV cache.
//
// Forward: parallel over (batch, KV head, block of 16 queries); a task takes
// the query heads that read its KV head (grouped-query attention), so each key
// block is read once for all of them (and, for bf16 and f16, widened to f32
// once); the tile itself (online softmax over key blocks of 64) is
// attention_tile() in nn_attention_tile.h, shared with PAGED_ATTENTION.
//
// Backward (seq_q == seq_kv == kv_capacity): parallel over (batch, KV head);
// the task owns dk and dv of its KV head, so the query heads of its group add
// into them without races; scores are recomputed per query row.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "nn_attention_tile.h"
#include "nn_ops.h"
#include "nn_types.h"

namespace bk_cpu {
namespace {

constexpr int64_t kQueryBlock = 16;

// Keys query i reads: all seq_kv, or up to its position seq_kv - seq_q + i.
int64_t keys_seen(const bk_attention_op& a, int64_t i) {
    if (!a.causal) return a.seq_kv;
    return std::clamp<int64_t>(a.seq_kv - a.seq_q + i + 1, 0, a.seq_kv);
}

template <class T>
void attention_fwd(const bk_attention_op& a, const T* q, const T* k, const T* v, T* o) {
    const int64_t D = a.head_dim, H = a.heads, KH = a.kv_heads, group = H / KH;
    const int64_t qblocks = (a.seq_q + kQueryBlock - 1) / kQueryBlock;
    const int64_t tasks = a.batch * KH * qblocks;
    const int64_t work = a.batch * H * a.seq_q * a.seq_kv * D;
    parallel_for_dynamic(tasks, work, [&](int64_t task) {
        const int64_t qb = task % qblocks, kh = (task / qblocks) % KH, b = task / (qblocks * KH);
        const int64_t i0 = qb * kQueryBlock, nq = std::min(a.seq_q, i0 + kQueryBlock) - i0;
        const int64_t at = (b * a.seq_q + i0) * H + kh * group;  // row (query i0, first head of the group)
        attention_tile<T>(
            nq, group, D, a.scale, [&](int64_t qi, int64_t g) { return q + (at + qi * H + g) * D; },
            [&](int64_t qi, int64_t g) { return o + (at + qi * H + g) * D; },
            [&](int64_t qi) { return keys_seen(a, i0 + qi); },
            [&](int64_t j) { return k + ((b * a.kv_capacity + j) * KH + kh) * D; },
            [&](int64_t j) { return v + ((b * a.kv_capacity + j) * KH + kh) * D; });
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
