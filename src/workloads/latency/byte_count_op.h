// The op both latency workloads launch: an op kind whose only parameter is a
// count of bytes (EMPTY: launches; TRANSFER: bytes copied), typed u8.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>

namespace bakeoff {

inline bk_op_desc byte_count_op(uint32_t kind, bk_path path, std::int64_t n) {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = kind;
    op.path = path;
    op.dtype_a = op.dtype_b = op.dtype_c = BK_U8;
    op.u.stream.n = n;
    return op;
}

}  // namespace bakeoff
