// CPU identification: vendor, brand, family/model, usable ISA extensions
// (cpuid + xgetbv), and the FMA facts the peak estimate rests on.
#include "cpu_internal.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define BK_CPU_X86 1
#endif

namespace bk_cpu {
namespace {

std::string trim(std::string s) {
    const char* ws = " \t\r\n";
    s.erase(0, s.find_first_not_of(ws));
    const auto last = s.find_last_not_of(ws);
    s.erase(last == std::string::npos ? 0 : last + 1);
    return s;
}

std::string cpuinfo_field(const char* key) {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind(key, 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return trim(line.substr(colon + 1));
        }
    }
    return {};
}

bool in(unsigned v, unsigned lo, unsigned hi) { return v >= lo && v <= hi; }

#ifdef BK_CPU_X86
struct Regs {
    unsigned a = 0, b = 0, c = 0, d = 0;
};
Regs cpuid(unsigned leaf, unsigned sub) {
    Regs r;
    __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
    return r;
}
uint64_t xgetbv0() {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t(hi) << 32) | lo;
}
bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }
#endif

// Names the microarchitecture and sets vector_bits / fma_units / fma_note.
// FLOP per cycle per core (fp64) = fma_units x (vector_bits / 64) x 2.
void classify(CpuIsa& d) {
    d.vector_bits = d.avx512f ? 512 : (d.avx ? 256 : 128);
    d.microarch = "unknown";
    const bool amd = d.vendor == "AMD" || d.vendor == "Hygon";
    const bool intel = d.vendor == "Intel";
    const unsigned f = d.family, m = d.model;
    if (amd) {
        if (f == 0x17 || f == 0x18) {
            const bool zen2 = f == 0x17 && m >= 0x30;
            d.microarch = f == 0x18 ? "Hygon Dhyana (Zen)" : (zen2 ? "Zen 2" : "Zen/Zen+");
            d.fma_units = zen2 ? 2 : 1;
            d.fma_note = zen2 ? "Zen 2: two 256-bit FMA pipes"
                              : "Zen 1: two 128-bit FMA pipes, one 256-bit FMA per cycle";
        } else if (f == 0x19) {
            const bool zen4 = in(m, 0x10, 0x1f) || in(m, 0x60, 0x7f) || in(m, 0xa0, 0xaf);
            d.microarch = zen4 ? "Zen 4" : "Zen 3";
            if (d.avx512f) {
                d.fma_units = 1;
                d.fma_note = "Zen 4: 512-bit FMA executes as 2x256 on two 256-bit pipes, "
                             "one 512-bit FMA per cycle";
            } else {
                d.fma_units = 2;
                d.fma_note = d.microarch + ": two 256-bit FMA pipes";
            }
        } else if (f == 0x1a) {
            // Server (Turin) and desktop (Granite Ridge) Zen 5 have a full
            // 512-bit datapath; the mobile parts double-pump 256-bit pipes.
            const bool full = in(m, 0x00, 0x1f) || in(m, 0x40, 0x4f);
            const bool mobile = in(m, 0x20, 0x2f) || in(m, 0x60, 0x7f);
            d.microarch = "Zen 5";
            if (!d.avx512f) {
                d.fma_units = 2;
                d.fma_note = "Zen 5 with AVX-512 hidden: two 256-bit FMA pipes";
            } else if (mobile) {
                d.fma_units = 1;
                d.fma_note = "Zen 5 mobile: 256-bit datapath, one 512-bit FMA per cycle";
            } else {
                d.fma_units = 2;
                d.fma_note = full ? "Zen 5: two full 512-bit FMA pipes"
                                  : "Zen 5 (model not in table): assumed two 512-bit FMA pipes";
            }
        } else if (f == 0x15 || f == 0x16) {
            d.microarch = f == 0x15 ? "Bulldozer family" : "Jaguar family";
            d.fma_units = 1;
            d.fma_note = "pre-Zen AMD: counted as one FMA of vector width per cycle (approximate)";
        }
    } else if (intel && f == 6) {
        struct Row {
            unsigned model;
            const char* name;
            int units512;  // FMA-512 per cycle; 0 = no AVX-512 part
        };
        static const Row rows[] = {
            {0x55, "Skylake-SP/Cascade Lake", 2}, {0x6a, "Ice Lake-SP", 2},
            {0x6c, "Ice Lake-SP", 2},             {0x8f, "Sapphire Rapids", 2},
            {0xcf, "Emerald Rapids", 2},          {0xad, "Granite Rapids", 2},
            {0xae, "Granite Rapids", 2},          {0x7d, "Ice Lake (client)", 1},
            {0x7e, "Ice Lake (client)", 1},       {0x8c, "Tiger Lake", 1},
            {0x8d, "Tiger Lake", 1},              {0xa7, "Rocket Lake", 1},
            {0x66, "Cannon Lake", 1},             {0x3c, "Haswell", 0},
            {0x3f, "Haswell-EP", 0},              {0x45, "Haswell", 0},
            {0x46, "Haswell", 0},                 {0x3d, "Broadwell", 0},
            {0x47, "Broadwell", 0},               {0x4f, "Broadwell-EP", 0},
            {0x56, "Broadwell-DE", 0},            {0x4e, "Skylake", 0},
            {0x5e, "Skylake", 0},                 {0x8e, "Kaby/Coffee Lake", 0},
            {0x9e, "Kaby/Coffee Lake", 0},        {0xa5, "Comet Lake", 0},
            {0xa6, "Comet Lake", 0},              {0x97, "Alder Lake (hybrid)", 0},
            {0x9a, "Alder Lake (hybrid)", 0},     {0xb7, "Raptor Lake (hybrid)", 0},
            {0xba, "Raptor Lake (hybrid)", 0},    {0xbf, "Raptor Lake (hybrid)", 0},
            {0xaa, "Meteor Lake (hybrid)", 0},    {0xac, "Meteor Lake (hybrid)", 0},
            {0xc5, "Arrow Lake (hybrid)", 0},     {0xc6, "Arrow Lake (hybrid)", 0},
            {0xbd, "Lunar Lake (hybrid)", 0},     {0xaf, "Sierra Forest (E-cores)", 0},
            {0xbe, "Alder Lake-N (E-cores)", 0},  {0x2a, "Sandy Bridge", 0},
            {0x2d, "Sandy Bridge-EP", 0},         {0x3a, "Ivy Bridge", 0},
            {0x3e, "Ivy Bridge-EP", 0},
        };
        for (const Row& r : rows) {
            if (r.model != m) continue;
            d.microarch = r.name;
            if (d.avx512f && r.units512 > 0) {
                d.fma_units = r.units512;
                if (m == 0x55 && (d.brand.find("Silver") != std::string::npos ||
                                  d.brand.find("Bronze") != std::string::npos ||
                                  d.brand.find("Gold 5") != std::string::npos)) {
                    d.fma_units = 1;
                    d.fma_note = "Skylake-SP Silver/Bronze/Gold 5xxx: one 512-bit FMA unit";
                } else {
                    d.fma_note = r.units512 == 2 ? std::string(r.name) + ": two 512-bit FMA units"
                                                 : std::string(r.name) +
                                                       ": ports 0+1 fuse for one 512-bit FMA";
                }
            } else if (!d.fma && d.avx) {
                d.fma_units = 1;
                d.fma_note = std::string(r.name) +
                             ": no FMA; one 256-bit multiply + one add per cycle, counted as one FMA";
            } else if (m == 0xaf || m == 0xbe) {
                d.fma_units = 1;
                d.fma_note = "E-cores: two 128-bit FMA pipes, one 256-bit FMA per cycle";
            } else {
                d.fma_units = 2;
                d.fma_note = std::string(r.name) + ": two 256-bit FMA units";
                if (std::string(r.name).find("hybrid") != std::string::npos)
                    d.fma_note += " on P-cores; E-cores have half, so this is an upper bound";
            }
            break;
        }
    }
    if (d.fma_units == 0) {
        d.fma_units = 2;
        d.fma_note = "microarchitecture not in the table: assumed two FMA pipes of " +
                     std::to_string(d.vector_bits) + " bits";
    }
}

