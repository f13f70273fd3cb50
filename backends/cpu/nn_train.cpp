// Training NN kernels, f32: rmsnorm and swiglu backwards, cross-entropy (loss
// and its gradient) and the AdamW step.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nn_ops.h"
#include "nn_types.h"

namespace bk_cpu {
namespace {

template <class T>
T* at(NnPtrs p, int i) {
    return reinterpret_cast<T*>(p[i]);
}

constexpr int64_t kChunk = 16384;

template <class F>
void elementwise(int64_t n, F&& f) {
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    parallel_for(chunks, n, [&](int64_t c) { f(c * kChunk, std::min(n, (c + 1) * kChunk)); });
}

}  // namespace

void nn_rmsnorm_bwd(const bk_op_desc& op, NnPtrs p) {
    const int64_t rows = op.u.nn.rows, dim = op.u.nn.dim;
    const float eps = static_cast<float>(op.u.nn.eps);
    const float* x = at<const float>(p, 0);
    const float* w = at<const float>(p, 1);
    const float* dy = at<const float>(p, 2);
    float* dx = at<float>(p, 3);
    float* dw = at<float>(p, 4);
    const int threads = rows * dim < kSerialWork ? 1 : thread_count();
    // dw is a sum over rows: each thread sums its own rows, then the partial
    // sums are added in thread order, so the result does not depend on timing.
    std::vector<float> partial(size_t(threads) * size_t(dim), 0.0f);
    LaunchPin pin;
#pragma omp parallel num_threads(threads)
    {
        pin_omp_thread();
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int64_t per = (rows + nt - 1) / nt;
        const int64_t r0 = std::min(rows, per * t), r1 = std::min(rows, r0 + per);
        float* dwt = partial.data() + size_t(t) * size_t(dim);
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x + r * dim;
            const float* gr = dy + r * dim;
            float* dxr = dx + r * dim;
            float ss = 0, dot = 0;
#pragma omp simd reduction(+ : ss, dot)
            for (int64_t j = 0; j < dim; ++j) {
                ss += xr[j] * xr[j];
                dot += gr[j] * w[j] * xr[j];
            }
            const float inv = 1.0f / std::sqrt(ss / float(dim) + eps);
            const float c = dot * inv * inv * inv / float(dim);
#pragma omp simd
            for (int64_t j = 0; j < dim; ++j) {
                dxr[j] = gr[j] * w[j] * inv - xr[j] * c;
                dwt[j] += gr[j] * xr[j] * inv;
            }
        }
    }
    for (int64_t j = 0; j < dim; ++j) {
        float s = 0;
        for (int t = 0; t < threads; ++t) s += partial[size_t(t) * size_t(dim) + size_t(j)];
        dw[j] = s;
    }
}

void nn_swiglu_bwd(const bk_op_desc& op, NnPtrs p) {
    const int64_t n = op.u.nn.rows * op.u.nn.dim;
    const float* g = at<const float>(p, 0);
    const float* u = at<const float>(p, 1);
    const float* dy = at<const float>(p, 2);
    float* dg = at<float>(p, 3);
    float* du = at<float>(p, 4);
    elementwise(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
            const float sg = 1.0f / (1.0f + std::exp(-g[i]));
            dg[i] = dy[i] * u[i] * sg * (1.0f + g[i] * (1.0f - sg));
            du[i] = dy[i] * g[i] * sg;
        }
    });
}

void nn_cross_entropy(const bk_op_desc& op, NnPtrs p) {
    const int64_t rows = op.u.nn.rows, dim = op.u.nn.dim;
    const float* x = at<const float>(p, 0);
    const int32_t* t = at<const int32_t>(p, 1);
    float* loss = at<float>(p, 2);
    float* dx = at<float>(p, 3);
    const float inv_rows = 1.0f / float(rows);
    parallel_for(rows, rows * dim, [&](int64_t r) {
        const float* xr = x + r * dim;
        float* dxr = dx + r * dim;
        float mx = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : mx)
        for (int64_t j = 0; j < dim; ++j) mx = std::max(mx, xr[j]);
        // exp(x - max) lands in dx first; then it is scaled in place.
        float sum = 0;
        for (int64_t j = 0; j < dim; ++j) sum += (dxr[j] = std::exp(xr[j] - mx));
        loss[r] = mx + std::log(sum) - xr[t[r]];
        const float scale = inv_rows / sum;
#pragma omp simd
        for (int64_t j = 0; j < dim; ++j) dxr[j] *= scale;
        dxr[t[r]] -= inv_rows;
    });
}

void nn_adamw(const bk_op_desc& op, NnPtrs p) {
    const bk_adamw_op& a = op.u.adamw;
    float* w = at<float>(p, 0);
    const float* g = at<const float>(p, 1);
    float* m = at<float>(p, 2);
    float* v = at<float>(p, 3);
    const float b1 = float(a.beta1), b2 = float(a.beta2), eps = float(a.eps);
    const float lr = float(a.lr), wd = float(a.weight_decay);
    // Bias corrections once, in f64 (beta2^step for a large step underflows gracefully).
    const float c1 = float(1.0 / (1.0 - std::pow(a.beta1, double(a.step))));
    const float c2 = float(1.0 / (1.0 - std::pow(a.beta2, double(a.step))));
    elementwise(a.n, [&](int64_t b, int64_t e) {
#pragma omp simd
        for (int64_t i = b; i < e; ++i) {
            const float mi = b1 * m[i] + (1.0f - b1) * g[i];
            const float vi = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
            m[i] = mi;
            v[i] = vi;
            w[i] -= lr * ((mi * c1) / (std::sqrt(vi * c2) + eps) + wd * w[i]);
        }
    });
}

}  // namespace bk_cpu
