// The OpenCL C source of the plugin's neural-network kernels (opencl_nn_kernels.cpp).
#pragma once

namespace bakeoff::opencl {

extern const char* const kNnKernelSource;

}  // namespace bakeoff::opencl
