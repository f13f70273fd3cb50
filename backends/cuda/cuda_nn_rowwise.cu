// Forward NN kernels that work row by row or element by element: convert,
// rmsnorm, softmax, swiglu, rope (theta, frequencies, positions), the row
// copies (embedding, kv_write, paged_kv_write), scatter_add and the top-k
// router. fp32 math; bf16 and f16 are widened on load and rounded to nearest
// even on store. Row reductions: one block per row (row_grid).
#include "cuda_nn_device.cuh"
#include "cuda_nn_kernels.h"

namespace bakeoff::cuda {

using namespace nn;

namespace {

template <class In, class Out>
__global__ void convert_kernel(const In* __restrict__ x, Out* __restrict__ y, int64_t n) {
    BK_GRID_STRIDE(i, n) st(y, i, ld(x, i));
}

// y = x / sqrt(mean(x^2) + eps) * w, one block per row.
template <class T>
__global__ void rmsnorm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, int64_t dim,
                               float eps) {
    __shared__ float red[32];
    const T* xr = x + int64_t(blockIdx.x) * dim;
    T* yr = y + int64_t(blockIdx.x) * dim;
    float ss = 0.f;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) {
        const float v = ld(xr, j);
        ss = fmaf(v, v, ss);
    }
    ss = block_sum(ss, red);
    const float inv = 1.0f / sqrtf(ss / float(dim) + eps);
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) st(yr, j, ld(xr, j) * inv * ld(w, j));
}

// Max-subtracted softmax, one block per row; exp is recomputed on the way out
// (no scratch row).
template <class T>
__global__ void softmax_kernel(const T* __restrict__ x, T* __restrict__ y, int64_t dim) {
    __shared__ float red[32];
    const T* xr = x + int64_t(blockIdx.x) * dim;
    T* yr = y + int64_t(blockIdx.x) * dim;
    float mx = -INFINITY;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) mx = fmaxf(mx, ld(xr, j));
    mx = block_max(mx, red);
    float sum = 0.f;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) sum += expf(ld(xr, j) - mx);
    sum = block_sum(sum, red);
    const float inv = 1.0f / sum;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) st(yr, j, expf(ld(xr, j) - mx) * inv);
}

template <class T>
__global__ void swiglu_kernel(const T* __restrict__ g, const T* __restrict__ u, T* __restrict__ y, int64_t n) {
    BK_GRID_STRIDE(i, n) {
        const float gv = ld(g, i);
        st(y, i, gv / (1.0f + expf(-gv)) * ld(u, i));
    }
}

// One thread per (row, i): the angle p f_i in f64 (p reaches 10^5, so an f32
// product would lose the angle), reduced to [-pi, pi] in f64, then sin and cos
// once for every head of the row.
template <class T>
__global__ void rope_kernel(const T* __restrict__ x, T* __restrict__ y, RopeArgs a) {
    const int64_t pairs = a.head_dim / 2, dim = a.heads * a.head_dim;
    BK_GRID_STRIDE(t, a.rows * pairs) {
        const int64_t row = t / pairs, i = t % pairs;
        const double p = a.pos ? double(a.pos[row]) : double(a.pos_offset + row % a.seq);
        const double f = a.freq ? a.freq[i] : pow(a.theta, -2.0 * double(i) / double(a.head_dim));
        double ang = p * f;
        ang -= 6.283185307179586 * rint(ang / 6.283185307179586);
        if (a.inverse) ang = -ang;
        float s, c;
        sincosf(float(ang), &s, &c);
        for (int64_t h = 0; h < a.heads; ++h) {
            const int64_t base = row * dim + h * a.head_dim;
            const float x0 = ld(x, base + i), x1 = ld(x, base + i + pairs);
            st(y, base + i, x0 * c - x1 * s);
            st(y, base + i + pairs, x1 * c + x0 * s);
        }
    }
}

// grid.x rows, grid.y chunks of 256 elements; W is a word of elem_bytes.
template <class W>
__global__ void row_copy_kernel(const W* __restrict__ src, W* __restrict__ dst, RowCopyArgs a) {
    const int64_t r = blockIdx.x;
    const int64_t j = int64_t(blockIdx.y) * blockDim.x + threadIdx.x;
    if (j >= a.dim) return;
    int64_t from = r, to = r;
    switch (a.map) {
        case RowMap::gather: from = a.index[r]; break;
        case RowMap::kv_write: to = (r / a.seq) * a.capacity + a.pos_offset + r % a.seq; break;
        case RowMap::slots:
            to = a.index[r];
            if (to < 0) return;  // padding
            break;
    }
    dst[to * a.dim + j] = src[from * a.dim + j];
}

// One thread per column walks the rows in order of i: repeated ids add in
// the ABI's order, and no two threads touch one element.
template <class T>
__global__ void scatter_add_kernel(const T* __restrict__ x, const int32_t* __restrict__ ids,
                                   const float* __restrict__ w, T* __restrict__ y, int64_t rows, int64_t dim) {
    BK_GRID_STRIDE(j, dim) {
        for (int64_t i = 0; i < rows; ++i) {
            T* yr = y + int64_t(ids[i]) * dim;
            st(yr, j, ld(yr, j) + w[i] * ld(x, i * dim + j));
        }
    }
}

