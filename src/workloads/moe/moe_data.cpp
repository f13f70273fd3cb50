#include "workloads/moe/moe_data.h"

#include "numeric/rng.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace bakeoff::moe {

namespace {
// Tags keep every tensor's stream apart: (kind << 32) | index.
constexpr std::uint64_t kInput = 1ull << 32, kRouter = 2ull << 32, kShared = 3ull << 32, kExpert = 4ull << 32;
}  // namespace

void round_to(bk_dtype t, std::vector<float>& v) {
    if (t == BK_F32) return;
    if (t != BK_BF16) throw std::invalid_argument("moe: weights are f32 or bf16");
    for (float& x : v) x = bf16_to_float(float_to_bf16(x));
}

std::vector<std::uint8_t> encode(bk_dtype t, const std::vector<float>& v) {
    std::vector<std::uint8_t> out;
    if (t == BK_F32) {
        out.resize(v.size() * 4);
        std::memcpy(out.data(), v.data(), out.size());
    } else if (t == BK_BF16) {
        out.resize(v.size() * 2);
        auto* h = reinterpret_cast<std::uint16_t*>(out.data());
        for (std::size_t i = 0; i < v.size(); ++i) h[i] = float_to_bf16(v[i]);
    } else {
        throw std::invalid_argument("moe: weights are f32 or bf16");
    }
    return out;
}

// Uniform with variance 1 / fan_in, so every projection keeps activations O(1).
std::vector<float> MoeData::draw(std::uint64_t tag, std::size_t n, double fan_in) const {
    SplitMix64 mix(seed_ ^ tag);
    std::vector<float> v(n);
    const float a = float(std::sqrt(3.0 / fan_in));
    fill_uniform(v.data(), n, mix.next(), -a, a);
    round_to(wt_, v);
    return v;
}

std::vector<float> MoeData::input() const {
    SplitMix64 mix(seed_ ^ kInput);
    std::vector<float> v(std::size_t(s_.tokens * s_.dim));
    fill_uniform(v.data(), v.size(), mix.next(), -1.0f, 1.0f);
    return v;
}

// The router's logits come out about N(0, 1): sigmoid scores spread over
// (0.1, 0.9) so the top-k choice is clear for most tokens.
std::vector<float> MoeData::router() const { return draw(kRouter, std::size_t(s_.experts * s_.dim), double(s_.dim) / 3); }

std::vector<float> MoeData::expert(std::int64_t e, Proj p) const {
    if (e < 0 || e >= s_.experts) throw std::out_of_range(fmt::format("moe: no expert {}", e));
    const double fan_in = p == Proj::down ? double(s_.expert_ffn) : double(s_.dim);
    return draw(kExpert + std::uint64_t(e) * 4 + std::uint64_t(p), std::size_t(s_.dim * s_.expert_ffn), fan_in);
}

std::vector<float> MoeData::shared(Proj p) const {
    const double fan_in = p == Proj::down ? double(s_.shared_ffn()) : double(s_.dim);
    return draw(kShared + std::uint64_t(p), std::size_t(s_.dim * s_.shared_ffn()), fan_in);
}

}  // namespace bakeoff::moe
