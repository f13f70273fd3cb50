// Verification of C = A B against an fp64 reference, without an O(n^3) product:
//  1. every element of C is checked for the poison value (NaN for float
//     outputs, the poison pattern for int32): a skipped block cannot pass;
//  2. products of up to 2^28 multiply-adds: every entry against an fp64 product;
//     larger ones: Freivalds' check, C x compared with A (B x) for a random
//     vector x, and 256 randomly chosen entries recomputed in fp64.
// Errors are relative to the magnitude of the terms that were summed
// (|A| (|B| |x|) for Freivalds, sum_l |a_il b_lj| for entries), so the
// rigorous bound for any summation order is gamma_k = k u / (1 - k u), u the
// unit roundoff of the accumulation type; integer GEMMs must be exact.
#pragma once

#include "workloads/workload.h"

#include <cstdint>
#include <vector>

namespace bakeoff {

// A row-major matrix in host memory in one of the GEMM element types.
struct HostMatrix {
    bk_dtype dtype = BK_F32;
    std::int64_t rows = 0, cols = 0;
    std::vector<unsigned char> bytes;

    HostMatrix(bk_dtype t, std::int64_t r, std::int64_t c);
    std::size_t size_bytes() const { return bytes.size(); }
    // Row i converted exactly to double.
    void row(std::int64_t i, double* out) const;
    double at(std::int64_t i, std::int64_t j) const;
};

// The accepted error for a GEMM whose inner dimension is k, accumulating in `acc`.
double gemm_tolerance(bk_dtype acc, std::int64_t k);

// Checks C (m x n, output type c.dtype) against A (m x k) and B (k x n).
Verification verify_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix& c, std::uint64_t seed);

}  // namespace bakeoff
