// The OpenCL C source of the plugin's portable kernels (opencl_kernels.cpp).
#pragma once

namespace bakeoff::opencl {

extern const char* const kKernelSource;

}  // namespace bakeoff::opencl
