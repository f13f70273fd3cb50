// Driver of the small-m GEMM path (see gemm_smallm.h): widens A once, splits
// the columns of C (rows of B when B is stored n x k) over the pinned OpenMP
// team in one contiguous share per thread, so each thread streams its own
// part of B once, and applies alpha and beta on the way out.
#include "gemm_smallm.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu_internal.h"

namespace bk_cpu {

const SmallMKernels& smallm_kernels() {
    static const SmallMKernels* set = [] {
        const SmallMKernels* s = nullptr;
        if (kernel_isa() != KernelIsa::scalar) s = smallm_kernels_avx2();
        return s ? s : smallm_kernels_scalar();
    }();
    return *set;
}

namespace {

inline float widen(float v) { return v; }
inline float widen(uint16_t v) { return bk_bf16_to_f32(v); }
inline float widen(f16 v) { return bk_f16_to_f32(v.bits); }

// Below this many multiply-adds one thread does it all.
constexpr int64_t kSingleThreadMacs = 1 << 18;

template <class T>
void run(const bk_gemm_op& g, const T* a, const T* b, float* c, SmallMDotFn<T> dot, SmallMAxpyFn<T> axpy) {
    const int64_t m = g.m, n = g.n, k = g.k;
    std::vector<float> ap(static_cast<size_t>(m * k));
    for (int64_t i = 0; i < m; ++i)
        for (int64_t l = 0; l < k; ++l) ap[size_t(i * k + l)] = widen(g.trans_a ? a[l * g.lda + i] : a[i * g.lda + l]);
    // Columns of C per block. B stored n x k: each thread takes one
    // contiguous share of B's rows, in blocks of up to 1024 rows (the kernel
    // reads a block as a few long streams, so blocks are long). B stored
    // k x n: 256-wide strips whose m accumulator rows stay in L1.
    const int64_t nb = g.trans_b ? 1024 : 256;
    const int threads = m * n * k <= kSingleThreadMacs ? 1 : thread_count();
    const float alpha = static_cast<float>(g.alpha), beta = static_cast<float>(g.beta);
    LaunchPin pin;
#pragma omp parallel num_threads(threads)
    {
        pin_omp_thread();
        std::vector<float> tmp(static_cast<size_t>(m * nb));
        int64_t t0 = 0, t1 = n;  // this thread's columns
        static_range(n, g.trans_b ? 8 : nb, omp_get_thread_num(), omp_get_num_threads(), t0, t1);
        for (int64_t j0 = t0; j0 < t1; j0 += nb) {
            const int64_t j1 = std::min(t1, j0 + nb);
            if (g.trans_b) {
                dot(m, k, ap.data(), b, g.ldb, j0, j1, tmp.data(), nb);
            } else {
                std::fill(tmp.begin(), tmp.end(), 0.0f);
                axpy(m, k, ap.data(), b, g.ldb, j0, j1, tmp.data(), nb);
            }
            for (int64_t i = 0; i < m; ++i) {
                float* ci = c + i * g.ldc;
                const float* ti = tmp.data() + i * nb;
                if (beta == 0.0f)
                    for (int64_t j = j0; j < j1; ++j) ci[j] = alpha * ti[j - j0];  // C is not read: it may be poison
                else
                    for (int64_t j = j0; j < j1; ++j) ci[j] = alpha * ti[j - j0] + beta * ci[j];
            }
        }
    }
}

}  // namespace

bool smallm_applies(const bk_op_desc& op) {
    // Only where B is large enough for the product to be bound by streaming
    // it; small products stay with the blocked kernel.
    return op.path == BK_PATH_PORTABLE && op.u.gemm.m <= kSmallM && op.u.gemm.n * op.u.gemm.k >= kSmallMMinB &&
           op.dtype_c == BK_F32 &&
           op.dtype_a == op.dtype_b && (op.dtype_a == BK_F32 || op.dtype_a == BK_BF16 || op.dtype_a == BK_F16);
}

bk_status smallm_run(const bk_op_desc& op, const void* a, const void* b, void* c) {
    const SmallMKernels& ks = smallm_kernels();
    if (op.dtype_a == BK_F32)
        run(op.u.gemm, static_cast<const float*>(a), static_cast<const float*>(b), static_cast<float*>(c), ks.dot_f32,
            ks.axpy_f32);
    else if (op.dtype_a == BK_BF16)
        run(op.u.gemm, static_cast<const uint16_t*>(a), static_cast<const uint16_t*>(b), static_cast<float*>(c),
            ks.dot_bf16, ks.axpy_bf16);
    else
        run(op.u.gemm, static_cast<const f16*>(a), static_cast<const f16*>(b), static_cast<float*>(c), ks.dot_f16,
            ks.axpy_f16);
    return BK_OK;
}

std::string smallm_info(const bk_op_desc& op) {
    const SmallMKernels& ks = smallm_kernels();
    std::string s = "bakeoff portable small-m gemm (m <= " + std::to_string(kSmallM) + "), " + ks.isa + ", B streamed once";
    s += op.u.gemm.trans_b ? std::string(" by rows (dot products") +
                                 (std::string(ks.isa) == "scalar" ? ", 8 rows of B at a time)" : ", four long row streams per thread)")
                           : " by column strips (axpy)";
    if (op.dtype_a == BK_BF16) s += ", bf16 widened to f32 in registers (a shift, or a mask for the odd halves)";
    if (op.dtype_a == BK_F16)
        s += std::string(", f16 widened to f32 ") + (std::string(ks.isa) == "scalar" ? "in software" : "by F16C");
    s += ", f32 multiply-add, " + std::to_string(thread_count()) + " OpenMP threads over columns of C";
    return s;
}

}  // namespace bk_cpu
