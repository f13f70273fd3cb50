// bakeoff's own GEMM: the yardstick for how much a vendor library adds.
//
// Goto/BLIS-style blocking: for each NC-wide panel of B and each KC-deep
// slice, the team packs the B panel (kc x nr slivers) and all of A's rows
// (mr x kc slivers) into contiguous buffers, widening bf16 and f16 to f32 and
// i8 to i32 as it goes, then computes tiles of C in parallel (static schedule,
// row blocks of at most MC rows and column tiles as even as whole micro-tiles
// allow) with the micro-kernel of the best ISA (gemm_portable_<isa>.cpp).
// Transposes and leading dimensions are absorbed by the packing, which uses
// the ISA file's vector routines for f32, bf16 and f16 where it has them.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "cpu_internal.h"
#include "gemm_portable.h"

namespace bk_cpu {
namespace {

constexpr int64_t kKC = 256;
constexpr double kSingleThreadMacs = 64.0 * 64.0 * 64.0;

const GemmKernelSet& kernels() {
    static const GemmKernelSet& set = kernels_for_isa(gemm_kernels_avx512, gemm_kernels_avx2, gemm_kernels_scalar);
    return set;
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

// Element conversion while packing. bf16 travels as its bit pattern.
inline float widen(float v) { return v; }
inline double widen(double v) { return v; }
inline int32_t widen(int8_t v) { return v; }
inline float widen(uint16_t bf16) { return bk_bf16_to_f32(bf16); }
inline float widen(f16 v) { return bk_f16_to_f32(v.bits); }

// The scalar packing loops (GemmPackFn in gemm_portable.h has the layouts):
// for the scalar ISA, for f64 and i8, and where an ISA file has no routine.
// "lines": each source line is read contiguously, written with stride w.
template <class S, class T>
void pack_lines_ref(T* dst, const S* src, int64_t ld, int valid, int64_t kc, int w) {
    for (int r = 0; r < w; ++r) {
        if (r >= valid) {
            for (int64_t p = 0; p < kc; ++p) dst[p * w + r] = T(0);
            continue;
        }
        const S* line = src + r * ld;
        for (int64_t p = 0; p < kc; ++p) dst[p * w + r] = widen(line[p]);
    }
}
// "across": a widening copy of `valid` elements per source line.
template <class S, class T>
void pack_across_ref(T* dst, const S* src, int64_t ld, int valid, int64_t kc, int w) {
    for (int64_t p = 0; p < kc; ++p) {
        const S* line = src + p * ld;
        T* out = dst + p * w;
        for (int j = 0; j < valid; ++j) out[j] = widen(line[j]);
        for (int j = valid; j < w; ++j) out[j] = T(0);
    }
}

// The packing routines for source S widened to T: the ISA's where it has
// them, the scalar loops otherwise.
template <class S, class T>
struct Packer {
    GemmPackFn<S, T> lines = &pack_lines_ref<S, T>;
    GemmPackFn<S, T> across = &pack_across_ref<S, T>;
    explicit Packer(const GemmKernelSet&) {}
    explicit Packer(const GemmPackers<S, T>& isa) {
        if (isa.lines) lines = isa.lines;
        if (isa.across) across = isa.across;
    }
};
template <class S, class T>
Packer<S, T> packer(const GemmKernelSet& ks) {
    if constexpr (std::is_same_v<S, float>)
        return Packer<S, T>(ks.pack_f32);
    else if constexpr (std::is_same_v<S, uint16_t>)
        return Packer<S, T>(ks.pack_bf16);
    else if constexpr (std::is_same_v<S, f16>)
        return Packer<S, T>(ks.pack_f16);
    else
        return Packer<S, T>(ks);
}

// One sliver of A: rows [i0, i0 + mr) x depth [p0, p0 + kc), rows past m zero.
template <class S, class T>
void pack_a(const Packer<S, T>& pk, T* dst, const S* a, int64_t lda, bool trans, int64_t m,
            int64_t i0, int64_t p0, int64_t kc, int mr) {
    const int valid = static_cast<int>(std::clamp<int64_t>(m - i0, 0, mr));
    if (!trans)
        pk.lines(dst, a + i0 * lda + p0, lda, valid, kc, mr);
    else
        pk.across(dst, a + p0 * lda + i0, lda, valid, kc, mr);
}

// One sliver of B: depth [p0, p0 + kc) x columns [j0, j0 + nr), columns past n zero.
template <class S, class T>
void pack_b(const Packer<S, T>& pk, T* dst, const S* b, int64_t ldb, bool trans, int64_t n,
            int64_t j0, int64_t p0, int64_t kc, int nr) {
    const int valid = static_cast<int>(std::clamp<int64_t>(n - j0, 0, nr));
    if (trans)
        pk.lines(dst, b + j0 * ldb + p0, ldb, valid, kc, nr);
    else
        pk.across(dst, b + p0 * ldb + j0, ldb, valid, kc, nr);
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

// Splits `count` units into `parts` runs whose sizes differ by at most one;
// run i starts at split(i).
inline int64_t split(int64_t i, int64_t count, int64_t parts) { return i * count / parts; }

template <class S, class T>
void gemm(const GemmKernelSet& ks, const GemmMicroKernel<T>& uk, const bk_gemm_op& g, const S* a,
          const S* b, T* c, T alpha, T beta) {
    const int mr = uk.mr, nr = uk.nr;
    const int64_t m = g.m, n = g.n, k = g.k;
    const int64_t mc_max = block_rows(mr, sizeof(T));
    const int64_t nc_max = panel_cols(nr, sizeof(T));
    const int64_t m_pad = round_up(m, mr);
    const int64_t kc_max = std::min(k, kKC);
    const int64_t nc_pad_max = round_up(std::min(n, nc_max), nr);
    const Packer<S, T> pk = packer<S, T>(ks);

    thread_local Workspace ws;
    T* pa = static_cast<T*>(Workspace::grow(ws.a, ws.a_bytes, sizeof(T) * m_pad * kc_max));
    T* pb = static_cast<T*>(Workspace::grow(ws.b, ws.b_bytes, sizeof(T) * nc_pad_max * kc_max));

    // Small products run on one thread: waking the team costs more than it saves.
    const bool small = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) <=
                       kSingleThreadMacs;
    const int threads = small ? 1 : thread_count();
    // Row blocks of whole micro-tiles (mr rows), as even as they can be: a
    // fixed MC left a sliver of a block over (m = 128, MC = 126: blocks of
    // 126 and 2 rows), and the thread given the small block sat idle.
    const int64_t m_tiles = m_pad / mr;
    const int64_t row_blocks = (m_tiles + mc_max / mr - 1) / (mc_max / mr);
    const bool beta_zero = beta == T(0);

    LaunchPin pin;
#pragma omp parallel num_threads(threads)
    {
        pin_omp_thread();
        for (int64_t jc = 0; jc < n; jc += nc_max) {
            const int64_t nc = std::min(nc_max, n - jc);
            const int64_t b_slivers = (nc + nr - 1) / nr;
            // Column tiles per panel, again in whole slivers and as even as
            // they can be: about 16 tiles per thread, and a whole number of
            // tiles per thread where the slivers allow, so that the static
            // schedule gives every thread the same work.
            const int64_t want = (16 * static_cast<int64_t>(threads) + row_blocks - 1) / row_blocks;
            int64_t col_tiles = std::clamp<int64_t>(want, 1, b_slivers);
            for (int64_t ct = col_tiles; ct <= b_slivers; ++ct) {
                if (row_blocks * ct % threads == 0) {
                    col_tiles = ct;
                    break;
                }
            }
            for (int64_t pc = 0; pc < k; pc += kKC) {
                const int64_t kc = std::min(kKC, k - pc);
                const bool first = pc == 0;
#pragma omp for schedule(static)
                for (int64_t s = 0; s < b_slivers; ++s)
                    pack_b(pk, pb + s * nr * kc, b, g.ldb, g.trans_b != 0, n, jc + s * nr, pc, kc, nr);
#pragma omp for schedule(static)
                for (int64_t s = 0; s < m_tiles; ++s)
                    pack_a(pk, pa + s * mr * kc, a, g.lda, g.trans_a != 0, m, s * mr, pc, kc, mr);
#pragma omp for collapse(2) schedule(static)
                for (int64_t rb = 0; rb < row_blocks; ++rb) {
                    for (int64_t cb = 0; cb < col_tiles; ++cb) {
                        const int64_t i0 = split(rb, m_tiles, row_blocks) * mr;
                        const int64_t i1 = std::min(m, split(rb + 1, m_tiles, row_blocks) * mr);
                        const int64_t j0 = split(cb, b_slivers, col_tiles) * nr;
                        const int64_t j1 = std::min(nc, split(cb + 1, b_slivers, col_tiles) * nr);
                        uk.block(i1 - i0, j1 - j0, kc, pa + i0 * kc, pb + j0 * kc,
                                 c + i0 * g.ldc + jc + j0, g.ldc, alpha, first ? beta : T(1),
                                 first && beta_zero);
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
            gemm(ks, ks.f64, g, static_cast<const double*>(a), static_cast<const double*>(b),
                 static_cast<double*>(c), g.alpha, g.beta);
            break;
        case BK_F32:
            gemm(ks, ks.f32, g, static_cast<const float*>(a), static_cast<const float*>(b),
                 static_cast<float*>(c), static_cast<float>(g.alpha), static_cast<float>(g.beta));
            break;
        case BK_BF16:
            gemm(ks, ks.f32, g, static_cast<const uint16_t*>(a), static_cast<const uint16_t*>(b),
                 static_cast<float*>(c), static_cast<float>(g.alpha), static_cast<float>(g.beta));
            break;
        case BK_F16:
            gemm(ks, ks.f32, g, static_cast<const f16*>(a), static_cast<const f16*>(b),
                 static_cast<float*>(c), static_cast<float>(g.alpha), static_cast<float>(g.beta));
            break;
        case BK_I8:
            gemm(ks, ks.i32, g, static_cast<const int8_t*>(a), static_cast<const int8_t*>(b),
                 static_cast<int32_t*>(c), static_cast<int32_t>(g.alpha),
                 static_cast<int32_t>(g.beta));
            break;
        default:
            return fail(BK_UNSUPPORTED, std::string("portable gemm: no kernel for ") +
                                            bk_dtype_name(op.dtype_a));
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
    } else if (op.dtype_a == BK_F16) {
        how = std::string("f16 widened to f32 when packed") +
              (ks.pack_f16.lines ? " (F16C)" : " (in software)") + ", f32 multiply-add";
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
