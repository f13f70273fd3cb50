#include "cuda_host.h"

#include "bakeoff/op_rules.h"
#include "bakeoff/plugin_dtype.h"

#include <algorithm>
#include <string>

namespace bakeoff::cuda {

namespace {
int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }
}  // namespace

std::string check_gemm_shape(const bk_gemm_op& g) {
    if (std::string why = bk_plugin::check_gemm_shape(g); !why.empty()) return why;
    const int64_t limit = int64_t(1) << 31;
    if (g.m >= limit || g.n >= limit || g.k >= limit || g.lda >= limit || g.ldb >= limit || g.ldc >= limit)
        return "gemm: a dimension or leading dimension is 2^31 or more";
    return {};
}

ColMajorGemm to_column_major(const bk_gemm_op& g) {
    ColMajorGemm c;
    c.trans_x = g.trans_b != 0;
    c.trans_y = g.trans_a != 0;
    c.m = g.n;
    c.n = g.m;
    c.k = g.k;
    c.ldx = g.ldb;
    c.ldy = g.lda;
    c.ldc = g.ldc;
    c.x_is_b = true;
    return c;
}

TnPlan plan_tn(const ColMajorGemm& cm, size_t elem_size) {
    TnPlan p;
    // X must be stored k x m (transposed), Y k x n (not transposed), both
    // with 16-element-aligned leading dimensions.
    p.pack_x = !cm.trans_x || cm.ldx % 16 != 0;
    p.pack_y = cm.trans_y || cm.ldy % 16 != 0;
    const int64_t ld = round_up(std::max<int64_t>(cm.k, 1), 16);
    p.ldx = p.pack_x ? ld : cm.ldx;
    p.ldy = p.pack_y ? ld : cm.ldy;
    p.x_bytes = p.pack_x ? uint64_t(ld) * uint64_t(std::max<int64_t>(cm.m, 1)) * elem_size : 0;
    p.y_bytes = p.pack_y ? uint64_t(ld) * uint64_t(std::max<int64_t>(cm.n, 1)) * elem_size : 0;
    return p;
}

std::string int8_shape_limits(const ColMajorGemm& cm) {
    std::string why;
    auto add = [&](const std::string& s) { why += (why.empty() ? "" : ", ") + s; };
    if (cm.m % 4 != 0) add("n=" + std::to_string(cm.m) + " is not a multiple of 4");
    if (cm.k % 4 != 0) add("k=" + std::to_string(cm.k) + " is not a multiple of 4");
    if (cm.ldc % 4 != 0) add("ldc=" + std::to_string(cm.ldc) + " is not a multiple of 4");
    if (why.empty()) return {};
    return "cuBLASLt int8 kernels need n, k and ldc multiples of 4: " + why;
}

const char* lt_type_name(LtType t) {
    switch (t) {
        case LtType::R_64F: return "CUDA_R_64F";
        case LtType::R_32F: return "CUDA_R_32F";
        case LtType::R_16F: return "CUDA_R_16F";
        case LtType::R_16BF: return "CUDA_R_16BF";
        case LtType::R_8F_E4M3: return "CUDA_R_8F_E4M3";
        case LtType::R_8I: return "CUDA_R_8I";
        case LtType::R_32I: return "CUDA_R_32I";
    }
    return "?";
}

const char* lt_compute_name(LtCompute c) {
    switch (c) {
        case LtCompute::C_64F: return "CUBLAS_COMPUTE_64F";
        case LtCompute::C_32F: return "CUBLAS_COMPUTE_32F";
        case LtCompute::C_32F_FAST_TF32: return "CUBLAS_COMPUTE_32F_FAST_TF32";
        case LtCompute::C_32I: return "CUBLAS_COMPUTE_32I";
    }
    return "?";
}