// One thread per token. Pass k picks the best expert strictly after pass k-1's
// in the order (score falling, index rising), so no "taken" list is needed.
__global__ void topk_route_kernel(const float* __restrict__ logits, int32_t* __restrict__ idx,
                                 float* __restrict__ weight, bk_route_op r) {
    BK_GRID_STRIDE(t, r.tokens) {
        const float* l = logits + t * r.experts;
        float mx = -INFINITY, sum = 0.f;
        if (r.score_fn == 0) {
            for (int64_t e = 0; e < r.experts; ++e) mx = fmaxf(mx, l[e]);
            for (int64_t e = 0; e < r.experts; ++e) sum += expf(l[e] - mx);
        }
        auto score = [&](int64_t e) {
            return r.score_fn == 0 ? expf(l[e] - mx) / sum : 1.0f / (1.0f + expf(-l[e]));
        };
        float prev_s = INFINITY, chosen = 0.f;
        int64_t prev_e = -1;
        for (int64_t k = 0; k < r.top_k; ++k) {
            int64_t best = -1;
            float best_s = 0.f;
            for (int64_t e = 0; e < r.experts; ++e) {
                const float s = score(e);
                const bool after_prev = s < prev_s || (s == prev_s && e > prev_e);
                if (after_prev && (best < 0 || s > best_s)) {
                    best = e;
                    best_s = s;
                }
            }
            idx[t * r.top_k + k] = int32_t(best);
            weight[t * r.top_k + k] = best_s;
            chosen += best_s;
            prev_s = best_s;
            prev_e = best;
        }
        if (r.normalize)
            for (int64_t k = 0; k < r.top_k; ++k) weight[t * r.top_k + k] /= chosen;
    }
}

dim3 grid_of(const NnGrid& g) { return dim3(g.x, g.y, g.z); }

}  // namespace

cudaError_t launch_convert(uint32_t in, uint32_t out, const void* x, void* y, int64_t n, const NnGrid& g,
                           cudaStream_t stream) {
    return with_act(in, [&](auto in_tag) {
        using In = decltype(in_tag);
        return with_act(out, [&](auto out_tag) {
            using Out = decltype(out_tag);
            convert_kernel<In, Out><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const In*>(x),
                                                                          static_cast<Out*>(y), n);
            return cudaGetLastError();
        });
    });
}

cudaError_t launch_rmsnorm(uint32_t t, const void* x, const void* w, void* y, int64_t rows, int64_t dim, float eps,
                           const NnGrid& g, cudaStream_t stream) {
    (void)rows;
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        rmsnorm_kernel<T><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const T*>(x), static_cast<const T*>(w),
                                                               static_cast<T*>(y), dim, eps);
        return cudaGetLastError();
    });
}

cudaError_t launch_softmax(uint32_t t, const void* x, void* y, int64_t rows, int64_t dim, const NnGrid& g,
                           cudaStream_t stream) {
    (void)rows;
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        softmax_kernel<T><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), dim);
        return cudaGetLastError();
    });
}

cudaError_t launch_swiglu(uint32_t t, const void* gate, const void* up, void* y, int64_t n, const NnGrid& g,
                          cudaStream_t stream) {
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        swiglu_kernel<T><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const T*>(gate), static_cast<const T*>(up),
                                                              static_cast<T*>(y), n);
        return cudaGetLastError();
    });
}

cudaError_t launch_rope(uint32_t t, const RopeArgs& a, const void* x, void* y, const NnGrid& g, cudaStream_t stream) {
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        rope_kernel<T><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const T*>(x), static_cast<T*>(y), a);
        return cudaGetLastError();
    });
}

cudaError_t launch_row_copy(size_t elem_bytes, const RowCopyArgs& a, const void* src, void* dst, const NnGrid& g,
                            cudaStream_t stream) {
    switch (elem_bytes) {
        case 2:
            row_copy_kernel<uint16_t><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const uint16_t*>(src),
                                                                           static_cast<uint16_t*>(dst), a);
            break;
        case 4:
            row_copy_kernel<uint32_t><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const uint32_t*>(src),
                                                                           static_cast<uint32_t*>(dst), a);
            break;
        default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

cudaError_t launch_scatter_add(uint32_t t, const void* x, const int32_t* ids, const float* w, void* y, int64_t rows,
                               int64_t dim, const NnGrid& g, cudaStream_t stream) {
    return with_act(t, [&](auto tag) {
        using T = decltype(tag);
        scatter_add_kernel<T><<<grid_of(g), g.threads, 0, stream>>>(static_cast<const T*>(x), ids, w,
                                                                   static_cast<T*>(y), rows, dim);
        return cudaGetLastError();
    });
}

cudaError_t launch_topk_route(const bk_route_op& r, const float* logits, int32_t* idx, float* weight,
                              const NnGrid& g, cudaStream_t stream) {
    topk_route_kernel<<<grid_of(g), g.threads, 0, stream>>>(logits, idx, weight, r);
    return cudaGetLastError();
}

}  // namespace bakeoff::cuda
