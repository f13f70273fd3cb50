// Theoretical dense peak: cores x clock x FLOP (or OP) per cycle per core,
// where the per-cycle rate follows from the ISA and the FMA pipes (see
// cpu_isa.cpp). An estimate, and labelled as one.
#include "cpu_internal.h"

#include <cstdio>
#include <string>

namespace bk_cpu {

PeakInfo estimate_peak(const CpuIsa& isa, const HostInfo& host, double clock_mhz) {
    PeakInfo p;
    const double units = isa.fma_units;
    const double bits = isa.vector_bits;
    const double f64 = units * (bits / 64.0) * 2.0;  // one FMA = 2 FLOP per lane
    const double f32 = 2.0 * f64;
    const double pipes256 = units * bits / 256.0;  // 256-bit-equivalent pipes

    std::string bf16_why, i8_why, f16_why;
    double bf16 = 0, i8 = 0, f16 = 0;
    if (isa.amx_bf16) {
        bf16 = 1024;
        bf16_why = "AMX-BF16 1024/cycle";
    } else if (isa.avx512_bf16) {
        bf16 = 2 * f32;
        bf16_why = "vdpbf16ps, 2x fp32";
    } else {
        bf16_why = "no AVX512_BF16/AMX";
    }
    if (isa.amx_int8) {
        i8 = 2048;
        i8_why = "AMX-INT8 2048/cycle";
    } else if (isa.avx512_vnni) {
        i8 = 4 * f32;
        i8_why = "vpdpbusd, 4x fp32";
    } else if (isa.avx_vnni) {
        i8 = 64 * pipes256;
        i8_why = "256-bit vpdpbusd";
    } else if (isa.avx512bw) {
        i8 = 2 * f32;
        i8_why = "vpmaddubsw+vpmaddwd, 2x fp32, no VNNI";
    } else if (isa.avx2) {
        i8 = 32 * pipes256;
        i8_why = "vpmaddubsw+vpmaddwd, 2x fp32, no VNNI";
    } else {
        i8_why = "no AVX2";
    }
    if (isa.avx512_fp16) {
        f16 = 2 * f32;
        f16_why = "AVX512_FP16";
    }
    p.flop_per_cycle[BK_F64] = f64;
    p.flop_per_cycle[BK_F32] = f32;
    p.flop_per_cycle[BK_BF16] = bf16;
    p.flop_per_cycle[BK_F16] = f16;
    p.flop_per_cycle[BK_I8] = i8;
    p.flop_per_cycle[BK_U8] = i8;
    const double cores = host.cores;
    for (int d = 0; d < BK_DTYPE_COUNT; ++d)
        p.gflops[d] = cores * clock_mhz * p.flop_per_cycle[d] / 1000.0;

    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "estimate: %u cores x %.0f MHz (measured) x per-core FLOP/cycle: fp64 %.0f = %d "
                  "FMA x %d-bit/64 x 2; fp32 %.0f; bf16 %.0f (%s); int8 %.0f ops (%s)%s%s; %s; "
                  "vector clocks may be lower; memory bandwidth unknown (0)",
                  host.cores, clock_mhz, f64, isa.fma_units, isa.vector_bits, f32, bf16,
                  bf16_why.c_str(), i8, i8_why.c_str(), f16 > 0 ? "; fp16 " : "",
                  f16 > 0 ? (std::to_string(static_cast<int>(f16)) + " (" + f16_why + ")").c_str()
                          : "",
                  isa.fma_note.c_str());
    p.basis = buf;
    std::snprintf(buf, sizeof buf,
                  "flop_per_cycle_fp64=%.0f\nflop_per_cycle_fp32=%.0f\nflop_per_cycle_bf16=%.0f\n"
                  "ops_per_cycle_int8=%.0f\n",
                  f64, f32, bf16, i8);
    p.notes = buf;
    return p;
}

}  // namespace bk_cpu
