// Vendor-path f32, bf16 -> f32 and i8 -> i32 GEMM through the oneDNN matmul
// primitive. The primitive descriptor is made (and checked) once per distinct
// descriptor in supports(); the primitive itself (the JIT code) is made on the
// first launch, which the harness times as the first call, and reused after.
// A descriptor for which oneDNN would only run a reference implementation is
// reported unsupported: a reference kernel is not a measurement of the CPU.
//
// i8: the ABI promises A's values lie in [0, 127], so A is handed to oneDNN as
// u8 (same bits), which is oneDNN's fast x86 path (u8 x s8 -> s32, VNNI or
// vpmaddubsw).
#include <dnnl.hpp>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "cpu_internal.h"
#include "lib_fallback.h"

namespace bk_cpu {
namespace {

using dt = dnnl::memory::data_type;

struct Key {
    int64_t m, n, k, lda, ldb, ldc;
    int32_t ta, tb;
    double alpha, beta;
    uint32_t a, b, c;
    auto tie() const { return std::tie(m, n, k, lda, ldb, ldc, ta, tb, alpha, beta, a, b, c); }
    bool operator<(const Key& o) const { return tie() < o.tie(); }
};

struct Entry {
    std::mutex mu;  // guards prim's creation
    bool ok = false;
    std::string reason;
    std::string impl;
    std::optional<dnnl::matmul::primitive_desc> pd;
    std::optional<dnnl::matmul> prim;
};

std::mutex g_mu;
std::map<Key, std::shared_ptr<Entry>>& cache() {
    static std::map<Key, std::shared_ptr<Entry>> c;
    return c;
}

dnnl::engine& engine() {
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}

Key key_of(const bk_op_desc& op) {
    const bk_gemm_op& g = op.u.gemm;
    return Key{g.m,        g.n,    g.k,        g.lda,      g.ldb,      g.ldc,     g.trans_a ? 1 : 0,
               g.trans_b ? 1 : 0, g.alpha, g.beta, op.dtype_a, op.dtype_b, op.dtype_c};
}

const char* isa_name(dnnl::cpu_isa isa) {
    switch (isa) {
        case dnnl::cpu_isa::sse41: return "sse41";
        case dnnl::cpu_isa::avx: return "avx";
        case dnnl::cpu_isa::avx2: return "avx2";
        case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
        case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
        case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
        case dnnl::cpu_isa::avx512_core: return "avx512_core";
        case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
        default: return "all";
    }
}

std::string version_number() {
    const dnnl_version_t* v = dnnl_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string combo(const bk_op_desc& op) {
    return op.dtype_a == BK_BF16 ? "bf16 x bf16 -> f32" : op.dtype_a == BK_F32 ? "f32 x f32 -> f32" : "u8 x s8 -> s32";
}

// oneDNN's element types for A, B and C (the ABI's i8 A is handed over as u8).
struct Types {
    dt a, b, c;
};
Types types_of(const bk_op_desc& op) {
    if (op.dtype_a == BK_BF16) return {dt::bf16, dt::bf16, dt::f32};
    if (op.dtype_a == BK_F32) return {dt::f32, dt::f32, dt::f32};
    return {dt::u8, dt::s8, dt::s32};
}

std::shared_ptr<Entry> make_entry(const bk_op_desc& op) {
    auto e = std::make_shared<Entry>();
    const bk_gemm_op& g = op.u.gemm;
    const bool bf16 = op.dtype_a == BK_BF16;
    const Types t = types_of(op);
    const dnnl::memory::desc a({g.m, g.k}, t.a,
                               g.trans_a ? dnnl::memory::dims{1, g.lda} : dnnl::memory::dims{g.lda, 1});
    const dnnl::memory::desc b({g.k, g.n}, t.b,
                               g.trans_b ? dnnl::memory::dims{1, g.ldb} : dnnl::memory::dims{g.ldb, 1});
    const dnnl::memory::desc c({g.m, g.n}, t.c, dnnl::memory::dims{g.ldc, 1});
    dnnl::primitive_attr attr;
    if (g.alpha != 1.0) attr.set_output_scales(0, {static_cast<float>(g.alpha)});
    if (g.beta != 0.0) {
        dnnl::post_ops po;
        po.append_sum(static_cast<float>(g.beta));
        attr.set_post_ops(po);
    }
    const std::string lib = "oneDNN " + version_number();
    try {
        e->pd.emplace(dnnl::matmul::desc(a, b, c), attr, engine());
    } catch (const dnnl::error& err) {
        e->reason = lib + " has no " + combo(op) + " matmul for this CPU (oneDNN ISA " +
                    onednn_isa() + (bf16 ? "; its bf16 kernels need AVX-512" : "") + "): " +
                    err.what();
        return e;
    }
    e->impl = e->pd->impl_info_str();
    if (e->impl.find("ref") != std::string::npos) {
        e->reason = lib + " has no optimised " + combo(op) +
                    " matmul for this CPU and layout (would run " + e->impl + "; oneDNN ISA " +
                    onednn_isa() + ")";
        e->pd.reset();
        return e;
    }
    e->ok = true;
    return e;
}

std::shared_ptr<Entry> entry_for(const bk_op_desc& op) {
    const Key k = key_of(op);
    {
        std::lock_guard<std::mutex> lock(g_mu);
        auto it = cache().find(k);
        if (it != cache().end()) return it->second;
    }
    auto e = make_entry(op);  // outside the lock: may take a while
    std::lock_guard<std::mutex> lock(g_mu);
    return cache().emplace(k, e).first->second;
}

}  // namespace

std::string onednn_isa() { return isa_name(dnnl::get_effective_cpu_isa()); }

std::string onednn_version() {
    const dnnl_version_t* v = dnnl_version();
    std::string s = "oneDNN " + version_number();
    if (v->hash && std::string(v->hash) != "N/A") s += std::string(" (") + v->hash + ")";
    return s + " (OpenMP, ISA " + onednn_isa() + ")";
}

bk_status onednn_gemm_supports(const bk_op_desc& op) {
    auto e = entry_for(op);
    if (!e->ok) return fail(BK_UNSUPPORTED, e->reason);
    return BK_OK;
}

bk_status onednn_gemm_run(const bk_op_desc& op, const void* a, const void* b, void* c) {
    auto e = entry_for(op);
    if (!e->ok) return fail(BK_UNSUPPORTED, e->reason);
    LaunchPin pin;
    try {
        {
            std::lock_guard<std::mutex> lock(e->mu);
            if (!e->prim) e->prim.emplace(*e->pd);
        }
        thread_local dnnl::stream stream(engine());
        dnnl::memory ma(e->pd->src_desc(), engine(), const_cast<void*>(a));
        dnnl::memory mb(e->pd->weights_desc(), engine(), const_cast<void*>(b));
        dnnl::memory mc(e->pd->dst_desc(), engine(), c);
        e->prim->execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
        stream.wait();
    } catch (const dnnl::error& err) {
        return fail(BK_DEVICE_ERROR, "oneDNN matmul " + combo(op) + " failed: " + err.what());
    }
    return BK_OK;
}

bk_status onednn_gemm_info(const bk_op_desc& op, std::string* out) {
    auto e = entry_for(op);
    if (!e->ok) return fail(BK_UNSUPPORTED, e->reason);
    *out = "oneDNN " + version_number() + " matmul " + e->impl + " (" + combo(op) + "), " +
           std::to_string(thread_count()) + " threads";
    if (const std::string note = onednn_gemm_fallback(op); !note.empty()) *out += "\nwarning: " + note;
    return BK_OK;
}

std::string onednn_gemm_unsupported(const bk_op_desc& op) {
    auto e = entry_for(op);
    return e->ok ? std::string() : e->reason;
}

std::string onednn_gemm_fallback(const bk_op_desc& op) {
    auto e = entry_for(op);
    if (!e->ok) return {};
    // oneDNN's own cap comes first; DNNL_ is the older spelling it still reads.
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    if (!cap || !*cap) cap = std::getenv("DNNL_MAX_CPU_ISA");
    // A kernel that names no ISA ("gemm:jit") runs oneDNN's effective one.
    const bool names_isa = e->impl.find("avx") != std::string::npos || e->impl.find("sse") != std::string::npos;
    const std::string impl = names_isa ? e->impl : e->impl + " at ISA " + onednn_isa();
    return onednn_fallback(impl, op.dtype_a, cpu_isa(), cap);
}

}  // namespace bk_cpu
