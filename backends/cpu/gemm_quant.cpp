// Driver of the block-quantized GEMM (see gemm_quant.h): rounds A to 8-bit
// blocks once per call where an integer kernel runs, splits the rows of B
// over the pinned OpenMP team (each thread streams its own contiguous share
// once), and applies alpha and beta on the way out. The other cases
// dequantize B into f32 and reuse the small-m and the blocked f32 kernels.
#include "gemm_quant.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bakeoff/plugin_quant.h"
#include "cpu_internal.h"
#include "gemm_smallm.h"

namespace bk_cpu {

const QuantKernels* quant_kernels() {
    static const QuantKernels* set = [] {
        const CpuIsa& d = cpu_isa();
        const KernelIsa isa = kernel_isa();
        if (isa == KernelIsa::avx512 && d.avx512bw && d.avx512vl && d.avx512_vnni && quant_kernels_avx512())
            return quant_kernels_avx512();
        if (isa != KernelIsa::scalar) return quant_kernels_avx2();
        return static_cast<const QuantKernels*>(nullptr);
    }();
    return set;
}

QuantA quantize_a(const float* a, int64_t m, int64_t k, int64_t lda) {
    // Per thread: the calls of one thread never overlap.
    thread_local std::vector<int8_t> q;
    thread_local std::vector<float> d, ds;
    thread_local std::vector<int32_t> s;
    QuantA r;
    r.m = m;
    r.k = k;
    r.nb = k / 32;
    r.ldq = k + 64;
    q.assign(static_cast<size_t>(m * r.ldq), 0);
    d.assign(static_cast<size_t>(m * r.nb), 0.0f);
    ds.assign(static_cast<size_t>(m * r.nb), 0.0f);
    s.assign(static_cast<size_t>(m * r.nb), 0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t b = 0; b < r.nb; ++b) {
            const float* x = a + i * lda + 32 * b;
            float amax = 0.0f;
            for (int l = 0; l < 32; ++l) amax = std::max(amax, std::fabs(x[l]));
            // The scale stays f32 (llama.cpp stores f16): A loses only the
            // rounding of each value to 1/254 of its block's largest.
            const float scale = amax / 127.0f, inv = scale > 0.0f ? 1.0f / scale : 0.0f;
            int8_t* qi = q.data() + i * r.ldq + 32 * b;
            int32_t sum = 0;
            for (int l = 0; l < 32; ++l) {
                const long v = std::lrintf(x[l] * inv);
                qi[l] = static_cast<int8_t>(std::clamp<long>(v, -127, 127));
                sum += qi[l];
            }
            const size_t at = static_cast<size_t>(i * r.nb + b);
            d[at] = scale;
            s[at] = sum;
            ds[at] = scale * static_cast<float>(sum);
        }
    r.q = q.data();
    r.d = d.data();
    r.s = s.data();
    r.ds = ds.data();
    return r;
}

namespace {

// Below this many multiply-adds one thread does it all.
constexpr int64_t kSingleThreadMacs = 1 << 18;
// Rows of B dequantized at a time on the small-m f32 path (stays in L2).
constexpr int64_t kDequantRows = 16;

QuantRowsFn integer_kernel(uint32_t t) {
    const QuantKernels* ks = quant_kernels();
    if (!ks) return nullptr;
    switch (t) {
        case BK_Q8_0: return ks->q8_0;
        case BK_Q4_0: return ks->q4_0;
        case BK_Q4_K: return ks->q4_k;
        default: return nullptr;
    }
}

bool decode_shape(const bk_gemm_op& g) { return g.m <= kQuantSmallM; }

// C[:, j0:j1) = alpha * tmp + beta * C; C is not read when beta = 0 (it may
// be poison).
void store(const bk_gemm_op& g, const float* tmp, int64_t ldt, float* c, int64_t j0, int64_t j1) {
    const float alpha = static_cast<float>(g.alpha), beta = static_cast<float>(g.beta);
    for (int64_t i = 0; i < g.m; ++i) {
        float* ci = c + i * g.ldc;
        const float* ti = tmp + i * ldt - j0;
        if (beta == 0.0f)
            for (int64_t j = j0; j < j1; ++j) ci[j] = alpha * ti[j];
        else
            for (int64_t j = j0; j < j1; ++j) ci[j] = alpha * ti[j] + beta * ci[j];
    }
}

// Small m: each thread takes one contiguous share of B's rows (a multiple of
// 8) and walks it in chunks whose results go through a small buffer.
void run_small(const bk_op_desc& op, const float* a, const uint8_t* b, float* c) {
    const bk_gemm_op& g = op.u.gemm;
    const uint32_t t = op.dtype_b;
    const uint64_t row_bytes = bk_block_row_bytes(t, g.k);
    const QuantRowsFn kernel = integer_kernel(t);
    QuantA qa;
    std::vector<float> af;  // A as a dense f32 m x k for the f32 path
    if (kernel) {
        qa = quantize_a(a, g.m, g.k, g.lda);
    } else {
        af.resize(static_cast<size_t>(g.m * g.k));
        for (int64_t i = 0; i < g.m; ++i) std::copy(a + i * g.lda, a + i * g.lda + g.k, af.begin() + i * g.k);
    }
    const int threads = g.m * g.n * g.k <= kSingleThreadMacs ? 1 : thread_count();
    const int64_t chunk = kernel ? 256 : kDequantRows;
    LaunchPin pin;
#pragma omp parallel num_threads(threads)
    {
        pin_omp_thread();
        std::vector<float> tmp(static_cast<size_t>(g.m * chunk));
        std::vector<float> rows;  // dequantized rows of B (f32 path)
        if (!kernel) rows.resize(static_cast<size_t>(kDequantRows * g.k));
        int64_t t0 = 0, t1 = g.n;
        static_range(g.n, 8, omp_get_thread_num(), omp_get_num_threads(), t0, t1);
        for (int64_t j0 = t0; j0 < t1; j0 += chunk) {
            const int64_t j1 = std::min(t1, j0 + chunk);
            if (kernel) {
                kernel(qa, b, row_bytes, j0, j1, tmp.data(), chunk);
            } else {
                for (int64_t j = j0; j < j1; ++j)
                    bk_dequantize_row(t, b + static_cast<uint64_t>(j) * row_bytes, rows.data() + (j - j0) * g.k, g.k);
                smallm_kernels().dot_f32(g.m, g.k, af.data(), rows.data(), g.k, 0, j1 - j0, tmp.data(), chunk);
            }
            store(g, tmp.data(), chunk, c, j0, j1);
        }
    }
}

// Large m: B dequantized into f32 panels of whole rows, each multiplied by
// the portable blocked GEMM (which packs it for its micro-kernel). A panel is
// about 4 MiB, so dequantizing costs one write and one read of it per m rows
// of A; the product is O(m) per weight.
void run_panels(const bk_op_desc& op, const float* a, const uint8_t* b, float* c) {
    const bk_gemm_op& g = op.u.gemm;
    const uint32_t t = op.dtype_b;
    const uint64_t row_bytes = bk_block_row_bytes(t, g.k);
    const int64_t panel = std::max<int64_t>(64, (int64_t(1) << 20) / g.k / 64 * 64);
    std::vector<float> w(static_cast<size_t>(std::min(panel, g.n) * g.k));
    for (int64_t j0 = 0; j0 < g.n; j0 += panel) {
        const int64_t nc = std::min(panel, g.n - j0);
        {
            LaunchPin pin;
#pragma omp parallel for num_threads(thread_count()) schedule(static)
            for (int64_t j = 0; j < nc; ++j) {
                pin_omp_thread();
                bk_dequantize_row(t, b + static_cast<uint64_t>(j0 + j) * row_bytes, w.data() + j * g.k, g.k);
            }
        }
        bk_op_desc sub = op;
        sub.dtype_b = BK_F32;
        sub.u.gemm.n = nc;
        sub.u.gemm.block_abi = 0;
        portable_gemm_run(sub, a, w.data(), c + j0);
    }
}

}  // namespace

bk_status quant_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c) {
    const auto* af = static_cast<const float*>(a);
    const auto* bq = static_cast<const uint8_t*>(b);
    auto* cf = static_cast<float*>(c);
    if (decode_shape(op.u.gemm))
        run_small(op, af, bq, cf);
    else
        run_panels(op, af, bq, cf);
    return BK_OK;
}

