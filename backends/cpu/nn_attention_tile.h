// The forward attention of one tile — up to a block of queries times the
// query heads that share one KV head — with an online (streaming) softmax:
// shared by the contiguous ATTENTION (nn_attention.cpp) and PAGED_ATTENTION
// (nn_paged.cpp), which differ only in where key position j lives.
//
// The keys are walked in chunks of 64 positions. A chunk's key and value row
// addresses are looked up once (krow(j), vrow(j): in a paged cache a table
// lookup per position); for bf16 and f16 the chunk is widened to f32 once for
// every row of the tile. Per (query, head) row: a running max m, running sum l
// and an unnormalised output, rescaled by exp(m_old - m_new) when the max
// grows, so no q x kv matrix exists and long caches need O(head_dim) state per
// row. Keys past a query's causal limit are never computed, and past the
// tile's last visible key never read.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "nn_types.h"

namespace bk_cpu {

constexpr int64_t kAttnKeyChunk = 64;

// Rows of the tile: (query qi < nq, head g < group of the KV head) at
// r = qi * group + g. qrow(qi, g) and orow(qi, g) address a row of q and o;
// keys_seen(qi) is the number of key positions query qi reads (0 .. n, the
// last query reads the most); krow(j) and vrow(j) address key position j.
template <class T, class QRow, class ORow, class Seen, class KRow, class VRow>
void attention_tile(int64_t nq, int64_t group, int64_t D, double scale_d, QRow qrow, ORow orow, Seen keys_seen,
                    KRow krow, VRow vrow) {
    using A = Acc<T>;
    const A scale = static_cast<A>(scale_d);
    const int64_t rows = nq * group;
    thread_local std::vector<A> qf, acc, m, l, s, kw, vw;
    thread_local std::vector<const T*> kp, vp;
    qf.resize(size_t(rows * D));
    acc.assign(size_t(rows * D), A(0));
    m.assign(size_t(rows), -std::numeric_limits<A>::infinity());
    l.assign(size_t(rows), A(0));
    s.resize(size_t(kAttnKeyChunk));
    kp.resize(size_t(kAttnKeyChunk));
    vp.resize(size_t(kAttnKeyChunk));
    for (int64_t qi = 0; qi < nq; ++qi)
        for (int64_t g = 0; g < group; ++g) {
            const T* qr = qrow(qi, g);
            for (int64_t d = 0; d < D; ++d) qf[size_t((qi * group + g) * D + d)] = ld(qr, d) * scale;
        }
    const int64_t kmax = keys_seen(nq - 1);
    for (int64_t j0 = 0; j0 < kmax; j0 += kAttnKeyChunk) {
        const int64_t j1 = std::min(kmax, j0 + kAttnKeyChunk);
        for (int64_t j = j0; j < j1; ++j) {
            kp[size_t(j - j0)] = krow(j);
            vp[size_t(j - j0)] = vrow(j);
        }
        // The chunk's keys and values in the math type: read in place when
        // stored so, else widened once here for every row of the tile.
        auto kat = [&](int64_t j) -> const A* {
            if constexpr (std::is_same_v<T, A>) return kp[size_t(j - j0)];
            else return kw.data() + (j - j0) * D;
        };
        auto vat = [&](int64_t j) -> const A* {
            if constexpr (std::is_same_v<T, A>) return vp[size_t(j - j0)];
            else return vw.data() + (j - j0) * D;
        };
        if constexpr (!std::is_same_v<T, A>) {
            kw.resize(size_t(kAttnKeyChunk * D));
            vw.resize(size_t(kAttnKeyChunk * D));
            for (int64_t j = j0; j < j1; ++j) {
                const T* kr = kp[size_t(j - j0)];
                const T* vr = vp[size_t(j - j0)];
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
            const int64_t je = std::min(j1, keys_seen(r / group));
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
                const A corr = std::exp(mi - mnew);  // 0 on the first chunk (mi = -inf)
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
        T* o = orow(r / group, r % group);
        const A inv = A(1) / l[size_t(r)];
        const A* ac = acc.data() + r * D;
#pragma omp simd
        for (int64_t d = 0; d < D; ++d) st(o, d, ac[d] * inv);
    }
}

}  // namespace bk_cpu
