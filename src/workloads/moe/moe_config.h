// The shape of one DeepSeek-V3-style MoE layer, its presets, and the host-side
// arithmetic of the workload: FLOP and byte counts, and the load imbalance of
// a routing. Kept apart from the device code so tests can check it by hand.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bakeoff::moe {

struct MoeShape {
    std::string preset;         // "tiny", "small", "v3-layer"
    std::int64_t dim = 0;       // hidden size d
    std::int64_t experts = 0;   // routed experts E
    std::int64_t top_k = 0;     // experts per token k
    std::int64_t expert_ffn = 0;  // intermediate size f of one expert
    std::int64_t shared = 0;    // shared experts: one dense SwiGLU MLP of shared * f
    std::int64_t tokens = 0;    // T, the case's size

    std::int64_t shared_ffn() const { return shared * expert_ffn; }
};

// The presets by name; nullopt for an unknown one. tokens is left 0.
std::optional<MoeShape> moe_preset(const std::string& name);
const std::vector<std::string>& moe_preset_names();

// The shape as written into a case's params, and back (throws
// std::invalid_argument naming the missing or bad field).
nlohmann::json moe_params(const MoeShape& s);
MoeShape moe_shape_from_params(const nlohmann::json& p);

// FLOPs one layer computes (a multiply-add counts 2): the router GEMM
// 2 T d E, every routed token-expert pair 3 GEMMs of 2 d f, and the shared
// MLP 3 GEMMs of 2 T d f_shared. Element-wise work (SwiGLU, routing, the
// gather and the weighted combine) is left out: O(T k (d + f)), under 1 %.
struct MoeFlops {
    double router = 0, routed = 0, shared = 0;
    double total() const { return router + routed + shared; }
};
MoeFlops moe_flops(const MoeShape& s);

// Bytes every run must move at least once: the weights of the experts that
// can receive tokens (min(E, T k) of them), the router and shared weights,
// x read and the output written (f32).
double moe_bytes(const MoeShape& s, std::size_t weight_bytes_per_element);

// Device memory of a case: weights, activations and per-expert routing lists.
std::uint64_t moe_device_bytes(const MoeShape& s, std::size_t weight_bytes_per_element);

// Load imbalance of a routing: tokens per expert, max / mean and the
// coefficient of variation (population standard deviation / mean).
struct Imbalance {
    double max_over_mean = 0;
    double cv = 0;
    std::int64_t max_tokens = 0;
    std::int64_t idle_experts = 0;  // experts that received no token
};
Imbalance routing_imbalance(std::span<const std::int64_t> tokens_per_expert);

}  // namespace bakeoff::moe