bool lt_types(bk_dtype in, bk_dtype out, LtTypes* t, std::string* why) {
    using T = LtType;
    using C = LtCompute;
    auto set = [&](LtTypes v) {
        *t = v;
        return true;
    };
    switch (in) {
        case BK_F64:
            if (out == BK_F64) return set({T::R_64F, T::R_64F, T::R_64F, C::C_64F, T::R_64F, 0, false, false});
            break;
        case BK_F32:
            if (out == BK_F32) return set({T::R_32F, T::R_32F, T::R_32F, C::C_32F, T::R_32F, 0, false, false});
            break;
        case BK_TF32:
            // fp32 storage, tensor-core multiply with 10-bit mantissas.
            if (out == BK_F32 || out == BK_TF32)
                return set({T::R_32F, T::R_32F, T::R_32F, C::C_32F_FAST_TF32, T::R_32F, 80, false, false});
            break;
        case BK_BF16:
            if (out == BK_F32) return set({T::R_16BF, T::R_16BF, T::R_32F, C::C_32F, T::R_32F, 80, false, false});
            if (out == BK_BF16) return set({T::R_16BF, T::R_16BF, T::R_16BF, C::C_32F, T::R_32F, 80, false, false});
            break;
        case BK_F16:
            if (out == BK_F32) return set({T::R_16F, T::R_16F, T::R_32F, C::C_32F, T::R_32F, 0, false, false});
            if (out == BK_F16) return set({T::R_16F, T::R_16F, T::R_16F, C::C_32F, T::R_32F, 0, false, false});
            break;
        case BK_F8_E4M3:
            // FP8 kernels: Ada and Hopper, TN layout, scale pointers; D in bf16 or fp32.
            if (out == BK_BF16)
                return set({T::R_8F_E4M3, T::R_8F_E4M3, T::R_16BF, C::C_32F, T::R_32F, 89, true, true});
            if (out == BK_F32)
                return set({T::R_8F_E4M3, T::R_8F_E4M3, T::R_32F, C::C_32F, T::R_32F, 89, true, true});
            break;
        case BK_I8:
            if (out == BK_I32) return set({T::R_8I, T::R_8I, T::R_32I, C::C_32I, T::R_32I, 0, true, false});
            break;
        default: break;
    }
    if (why) {
        *why = std::string("cuBLASLt has no GEMM with ") + bk_dtype_name(in) + " inputs and " + bk_dtype_name(out) +
               " output here";
    }
    return false;
}

StreamGeometry stream_geometry(int64_t n, size_t elem_size, int sm_count, int blocks_per_sm, uint32_t threads,
                               int waves) {
    StreamGeometry g;
    g.threads = std::max<uint32_t>(32, threads);
    g.vec_width = elem_size > 0 && elem_size <= 16 ? int(16 / elem_size) : 1;
    if (n <= 0) {
        g.vectors = g.tail = 0;
        g.blocks = 1;
        return g;
    }
    g.vectors = n / g.vec_width;
    g.tail = n - g.vectors * g.vec_width;
    const int64_t needed = std::max<int64_t>(1, (g.vectors + g.threads - 1) / g.threads);
    const int64_t in_flight =
        int64_t(std::max(1, sm_count)) * int64_t(std::max(1, blocks_per_sm)) * int64_t(std::max(1, waves));
    g.blocks = uint32_t(std::min<int64_t>({needed, in_flight, int64_t(kMaxDotPartials)}));
    return g;
}

GemmGrid gemm_grid(int64_t m, int64_t n, int tile_m, int tile_n) {
    GemmGrid g;
    g.x = uint32_t(std::max<int64_t>(1, (n + tile_n - 1) / tile_n));
    g.y = uint32_t(std::max<int64_t>(1, (m + tile_m - 1) / tile_m));
    return g;
}

std::string cuda_version_string(int v) {
    if (v <= 0) return "unknown";
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string transfer_direction(bool in_is_host, bool out_is_host, std::string* why) {
    if (in_is_host && !out_is_host) return "h2d";
    if (!in_is_host && out_is_host) return "d2h";
    if (why)
        *why = in_is_host ? "transfer: both operands are host buffers; one must be device memory"
                          : "transfer: both operands are device buffers; one must be a host buffer (host_buffer_alloc)";
    return {};
}

}  // namespace bakeoff::cuda
