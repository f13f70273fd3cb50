// Standalone oneDNN matmul: prints the median GOP/s of C = A B (row-major,
// square n) for f32, bf16 x bf16 -> f32 or u8 x s8 -> s32, with plain
// row-major weights (as bakeoff passes them). Usage: onednn_matmul fp32|bf16|int8 N [REPS]
#include "peer_timing.h"

#include <dnnl.hpp>

#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: onednn_matmul fp32|bf16|int8 N [REPS]\n");
        return 2;
    }
    using namespace dnnl;
    const std::string dt = argv[1];
    const memory::dim n = std::atoi(argv[2]);
    const int reps = argc > 3 ? std::atoi(argv[3]) : 10;
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    const bool bf16 = dt == "bf16", f32 = dt == "fp32";
    using T = memory::data_type;
    const T ta = f32 ? T::f32 : bf16 ? T::bf16 : T::u8, tb = f32 ? T::f32 : bf16 ? T::bf16 : T::s8,
            tc = f32 || bf16 ? T::f32 : T::s32;
    memory::desc a_md({n, n}, ta, memory::format_tag::ab), b_md({n, n}, tb, memory::format_tag::ab),
        c_md({n, n}, tc, memory::format_tag::ab);
    matmul::primitive_desc pd;
    try {
        pd = matmul::primitive_desc(matmul::desc(a_md, b_md, c_md), eng);
    } catch (const dnnl::error& e) {
        std::printf("unsupported (%s)\n", e.what());
        return 3;
    }
    memory a(a_md, eng), b(b_md, eng), c(c_md, eng);
    // Non-zero inputs: f32 near 1; bf16 1.0 = 0x3F80; int8 small values.
    if (f32) {
        auto* pa = static_cast<float*>(a.get_data_handle());
        auto* pb = static_cast<float*>(b.get_data_handle());
        for (memory::dim i = 0; i < n * n; ++i) pa[i] = pb[i] = 1.0f + float(i % 7) / 8;
    } else if (bf16) {
        auto* pa = static_cast<uint16_t*>(a.get_data_handle());
        auto* pb = static_cast<uint16_t*>(b.get_data_handle());
        for (memory::dim i = 0; i < n * n; ++i) pa[i] = pb[i] = uint16_t(0x3F80 + (i % 7));
    } else {
        std::memset(a.get_data_handle(), 3, size_t(n * n));
        std::memset(b.get_data_handle(), 5, size_t(n * n));
    }
    matmul mm(pd);
    auto call = [&] {
        mm.execute(s, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
        s.wait();
    };
    const double g = 2.0 * double(n) * double(n) * double(n) / peer_median_seconds(call, reps) / 1e9;
    std::printf("%.3f G%s/s (oneDNN %s)\n", g, f32 || bf16 ? "FLOP" : "OP", pd.impl_info_str());
    return 0;
}