CpuIsa detect() {
    CpuIsa d;
#ifdef BK_CPU_X86
    const Regs r0 = cpuid(0, 0);
    const unsigned max_leaf = r0.a;
    char vid[13];
    std::memcpy(vid, &r0.b, 4);
    std::memcpy(vid + 4, &r0.d, 4);
    std::memcpy(vid + 8, &r0.c, 4);
    vid[12] = '\0';
    d.vendor_id = vid;
    if (d.vendor_id == "AuthenticAMD")
        d.vendor = "AMD";
    else if (d.vendor_id == "GenuineIntel")
        d.vendor = "Intel";
    else if (d.vendor_id == "HygonGenuine")
        d.vendor = "Hygon";
    else if (d.vendor_id == "CentaurHauls" || d.vendor_id == "  Shanghai  ")
        d.vendor = "Zhaoxin/Centaur";
    else
        d.vendor = d.vendor_id;

    if (max_leaf >= 1) {
        const Regs r1 = cpuid(1, 0);
        const unsigned base_family = (r1.a >> 8) & 0xf, ext_family = (r1.a >> 20) & 0xff;
        const unsigned base_model = (r1.a >> 4) & 0xf, ext_model = (r1.a >> 16) & 0xf;
        d.family = base_family == 0xf ? base_family + ext_family : base_family;
        d.model = (base_family == 0x6 || base_family == 0xf) ? ((ext_model << 4) | base_model)
                                                             : base_model;
        d.stepping = r1.a & 0xf;
        const bool osxsave = bit(r1.c, 27);
        const uint64_t xcr0 = osxsave ? xgetbv0() : 0;
        const bool os_avx = (xcr0 & 0x6) == 0x6;                 // XMM + YMM state
        const bool os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;  // opmask + ZMM state
        const bool os_amx = (xcr0 & (3ull << 17)) == (3ull << 17);
        d.sse42 = bit(r1.c, 20);
        d.avx = os_avx && bit(r1.c, 28);
        d.fma = d.avx && bit(r1.c, 12);
        d.f16c = d.avx && bit(r1.c, 29);
        if (max_leaf >= 7) {
            const Regs r7 = cpuid(7, 0);
            d.avx2 = d.avx && bit(r7.b, 5);
            d.avx512f = os_avx512 && bit(r7.b, 16);
            d.avx512dq = d.avx512f && bit(r7.b, 17);
            d.avx512bw = d.avx512f && bit(r7.b, 30);
            d.avx512vl = d.avx512f && bit(r7.b, 31);
            d.avx512_vnni = d.avx512f && bit(r7.c, 11);
            d.avx512_fp16 = d.avx512f && bit(r7.d, 23);
            d.amx_bf16 = os_amx && bit(r7.d, 22);
            d.amx_tile = os_amx && bit(r7.d, 24);
            d.amx_int8 = os_amx && bit(r7.d, 25);
            if (r7.a >= 1) {
                const Regs r71 = cpuid(7, 1);
                d.avx_vnni = d.avx && bit(r71.a, 4);
                d.avx512_bf16 = d.avx512f && bit(r71.a, 5);
            }
        }
    }
    if (cpuid(0x80000000u, 0).a >= 0x80000004u) {
        char brand[49];
        for (unsigned i = 0; i < 3; ++i) {
            const Regs r = cpuid(0x80000002u + i, 0);
            std::memcpy(brand + 16 * i, &r.a, 4);
            std::memcpy(brand + 16 * i + 4, &r.b, 4);
            std::memcpy(brand + 16 * i + 8, &r.c, 4);
            std::memcpy(brand + 16 * i + 12, &r.d, 4);
        }
        brand[48] = '\0';
        d.brand = trim(brand);
    }
#endif
    if (d.brand.empty()) d.brand = cpuinfo_field("model name");
    if (d.brand.empty()) d.brand = "unknown CPU";
    if (d.vendor.empty()) d.vendor = cpuinfo_field("vendor_id");
    if (d.vendor.empty()) d.vendor = "unknown";
    classify(d);
    return d;
}

}  // namespace

