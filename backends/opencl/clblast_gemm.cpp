#include "clblast_gemm.h"

#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <mutex>

#include "bakeoff/plugin_half.h"

namespace bakeoff::opencl {
namespace {

// CLBlast's C API (clblast_c.h), declared here so that building the plugin
// does not need CLBlast's headers: its enums are C ints, its routines return
// a status that is 0 on success and an OpenCL or CLBlast error code otherwise.
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
template <class T>
using GemmFn = int (*)(int layout, int ta, int tb, size_t m, size_t n, size_t k, T alpha, cl_mem a, size_t a_off,
                       size_t lda, cl_mem b, size_t b_off, size_t ldb, T beta, cl_mem c, size_t c_off, size_t ldc,
                       cl_command_queue* queue, cl_event* event);

struct Lib {
    std::string missing;  // why it could not be loaded; "" when loaded
    std::string file;     // the file the loader found (its name carries the version)
    GemmFn<float> sgemm = nullptr;
    GemmFn<double> dgemm = nullptr;
    GemmFn<cl_half> hgemm = nullptr;
};

const Lib& lib() {
    static const Lib l = [] {
        Lib x;
        // BAKEOFF_CLBLAST_LIBRARY names another build (a tuned one); otherwise the
        // versioned name first: the unversioned one exists only with the -dev package.
        const char* chosen = std::getenv("BAKEOFF_CLBLAST_LIBRARY");
        void* h = nullptr;
        if (chosen && *chosen) {
            h = ::dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        } else {
            h = ::dlopen("libclblast.so.1", RTLD_NOW | RTLD_LOCAL);
            if (!h) h = ::dlopen("libclblast.so", RTLD_NOW | RTLD_LOCAL);
        }
        if (!h) {
            const char* e = ::dlerror();
            x.missing = std::string("CLBlast is not installed (") + (e ? e : "libclblast.so.1 not found") +
                        "); Debian: apt-get install libclblast1";
            return x;
        }
        x.sgemm = reinterpret_cast<GemmFn<float>>(::dlsym(h, "CLBlastSgemm"));
        x.dgemm = reinterpret_cast<GemmFn<double>>(::dlsym(h, "CLBlastDgemm"));
        x.hgemm = reinterpret_cast<GemmFn<cl_half>>(::dlsym(h, "CLBlastHgemm"));
        if (!x.sgemm || !x.dgemm || !x.hgemm) {
            x.missing = "the CLBlast library found lacks CLBlastSgemm/Dgemm/Hgemm";
            return x;
        }
        Dl_info info{};
        if (::dladdr(reinterpret_cast<void*>(x.sgemm), &info) && info.dli_fname) {
            char real[PATH_MAX];
            x.file = ::realpath(info.dli_fname, real) ? real : info.dli_fname;
        }
        return x;
    }();
    return l;
}

// The version in the library's file name ("libclblast.so.1.5.3" -> "1.5.3").
std::string version() {
    const std::string& f = lib().file;
    const auto at = f.find(".so.");
    return at == std::string::npos ? std::string("(version unknown)") : f.substr(at + 4);
}

const char* routine(const bk_op_desc& op) {
    return op.dtype_a == BK_F64 ? "DGEMM" : op.dtype_a == BK_F16 ? "HGEMM" : "SGEMM";
}

}  // namespace

std::string clblast_gemm_unsupported(const bk_device* d, const bk_op_desc& op) {
    if (!lib().missing.empty()) return lib().missing;
    const uint32_t a = op.dtype_a, c = op.dtype_c;
    if (a != op.dtype_b) return "CLBlast multiplies operands of one type";
    if (a == BK_F32 && c == BK_F32) return {};
    if (a == BK_F64 && c == BK_F64)
        return d->caps.fp64 ? std::string() : "CLBlast's DGEMM needs fp64 (cl_khr_fp64), which the device lacks";
    if (a == BK_F16 && c == BK_F16)
        return d->caps.fp16 ? std::string() : "CLBlast's HGEMM needs fp16 (cl_khr_fp16), which the device lacks";
    if (a == BK_F16) return "CLBlast's HGEMM writes f16; it has no f16 -> f32 GEMM";
    return "CLBlast runs f32, f64 and f16 GEMM only";
}

bk_status clblast_gemm_launch(bk_stream* s, const bk_op_desc& op, bk_buffer* const* ops, bool track) {
    const bk_gemm_op& g = op.u.gemm;
    if (g.m == 0 || g.n == 0) return BK_OK;  // nothing to compute
    const int ta = g.trans_a ? kTrans : kNoTrans, tb = g.trans_b ? kTrans : kNoTrans;
    const auto m = size_t(g.m), n = size_t(g.n), k = size_t(g.k);
    const auto lda = size_t(g.lda), ldb = size_t(g.ldb), ldc = size_t(g.ldc);
    cl_mem A = ops[0]->mem, B = ops[1]->mem, C = ops[2]->mem;
    cl_event ev = nullptr;
    cl_event* out = track ? &ev : nullptr;
    int st = 0;
    if (op.dtype_a == BK_F64)
        st = lib().dgemm(kRowMajor, ta, tb, m, n, k, g.alpha, A, 0, lda, B, 0, ldb, g.beta, C, 0, ldc, &s->q, out);
    else if (op.dtype_a == BK_F16)
        st = lib().hgemm(kRowMajor, ta, tb, m, n, k, bk_f32_to_f16(float(g.alpha)), A, 0, lda, B, 0, ldb,
                         bk_f32_to_f16(float(g.beta)), C, 0, ldc, &s->q, out);
    else
        st = lib().sgemm(kRowMajor, ta, tb, m, n, k, float(g.alpha), A, 0, lda, B, 0, ldb, float(g.beta), C, 0, ldc,
                         &s->q, out);
    if (st != 0) {
        // Negative codes above -1024 are OpenCL's; CLBlast's own are -1024 and below (clblast_c.h).
        const std::string code = st > -1024 ? cl_error_name(st) : "CLBlast status " + std::to_string(st);
        return fail(BK_DEVICE_ERROR, std::string("CLBlast ") + routine(op) + " failed: " + code);
    }
    if (track) note_kernels(s, ev, ev);
    release_event(ev);
    return BK_OK;
}

std::string clblast_gemm_describe(const bk_device* d, const bk_op_desc& op) {
    // CLBlast picks kernel parameters from its database by device name and
    // falls back to generic defaults for devices it does not list; its API
    // does not say which, so the record says what decides it.
    return "CLBlast " + version() + " " + routine(op) + " (" + lib().file +
           "); tuning: CLBlast's built-in database, tuned parameters if it lists '" + d->caps.name +
           "', generic defaults otherwise (CLBlast does not report which; clblast_tuner_xgemm tunes a device)";
}

}  // namespace bakeoff::opencl
