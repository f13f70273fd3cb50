// Core clock measurement.
//
// The clock a VM reports (/proc/cpuinfo "cpu MHz", often the TSC) can be far
// from the clock the cores run at, and a peak estimate built on it is wrong by
// the same factor. So the backend times a chain of dependent register-register
// integer adds (one cycle each on every x86 core of the last decade, and not
// foldable at rename the way add-immediate is on recent Intel cores) on every
// OpenMP thread at once, keeps each thread's best of many short runs, and
// reports the slowest thread: the all-core clock under integer load. AVX-heavy code
// may run at a lower clock on some parts; the basis says so.
#include "cpu_internal.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace bk_cpu {
namespace {

constexpr int kAddsPerIteration = 128;

#if defined(__x86_64__)
#define BK_ADD8 "add %[one], %[x]\n\t" "add %[one], %[x]\n\t" "add %[one], %[x]\n\t" "add %[one], %[x]\n\t" \
                "add %[one], %[x]\n\t" "add %[one], %[x]\n\t" "add %[one], %[x]\n\t" "add %[one], %[x]\n\t"
#define BK_ADD64 BK_ADD8 BK_ADD8 BK_ADD8 BK_ADD8 BK_ADD8 BK_ADD8 BK_ADD8 BK_ADD8
// Runs iterations x kAddsPerIteration dependent adds; returns seconds taken.
double add_chain_seconds(uint64_t iterations) {
    uint64_t x = 0;
    const uint64_t one = 1;
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < iterations; ++i) {
        __asm__ volatile(BK_ADD64 BK_ADD64 : [x] "+r"(x) : [one] "r"(one));
    }
    const auto t1 = std::chrono::steady_clock::now();
    __asm__ volatile("" ::"r"(x));
    return std::chrono::duration<double>(t1 - t0).count();
}
#undef BK_ADD64
#undef BK_ADD8
constexpr bool kMeasurable = true;
#else
double add_chain_seconds(uint64_t) { return 0; }
constexpr bool kMeasurable = false;
#endif

double reported_mhz() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("cpu MHz", 0) == 0) {
            const auto colon = line.find(':');
            try {
                return std::stod(line.substr(colon + 1));
            } catch (...) {
                return 0;
            }
        }
    }
    return 0;
}

ClockInfo measure() {
    ClockInfo c;
    c.reported_mhz = reported_mhz();
    if (!kMeasurable) {
        c.mhz = c.reported_mhz;
        c.basis = "reported (/proc/cpuinfo cpu MHz); no measurement on this architecture";
        return c;
    }
    // Many short runs (about 1 ms each, for about 60 ms per thread), keeping
    // the best: a short run is likely to fit in one scheduler time slice even
    // on a busy host, and a run cannot finish faster than the clock allows.
    double probe = 1e9;
    for (int i = 0; i < 5; ++i) probe = std::min(probe, add_chain_seconds(2000));
    const double per_iteration = probe > 0 ? probe / 2000 : 1e-8;
    const uint64_t iterations = std::max<uint64_t>(100, static_cast<uint64_t>(1e-3 / per_iteration));
    const int threads = thread_count();
    std::vector<double> best(static_cast<size_t>(threads), 0.0);
    {
        LaunchPin pin;
#pragma omp parallel num_threads(threads)
        {
            pin_omp_thread();
            const int t = omp_get_thread_num();
            double b = 0, spent = 0;
            for (int rep = 0; rep < 200 && spent < 0.06; ++rep) {
                const double s = add_chain_seconds(iterations);
                spent += s;
                if (s > 0) b = std::max(b, iterations * double(kAddsPerIteration) / s / 1e6);
            }
            best[static_cast<size_t>(t)] = b;
        }
    }
    c.mhz = *std::min_element(best.begin(), best.end());
    for (size_t i = 0; i < best.size(); ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.0f", i ? "," : "", best[i]);
        c.per_thread += buf;
    }
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "measured: dependent integer add chain on %d threads at once, best of ~1 ms runs "
                  "over 60 ms, slowest thread; /proc/cpuinfo reports %.0f MHz",
                  threads, c.reported_mhz);
    c.basis = buf;
    return c;
}

}  // namespace

const ClockInfo& clock_info() {
    static const ClockInfo info = measure();
    return info;
}

}  // namespace bk_cpu
