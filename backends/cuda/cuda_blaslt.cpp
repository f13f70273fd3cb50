// The vendor GEMM: cuBLASLt. bakeoff's row-major C = alpha op(A) op(B) + beta C
// is computed as the column-major C^T = op(B)^T op(A)^T (cuda_host.h:
// to_column_major). int8 and fp8 kernels want the TN layout: operands that
// are not in it are first packed into the workspace by a transpose kernel
// (inside the timed run, and said so in op_info). Matmul descriptors, layouts
// and the heuristic's algorithm are cached per shape; the 32 MiB workspace is
// allocated once per device.
#include "cuda_internal.h"
#include "cuda_kernels.h"

#include <cublasLt.h>

#include <cstring>

namespace bakeoff::cuda {

namespace {

constexpr size_t kWorkspaceBytes = size_t(32) << 20;

std::string lt_text(cublasStatus_t s) {
    const char* t = cublasLtGetStatusString(s);
    return t ? t : ("cublasStatus " + std::to_string(int(s)));
}

void check_lt(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS) {
        const bk_status st = s == CUBLAS_STATUS_NOT_SUPPORTED ? BK_UNSUPPORTED
                             : s == CUBLAS_STATUS_ALLOC_FAILED ? BK_OUT_OF_MEMORY
                                                               : BK_DEVICE_ERROR;
        throw Failure{st, std::string("cuBLASLt ") + what + ": " + lt_text(s)};
    }
}

cudaDataType to_cuda(LtType t) {
    switch (t) {
        case LtType::R_64F: return CUDA_R_64F;
        case LtType::R_32F: return CUDA_R_32F;
        case LtType::R_16F: return CUDA_R_16F;
        case LtType::R_16BF: return CUDA_R_16BF;
        case LtType::R_8F_E4M3: return CUDA_R_8F_E4M3;
        case LtType::R_8I: return CUDA_R_8I;
        case LtType::R_32I: return CUDA_R_32I;
    }
    return CUDA_R_32F;
}

cublasComputeType_t to_cuda(LtCompute c) {
    switch (c) {
        case LtCompute::C_64F: return CUBLAS_COMPUTE_64F;
        case LtCompute::C_32F: return CUBLAS_COMPUTE_32F;
        case LtCompute::C_32F_FAST_TF32: return CUBLAS_COMPUTE_32F_FAST_TF32;
        case LtCompute::C_32I: return CUBLAS_COMPUTE_32I;
    }
    return CUBLAS_COMPUTE_32F;
}

size_t type_bytes(LtType t) {
    switch (t) {
        case LtType::R_64F: return 8;
        case LtType::R_32F:
        case LtType::R_32I: return 4;
        case LtType::R_16F:
        case LtType::R_16BF: return 2;
        default: return 1;
    }
}

struct Plan {
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t lx = nullptr, ly = nullptr, lc = nullptr;
    cublasLtMatmulAlgo_t algo{};
    size_t workspace = 0;
    LtTypes types{};
    ColMajorGemm cm;
    TnPlan tn;
    std::string info;
};

}  // namespace

struct BlasLt {
    cublasLtHandle_t handle = nullptr;
    void* workspace = nullptr;
    void* pack = nullptr;  // TN copies of int8 / fp8 operands
    size_t pack_bytes = 0;
    float* one = nullptr;  // device 1.0f: fp8 dequantization scales
    std::map<std::string, Plan> plans;
};

void destroy_blaslt(BlasLt* b) noexcept {
    if (!b) return;
    for (auto& [key, p] : b->plans) {
        if (p.lx) cublasLtMatrixLayoutDestroy(p.lx);
        if (p.ly) cublasLtMatrixLayoutDestroy(p.ly);
        if (p.lc) cublasLtMatrixLayoutDestroy(p.lc);
        if (p.desc) cublasLtMatmulDescDestroy(p.desc);
    }
    if (b->workspace) cudaFree(b->workspace);
    if (b->pack) cudaFree(b->pack);
    if (b->one) cudaFree(b->one);
    if (b->handle) cublasLtDestroy(b->handle);
    delete b;
}

std::string blaslt_version() {
    const size_t v = cublasLtGetVersion();  // major*10000 + minor*100 + patch
    return "cuBLASLt " + std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." +
           std::to_string(v % 100);
}

std::string blaslt_key(const bk_op_desc* op) {
    const bk_gemm_op& g = op->u.gemm;
    return std::to_string(op->dtype_a) + "/" + std::to_string(op->dtype_b) + "/" + std::to_string(op->dtype_c) + ":" +
           std::to_string(g.m) + "x" + std::to_string(g.n) + "x" + std::to_string(g.k) + ":" + std::to_string(g.lda) +
           "," + std::to_string(g.ldb) + "," + std::to_string(g.ldc) + ":" + std::to_string(g.trans_a) +
           std::to_string(g.trans_b);
}

