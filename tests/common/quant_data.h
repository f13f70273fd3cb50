// Test data for block-quantized weights: random rows quantized with the
// reference quantizer (bakeoff/plugin_quant.h) and their dequantization, and
// the fp64 check of a GEMM f32 x q* -> f32 against the ABI's error bound.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bakeoff/plugin_quant.h"

namespace bkquant {

inline std::vector<float> randoms(size_t n, uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = u(g);
    return v;
}

// n rows of k values quantized to type t; *deq gets the dequantized values.
inline std::vector<uint8_t> quantized(uint32_t t, int64_t n, int64_t k, uint32_t seed, std::vector<float>* deq) {
    const std::vector<float> w = randoms(static_cast<size_t>(n * k), seed);
    const uint64_t rb = bk_block_row_bytes(t, k);
    std::vector<uint8_t> q(static_cast<size_t>(n * rb));
    deq->resize(static_cast<size_t>(n * k));
    for (int64_t j = 0; j < n; ++j) {
        bk_quantize_row(t, w.data() + j * k, q.data() + j * rb, k);
        bk_dequantize_row(t, q.data() + j * rb, deq->data() + j * k, k);
    }
    return q;
}

// C (m rows, ldc apart; c0 before the launch) against alpha A deq^T + beta
// C0 within bk_quant_gemm_bound; the padding after n must be untouched.
inline void expect_quant_gemm(uint32_t t, int64_t m, int64_t n, int64_t k, const std::vector<float>& a, int64_t lda,
                              const std::vector<float>& deq, const std::vector<float>& c0,
                              const std::vector<float>& c, int64_t ldc, double alpha, double beta) {
    const std::string name = bk_dtype_name(t);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < ldc && size_t(i * ldc + j) < c.size(); ++j) {
            const size_t at = size_t(i * ldc + j);
            if (j >= n) {
                ASSERT_EQ(c[at], c0[at]) << name << " wrote past n at row " << i;
                continue;
            }
            double ref = 0;
            for (int64_t l = 0; l < k; ++l) ref += double(a[size_t(i * lda + l)]) * deq[size_t(j * k + l)];
            ref = alpha * ref + beta * c0[at];
            const double tol = std::fabs(alpha) * bk_quant_gemm_bound(&a[size_t(i * lda)], &deq[size_t(j * k)], k,
                                                                       bk_block_elems(t)) +
                               std::fabs(beta * c0[at]) * 1e-6 + 1e-7;
            ASSERT_NEAR(c[at], ref, tol) << name << " m=" << m << " n=" << n << " k=" << k << " i=" << i << " j=" << j;
        }
}

}  // namespace bkquant
