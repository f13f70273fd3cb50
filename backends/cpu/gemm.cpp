// GEMM: descriptor validation (shape, leading dimensions, operand sizes,
// dtype combination) and routing to the implementation for the path:
//   vendor   f64 -> OpenBLAS (gemm_openblas.cpp)
//            f32 -> OpenBLAS or oneDNN, by the rule in vendor_choice.h
//            bf16->f32, i8->i32 -> oneDNN matmul (gemm_onednn.cpp)
//            f16->f32: none (unsupported, with the reason)
//            f32 x q* (block-quantized weights): none (unsupported, with the
//            reason: the caller dequantizes for the vendor path)
//   portable all five -> bakeoff's own kernel (gemm_portable.cpp); f32, bf16
//            and f16 with m <= 16 -> the small-m kernel (gemm_smallm.cpp);
//            f32 x q* -> the quantized kernels (gemm_quant.cpp)
#include <string>
#include <vector>

#include "bakeoff/plugin_quant.h"
#include "cpu_internal.h"
#include "gemm_quant.h"
#include "gemm_smallm.h"
#include "vendor_choice.h"

namespace bk_cpu {
namespace {

using Extents = bk_plugin::GemmSpans;

// The ABI's GEMM rules (bakeoff/op_rules.h): shape, leading dimensions, the
// operands' sizes and the type combination. An empty GEMM is refused here:
// OpenBLAS and oneDNN treat a zero dimension differently, and no workload
// asks for one. Of the ABI's combinations the cpu backend runs f64, f32,
// bf16 -> f32, f16 -> f32 and i8 -> i32; the others say why not.
bk_status check_rules(const bk_op_desc& op, Extents* ext) {
    std::string why;
    if (bk_status st = bk_plugin::check_gemm(op, ext, &why, /*allow_empty=*/false); st != BK_OK)
        return fail(st, why);
    const uint32_t a = op.dtype_a, c = op.dtype_c;
    if (bk_is_block_type(op.dtype_b)) return BK_OK;  // f32 x q* -> f32, checked by the rules
    if ((a == BK_F64 && c == BK_F64) || (a == BK_F32 && c == BK_F32) || (a == BK_BF16 && c == BK_F32) ||
        (a == BK_F16 && c == BK_F32) || (a == BK_I8 && c == BK_I32))
        return BK_OK;
    const char* because = a == BK_TF32       ? "x86 has no reduced-precision fp32 multiply"
                          : a == BK_F16      ? "it runs f16 x f16 -> f32 only"
                          : a == BK_BF16     ? "it runs bf16 x bf16 -> f32 only"
                          : a == BK_F8_E4M3 ? "no fp8 on x86 CPUs"
                                             : "it runs f64, f32, bf16 -> f32, f16 -> f32 and i8 -> i32";
    return fail(BK_UNSUPPORTED, bk_plugin::gemm_label(op), " is not run by the cpu backend (", because, ")");
}

enum class Lib { openblas, onednn };

// The vendor libraries that cover the op's type, in the default order.
std::vector<Lib> libs_for(const bk_op_desc& op) {
    if (op.dtype_a == BK_F64) return {Lib::openblas};
    if (op.dtype_a == BK_F32) return {Lib::openblas, Lib::onednn};
    return {Lib::onednn};  // bf16, i8
}

// A library's state for the choice: whether it runs this case and whether it
// runs below the CPU.
LibCandidate candidate(Lib lib, const bk_op_desc& op) {
    if (lib == Lib::openblas) {
        LibCandidate c{"OpenBLAS", "", "", openblas_core_note()};
        if (openblas_gemm_supports(op) != BK_OK) c.unsupported = bk_plugin::error_text();
        return c;
    }
    // oneDNN is Intel's library (x86 builds of it tune for Intel cores first).
    return {"oneDNN", "Intel", onednn_gemm_unsupported(op), onednn_gemm_fallback(op)};
}

struct Chosen {
    Lib lib = Lib::openblas;
    LibChoice choice;
};

Chosen choose(const bk_op_desc& op) {
    const std::vector<Lib> libs = libs_for(op);
    std::vector<LibCandidate> cands;
    for (Lib l : libs) cands.push_back(candidate(l, op));
    Chosen out;
    out.choice = choose_library(cands, cpu_isa().vendor, forced_vendor_library());
    if (out.choice.index >= 0) out.lib = libs[static_cast<std::size_t>(out.choice.index)];
    return out;
}

bk_status check_all(const bk_op_desc& op, Extents* ext, Chosen* chosen) {
    if (op.path != BK_PATH_VENDOR && op.path != BK_PATH_PORTABLE)
        return fail(BK_UNSUPPORTED, "gemm: unknown path " + std::to_string(op.path));
    if (bk_status st = check_rules(op, ext); st != BK_OK) return st;
    if (bk_is_block_type(op.dtype_b)) {
        if (op.path == BK_PATH_VENDOR)
            return fail(BK_UNSUPPORTED, bk_plugin::gemm_label(op),
                        " has no vendor path on the cpu backend: no vendor library runs GGML blocks (the portable "
                        "path does)");
        return BK_OK;  // every block type: integer kernels or dequantized f32 (gemm_quant.h)
    }
    if (op.path == BK_PATH_PORTABLE) return portable_gemm_supports(op);
    if (op.dtype_a == BK_F16)
        return fail(BK_UNSUPPORTED,
                    "gemm f16 x f16 -> f32 has no vendor path on the cpu backend: neither OpenBLAS nor "
                    "oneDNN as built here has an fp16 gemm (the portable path runs it)");
    *chosen = choose(op);
    if (chosen->choice.index < 0) return fail(BK_UNSUPPORTED, chosen->choice.why);
    return BK_OK;
}

}  // namespace

bk_status gemm_supports(const bk_op_desc& op) {
    Extents ext;
    Chosen chosen;
    return check_all(op, &ext, &chosen);
}

bk_status gemm_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands) {
    Extents ext;
    Chosen chosen;
    if (bk_status st = check_all(op, &ext, &chosen); st != BK_OK) return st;
    if (!operands) return fail(BK_INVALID_ARGUMENT, "gemm: null operand list");
    if (std::string why = bk_plugin::operand_count_rule(op.kind, 3, n_operands); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    Buffer *a = nullptr, *b = nullptr, *c = nullptr;
    if (bk_status st = check_operand(operands, 0, ext.a, "A", &a); st != BK_OK) return st;
    if (bk_status st = check_operand(operands, 1, ext.b, "B", &b); st != BK_OK) return st;
    if (bk_status st = check_operand(operands, 2, ext.c, "C", &c); st != BK_OK) return st;
    if (bk_is_block_type(op.dtype_b)) return quant_gemm_run(op, a->ptr, b->ptr, c->ptr);
    if (smallm_applies(op)) return smallm_run(op, a->ptr, b->ptr, c->ptr);
    if (op.path == BK_PATH_PORTABLE) return portable_gemm_run(op, a->ptr, b->ptr, c->ptr);
    if (chosen.lib == Lib::openblas) return openblas_gemm_run(op, a->ptr, b->ptr, c->ptr);
    return onednn_gemm_run(op, a->ptr, b->ptr, c->ptr);
}

bk_status gemm_info(const bk_op_desc& op, std::string* out) {
    Extents ext;
    Chosen chosen;
    if (bk_status st = check_all(op, &ext, &chosen); st != BK_OK) return st;
    if (bk_is_block_type(op.dtype_b)) {
        *out = quant_gemm_info(op);
        return BK_OK;
    }
    if (smallm_applies(op)) {
        *out = smallm_info(op);
        return BK_OK;
    }
    if (op.path == BK_PATH_PORTABLE) {
        *out = portable_gemm_info(op);
        return BK_OK;
    }
    if (chosen.lib == Lib::openblas)
        *out = openblas_gemm_info(op);
    else if (bk_status st = onednn_gemm_info(op, out); st != BK_OK)
        return st;
    // Which library and why, on a line of its own (the record's implementation).
    *out += "\nlibrary: " + chosen.choice.why;
    return BK_OK;
}

}  // namespace bk_cpu
