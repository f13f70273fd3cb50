// Stream kernels for any CPU: one element at a time (the compiler may still
// vectorise with the baseline ISA). No non-temporal stores.
#include <cstdint>

#include "stream_kernels.h"

namespace bk_cpu {
namespace stream_scalar {

template <class Elem>
struct Scalar {
    using T = Elem;
    using reg = Elem;
    static constexpr int W = 1;
    static constexpr bool nt = false;
    static reg load(const T* p) { return *p; }
    static void store(T* p, reg r) { *p = r; }
    static void stream(T* p, reg r) { *p = r; }
    static void fence() {}
    static reg set1(T v) { return v; }
    static reg zero() { return T(0); }
    static reg add(reg x, reg y) { return x + y; }
    static reg mul(reg x, reg y) { return x * y; }
    static double hsum(reg r) { return static_cast<double>(r); }
};
using VF64 = Scalar<double>;
using VF32 = Scalar<float>;

#include "stream_kernels_body.inc"

}  // namespace stream_scalar

const StreamKernelSet* stream_kernels_scalar() {
    static const StreamKernelSet set = stream_scalar::make_stream_kernel_set("scalar");
    return &set;
}

}  // namespace bk_cpu
