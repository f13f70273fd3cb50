// bakeoff's own GEMM: the yardstick for how much a vendor library adds.
//
// Goto/BLIS-style blocking: for each NC-wide panel of B and each KC-deep
// slice, the team packs the B panel (kc x nr slivers) and all of A's rows
// (mr x kc slivers) into contiguous buffers, widening bf16 to f32 and i8 to
// i32 as it goes, then computes MC x NT tiles of C in parallel (static
// schedule) with the micro-kernel of the best ISA (gemm_portable_<isa>.cpp).
// Transposes and leading dimensions are absorbed by the packing.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "cpu_internal.h"
#include "gemm_portable.h"

namespace bk_cpu {
namespace {

constexpr int64_t kKC = 256;
constexpr double kSingleThreadMacs = 64.0 * 64.0 * 64.0;

const GemmKernelSet& kernels() {
    static const GemmKernelSet* set = [] {
        const GemmKernelSet* s = nullptr;
        switch (kernel_isa()) {
            case KernelIsa::avx512: s = gemm_kernels_avx512(); break;
            case KernelIsa::avx2: s = gemm_kernels_avx2(); break;
            case KernelIsa::scalar: break;
        }
        return s ? s : gemm_kernels_scalar();
    }();
    return *set;
}

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Rows of A per block: the packed block (mc x kc) takes about a quarter of L2.
int64_t block_rows(int mr, size_t elem) {
    const uint64_t l2 = host_info().l2_bytes ? host_info().l2_bytes : (512u << 10);
    int64_t mc = static_cast<int64_t>(l2 / 4 / (kKC * elem));
    mc = std::clamp<int64_t>(mc, mr, 512);
    return std::max<int64_t>(mr, mc / mr * mr);
}

// Columns of B per panel: the packed panel (kc x nc) takes about 4 MiB.
int64_t panel_cols(int nr, size_t elem) {
    const int64_t nc = static_cast<int64_t>((4u << 20) / (kKC * elem));
    return std::max<int64_t>(nr, nc / nr * nr);
}

// Element conversion while packing.
struct Bf16 {
    uint16_t bits;
};
inline float widen(float v) { return v; }
inline double widen(double v) { return v; }
inline int32_t widen(int8_t v) { return v; }
inline float widen(Bf16 v) {
    const uint32_t u = static_cast<uint32_t>(v.bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// One sliver of A: rows [i0, i0 + mr) x depth [p0, p0 + kc), rows past m zero.
template <class S, class T>
void pack_a(T* dst, const S* a, int64_t lda, bool trans, int64_t m, int64_t i0, int64_t p0,
            int64_t kc, int mr) {
    for (int r = 0; r < mr; ++r) {
        const int64_t i = i0 + r;
        if (i >= m) {
            for (int64_t p = 0; p < kc; ++p) dst[p * mr + r] = T(0);
        } else if (!trans) {
            const S* row = a + i * lda + p0;
            for (int64_t p = 0; p < kc; ++p) dst[p * mr + r] = widen(row[p]);
        } else {
            for (int64_t p = 0; p < kc; ++p) dst[p * mr + r] = widen(a[(p0 + p) * lda + i]);
        }
    }
}

// One sliver of B: depth [p0, p0 + kc) x columns [j0, j0 + nr), columns past n zero.
template <class S, class T>
void pack_b(T* dst, const S* b, int64_t ldb, bool trans, int64_t n, int64_t j0, int64_t p0,
            int64_t kc, int nr) {
    const int valid = static_cast<int>(std::min<int64_t>(nr, std::max<int64_t>(0, n - j0)));
    for (int64_t p = 0; p < kc; ++p) {
        T* out = dst + p * nr;
        if (!trans) {
            const S* row = b + (p0 + p) * ldb + j0;
            for (int j = 0; j < valid; ++j) out[j] = widen(row[j]);
        } else {
            for (int j = 0; j < valid; ++j) out[j] = widen(b[(j0 + j) * ldb + p0 + p]);
        }
        for (int j = valid; j < nr; ++j) out[j] = T(0);
    }
}

// Packing buffers, kept per launching thread and grown as needed.
struct Workspace {
    struct Free {
        void operator()(void* p) const { std::free(p); }
    };
    std::unique_ptr<unsigned char, Free> a, b;
    size_t a_bytes = 0, b_bytes = 0;
    static void* grow(std::unique_ptr<unsigned char, Free>& p, size_t& have, size_t need) {
        if (need > have) {
            void* q = nullptr;
            if (posix_memalign(&q, 64, need) != 0) throw std::bad_alloc();
            p.reset(static_cast<unsigned char*>(q));
            have = need;
        }
        return p.get();
    }
};

template <class S, class T>
void gemm(const GemmMicroKernel<T>& uk, const bk_gemm_op& g, const S* a, const S* b, T* c, T alpha,
          T beta) {
    const int mr = uk.mr, nr = uk.nr;
    const int64_t m = g.m, n = g.n, k = g.k;
    const int64_t mc_max = block_rows(mr, sizeof(T));
    const int64_t nc_max = panel_cols(nr, sizeof(T));
    const int64_t m_pad = round_up(m, mr);
    const int64_t kc_max = std::min(k, kKC);
    const int64_t nc_pad_max = round_up(std::min(n, nc_max), nr);

    thread_local Workspace ws;
    T* pa = static_cast<T*>(Workspace::grow(ws.a, ws.a_bytes, sizeof(T) * m_pad * kc_max));
    T* pb = static_cast<T*>(Workspace::grow(ws.b, ws.b_bytes, sizeof(T) * nc_pad_max * kc_max));

    // Small products run on one thread: waking the team costs more than it saves.
    const bool small = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) <=
                       kSingleThreadMacs;
    const int threads = small ? 1 : thread_count();
    const int64_t row_blocks = (m + mc_max - 1) / mc_max;
    const bool beta_zero = beta == T(0);

    LaunchPin pin;
#pragma omp parallel num_threads(threads)
    {
        pin_omp_thread();
        for (int64_t jc = 0; jc < n; jc += nc_max) {
            const int64_t nc = std::min(nc_max, n - jc);
            const int64_t b_slivers = (nc + nr - 1) / nr;
            // Column tiles per panel: enough tiles for about 16 per thread.
            const int64_t want = (16 * static_cast<int64_t>(threads) + row_blocks - 1) / row_blocks;
            const int64_t col_blocks = std::clamp<int64_t>(want, 1, b_slivers);
            const int64_t nt = round_up((nc + col_blocks - 1) / col_blocks, nr);
            const int64_t col_tiles = (nc + nt - 1) / nt;
            for (int64_t pc = 0; pc < k; pc += kKC) {
                const int64_t kc = std::min(kKC, k - pc);
                const bool first = pc == 0;
#pragma omp for schedule(static)
                for (int64_t s = 0; s < b_slivers; ++s)
                    pack_b(pb + s * nr * kc, b, g.ldb, g.trans_b != 0, n, jc + s * nr, pc, kc, nr);
#pragma omp for schedule(static)
                for (int64_t s = 0; s < m_pad / mr; ++s)
                    pack_a(pa + s * mr * kc, a, g.lda, g.trans_a != 0, m, s * mr, pc, kc, mr);
#pragma omp for collapse(2) schedule(static)
                for (int64_t rb = 0; rb < row_blocks; ++rb) {
                    for (int64_t cb = 0; cb < col_tiles; ++cb) {
                        const int64_t i0 = rb * mc_max, j0 = cb * nt;
                        const int64_t mc = std::min(mc_max, m - i0);
                        const int64_t ncb = std::min(nt, nc - j0);
                        uk.block(mc, ncb, kc, pa + i0 * kc, pb + j0 * kc, c + i0 * g.ldc + jc + j0,
                                 g.ldc, alpha, first ? beta : T(1), first && beta_zero);
                    }
                }
            }
        }
    }
}

bool integral(double v) {
    return std::nearbyint(v) == v && std::fabs(v) <= 2147483647.0;
}

}  // namespace

bk_status portable_gemm_supports(const bk_op_desc& op) {
    if (op.dtype_a == BK_I8 && (!integral(op.u.gemm.alpha) || !integral(op.u.gemm.beta)))
        return fail(BK_UNSUPPORTED, "portable gemm i8 -> i32 takes integer alpha and beta only");
    return BK_OK;
}

bk_status portable_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c) {
    const GemmKernelSet& ks = kernels();
    const bk_gemm_op& g = op.u.gemm;
    switch (op.dtype_a) {
        case BK_F64:
            gemm(ks.f64, g, static_cast<const double*>(a), static_cast<const double*>(b),
                 static_cast<double*>(c), g.alpha, g.beta);
            break;
        case BK_F32:
            gemm(ks.f32, g, static_cast<const float*>(a), static_cast<const float*>(b),
                 static_cast<float*>(c), static_cast<float>(g.alpha), static_cast<float>(g.beta));
            break;
        case BK_BF16:
            gemm(ks.f32, g, static_cast<const Bf16*>(a), static_cast<const Bf16*>(b),
                 static_cast<float*>(c), static_cast<float>(g.alpha), static_cast<float>(g.beta));
            break;
        case BK_I8:
            gemm(ks.i32, g, static_cast<const int8_t*>(a), static_cast<const int8_t*>(b),
                 static_cast<int32_t*>(c), static_cast<int32_t>(g.alpha),
                 static_cast<int32_t>(g.beta));
            break;
        default:
            return fail(BK_UNSUPPORTED, std::string("portable gemm: no kernel for ") +
                                            dtype_name(op.dtype_a));
    }
    return BK_OK;
}

std::string portable_gemm_info(const bk_op_desc& op) {
    const GemmKernelSet& ks = kernels();
    int mr = ks.f32.mr, nr = ks.f32.nr;
    size_t elem = 4;
    std::string how = "f32 multiply-add";
    if (op.dtype_a == BK_F64) {
        mr = ks.f64.mr;
        nr = ks.f64.nr;
        elem = 8;
        how = "f64 multiply-add";
    } else if (op.dtype_a == BK_BF16) {
        how = "bf16 widened to f32 when packed, f32 multiply-add";
    } else if (op.dtype_a == BK_I8) {
        mr = ks.i32.mr;
        nr = ks.i32.nr;
        how = "i8 widened to i32 when packed, i32 multiply-add";
    }
    if (op.dtype_a != BK_I8)
        how += std::string(ks.isa) == "scalar" ? " (not fused)" : " (fused)";
    return "bakeoff portable gemm, " + std::string(ks.isa) + " micro-kernel " + std::to_string(mr) +
           "x" + std::to_string(nr) + ", " + how + ", blocks MC=" +
           std::to_string(block_rows(mr, elem)) + " KC=" + std::to_string(kKC) +
           " NC=" + std::to_string(panel_cols(nr, elem)) + ", " +
           (static_cast<double>(op.u.gemm.m) * static_cast<double>(op.u.gemm.n) *
                        static_cast<double>(op.u.gemm.k) <=
                    kSingleThreadMacs
                ? std::string("1 thread (small product)")
                : std::to_string(thread_count()) + " threads");
}

}  // namespace bk_cpu
