// Inputs and weights of a MoE case, each tensor drawn from its own seed so
// any one of them (an expert's weights) can be regenerated on its own: the
// device keeps the only full copy and verification rebuilds just the experts
// the sampled tokens use, so a layer the size of DeepSeek-V3's does not need
// a second copy in host memory.
#pragma once

#include "workloads/moe/moe_config.h"

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <vector>

namespace bakeoff::moe {

enum class Proj { gate = 0, up = 1, down = 2 };

class MoeData {
public:
    MoeData(const MoeShape& s, bk_dtype weight_dtype, std::uint64_t seed) : s_(s), wt_(weight_dtype), seed_(seed) {}

    const MoeShape& shape() const { return s_; }
    bk_dtype weight_dtype() const { return wt_; }

    // x [T, d] in [-1, 1), f32 (the layer's input activations).
    std::vector<float> input() const;
    // Router W_r [E, d]; expert e's gate/up [f, d] and down [d, f]; the shared
    // MLP's gate/up [fs, d] and down [d, fs]. Values already rounded to the
    // weight type, so the host sees what the device holds.
    std::vector<float> router() const;
    std::vector<float> expert(std::int64_t e, Proj p) const;
    std::vector<float> shared(Proj p) const;

private:
    std::vector<float> draw(std::uint64_t tag, std::size_t n, double fan_in) const;

    MoeShape s_;
    bk_dtype wt_;
    std::uint64_t seed_;
};

// Values rounded to what `t` stores (bf16, f16: round to nearest even; f32 unchanged).
void round_to(bk_dtype t, std::vector<float>& v);
// Bytes for upload: f32 as is, bf16 as 16-bit patterns.
std::vector<std::uint8_t> encode(bk_dtype t, const std::vector<float>& v);

}  // namespace bakeoff::moe
