// Datasheet peaks of NVIDIA data-centre GPUs, dense (no structured sparsity),
// in TFLOP/s (TOP/s for int8). FP64 is the tensor-core figure where the part
// has one, since that is what cuBLAS's DGEMM runs on. TF32, BF16, FP16, FP8
// and INT8 are tensor-core figures with fp32 (int32) accumulation.
// Sources: NVIDIA's A100, A30, H100, H200, H20, L40S and L4 datasheets.
#include "cuda_host.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace bakeoff::cuda {

namespace {

struct Row {
    int major, minor;
    int sms;                         // 0: any
    std::vector<std::string> words;  // every word must be in the device name
    const char* label;
    //        f64   f32   tf32  bf16  f16   f8    i8
    double tf[7];
};

// More specific rows first: the first match wins.
const std::vector<Row>& table() {
    static const std::vector<Row> rows = {
        {9, 0, 0, {"H100", "NVL"}, "NVIDIA H100 NVL", {60, 60, 417.5, 835.5, 835.5, 1670.5, 1670.5}},
        {9, 0, 0, {"H100", "PCIe"}, "NVIDIA H100 PCIe", {51, 51, 378, 756, 756, 1513, 1513}},
        {9, 0, 132, {"H100"}, "NVIDIA H100 SXM5", {67, 67, 494.7, 989.4, 989.4, 1978.9, 1978.9}},
        {9, 0, 0, {"H200", "NVL"}, "NVIDIA H200 NVL", {60, 60, 417.5, 835.5, 835.5, 1670.5, 1670.5}},
        {9, 0, 132, {"H200"}, "NVIDIA H200 SXM", {67, 67, 494.7, 989.4, 989.4, 1978.9, 1978.9}},
        {9, 0, 132, {"H800"}, "NVIDIA H800 SXM5", {1, 67, 494.7, 989.4, 989.4, 1978.9, 1978.9}},
        {9, 0, 0, {"H20"}, "NVIDIA H20", {1, 44, 74, 148, 148, 296, 296}},
        {8, 0, 108, {"A100"}, "NVIDIA A100", {19.5, 19.5, 156, 312, 312, 0, 624}},
        {8, 0, 108, {"A800"}, "NVIDIA A800", {19.5, 19.5, 156, 312, 312, 0, 624}},
        {8, 0, 56, {"A30"}, "NVIDIA A30", {10.3, 10.3, 82, 165, 165, 0, 330}},
        {8, 9, 142, {"L40S"}, "NVIDIA L40S", {0, 91.6, 183, 362.05, 362.05, 733, 733}},
        {8, 9, 58, {"L4"}, "NVIDIA L4", {0, 30.3, 60, 121, 121, 242.5, 242.5}},
    };
    return rows;
}

// Words of a device name: split on anything but letters and digits.
std::set<std::string> words(const std::string& name) {
    std::set<std::string> out;
    std::string w;
    for (char ch : name) {
        if (std::isalnum(static_cast<unsigned char>(ch))) {
            w += ch;
        } else if (!w.empty()) {
            out.insert(w);
            w.clear();
        }
    }
    if (!w.empty()) out.insert(w);
    return out;
}

}  // namespace

Peaks datasheet_peaks(int cc_major, int cc_minor, int sm_count, const std::string& name) {
    Peaks p;
    const auto have = words(name);
    for (const Row& r : table()) {
        if (r.major != cc_major || r.minor != cc_minor) continue;
        if (r.sms != 0 && r.sms != sm_count) continue;
        bool all = true;
        for (const auto& w : r.words) all = all && have.count(w) > 0;
        if (!all) continue;
        const bk_dtype order[7] = {BK_F64, BK_F32, BK_TF32, BK_BF16, BK_F16, BK_F8_E4M3, BK_I8};
        for (int i = 0; i < 7; ++i) p.gflops[order[i]] = r.tf[i] * 1000.0;
        p.known = true;
        p.basis = std::string("datasheet: ") + r.label +
                  " dense tensor-core peaks (fp64 tensor core where present), no sparsity; "
                  "peak_mem_gbs from the memory clock and bus width CUDA reports";
        return p;
    }
    p.basis = "no datasheet entry for " + name + " (sm_" + std::to_string(cc_major) + std::to_string(cc_minor) +
              ", " + std::to_string(sm_count) + " SMs): compute peaks unknown; peak_mem_gbs from the memory "
              "clock and bus width CUDA reports";
    return p;
}

double memory_peak_gbs(double mem_clock_khz, int bus_width_bits) {
    if (!(mem_clock_khz > 0) || bus_width_bits <= 0) return 0;
    return mem_clock_khz * 1e3 * 2.0 * (bus_width_bits / 8.0) / 1e9;
}

}  // namespace bakeoff::cuda
