#include "workloads/train/train_config.h"

#include "numeric/rng.h"
#include "workloads/workload.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace bakeoff::train {

namespace {
// tiny: for tests, a step takes milliseconds. small: the suites' case, the
// size of a small research model (2.9 M non-embedding parameters), a step a
// fraction of a second on a workstation CPU. With these learning rates both
// fall below 25 % of ln(vocab) within about 10 steps from the seed; the
// convergence runs take three to four times that, for margin.
const std::vector<TrainShape>& presets() {
    static const std::vector<TrainShape> p{
        {.preset = "tiny", .layers = 2, .dim = 64, .heads = 4, .ffn = 128, .vocab = 256, .seq = 64, .batch = 4,
         .lr = 1e-2, .converge_steps = 40},
        {.preset = "small", .layers = 4, .dim = 256, .heads = 8, .ffn = 512, .vocab = 1024, .seq = 128, .batch = 8,
         .lr = 5e-3, .converge_steps = 30},
    };
    return p;
}

std::int64_t positive(const nlohmann::json& p, const char* key) { return positive_param(p, key, "train.step"); }
double number(const nlohmann::json& p, const char* key) { return number_param(p, key, "train.step"); }
}  // namespace

double TrainShape::loss_threshold() const { return converge_fraction * std::log(double(vocab)); }

std::optional<TrainShape> train_preset(const std::string& name) {
    for (const auto& s : presets())
        if (s.preset == name) return s;
    return std::nullopt;
}

nlohmann::json train_params(const TrainShape& s) {
    return {{"preset", s.preset},
            {"layers", s.layers},
            {"dim", s.dim},
            {"heads", s.heads},
            {"ffn", s.ffn},
            {"vocab", s.vocab},
            {"seq", s.seq},
            {"batch", s.batch},
            {"lr", s.lr},
            {"beta1", s.beta1},
            {"beta2", s.beta2},
            {"adam_eps", s.eps},
            {"weight_decay", s.weight_decay},
            {"converge_steps", s.converge_steps},
            {"converge_fraction", s.converge_fraction}};
}

TrainShape train_shape_from_params(const nlohmann::json& p) {
    TrainShape s;
    s.preset = p.value("preset", std::string("custom"));
    s.layers = positive(p, "layers");
    s.dim = positive(p, "dim");
    s.heads = positive(p, "heads");
    s.ffn = positive(p, "ffn");
    s.vocab = positive(p, "vocab");
    s.seq = positive(p, "seq");
    s.batch = positive(p, "batch");
    s.lr = number(p, "lr");
    s.beta1 = number(p, "beta1");
    s.beta2 = number(p, "beta2");
    s.eps = number(p, "adam_eps");
    s.weight_decay = number(p, "weight_decay");
    s.converge_steps = positive(p, "converge_steps");
    s.converge_fraction = number(p, "converge_fraction");
    if (s.dim % s.heads || s.head_dim() % 2)
        throw std::invalid_argument(fmt::format(
            "train.step case parameters: dim {} must split into {} heads of an even head_dim", s.dim, s.heads));
    if (s.vocab > INT32_MAX) throw std::invalid_argument("train.step case parameters: vocab must fit an int32 id");
    return s;
}

std::vector<ParamSpec> train_param_specs(const TrainShape& s) {
    const std::int64_t D = s.dim, F = s.ffn, V = s.vocab;
    // Variance 1 / fan_in keeps activations O(1); the residual branches'
    // output projections are scaled down by sqrt(2 layers) (GPT-2's rule).
    auto fan = [](double fan_in) { return std::sqrt(3.0 / fan_in); };
    const double resid = 1.0 / std::sqrt(2.0 * double(s.layers));
    std::vector<ParamSpec> p;
    p.push_back({"embed", V, D, Init::uniform, 1.0});
    for (std::int64_t l = 0; l < s.layers; ++l) {
        const std::string L = fmt::format("layers.{}.", l);
        p.push_back({L + "attn_norm", D, 1, Init::ones, 0});
        for (const char* w : {"wq", "wk", "wv"}) p.push_back({L + w, D, D, Init::uniform, fan(double(D))});
        p.push_back({L + "wo", D, D, Init::uniform, fan(double(D)) * resid});
        p.push_back({L + "mlp_norm", D, 1, Init::ones, 0});
        p.push_back({L + "wg", F, D, Init::uniform, fan(double(D))});
        p.push_back({L + "wu", F, D, Init::uniform, fan(double(D))});
        p.push_back({L + "wd", D, F, Init::uniform, fan(double(F)) * resid});
    }
    p.push_back({"final_norm", D, 1, Init::ones, 0});
    p.push_back({"lm_head", V, D, Init::uniform, fan(double(D))});
    return p;
}

ParamIndex train_param_index(const TrainShape& s) {
    ParamIndex ix;
    std::size_t i = 0;
    ix.embed = i++;
    for (std::int64_t l = 0; l < s.layers; ++l) {
        LayerParams lp;
        lp.attn_norm = i++;
        lp.wq = i++;
        lp.wk = i++;
        lp.wv = i++;
        lp.wo = i++;
        lp.mlp_norm = i++;
        lp.wg = i++;
        lp.wu = i++;
        lp.wd = i++;
        ix.layers.push_back(lp);
    }
    ix.final_norm = i++;
    ix.lm_head = i++;
    return ix;
}

std::int64_t train_param_count(const TrainShape& s) {
    std::int64_t n = 0;
    for (const auto& p : train_param_specs(s)) n += p.size();
    return n;
}

std::int64_t train_nonembedding_params(const TrainShape& s) { return train_param_count(s) - s.vocab * s.dim; }

double train_step_flops(const TrainShape& s) {
    return 6.0 * double(train_nonembedding_params(s)) * double(s.tokens());
}

TaskRule task_rule(std::int64_t vocab, std::uint64_t seed) {
    SplitMix64 g(seed ^ 0x7A5Cull);
    TaskRule r;
    r.vocab = vocab;
    // An odd multiplier other than 1 (a bijection mod a power of two, and for
    // any vocab a fixed function); an offset that is not 0.
    r.a = vocab > 4 ? 2 * std::int64_t(g.next() % std::uint64_t(vocab / 2 - 1)) + 3 : 3;
    r.a %= vocab;
    r.c = 1 + std::int64_t(g.next() % std::uint64_t(vocab - 1 > 0 ? vocab - 1 : 1));
    return r;
}

Batch make_batch(const TaskRule& rule, std::int64_t batch, std::int64_t seq, std::uint64_t seed) {
    SplitMix64 g(seed);
    Batch b;
    b.tokens.resize(std::size_t(batch * seq));
    b.targets.resize(std::size_t(batch * seq));
    for (std::int64_t i = 0; i < batch; ++i) {
        auto x = std::int32_t(g.next() % std::uint64_t(rule.vocab));
        for (std::int64_t t = 0; t < seq; ++t) {
            b.tokens[std::size_t(i * seq + t)] = x;
            x = rule.next(x);
            b.targets[std::size_t(i * seq + t)] = x;
        }
    }
    return b;
}

}  // namespace bakeoff::train
