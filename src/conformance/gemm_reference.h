// A full host reference for C = alpha op(A) op(B) + beta C0 with transposes and
// leading dimensions, in fp64, and the element conversions conformance needs
// (fp16 as well as the types HostMatrix knows). Small shapes only: it computes
// every entry, O(m n k).
#pragma once

#include "numeric/f16.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bakeoff::conformance {

// Element i of a typed array, converted exactly to double.
double load_element(bk_dtype t, const void* data, std::size_t i);
// Stores v (exactly representable in t) at element i.
void store_element(bk_dtype t, void* data, std::size_t i, double v);

// IEEE binary16 <-> float (shared with the workloads).
using bakeoff::f16_to_float;
using bakeoff::float_to_f16;

struct GemmCheck {
    bool ok = false;
    double error = 0;      // worst relative error (|got - ref| / sum of |terms|); exact types: 0 or inf
    double tolerance = 0;
    std::string detail;    // on failure: which element and why
};

// Checks C (as downloaded: m rows of ldc elements) against the reference built
// from A, B (as uploaded, with their leading dimensions) and C0 (the C uploaded
// before the launch; ignored when beta == 0). Entries between n and ldc of each
// row must still hold `pad_pattern` (the 4-byte poison) bit for bit.
GemmCheck check_gemm(const bk_op_desc& op, const std::vector<unsigned char>& a, const std::vector<unsigned char>& b,
                     const std::vector<unsigned char>& c0, const std::vector<unsigned char>& c,
                     std::uint32_t pad_pattern);

}  // namespace bakeoff::conformance
