// Building ABI op descriptors: the zeroed, sized, typed header every op
// starts from, and the stream-shaped ops (a count n and a scalar) that the
// membw and latency workloads and the conformance plan launch. Op-specific
// builders (GEMM, the NN ops) live beside the workloads that use them.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <cstring>

namespace bakeoff {

// All fields zero, struct_size set, kind, path and operand types filled in.
inline bk_op_desc blank_op(bk_op_kind kind, bk_path path, bk_dtype a, bk_dtype b, bk_dtype c) {
    bk_op_desc d;
    std::memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.kind = kind;
    d.path = path;
    d.dtype_a = a;
    d.dtype_b = b;
    d.dtype_c = c;
    return d;
}

// An op over n elements of type t (all operands), with the stream scalar:
// the membw kernels, and EMPTY (n launches) and TRANSFER (n bytes) with u8.
inline bk_op_desc stream_op(bk_op_kind kind, bk_dtype t, bk_path path, std::int64_t n, double scalar = 0.0) {
    bk_op_desc d = blank_op(kind, path, t, t, t);
    d.u.stream.n = n;
    d.u.stream.scalar = scalar;
    return d;
}

}  // namespace bakeoff
