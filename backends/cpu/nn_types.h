// Element access for the NN kernels: bf16 and f16 are stored as their 16 bits
// and computed in f32 (widened exactly, narrowed with round-to-nearest-even);
// f32 computes in f32, f64 in f64. Plain inline code the compiler vectorises,
// and the OpenMP helper the kernels share.
#pragma once

#include <omp.h>

#include <cstdint>
#include <cstring>
#include <utility>

#include "cpu_internal.h"
#include "fp16.h"

namespace bk_cpu {

struct bf16 {
    uint16_t bits;
};

template <class T>
struct AccOf {
    using type = float;
};
template <>
struct AccOf<double> {
    using type = double;
};
template <class T>
using Acc = typename AccOf<T>::type;

inline float ld(const float* p, int64_t i) { return p[i]; }
inline double ld(const double* p, int64_t i) { return p[i]; }
inline float ld(const bf16* p, int64_t i) { return bk_bf16_to_f32(p[i].bits); }
inline float ld(const f16* p, int64_t i) { return bk_f16_to_f32(p[i].bits); }

inline void st(float* p, int64_t i, float v) { p[i] = v; }
inline void st(double* p, int64_t i, double v) { p[i] = v; }
inline void st(bf16* p, int64_t i, float v) { p[i].bits = bk_f32_to_bf16(v); }
inline void st(f16* p, int64_t i, float v) { p[i].bits = bk_f32_to_f16(v); }

// Runs f(i) for i in [0, n) over the pinned OpenMP team; on one thread when
// the whole op is below `kSerialWork` element-operations, where waking the team
// costs more than it saves. Static: split evenly; dynamic: handed out one
// iteration at a time.
constexpr int64_t kSerialWork = 1 << 15;
enum class Schedule { static_split, dynamic };

template <Schedule S, class F>
void parallel_for_scheduled(int64_t n, int64_t work, F&& f) {
    if (work < kSerialWork || n == 1) {
        for (int64_t i = 0; i < n; ++i) f(i);
        return;
    }
    LaunchPin pin;
#pragma omp parallel
    {
        pin_omp_thread();
        if constexpr (S == Schedule::dynamic) {
#pragma omp for schedule(dynamic, 1)
            for (int64_t i = 0; i < n; ++i) f(i);
        } else {
#pragma omp for schedule(static)
            for (int64_t i = 0; i < n; ++i) f(i);
        }
    }
}

template <class F>
void parallel_for(int64_t n, int64_t work, F&& f) {
    parallel_for_scheduled<Schedule::static_split>(n, work, std::forward<F>(f));
}

// For work that differs per iteration (causal attention: later queries see
// more keys).
template <class F>
void parallel_for_dynamic(int64_t n, int64_t work, F&& f) {
    parallel_for_scheduled<Schedule::dynamic>(n, work, std::forward<F>(f));
}

// Calls f(T{}) with T the storage type of an activation dtype.
template <class F>
void with_act(uint32_t dtype, F&& f) {
    switch (dtype) {
        case BK_F64: f(double{}); break;
        case BK_BF16: f(bf16{}); break;
        case BK_F16: f(f16{}); break;
        default: f(float{}); break;
    }
}

// Rows per parallel iteration so one iteration has at least ~4096 elements.
inline int64_t rows_per_chunk(int64_t dim) { return dim >= 4096 ? 1 : (4096 + dim - 1) / dim; }

}  // namespace bk_cpu
