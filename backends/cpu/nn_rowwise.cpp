// Forward NN kernels that work row by row or element by element: convert,
// rmsnorm, rope, softmax, swiglu, the row gather (embedding), kv_write,
// scatter_add and the top-k router. Simple loops over contiguous rows that
// the compiler vectorises; statistics accumulate in f32 (f64 for f64).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "nn_ops.h"

#include "bakeoff/plugin_quant.h"
#include "nn_types.h"

namespace bk_cpu {
namespace {

template <class T>
T* at(NnPtrs p, int i) {
    return reinterpret_cast<T*>(p[i]);
}

uint64_t act_bytes(uint32_t dt) {
    switch (dt) {
        case BK_F64: return 8;
        case BK_F32: return 4;
        default: return 2;
    }
}

// Elements per parallel chunk of an element-wise op.
constexpr int64_t kChunk = 16384;

template <class F>
void elementwise(int64_t n, F&& f) {
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    parallel_for(chunks, n, [&](int64_t c) {
        const int64_t b = c * kChunk, e = std::min(n, b + kChunk);
        f(b, e);
    });
}

// Row loop in chunks of whole rows.
template <class F>
void rowwise(int64_t rows, int64_t dim, F&& f) {
    const int64_t per = rows_per_chunk(dim);
    const int64_t chunks = (rows + per - 1) / per;
    parallel_for(chunks, rows * dim, [&](int64_t c) {
        const int64_t e = std::min(rows, (c + 1) * per);
        for (int64_t r = c * per; r < e; ++r) f(r);
    });
}

// v as a float rounded to odd (truncated toward zero, lowest bit set when
// anything was dropped): rounding it to nearest even in bf16 or f16 (both at
// least two bits narrower than f32) then rounds v once, where float(v) first
// could round twice.
inline float round_to_odd(double v) {
    float f = static_cast<float>(v);
    if (!std::isfinite(f) || static_cast<double>(f) == v) return f;
    if (std::fabs(static_cast<double>(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
    uint32_t w;
    std::memcpy(&w, &f, 4);
    w |= 1u;
    std::memcpy(&f, &w, 4);
    return f;
}

template <class T>
constexpr bool is_half = std::is_same_v<T, bf16> || std::is_same_v<T, f16>;

template <class In, class Out>
void convert_typed(const In* in, Out* out, int64_t n) {
    elementwise(n, [&](int64_t b, int64_t e) {
#pragma omp simd
        for (int64_t i = b; i < e; ++i) {
            if constexpr (std::is_same_v<Out, double>)
                st(out, i, static_cast<double>(ld(in, i)));
            else if constexpr (std::is_same_v<In, double> && is_half<Out>)
                st(out, i, round_to_odd(ld(in, i)));
            else
                st(out, i, static_cast<float>(ld(in, i)));
        }
    });
}

}  // namespace

void nn_convert(const bk_op_desc& op, NnPtrs p) {
    const int64_t n = op.u.nn.rows * op.u.nn.dim;
    with_act(op.dtype_a, [&](auto in_tag) {
        using In = decltype(in_tag);
        with_act(op.dtype_c, [&](auto out_tag) {
            using Out = decltype(out_tag);
            convert_typed(at<const In>(p, 0), at<Out>(p, 1), n);
        });
    });
}

namespace {

// Sum of squares in an order fixed by the source (eight running sums, then a
// tail), not left to the vectoriser: the widening is exact, so f16 and bf16
// storage then sum exactly what f32 storage sums, and their output is the f32
// op's rounded once.
template <class T>
Acc<T> sum_squares(const T* x, int64_t n) {
    using A = Acc<T>;
    A part[8] = {};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8)
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) part[l] += ld(x, j + l) * ld(x, j + l);
    A tail = 0;
    for (; j < n; ++j) tail += ld(x, j) * ld(x, j);
    return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7])) + tail;
}

}  // namespace

void nn_rmsnorm(const bk_op_desc& op, NnPtrs p) {
    const int64_t rows = op.u.nn.rows, dim = op.u.nn.dim;
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        using A = Acc<T>;
        const T* x = at<const T>(p, 0);
        const T* w = at<const T>(p, 1);
        T* y = at<T>(p, 2);
        const A eps = static_cast<A>(op.u.nn.eps);
        rowwise(rows, dim, [&](int64_t r) {
            const T* xr = x + r * dim;
            T* yr = y + r * dim;
            const A ss = sum_squares(xr, dim);
            const A inv = A(1) / std::sqrt(ss / static_cast<A>(dim) + eps);
#pragma omp simd
            for (int64_t j = 0; j < dim; ++j) st(yr, j, ld(xr, j) * inv * ld(w, j));
        });
    });
}

