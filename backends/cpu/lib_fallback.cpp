#include "lib_fallback.h"

#include <cctype>
#include <string_view>

namespace bk_cpu {
namespace {

std::string lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

bool set(const char* v) { return v && *v; }

// The CPU as people name it: "Intel Emerald Rapids (family 6, model 207)".
std::string cpu_words(const CpuIsa& cpu) {
    std::string name = cpu.vendor.empty() ? std::string("this") : cpu.vendor;
    if (!cpu.microarch.empty() && cpu.microarch != "unknown") name += " " + cpu.microarch;
    return name + " CPU (family " + std::to_string(cpu.family) + ", model " + std::to_string(cpu.model) + ")";
}

constexpr const char* kMeaning = "the figure measures the library's CPU detection, not the machine";

}  // namespace

const char* tier_words(IsaTier t) {
    switch (t) {
        case IsaTier::avx512_bf16: return "AVX-512 with BF16";
        case IsaTier::avx512_vnni: return "AVX-512 with VNNI";
        case IsaTier::avx512: return "AVX-512";
        case IsaTier::avx2: return "AVX2";
        case IsaTier::avx: return "AVX";
        case IsaTier::sse: break;
    }
    return "SSE";
}

IsaTier openblas_core_tier(const std::string& core) {
    const std::string c = lower(core);
    if (c == "cooperlake" || c == "sapphirerapids") return IsaTier::avx512_bf16;
    if (c == "skylakex") return IsaTier::avx512;
    if (c == "haswell" || c == "zen" || c == "excavator") return IsaTier::avx2;
    if (c == "sandybridge" || c == "bulldozer" || c == "piledriver" || c == "steamroller") return IsaTier::avx;
    return IsaTier::sse;  // Prescott, Core2, Nehalem, Atom, ... and names it does not know
}

IsaTier cpu_fp_tier(const CpuIsa& cpu) {
    if (cpu.avx512f && cpu.avx512bw && cpu.avx512dq && cpu.avx512vl) return IsaTier::avx512;
    if (cpu.avx2 && cpu.fma) return IsaTier::avx2;
    if (cpu.avx) return IsaTier::avx;
    return IsaTier::sse;
}

std::string openblas_coretype_for(const CpuIsa& cpu) {
    const bool intel = cpu.vendor == "Intel";
    switch (cpu_fp_tier(cpu)) {
        case IsaTier::avx512:
        case IsaTier::avx512_vnni:
        case IsaTier::avx512_bf16:
            if (cpu.avx512_bf16) return intel && cpu.avx512_fp16 ? "SapphireRapids" : "Cooperlake";
            return "SkylakeX";
        case IsaTier::avx2: return intel ? "Haswell" : "Zen";
        case IsaTier::avx: return "SandyBridge";
        case IsaTier::sse: break;
    }
    return {};
}

std::string openblas_fallback(const std::string& core, const CpuIsa& cpu, const char* forced) {
    // For fp32/fp64 kernels every AVX-512 core is alike: compare vector width only.
    const IsaTier have = openblas_core_tier(core);
    const IsaTier can = cpu_fp_tier(cpu);
    const IsaTier have_fp = have > IsaTier::avx512 ? IsaTier::avx512 : have;
    if (have_fp >= can) return {};
    const std::string chose = std::string("OpenBLAS runs its ") + core + " kernels (" + tier_words(have) + ") on an " +
                              tier_words(can) + " CPU";
    if (set(forced))
        return chose + " because OPENBLAS_CORETYPE=" + forced + " forces them: " + kMeaning +
               "; unset OPENBLAS_CORETYPE to let OpenBLAS pick";
    const std::string fix = openblas_coretype_for(cpu);
    return chose + ": this OpenBLAS does not recognise the " + cpu_words(cpu) + " and fell back, so " + kMeaning +
           (fix.empty() ? std::string() : "; OPENBLAS_CORETYPE=" + fix + " selects the right kernels");
}

IsaTier onednn_tier(const std::string& impl) {
    const std::string s = lower(impl);
    // Longest names first: "avx512_core_bf16" also contains "avx512_core".
    if (s.find("avx512_core_amx") != std::string::npos || s.find("avx512_core_bf16") != std::string::npos ||
        s.find("avx512_core_fp16") != std::string::npos)
        return IsaTier::avx512_bf16;
    if (s.find("avx512_core_vnni") != std::string::npos) return IsaTier::avx512_vnni;
    if (s.find("avx512") != std::string::npos) return IsaTier::avx512;
    if (s.find("avx2") != std::string::npos) return IsaTier::avx2;
    if (s.find("avx") != std::string::npos) return IsaTier::avx;
    if (s.find("sse") != std::string::npos) return IsaTier::sse;
    // "all" (no limit) and kernels that name no ISA ("gemm:jit") run the best the library has.
    return IsaTier::avx512_bf16;
}

IsaTier cpu_tier_for(const CpuIsa& cpu, uint32_t dtype) {
    const IsaTier fp = cpu_fp_tier(cpu);
    if (fp < IsaTier::avx512) return fp;
    if (dtype == BK_BF16 && cpu.avx512_bf16) return IsaTier::avx512_bf16;
    if (dtype == BK_I8 && cpu.avx512_vnni) return IsaTier::avx512_vnni;
    return IsaTier::avx512;
}

std::string onednn_fallback(const std::string& impl, uint32_t dtype, const CpuIsa& cpu, const char* max_isa) {
    const IsaTier have = onednn_tier(impl), can = cpu_tier_for(cpu, dtype);
    if (have >= can) return {};
    const std::string chose = "oneDNN runs " + impl + " (" + tier_words(have) + ") on a CPU with " + tier_words(can);
    if (set(max_isa))
        return chose + " because ONEDNN_MAX_CPU_ISA=" + max_isa + " caps it: " + kMeaning +
               "; unset ONEDNN_MAX_CPU_ISA (and DNNL_MAX_CPU_ISA) to let oneDNN pick";
    return chose + ": this oneDNN does not use the " + cpu_words(cpu) + "'s " + tier_words(can) +
           " instructions, so " + kMeaning + "; a newer oneDNN would";
}

}  // namespace bk_cpu
