// Library fallback detection: whether a vendor library's kernels run below
// what the CPU supports, and the setting that would fix it. A library that
// does not recognise a CPU model (Debian's OpenBLAS 0.3.21 on Emerald Rapids
// picks its SSE3 "Prescott" core) runs correctly but slowly, and its figure
// then measures the library's CPU detection, not the machine. Pure functions
// of what the library reports and what the CPU has, so tests can fake either.
#pragma once

#include <cstdint>
#include <string>

#include "cpu_internal.h"

namespace bk_cpu {

// Vector ISA tiers, lowest first; a library's kernels and the CPU are each
// placed on one. The tiers past avx512 matter only for the dtypes that use
// them (bf16 dot products, int8 VNNI).
enum class IsaTier { sse = 0, avx = 1, avx2 = 2, avx512 = 3, avx512_vnni = 4, avx512_bf16 = 5 };
const char* tier_words(IsaTier t);  // "SSE", "AVX-512 with BF16", ...

// The tier of an OpenBLAS kernel core name ("Prescott", "SkylakeX", "Zen").
IsaTier openblas_core_tier(const std::string& core);
// The best tier the CPU offers for fp32/fp64 GEMM (wider vectors, nothing else).
IsaTier cpu_fp_tier(const CpuIsa& cpu);
// The OPENBLAS_CORETYPE that selects the right kernels for this CPU.
std::string openblas_coretype_for(const CpuIsa& cpu);
// "" when the core runs at the CPU's tier; otherwise one sentence for people:
// what OpenBLAS chose, what the CPU supports, why, and the fixing setting.
// `forced` is OPENBLAS_CORETYPE from the environment (null or "" when unset).
std::string openblas_fallback(const std::string& core, const CpuIsa& cpu, const char* forced);

// The tier of a oneDNN ISA name or implementation string
// ("brg:avx512_core_bf16", "gemm:jit", "avx2").
IsaTier onednn_tier(const std::string& impl);
// The tier the CPU offers for a oneDNN matmul of this input dtype (BK_*).
IsaTier cpu_tier_for(const CpuIsa& cpu, uint32_t dtype);
// "" when oneDNN's kernel uses what the CPU has for this dtype; otherwise one
// sentence as above. `max_isa` is ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA)
// from the environment, null or "" when unset.
std::string onednn_fallback(const std::string& impl, uint32_t dtype, const CpuIsa& cpu, const char* max_isa);

}  // namespace bk_cpu