std::string quant_gemm_info(const bk_op_desc& op) {
    const bk_gemm_op& g = op.u.gemm;
    const std::string type = bk_dtype_name(op.dtype_b);
    const std::string threads = std::to_string(thread_count()) + " OpenMP threads";
    if (decode_shape(g)) {
        if (integer_kernel(op.dtype_b))
            return "bakeoff quantized gemv (m <= " + std::to_string(kQuantSmallM) + "), " + type + ", " +
                   quant_kernels()->isa +
                   ", A rounded to 8-bit blocks of 32 (f32 scale) once per call, weights unpacked in registers, "
                   "integer dot products scaled in f32 per block, B streamed once by rows, " + threads +
                   " over rows of B";
        return "bakeoff quantized gemv (m <= " + std::to_string(kQuantSmallM) + "), " + type + ", " +
               std::to_string(kDequantRows) + " rows of B at a time dequantized to f32 in cache (reference "
               "dequantization), then the small-m f32 dot kernel (" + smallm_kernels().isa +
               "), A not rounded, " + threads + " over rows of B";
    }
    return "bakeoff quantized gemm (m > " + std::to_string(kQuantSmallM) + "), " + type +
           ", B dequantized to f32 in panels of whole rows, each multiplied by the portable blocked f32 gemm (its "
           "packing and micro-kernel), A not rounded, " + threads;
}

}  // namespace bk_cpu