namespace {

// Rotate-half rope with frequencies freq[0 .. head_dim/2); x and y are
// operands xi and yi; row r sits at pos[r] (ROPE_POS) or, without pos, at
// pos_offset + r % seq. Angles p * f_i are formed in f64 (p reaches 10^5).
void rope_with(const bk_op_desc& op, NnPtrs p, const double* freq, int xi, int yi, const int32_t* pos = nullptr) {
    const bk_nn_op& n = op.u.nn;
    const int64_t hd = n.head_dim, half = hd / 2;
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        using A = Acc<T>;
        const T* x = at<const T>(p, xi);
        T* y = at<T>(p, yi);
        parallel_for(n.rows, n.rows * n.dim, [&](int64_t row) {
            const double where = pos ? double(pos[row]) : double(n.pos_offset + row % n.seq);
            const double signed_pos = where * (n.inverse ? -1.0 : 1.0);
            // cos/sin once per position, shared by all heads (thread-local scratch).
            thread_local std::vector<A> cs, sn;
            cs.resize(size_t(half));
            sn.resize(size_t(half));
            for (int64_t i = 0; i < half; ++i) {
                const double ang = signed_pos * freq[i];
                cs[size_t(i)] = static_cast<A>(std::cos(ang));
                sn[size_t(i)] = static_cast<A>(std::sin(ang));
            }
            const A* c = cs.data();
            const A* s = sn.data();
            for (int64_t h = 0; h < n.heads; ++h) {
                const T* xr = x + row * n.dim + h * hd;
                T* yr = y + row * n.dim + h * hd;
#pragma omp simd
                for (int64_t i = 0; i < half; ++i) {
                    const A a0 = ld(xr, i), a1 = ld(xr, i + half);
                    st(yr, i, a0 * c[i] - a1 * s[i]);
                    st(yr, i + half, a1 * c[i] + a0 * s[i]);
                }
            }
        });
    });
}

}  // namespace

void nn_rope(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    const int64_t hd = n.head_dim, half = hd / 2;
    // f_i = theta^(-2i/head_dim), in f64: angles reach pos * f_0 = pos radians.
    std::vector<double> freq(static_cast<size_t>(half));
    for (int64_t i = 0; i < half; ++i) freq[size_t(i)] = std::pow(n.theta, -2.0 * double(i) / double(hd));
    rope_with(op, p, freq.data(), 0, 1);
}

void nn_rope_freq(const bk_op_desc& op, NnPtrs p) { rope_with(op, p, at<const double>(p, 1), 0, 2); }

void nn_rope_pos(const bk_op_desc& op, NnPtrs p) {
    rope_with(op, p, at<const double>(p, 1), 0, 3, at<const int32_t>(p, 2));
}

void nn_softmax(const bk_op_desc& op, NnPtrs p) {
    const int64_t rows = op.u.nn.rows, dim = op.u.nn.dim;
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        using A = Acc<T>;
        const T* x = at<const T>(p, 0);
        T* y = at<T>(p, 1);
        rowwise(rows, dim, [&](int64_t r) {
            const T* xr = x + r * dim;
            T* yr = y + r * dim;
            A mx = -std::numeric_limits<A>::infinity();
#pragma omp simd reduction(max : mx)
            for (int64_t j = 0; j < dim; ++j) mx = std::max(mx, ld(xr, j));
            // exp into the output first (bf16 would round it: keep f32 in scratch).
            thread_local std::vector<A> e;
            e.resize(size_t(dim));
            A sum = 0;
            for (int64_t j = 0; j < dim; ++j) sum += (e[size_t(j)] = std::exp(ld(xr, j) - mx));
            const A inv = A(1) / sum;
            const A* ev = e.data();
#pragma omp simd
            for (int64_t j = 0; j < dim; ++j) st(yr, j, ev[j] * inv);
        });
    });
}

void nn_swiglu(const bk_op_desc& op, NnPtrs p) {
    const int64_t n = op.u.nn.rows * op.u.nn.dim;
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        using A = Acc<T>;
        const T* g = at<const T>(p, 0);
        const T* u = at<const T>(p, 1);
        T* y = at<T>(p, 2);
        elementwise(n, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) {
                const A gv = ld(g, i);
                st(y, i, gv / (A(1) + std::exp(-gv)) * ld(u, i));
            }
        });
    });
}

