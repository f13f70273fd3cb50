// Shared by the standalone peer programs: time a callable the way a careful
// user would without bakeoff (one warm-up, then repeated runs), and print the
// median rate. No harness, no verification: the point is to see whether
// bakeoff's harness costs anything relative to calling the library directly.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

template <typename F>
double peer_median_seconds(F&& run, int reps) {
    run();  // warm-up
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        run();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}