std::string CpuIsa::feature_list() const {
    std::string s;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!s.empty()) s += ',';
        s += name;
    };
    add(sse42, "sse4.2");
    add(avx, "avx");
    add(avx2, "avx2");
    add(fma, "fma");
    add(f16c, "f16c");
    add(avx_vnni, "avx_vnni");
    add(avx512f, "avx512f");
    add(avx512dq, "avx512dq");
    add(avx512bw, "avx512bw");
    add(avx512vl, "avx512vl");
    add(avx512_vnni, "avx512_vnni");
    add(avx512_bf16, "avx512_bf16");
    add(avx512_fp16, "avx512_fp16");
    add(amx_tile, "amx_tile");
    add(amx_bf16, "amx_bf16");
    add(amx_int8, "amx_int8");
    return s.empty() ? "baseline" : s;
}

const CpuIsa& cpu_isa() {
    static const CpuIsa isa = detect();
    return isa;
}

KernelIsa kernel_isa() {
    static const KernelIsa chosen = [] {
        const CpuIsa& d = cpu_isa();
        KernelIsa best = KernelIsa::scalar;
        // The AVX2 files are compiled for F16C too (fp16 packing).
        if (d.avx2 && d.fma && d.f16c) best = KernelIsa::avx2;
        if (d.avx512f) best = KernelIsa::avx512;
        if (const char* cap = std::getenv("BAKEOFF_CPU_ISA")) {
            const std::string c = cap;
            KernelIsa want = best;
            if (c == "scalar")
                want = KernelIsa::scalar;
            else if (c == "avx2")
                want = KernelIsa::avx2;
            else if (c == "avx512")
                want = KernelIsa::avx512;
            if (static_cast<int>(want) < static_cast<int>(best)) best = want;
        }
        return best;
    }();
    return chosen;
}

const char* kernel_isa_name(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::avx512: return "avx512";
        case KernelIsa::avx2: return "avx2";
        case KernelIsa::scalar: break;
    }
    return "scalar";
}

}  // namespace bk_cpu
