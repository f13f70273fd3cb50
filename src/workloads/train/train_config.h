// The small decoder train.step trains, its presets and optimiser settings,
// its parameter list, the FLOP count, and the synthetic next-token task.
// Host-side only, so tests can check every number by hand.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::train {

constexpr double kNormEps = 1e-5;     // every RMSNorm
constexpr double kRopeTheta = 10000.0;  // rotary base

struct TrainShape {
    std::string preset;        // "tiny", "small"
    std::int64_t layers = 0;
    std::int64_t dim = 0;      // model width D
    std::int64_t heads = 0;    // attention heads (head_dim = D / heads, no GQA)
    std::int64_t ffn = 0;      // SwiGLU intermediate size F
    std::int64_t vocab = 0;    // V
    std::int64_t seq = 0;      // S
    std::int64_t batch = 0;    // B sequences per step: the case's size
    // AdamW and the convergence check.
    double lr = 0, beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weight_decay = 0.0;
    std::int64_t converge_steps = 0;  // fresh steps verification trains
    double converge_fraction = 0.25;  // the loss must end below this fraction of ln(vocab)

    std::int64_t head_dim() const { return dim / heads; }
    std::int64_t tokens() const { return batch * seq; }  // per step
    double loss_threshold() const;
};

std::optional<TrainShape> train_preset(const std::string& name);

// Written into a case's params, and back (std::invalid_argument naming the field).
nlohmann::json train_params(const TrainShape& s);
TrainShape train_shape_from_params(const nlohmann::json& p);

// One parameter tensor: rows x cols f32 (cols = 1 for vectors).
enum class Init { ones, uniform };
struct ParamSpec {
    std::string name;   // "layers.0.wq", "embed"
    std::int64_t rows = 0, cols = 0;
    Init init = Init::uniform;
    double scale = 0;   // uniform in [-scale, scale)
    std::int64_t size() const { return rows * cols; }
};

// Index of each tensor in train_param_specs().
struct LayerParams {
    std::size_t attn_norm, wq, wk, wv, wo, mlp_norm, wg, wu, wd;
};
struct ParamIndex {
    std::size_t embed;
    std::vector<LayerParams> layers;
    std::size_t final_norm, lm_head;
};

// In order: embed [V, D]; per layer attn_norm [D], wq wk wv wo [D, D],
// mlp_norm [D], wg wu [F, D], wd [D, F]; final_norm [D]; lm_head [V, D].
std::vector<ParamSpec> train_param_specs(const TrainShape& s);
ParamIndex train_param_index(const TrainShape& s);

// All parameters, and N: all but the input embedding table (the lm_head
// counts: its GEMM is computed).
std::int64_t train_param_count(const TrainShape& s);
std::int64_t train_nonembedding_params(const TrainShape& s);
// The model FLOPs of one step: 6 N tokens (forward 2 N, backward 4 N per
// token), attention's score and value products left out.
double train_step_flops(const TrainShape& s);

// The synthetic task: x_{t+1} = (a x_t + c) mod V, with odd a != 1 and c
// drawn from the seed, x_0 uniform per sequence. Tokens are x_0 .. x_{S-1},
// targets x_1 .. x_S: every target is a fixed function of the token before it.
struct TaskRule {
    std::int64_t a = 1, c = 0, vocab = 0;
    std::int32_t next(std::int32_t x) const { return std::int32_t((a * x + c) % vocab); }
};
TaskRule task_rule(std::int64_t vocab, std::uint64_t seed);
struct Batch {
    std::vector<std::int32_t> tokens, targets;  // [B * S] each
};
Batch make_batch(const TaskRule& rule, std::int64_t batch, std::int64_t seq, std::uint64_t seed);

}  // namespace bakeoff::train