void nn_gather_rows(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    const uint64_t row_bytes = uint64_t(n.dim) * act_bytes(op.dtype_a);
    const unsigned char* table = p[0];
    const int32_t* ids = at<const int32_t>(p, 1);
    unsigned char* y = p[2];
    parallel_for(n.rows, n.rows * n.dim, [&](int64_t r) {
        std::memcpy(y + uint64_t(r) * row_bytes, table + uint64_t(ids[r]) * row_bytes, row_bytes);
    });
}

void nn_gather_rows_quant(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    const uint64_t row_bytes = bk_block_row_bytes(op.dtype_a, n.dim);
    const unsigned char* table = p[0];
    const int32_t* ids = at<const int32_t>(p, 1);
    float* y = at<float>(p, 2);
    parallel_for(n.rows, n.rows * n.dim, [&](int64_t r) {
        bk_dequantize_row(op.dtype_a, table + uint64_t(ids[r]) * row_bytes, y + r * n.dim, n.dim);
    });
}

void nn_kv_write(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    const uint64_t row_bytes = uint64_t(n.dim) * act_bytes(op.dtype_a);
    const unsigned char* x = p[0];
    unsigned char* y = p[1];
    parallel_for(n.rows, n.rows * n.dim, [&](int64_t r) {
        const int64_t b = r / n.seq, s = r % n.seq;
        std::memcpy(y + uint64_t(b * n.capacity + n.pos_offset + s) * row_bytes, x + uint64_t(r) * row_bytes,
                    row_bytes);
    });
}

void nn_scatter_add(const bk_op_desc& op, NnPtrs p) {
    const bk_nn_op& n = op.u.nn;
    with_act(op.dtype_a, [&](auto tag) {
        using T = decltype(tag);
        using A = Acc<T>;
        const T* x = at<const T>(p, 0);
        const int32_t* ids = at<const int32_t>(p, 1);
        const float* w = at<const float>(p, 2);
        T* y = at<T>(p, 3);
        // Repeated ids add in order of i: each thread owns a block of columns
        // and walks every row, so no two threads touch one element.
        constexpr int64_t kCols = 256;
        const int64_t blocks = (n.dim + kCols - 1) / kCols;
        parallel_for(blocks, n.rows * n.dim, [&](int64_t cb) {
            const int64_t j0 = cb * kCols, j1 = std::min(n.dim, j0 + kCols);
            for (int64_t i = 0; i < n.rows; ++i) {
                const A wi = static_cast<A>(w[i]);
                const T* xr = x + i * n.dim;
                T* yr = y + int64_t(ids[i]) * n.dim;
#pragma omp simd
                for (int64_t j = j0; j < j1; ++j) st(yr, j, ld(yr, j) + wi * ld(xr, j));
            }
        });
    });
}

void nn_topk_route(const bk_op_desc& op, NnPtrs p) {
    const bk_route_op& r = op.u.route;
    const float* logits = at<const float>(p, 0);
    int32_t* idx = at<int32_t>(p, 1);
    float* weight = at<float>(p, 2);
    parallel_for(r.tokens, r.tokens * r.experts * r.top_k, [&](int64_t t) {
        const float* l = logits + t * r.experts;
        thread_local std::vector<float> s;
        thread_local std::vector<unsigned char> taken;
        s.assign(size_t(r.experts), 0.0f);
        taken.assign(size_t(r.experts), 0);
        if (r.score_fn == 0) {
            float mx = -std::numeric_limits<float>::infinity();
            for (int64_t e = 0; e < r.experts; ++e) mx = std::max(mx, l[e]);
            float sum = 0;
            for (int64_t e = 0; e < r.experts; ++e) sum += (s[size_t(e)] = std::exp(l[e] - mx));
            for (int64_t e = 0; e < r.experts; ++e) s[size_t(e)] /= sum;
        } else {
            for (int64_t e = 0; e < r.experts; ++e) s[size_t(e)] = 1.0f / (1.0f + std::exp(-l[e]));
        }
        // top_k passes; a strict > keeps the lower index on ties.
        float sum = 0;
        for (int64_t k = 0; k < r.top_k; ++k) {
            int64_t best = -1;
            for (int64_t e = 0; e < r.experts; ++e)
                if (!taken[size_t(e)] && (best < 0 || s[size_t(e)] > s[size_t(best)])) best = e;
            taken[size_t(best)] = 1;
            idx[t * r.top_k + k] = static_cast<int32_t>(best);
            weight[t * r.top_k + k] = s[size_t(best)];
            sum += s[size_t(best)];
        }
        if (r.normalize)
            for (int64_t k = 0; k < r.top_k; ++k) weight[t * r.top_k + k] /= sum;
    });
}

}  // namespace bk_cpu
