// IEEE binary16 (fp16) storage: the type. Its exact conversions to and from
// f32 are the plugin SDK's (bk_f16_to_f32, bk_f32_to_f16 in
// bakeoff/plugin_half.h), for CPUs without F16C and for scalar tails; they
// give the same bits as F16C's vcvtph2ps and vcvtps2ph, so a vector path may
// use those instead.
#pragma once

#include <cstdint>

#include "bakeoff/plugin_half.h"

namespace bk_cpu {

// An fp16 value as its bit pattern; a type of its own so that overloads and
// templates tell it from bf16 (also 16 bits).
struct f16 {
    uint16_t bits;
};
static_assert(sizeof(f16) == 2, "f16 is stored as 2 bytes");

}  // namespace bk_cpu
