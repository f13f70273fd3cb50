// Standalone OpenBLAS GEMM: prints the median GFLOP/s of C = A B (row-major,
// square n) for fp64 or fp32. Usage: openblas_gemm fp32|fp64 N [REPS]
#include "peer_timing.h"

#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

template <typename T>
double run(int n, int reps) {
    std::vector<T> a(size_t(n) * n), b(size_t(n) * n), c(size_t(n) * n);
    std::mt19937_64 g(1);
    std::uniform_real_distribution<double> u(-1, 1);
    for (auto& x : a) x = T(u(g));
    for (auto& x : b) x = T(u(g));
    auto call = [&] {
        if constexpr (sizeof(T) == 8)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    };
    return 2.0 * n * n * double(n) / peer_median_seconds(call, reps) / 1e9;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: openblas_gemm fp32|fp64 N [REPS]\n");
        return 2;
    }
    const std::string dt = argv[1];
    const int n = std::atoi(argv[2]);
    const int reps = argc > 3 ? std::atoi(argv[3]) : 10;
    const double gf = dt == "fp64" ? run<double>(n, reps) : run<float>(n, reps);
    std::printf("%.3f GFLOP/s (OpenBLAS %s, core %s)\n", gf, dt.c_str(), openblas_get_corename());
    return 0;
}
