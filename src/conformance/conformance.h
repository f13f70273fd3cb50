// bakeoff conformance: every op x dtype x path a backend says it supports, run
// on small, odd and edge shapes and checked against a host fp64 reference.
//
// Stream ops (copy, scale, add, triad, dot) x {f64, f32} x {vendor, portable}
// at n in {1, 7, 63, 4097}: exact against gold values (triad: fused or unfused
// rounding), dot within 8 sqrt(n) u of a long-double sum; the elements after
// the output must stay untouched and the inputs unchanged.
// GEMM x {fp64, fp32, bf16, fp16, int8} x {vendor, portable} on square, odd,
// non-square and degenerate shapes, with transposes, padded leading dimensions
// and alpha/beta other than 1/0 (beta != 0 reads a known C): every entry against
// an fp64 reference within gemm_tolerance (int8: exact); the padding between
// rows of C must stay untouched.
// GEMM f32 x q* -> f32 and EMBEDDING from a block-quantized table, every
// block type x {vendor, portable}: quant_cases.h (shapes and tolerance).
// The neural-network ops (convert .. kv_write) x {fp64, fp32, bf16, fp16} x
// {vendor, portable} on odd shapes against the fp64 references of
// src/nn/reference.h: see nn_cases.h for the shapes and tolerances.
//
// Every output is poisoned (NaN, or an impossible int32) before the launch.
// A case ends as pass, fail (with error, tolerance and one line of detail),
// unsupported (the backend's reason) or error (a non-OK status: named).
#pragma once

#include "core/backend.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff::conformance {

enum class Outcome { pass, fail, unsupported, error };
std::string_view outcome_name(Outcome o);

struct CaseResult {
    std::string op;     // "triad", "gemm"
    std::string shape;  // "n=4097", "65x33x17 ta lda=20 alpha=1.5 beta=-0.5"
    std::string dtype;  // "fp32", "bf16"
    std::string path;   // "vendor", "portable"
    Outcome outcome = Outcome::pass;
    double error = 0;      // fail/pass: the measured error (elements wrong, or relative error)
    double tolerance = 0;
    std::string detail;    // fail: where and what; unsupported: the backend's reason; error: status and reason

    std::string id() const;  // "gemm fp32 portable 65x33x17 ta"
};

struct Summary {
    int passed = 0, failed = 0, unsupported = 0, errors = 0;
};
Summary summarize(const std::vector<CaseResult>& results);

// The descriptors conformance asks the backend about, in run order.
std::vector<bk_op_desc> planned_ops();

// Runs one case on an open device. Never throws for a backend failure: that
// becomes Outcome::error (or fail, for a download or sync that reports one).
CaseResult run_case(Device& dev, const bk_op_desc& op, std::uint64_t seed);

// Runs every planned case on the device; `progress` (may be empty) is called
// after each case with (done, total).
std::vector<CaseResult> run_device(Device& dev, std::uint64_t seed,
                                   const std::function<void(std::size_t, std::size_t)>& progress = {});

// Describes a descriptor the way results show it.
std::string op_name(const bk_op_desc& op);
std::string shape_label(const bk_op_desc& op);

}  // namespace bakeoff::conformance
