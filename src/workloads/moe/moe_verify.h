// Verification of a MoE layer run against an fp64 host implementation
// composed from the nnref:: references, on sampled token rows.
//
// Routing in fp32 (device) and fp64 (host) can pick different experts where
// two scores tie or nearly tie, so the two parts are checked apart:
//  - the routing: the device's chosen experts must be a valid top-k of the
//    fp64 sigmoid scores up to the score tolerance (no unchosen expert scores
//    more than tolerance above a chosen one), and its weights must equal the
//    fp64 normalised scores of the experts it chose;
//  - the output: the fp64 layer computed with the device's own choice of
//    experts (and fp64 weights for them), compared row by row, the error
//    scaled by the row's RMS.
#pragma once

#include "workloads/moe/moe_data.h"
#include "workloads/workload.h"

#include <cstdint>
#include <span>
#include <vector>

namespace bakeoff::moe {

struct MoeTolerance {
    double score;   // sigmoid scores (routing choice)
    double weight;  // normalised routing weights
    double output;  // |y - ref| / rms(ref row)
};
MoeTolerance moe_tolerance(bk_dtype weight_dtype);

// The token rows verification samples: all of them when few, otherwise an
// even spread sized so the fp64 host work stays near a few GFLOP.
std::vector<std::int64_t> sampled_tokens(const MoeShape& s);

// y [T, d], idx and weight [T, k] as the device left them; x is MoeData::input().
Verification verify_moe(const MoeData& data, std::span<const float> x, std::span<const float> y,
                        std::span<const std::int32_t> idx, std::span<const float> weight);

}  // namespace bakeoff::moe
