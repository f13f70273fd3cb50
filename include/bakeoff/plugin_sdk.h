/* The plugin SDK: everything a backend shares, in one include. Header-only,
 * installed beside backend_abi.h; see docs/plugin-sdk.md.
 *   plugin_dtype.h    C   bk_dtype_size, bk_dtype_name
 *   plugin_half.h     C   f16 / bf16 <-> f32 conversions
 *   plugin_quant.h    C   block-quantized types: sizes, dequantize, quantize
 *   plugin_buffers.h  C   bk_range_ok; C++: range, fill and operand checks
 *   plugin_errors.h   C++ last_error text, fail(), guarded(), Failure
 *   plugin_strings.h  C++ copy_str into the ABI's char arrays, cat()
 *   op_rules.h        C++ stream-op and GEMM descriptor rules
 *   nn_op_rules.h     C++ NN-op descriptor rules
 * host_device.h (a whole device in host memory) is not included here: it
 * defines the ABI's handle types, which a real backend defines itself. */
#pragma once

#include "bakeoff/plugin_buffers.h"
#include "bakeoff/plugin_dtype.h"
#include "bakeoff/plugin_half.h"
#include "bakeoff/plugin_quant.h"

#ifdef __cplusplus
#include "bakeoff/nn_op_rules.h"
#include "bakeoff/op_rules.h"
#include "bakeoff/plugin_errors.h"
#include "bakeoff/plugin_strings.h"
#endif
