/* Element types for backend plugins, in C and C++: bytes per element and the
 * short name messages use ("f32", "bf16"). One copy so that every backend
 * sizes its buffers and words its refusals alike. Not part of the ABI itself. */
#ifndef BAKEOFF_PLUGIN_DTYPE_H
#define BAKEOFF_PLUGIN_DTYPE_H

#include <stdint.h>

#include "bakeoff/backend_abi.h"

/* Bytes of one element in memory (tf32 is stored as f32); 0 for a value that
 * is not a bk_dtype or is a block-quantized type (sized per block:
 * plugin_quant.h), so a size built on it never covers a real buffer. */
static inline uint32_t bk_dtype_size(uint32_t dtype) {
    switch (dtype) {
        case BK_F64: return 8;
        case BK_F32:
        case BK_TF32:
        case BK_I32: return 4;
        case BK_BF16:
        case BK_F16: return 2;
        case BK_F8_E4M3:
        case BK_I8:
        case BK_U8: return 1;
        default: return 0;
    }
}

/* The name plugins' messages use. (The bakeoff command names types the way
 * its users type them, "fp32"; that table lives in src/core/dtype.cpp.) */
static inline const char* bk_dtype_name(uint32_t dtype) {
    switch (dtype) {
        case BK_F64: return "f64";
        case BK_F32: return "f32";
        case BK_TF32: return "tf32";
        case BK_BF16: return "bf16";
        case BK_F16: return "f16";
        case BK_F8_E4M3: return "f8_e4m3";
        case BK_I8: return "i8";
        case BK_U8: return "u8";
        case BK_I32: return "i32";
        case BK_Q8_0: return "q8_0";
        case BK_Q4_0: return "q4_0";
        case BK_Q4_1: return "q4_1";
        case BK_Q5_0: return "q5_0";
        case BK_Q5_1: return "q5_1";
        case BK_Q4_K: return "q4_k";
        case BK_Q5_K: return "q5_k";
        case BK_Q6_K: return "q6_k";
        case BK_Q8_K: return "q8_k";
        default: return "unknown dtype";
    }
}

#endif /* BAKEOFF_PLUGIN_DTYPE_H */
