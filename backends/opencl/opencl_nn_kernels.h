// The OpenCL C source of the plugin's neural-network kernels
// (opencl_nn_kernels.cpp) and of the serving ops' kernels
// (opencl_serving_kernels.cpp), which is appended to it and uses its helpers.
#pragma once

namespace bakeoff::opencl {

extern const char* const kNnKernelSource;
extern const char* const kServingKernelSource;

}  // namespace bakeoff::opencl
