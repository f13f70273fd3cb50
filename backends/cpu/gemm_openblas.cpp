// Vendor-path f64/f32 GEMM through OpenBLAS (cblas, row-major), and what
// OpenBLAS says about itself: version, build, the kernel core it picked, and
// whether that core runs below the CPU (lib_fallback.h).
#include <cblas.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cpu_internal.h"
#include "lib_fallback.h"

extern "C" char** environ;

namespace bk_cpu {
namespace {

std::string trimmed(const char* s) {
    std::string r = s ? s : "";
    while (!r.empty() && std::isspace(static_cast<unsigned char>(r.back()))) r.pop_back();
    return r;
}

bool fits_blasint(int64_t v) { return v <= static_cast<int64_t>(INT_MAX); }

}  // namespace

std::string openblas_core() { return trimmed(openblas_get_corename()); }

std::string openblas_version() {
    // openblas_get_config(): "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"
    return trimmed(openblas_get_config()) + " (core " + openblas_core() + ", " +
           std::to_string(openblas_get_num_threads()) + " threads)";
}

std::string openblas_env_override() {
    std::string s;
    for (char** e = environ; e && *e; ++e) {
        if (std::strncmp(*e, "OPENBLAS_", 9) == 0 || std::strncmp(*e, "GOTO_", 5) == 0) {
            if (!s.empty()) s += ',';
            s += *e;
        }
    }
    return s.empty() ? "none" : s;
}

std::string openblas_core_note() {
    // The core and the CPU do not change in a process; the environment is read at load.
    static const std::string note = openblas_fallback(openblas_core(), cpu_isa(), std::getenv("OPENBLAS_CORETYPE"));
    return note;
}

bk_status openblas_gemm_supports(const bk_op_desc& op) {
    const bk_gemm_op& g = op.u.gemm;
    if (!fits_blasint(g.m) || !fits_blasint(g.n) || !fits_blasint(g.k) || !fits_blasint(g.lda) ||
        !fits_blasint(g.ldb) || !fits_blasint(g.ldc))
        return fail(BK_UNSUPPORTED, "gemm: sizes beyond OpenBLAS's 32-bit integer interface");
    return BK_OK;
}

bk_status openblas_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c) {
    const bk_gemm_op& g = op.u.gemm;
    const CBLAS_TRANSPOSE ta = g.trans_a ? CblasTrans : CblasNoTrans;
    const CBLAS_TRANSPOSE tb = g.trans_b ? CblasTrans : CblasNoTrans;
    const auto m = static_cast<blasint>(g.m), n = static_cast<blasint>(g.n),
               k = static_cast<blasint>(g.k), lda = static_cast<blasint>(g.lda),
               ldb = static_cast<blasint>(g.ldb), ldc = static_cast<blasint>(g.ldc);
    LaunchPin pin;
    if (g.m == 1) {
        // One row of A: a matrix-vector product, which streams B once (decode).
        // C is zeroed first when beta is 0 so poison in it cannot leak into
        // y = beta y + ... in a BLAS that multiplies instead of overwriting.
        const CBLAS_TRANSPOSE tv = g.trans_b ? CblasNoTrans : CblasTrans;
        const blasint rows = g.trans_b ? n : k, cols = g.trans_b ? k : n;
        const blasint incx = g.trans_a ? lda : 1;
        if (op.dtype_a == BK_F64) {
            if (g.beta == 0) std::memset(c, 0, sizeof(double) * size_t(n));
            cblas_dgemv(CblasRowMajor, tv, rows, cols, g.alpha, static_cast<const double*>(b), ldb,
                        static_cast<const double*>(a), incx, g.beta, static_cast<double*>(c), 1);
        } else {
            if (g.beta == 0) std::memset(c, 0, sizeof(float) * size_t(n));
            cblas_sgemv(CblasRowMajor, tv, rows, cols, static_cast<float>(g.alpha), static_cast<const float*>(b),
                        ldb, static_cast<const float*>(a), incx, static_cast<float>(g.beta), static_cast<float*>(c), 1);
        }
        return BK_OK;
    }
    if (op.dtype_a == BK_F64) {
        cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, g.alpha, static_cast<const double*>(a), lda,
                    static_cast<const double*>(b), ldb, g.beta, static_cast<double*>(c), ldc);
    } else {
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, static_cast<float>(g.alpha),
                    static_cast<const float*>(a), lda, static_cast<const float*>(b), ldb,
                    static_cast<float>(g.beta), static_cast<float*>(c), ldc);
    }
    return BK_OK;
}

std::string openblas_gemm_info(const bk_op_desc& op) {
    const char* fn = op.u.gemm.m == 1 ? (op.dtype_a == BK_F64 ? "cblas_dgemv (m = 1)" : "cblas_sgemv (m = 1)")
                                      : (op.dtype_a == BK_F64 ? "cblas_dgemm" : "cblas_sgemm");
    std::string s = "OpenBLAS " + std::string(fn) +
                    ", core " + openblas_core() + ", " + std::to_string(openblas_get_num_threads()) +
                    " threads";
    const std::string note = openblas_core_note();
    // A "warning: " line is shown next to the figure: it measures the library's choice, not the machine.
    if (!note.empty()) s += "\nwarning: " + note;
    if (openblas_get_num_threads() < thread_count())
        s += "\nwarning: OpenBLAS runs fewer threads than the OpenMP team (OpenBLAS counts the CPUs it may use at load; "
             "OMP_PROC_BIND/OMP_PLACES in the environment pin the first thread before that)";
    return s;
}

}  // namespace bk_cpu
