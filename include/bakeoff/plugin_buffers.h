/* Buffer-range checks for backend plugins: does [offset, offset + bytes) lie
 * within an allocation, without the sum overflowing; is an operand large
 * enough for an op. The C function serves C plugins; the C++ ones also word
 * the refusal, the same in every backend. Not part of the ABI itself. */
#ifndef BAKEOFF_PLUGIN_BUFFERS_H
#define BAKEOFF_PLUGIN_BUFFERS_H

#include <stdint.h>

#include "bakeoff/backend_abi.h"

/* 1 when [offset, offset + bytes) lies within `size` bytes. Written so that
 * no sum can wrap: offset + bytes might, offset <= size and size - offset
 * cannot. */
static inline int bk_range_ok(uint64_t size, uint64_t offset, uint64_t bytes) {
    return offset <= size && bytes <= size - offset;
}

#ifdef __cplusplus
#include <string>

#include "bakeoff/plugin_errors.h"

namespace bk_plugin BK_PLUGIN_HIDDEN {

/* BK_OK, or BK_INVALID_ARGUMENT naming the call (`fn`, e.g. "buffer_upload")
 * when the range does not fit the buffer. */
inline bk_status check_range(const char* fn, uint64_t size, uint64_t offset, uint64_t bytes) {
    if (bk_range_ok(size, offset, bytes)) return BK_OK;
    return fail(BK_INVALID_ARGUMENT, fn, ": offset ", offset, " + ", bytes, " bytes exceeds the buffer (", size,
                " bytes)");
}

/* buffer_fill's rules: a whole number of 4-byte patterns, within the buffer. */
inline bk_status check_fill(const char* fn, uint64_t size, uint64_t offset, uint64_t bytes) {
    if (bytes % 4 != 0) return fail(BK_INVALID_ARGUMENT, fn, ": ", bytes, " bytes is not a multiple of 4");
    return check_range(fn, size, offset, bytes);
}

/* "" when an operand (`role`: "A", "in0", "out", ...) of `have` bytes holds
 * the `need` bytes an op reads or writes; else why. */
inline std::string operand_size_rule(const char* role, uint64_t have, uint64_t need) {
    if (have >= need) return {};
    return cat("operand ", role, " holds ", have, " bytes, the op needs ", need);
}

/* "" when an op got the number of operands it takes; else why. */
inline std::string operand_count_rule(uint32_t kind, uint32_t want, uint32_t got) {
    if (want == got) return {};
    return cat(bk_op_name(kind), ": ", want, " operands expected, got ", got);
}

}  // namespace bk_plugin
#endif /* __cplusplus */
#endif /* BAKEOFF_PLUGIN_BUFFERS_H */
