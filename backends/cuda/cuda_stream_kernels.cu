// STREAM kernels: 16-byte vector loads and stores (float4 / double2) over a
// grid-stride loop, the tail (n not a multiple of the vector width) done one
// element at a time by the first block. Built with -fmad=false so that
// a + q*b rounds exactly as the host reference computes it.
#include "cuda_kernels.h"

#include <cuda_runtime.h>

namespace bakeoff::cuda {

namespace {

template <typename T>
struct Vec;
template <>
struct Vec<float> {
    using type = float4;
    static constexpr int width = 4;
};
template <>
struct Vec<double> {
    using type = double2;
    static constexpr int width = 2;
};

__device__ __forceinline__ float4 vscale(float4 a, float q) { return make_float4(q * a.x, q * a.y, q * a.z, q * a.w); }
__device__ __forceinline__ double2 vscale(double2 a, double q) { return make_double2(q * a.x, q * a.y); }
__device__ __forceinline__ float4 vadd(float4 a, float4 b) {
    return make_float4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w);
}
__device__ __forceinline__ double2 vadd(double2 a, double2 b) { return make_double2(a.x + b.x, a.y + b.y); }
__device__ __forceinline__ float vdot(float4 a, float4 b) { return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w; }
__device__ __forceinline__ double vdot(double2 a, double2 b) { return a.x * b.x + a.y * b.y; }

enum { K_COPY = BK_OP_COPY, K_SCALE = BK_OP_SCALE, K_ADD = BK_OP_ADD, K_TRIAD = BK_OP_TRIAD };

template <int K, typename T>
__device__ __forceinline__ T elem(T a, T b, T q) {
    if (K == K_COPY) return a;
    if (K == K_SCALE) return q * a;
    if (K == K_ADD) return a + b;
    return a + q * b;  // triad; -fmad=false keeps the product rounded
}

template <int K, typename V, typename T>
__device__ __forceinline__ V velem(V a, V b, T q) {
    if (K == K_COPY) return a;
    if (K == K_SCALE) return vscale(a, q);
    if (K == K_ADD) return vadd(a, b);
    return vadd(a, vscale(b, q));
}

template <int K, typename T>
__global__ void stream_kernel(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out, int64_t vectors,
                              int64_t n, T q) {
    using V = typename Vec<T>::type;
    const V* va = reinterpret_cast<const V*>(a);
    const V* vb = reinterpret_cast<const V*>(b);
    V* vo = reinterpret_cast<V*>(out);
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < vectors; i += stride) {
        V x = va[i];
        V y = (K == K_ADD || K == K_TRIAD) ? vb[i] : x;
        vo[i] = velem<K>(x, y, q);
    }
    if (blockIdx.x == 0) {
        for (int64_t i = vectors * Vec<T>::width + threadIdx.x; i < n; i += blockDim.x) {
            T y = (K == K_ADD || K == K_TRIAD) ? b[i] : T(0);
            out[i] = elem<K>(a[i], y, q);
        }
    }
}

// Dot, stage 1: each block reduces its grid-stride share into partials[block].
template <typename T>
__global__ void dot_partial(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ partials,
                            int64_t vectors, int64_t n) {
    using V = typename Vec<T>::type;
    __shared__ T sh[1024];
    const V* va = reinterpret_cast<const V*>(a);
    const V* vb = reinterpret_cast<const V*>(b);
    T sum = 0;
    const int64_t stride = int64_t(gridDim.x) * blockDim.x;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < vectors; i += stride)
        sum += vdot(va[i], vb[i]);
    if (blockIdx.x == 0)
        for (int64_t i = vectors * Vec<T>::width + threadIdx.x; i < n; i += blockDim.x) sum += a[i] * b[i];
    sh[threadIdx.x] = sum;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) partials[blockIdx.x] = sh[0];
}

// Dot, stage 2: one block adds the partials.
template <typename T>
__global__ void dot_final(const T* __restrict__ partials, uint32_t count, T* __restrict__ out) {
    __shared__ T sh[1024];
    T sum = 0;
    for (uint32_t i = threadIdx.x; i < count; i += blockDim.x) sum += partials[i];
    sh[threadIdx.x] = sum;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[0] = sh[0];
}

template <typename T>
cudaError_t run(uint32_t kind, const void* in0, const void* in1, void* out, int64_t n, double scalar,
                const StreamGeometry& g, void* partials, cudaStream_t stream) {
    const T* a = static_cast<const T*>(in0);
    const T* b = static_cast<const T*>(in1);
    T* o = static_cast<T*>(out);
    const T q = T(scalar);
    const dim3 grid(g.blocks), block(g.threads);
    switch (kind) {
        case BK_OP_COPY: stream_kernel<K_COPY, T><<<grid, block, 0, stream>>>(a, b, o, g.vectors, n, q); break;
        case BK_OP_SCALE: stream_kernel<K_SCALE, T><<<grid, block, 0, stream>>>(a, b, o, g.vectors, n, q); break;
        case BK_OP_ADD: stream_kernel<K_ADD, T><<<grid, block, 0, stream>>>(a, b, o, g.vectors, n, q); break;
        case BK_OP_TRIAD: stream_kernel<K_TRIAD, T><<<grid, block, 0, stream>>>(a, b, o, g.vectors, n, q); break;
        case BK_OP_DOT: {
            T* p = static_cast<T*>(partials);
            dot_partial<T><<<grid, block, 0, stream>>>(a, b, p, g.vectors, n);
            dot_final<T><<<1, 1024, 0, stream>>>(p, g.blocks, o);
            break;
        }
        default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

}  // namespace

cudaError_t launch_stream(uint32_t kind, uint32_t dtype, const void* in0, const void* in1, void* out, int64_t n,
                          double scalar, const StreamGeometry& g, void* partials, cudaStream_t stream) {
    if (g.threads > 1024 || (g.threads & (g.threads - 1)) != 0) return cudaErrorInvalidValue;
    if (dtype == BK_F64) return run<double>(kind, in0, in1, out, n, scalar, g, partials, stream);
    if (dtype == BK_F32) return run<float>(kind, in0, in1, out, n, scalar, g, partials, stream);
    return cudaErrorInvalidValue;
}

}  // namespace bakeoff::cuda
