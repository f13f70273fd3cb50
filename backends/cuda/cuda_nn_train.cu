// Training NN kernels, f32: the rmsnorm and swiglu backwards, cross-entropy
// (loss and gradient) and the AdamW step. Row reductions take one block per
// row; dw of the rmsnorm backward sums the rows in order, one thread per
// column, so it does not depend on scheduling.
#include "cuda_nn_device.cuh"
#include "cuda_nn_kernels.h"

#include <cmath>

namespace bakeoff::cuda {

using namespace nn;

namespace {

// dx = dy w r - x (sum_j dy w x) r^3 / dim, with r = 1/rms of the row; r is
// kept for the dw kernel.
__global__ void rmsnorm_bwd_rows(const float* __restrict__ x, const float* __restrict__ w,
                                 const float* __restrict__ dy, float* __restrict__ dx, float* __restrict__ rinv,
                                 int64_t dim, float eps) {
    __shared__ float red[32];
    const int64_t off = int64_t(blockIdx.x) * dim;
    float ss = 0.f, dot = 0.f;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) {
        const float v = x[off + j];
        ss = fmaf(v, v, ss);
        dot = fmaf(dy[off + j] * w[j], v, dot);
    }
    ss = block_sum(ss, red);
    dot = block_sum(dot, red);
    const float inv = 1.0f / sqrtf(ss / float(dim) + eps);
    const float c = dot * inv * inv * inv / float(dim);
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) dx[off + j] = dy[off + j] * w[j] * inv - x[off + j] * c;
    if (threadIdx.x == 0) rinv[blockIdx.x] = inv;
}

__global__ void rmsnorm_bwd_dw(const float* __restrict__ x, const float* __restrict__ dy,
                               const float* __restrict__ rinv, float* __restrict__ dw, int64_t rows, int64_t dim) {
    BK_GRID_STRIDE(j, dim) {
        float s = 0.f;
        for (int64_t r = 0; r < rows; ++r) s = fmaf(dy[r * dim + j] * x[r * dim + j], rinv[r], s);
        dw[j] = s;
    }
}

__global__ void swiglu_bwd_kernel(const float* __restrict__ g, const float* __restrict__ u,
                                  const float* __restrict__ dy, float* __restrict__ dg, float* __restrict__ du,
                                  int64_t n) {
    BK_GRID_STRIDE(i, n) {
        const float sg = 1.0f / (1.0f + expf(-g[i]));
        dg[i] = dy[i] * u[i] * sg * (1.0f + g[i] * (1.0f - sg));
        du[i] = dy[i] * g[i] * sg;
    }
}

// loss = logsumexp(x) - x[t]; dx = (softmax(x) - onehot(t)) / rows.
__global__ void cross_entropy_kernel(const float* __restrict__ x, const int32_t* __restrict__ t,
                                     float* __restrict__ loss, float* __restrict__ dx, int64_t dim, float inv_rows) {
    __shared__ float red[32];
    const int64_t r = blockIdx.x, off = r * dim;
    float mx = -INFINITY;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) mx = fmaxf(mx, x[off + j]);
    mx = block_max(mx, red);
    float sum = 0.f;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x) sum += expf(x[off + j] - mx);
    sum = block_sum(sum, red);
    const int64_t target = t[r];
    const float scale = inv_rows / sum;
    for (int64_t j = threadIdx.x; j < dim; j += blockDim.x)
        dx[off + j] = expf(x[off + j] - mx) * scale - (j == target ? inv_rows : 0.0f);
    if (threadIdx.x == 0) loss[r] = mx + logf(sum) - x[off + target];
}

// c1, c2: the bias corrections 1/(1 - beta^step), computed once in f64 on the host.
__global__ void adamw_kernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                             float* __restrict__ v, int64_t n, float b1, float b2, float eps, float lr, float wd,
                             float c1, float c2) {
    BK_GRID_STRIDE(i, n) {
        const float gi = g[i];
        const float mi = b1 * m[i] + (1.0f - b1) * gi;
        const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * ((mi * c1) / (sqrtf(vi * c2) + eps) + wd * p[i]);
    }
}

dim3 grid_of(const NnGrid& g) { return dim3(g.x, g.y, g.z); }

}  // namespace

cudaError_t launch_rmsnorm_bwd(const float* x, const float* w, const float* dy, float* dx, float* dw, float* rinv,
                               int64_t rows, int64_t dim, float eps, const NnGrid& rows_grid,
                               const NnGrid& cols_grid, cudaStream_t stream) {
    rmsnorm_bwd_rows<<<grid_of(rows_grid), rows_grid.threads, 0, stream>>>(x, w, dy, dx, rinv, dim, eps);
    if (cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
    rmsnorm_bwd_dw<<<grid_of(cols_grid), cols_grid.threads, 0, stream>>>(x, dy, rinv, dw, rows, dim);
    return cudaGetLastError();
}

cudaError_t launch_swiglu_bwd(const float* gate, const float* up, const float* dy, float* dg, float* du, int64_t n,
                              const NnGrid& g, cudaStream_t stream) {
    swiglu_bwd_kernel<<<grid_of(g), g.threads, 0, stream>>>(gate, up, dy, dg, du, n);
    return cudaGetLastError();
}

cudaError_t launch_cross_entropy(const float* x, const int32_t* t, float* loss, float* dx, int64_t rows, int64_t dim,
                                 const NnGrid& g, cudaStream_t stream) {
    cross_entropy_kernel<<<grid_of(g), g.threads, 0, stream>>>(x, t, loss, dx, dim, 1.0f / float(rows));
    return cudaGetLastError();
}

cudaError_t launch_adamw(const bk_adamw_op& a, float* p, const float* g, float* m, float* v, const NnGrid& grid,
                         cudaStream_t stream) {
    const float c1 = float(1.0 / (1.0 - std::pow(a.beta1, double(a.step))));
    const float c2 = float(1.0 / (1.0 - std::pow(a.beta2, double(a.step))));
    adamw_kernel<<<grid_of(grid), grid.threads, 0, stream>>>(p, g, m, v, a.n, float(a.beta1), float(a.beta2),
                                                             float(a.eps), float(a.lr), float(a.weight_decay), c1, c2);
    return cudaGetLastError();
}

}  // namespace bakeoff::cuda