bk_status blaslt_check(const bk_device* d, const bk_op_desc* op) {
    LtTypes t;
    std::string why;
    if (op->dtype_a != op->dtype_b) return fail(BK_UNSUPPORTED, "gemm vendor: mixed input dtypes are not implemented");
    if (!lt_types(bk_dtype(op->dtype_a), bk_dtype(op->dtype_c), &t, &why)) return fail(BK_UNSUPPORTED, why);
    const int cc = d->facts.cc_major * 10 + d->facts.cc_minor;
    if (cc < t.min_cc)
        return fail(BK_UNSUPPORTED, "gemm vendor: this dtype needs compute capability " + std::to_string(t.min_cc / 10) +
                                        "." + std::to_string(t.min_cc % 10) + " or newer; the device is " +
                                        std::to_string(d->facts.cc_major) + "." + std::to_string(d->facts.cc_minor));
    const bk_gemm_op& g = op->u.gemm;
    if (g.k == 0) return fail(BK_UNSUPPORTED, "gemm vendor: cuBLASLt needs k >= 1");
    if (op->dtype_a == BK_I8) {
        if (std::string lim = int8_shape_limits(to_column_major(g)); !lim.empty()) return fail(BK_UNSUPPORTED, lim);
    }
    if (op->dtype_a == BK_F8_E4M3) {
        const ColMajorGemm cm = to_column_major(g);
        if (cm.m % 16 != 0 || cm.k % 16 != 0 || cm.ldc % 16 != 0)
            return fail(BK_UNSUPPORTED, "gemm vendor: cuBLASLt fp8 kernels need n, k and ldc multiples of 16");
    }
    return BK_OK;
}

namespace {

BlasLt& state(bk_device* d) {
    if (!d->blaslt) {
        auto b = std::make_unique<BlasLt>();
        check_lt(cublasLtCreate(&b->handle), "create");
        check_cuda(cudaMalloc(&b->workspace, kWorkspaceBytes), "cudaMalloc (cuBLASLt workspace)");
        check_cuda(cudaMalloc(reinterpret_cast<void**>(&b->one), sizeof(float)), "cudaMalloc");
        const float one = 1.0f;
        check_cuda(cudaMemcpy(b->one, &one, sizeof one, cudaMemcpyHostToDevice), "cudaMemcpy");
        d->blaslt = b.release();
    }
    return *d->blaslt;
}

void set_desc(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t a, const void* v, size_t n) {
    check_lt(cublasLtMatmulDescSetAttribute(desc, a, v, n), "matmul descriptor attribute");
}

Plan make_plan(bk_device* d, BlasLt& b, const bk_op_desc* op) {
    Plan p;
    std::string why;
    if (!lt_types(bk_dtype(op->dtype_a), bk_dtype(op->dtype_c), &p.types, &why)) throw Failure{BK_UNSUPPORTED, why};
    p.cm = to_column_major(op->u.gemm);
    const ColMajorGemm& cm = p.cm;
    bool tx = cm.trans_x, ty = cm.trans_y;
    int64_t ldx = cm.ldx, ldy = cm.ldy;
    if (p.types.tn_only) {
        p.tn = plan_tn(cm, type_bytes(p.types.a));
        tx = true;
        ty = false;
        ldx = p.tn.ldx;
        ldy = p.tn.ldy;
    }
    check_lt(cublasLtMatmulDescCreate(&p.desc, to_cuda(p.types.compute), to_cuda(p.types.scale)), "matmul descriptor");
    const cublasOperation_t opx = tx ? CUBLAS_OP_T : CUBLAS_OP_N, opy = ty ? CUBLAS_OP_T : CUBLAS_OP_N;
    set_desc(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &opx, sizeof opx);
    set_desc(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &opy, sizeof opy);
    if (p.types.scale_pointers) {
        // Unit dequantization scales: the inputs are fp8 values as they are.
        set_desc(p.desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &b.one, sizeof b.one);
        set_desc(p.desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &b.one, sizeof b.one);
    }
    const uint64_t xr = tx ? cm.k : cm.m, xc = tx ? cm.m : cm.k;
    const uint64_t yr = ty ? cm.n : cm.k, yc = ty ? cm.k : cm.n;
    check_lt(cublasLtMatrixLayoutCreate(&p.lx, to_cuda(p.types.a), xr, xc, ldx), "layout X");
    check_lt(cublasLtMatrixLayoutCreate(&p.ly, to_cuda(p.types.b), yr, yc, ldy), "layout Y");
    check_lt(cublasLtMatrixLayoutCreate(&p.lc, to_cuda(p.types.c), cm.m, cm.n, cm.ldc), "layout C");

    cublasLtMatmulPreference_t pref = nullptr;
    check_lt(cublasLtMatmulPreferenceCreate(&pref), "preference");
    const uint64_t ws = kWorkspaceBytes;
    cublasStatus_t st =
        cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
    cublasLtMatmulHeuristicResult_t res{};
    int found = 0;
    if (st == CUBLAS_STATUS_SUCCESS)
        st = cublasLtMatmulAlgoGetHeuristic(b.handle, p.desc, p.lx, p.ly, p.lc, p.lc, pref, 1, &res, &found);
    cublasLtMatmulPreferenceDestroy(pref);
    check_lt(st, "heuristic");
    if (found == 0) throw Failure{BK_UNSUPPORTED, "cuBLASLt found no algorithm for this GEMM"};
    p.algo = res.algo;
    p.workspace = res.workspaceSize;

    int algo_id = 0, tile = 0, stages = 0;
    size_t got = 0;
    cublasLtMatmulAlgoConfigGetAttribute(&p.algo, CUBLASLT_ALGO_CONFIG_ID, &algo_id, sizeof algo_id, &got);
    cublasLtMatmulAlgoConfigGetAttribute(&p.algo, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, sizeof tile, &got);
    cublasLtMatmulAlgoConfigGetAttribute(&p.algo, CUBLASLT_ALGO_CONFIG_STAGES_ID, &stages, sizeof stages, &got);
    p.info = blaslt_version() + " cublasLtMatmul, " + lt_compute_name(p.types.compute) + ", A/B " +
             lt_type_name(p.types.a) + " -> " + lt_type_name(p.types.c) + ", algo " + std::to_string(algo_id) +
             " tile id " + std::to_string(tile) + " stages id " + std::to_string(stages) + ", workspace " +
             std::to_string(p.workspace) + " of " + std::to_string(kWorkspaceBytes) + " bytes" +
             ", row-major mapped to column-major C^T = B^T A^T";
    if (p.tn.pack_x || p.tn.pack_y)
        p.info += "; TN layout: " + std::string(p.tn.pack_x ? "B" : "") + (p.tn.pack_x && p.tn.pack_y ? " and " : "") +
                  (p.tn.pack_y ? "A" : "") + " transposed into scratch inside the timed run";
    (void)d;
    return p;
}

}  // namespace

