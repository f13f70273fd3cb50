// The neural-network ops of the CPU backend (BK_OP_CONVERT ..
// BK_OP_PAGED_ATTENTION): descriptor checks, operand sizes and index checks
// (nn_ops.cpp), and the kernels, threaded with OpenMP over rows, tokens or
// (batch, head, query) (nn_rowwise.cpp, nn_train.cpp, nn_attention.cpp,
// nn_paged.cpp). All run on the portable path: no vendor
// library on the CPU has these ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bakeoff/backend_abi.h"

namespace bk_cpu {

// Which kinds are NN ops, and the descriptor bytes they read: the SDK's
// bk_nn_rules::is_nn_op and desc_bytes (bakeoff/nn_op_rules.h).

bk_status nn_supports(const bk_op_desc& op);
bk_status nn_launch(const bk_op_desc& op, bk_buffer* const* operands, uint32_t n_operands);
bk_status nn_info(const bk_op_desc& op, std::string* out);

// Kernels. Operand pointers in the ABI's order; shapes already checked.
using NnPtrs = unsigned char* const*;
void nn_convert(const bk_op_desc& op, NnPtrs p);
void nn_rmsnorm(const bk_op_desc& op, NnPtrs p);
void nn_rope(const bk_op_desc& op, NnPtrs p);
void nn_rope_freq(const bk_op_desc& op, NnPtrs p);
void nn_softmax(const bk_op_desc& op, NnPtrs p);
void nn_swiglu(const bk_op_desc& op, NnPtrs p);
void nn_gather_rows(const bk_op_desc& op, NnPtrs p);  // EMBEDDING
void nn_gather_rows_quant(const bk_op_desc& op, NnPtrs p);  // EMBEDDING of a block-quantized table
void nn_kv_write(const bk_op_desc& op, NnPtrs p);
void nn_topk_route(const bk_op_desc& op, NnPtrs p);
void nn_scatter_add(const bk_op_desc& op, NnPtrs p);
void nn_rmsnorm_bwd(const bk_op_desc& op, NnPtrs p);
void nn_swiglu_bwd(const bk_op_desc& op, NnPtrs p);
void nn_cross_entropy(const bk_op_desc& op, NnPtrs p);
void nn_adamw(const bk_op_desc& op, NnPtrs p);
void nn_attention(const bk_op_desc& op, NnPtrs p);
void nn_attention_bwd(const bk_op_desc& op, NnPtrs p);
// The serving ops (indices already checked).
void nn_rope_pos(const bk_op_desc& op, NnPtrs p);
void nn_paged_kv_write(const bk_op_desc& op, NnPtrs p);
void nn_paged_attention(const bk_op_desc& op, NnPtrs p);

}  // namespace bk_cpu
