// The OpenCL backend's vendor GEMM: CLBlast, the tuned vendor-neutral OpenCL
// BLAS, loaded with dlopen at first use so that the plugin builds and runs
// where CLBlast is absent (its vendor GEMM is then unsupported, saying so);
// BAKEOFF_CLBLAST_LIBRARY names another build of it (e.g. one tuned here).
// f32 and f64 (where the device has cl_khr_fp64) through SGEMM/DGEMM; f16 x
// f16 -> f16 through HGEMM where the device has cl_khr_fp16 (CLBlast has no
// f16 -> f32 GEMM).
#pragma once

#include "opencl_internal.h"

#include <string>

namespace bakeoff::opencl {

// "" when CLBlast can run this GEMM on the device; otherwise why not.
std::string clblast_gemm_unsupported(const bk_device* d, const bk_op_desc& op);
// Enqueues the GEMM on the stream's queue; `track`: note its event for timing.
bk_status clblast_gemm_launch(bk_stream* s, const bk_op_desc& op, bk_buffer* const* ops, bool track);
// The op_info text: the library, its file, the routine and its tuning state.
std::string clblast_gemm_describe(const bk_device* d, const bk_op_desc& op);

}  // namespace bakeoff::opencl