void blaslt_gemm(bk_stream* s, const bk_op_desc* op, bk_buffer* a, bk_buffer* b, bk_buffer* c) {
    bk_device* d = s->dev;
    const bk_gemm_op& g = op->u.gemm;
    if (g.m == 0 || g.n == 0) return;
    std::lock_guard<std::mutex> lock(d->mu);
    BlasLt& lt = state(d);
    const std::string key = blaslt_key(op);
    auto it = lt.plans.find(key);
    if (it == lt.plans.end()) {
        it = lt.plans.emplace(key, make_plan(d, lt, op)).first;
        d->op_infos[key] = it->second.info;
    }
    const Plan& p = it->second;
    const void* x = b->ptr;  // X is bakeoff's B, Y is bakeoff's A
    const void* y = a->ptr;
    if (p.tn.pack_x || p.tn.pack_y) {
        const size_t need = p.tn.x_bytes + p.tn.y_bytes;
        if (lt.pack_bytes < need) {
            if (lt.pack) check_cuda(cudaFree(lt.pack), "cudaFree");
            lt.pack = nullptr;
            lt.pack_bytes = 0;
            check_cuda(cudaMalloc(&lt.pack, need), "cudaMalloc (TN packing)");
            lt.pack_bytes = need;
        }
        char* base = static_cast<char*>(lt.pack);
        const ColMajorGemm& cm = p.cm;
        if (p.tn.pack_x) {
            // X' = k x m column-major with X'(kk, i) = op(X)(i, kk).
            check_cuda(launch_pack_bytes(x, cm.ldx, !cm.trans_x, cm.k, cm.m, base, p.tn.ldx, s->s), "TN packing");
            x = base;
        }
        if (p.tn.pack_y) {
            // Y' = k x n column-major with Y'(kk, j) = op(Y)(kk, j).
            check_cuda(launch_pack_bytes(y, cm.ldy, cm.trans_y, cm.k, cm.n, base + p.tn.x_bytes, p.tn.ldy, s->s),
                       "TN packing");
            y = base + p.tn.x_bytes;
        }
    }
    // alpha and beta in the descriptor's scale type.
    double ad = g.alpha, bd = g.beta;
    float af = float(g.alpha), bf = float(g.beta);
    int32_t ai = int32_t(g.alpha), bi = int32_t(g.beta);
    const void* alpha = &af;
    const void* beta = &bf;
    if (p.types.scale == LtType::R_64F) {
        alpha = &ad;
        beta = &bd;
    } else if (p.types.scale == LtType::R_32I) {
        alpha = &ai;
        beta = &bi;
    }
    check_lt(cublasLtMatmul(lt.handle, p.desc, alpha, x, p.lx, y, p.ly, beta, c->ptr, p.lc, c->ptr, p.lc, &p.algo,
                            lt.workspace, p.workspace, s->s),
             "matmul");
}

}  // namespace bakeoff::cuda
