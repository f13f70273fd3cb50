// Host-side pieces of train.step: parameter counts and FLOPs against hand
// counts, the synthetic task generator, the host fp64 model's gradients
// against central finite differences, presets and the suites' cases.
#include "common/expect_throw.h"
#include "workloads/train/train_config.h"
#include "workloads/train/train_host.h"
#include "workloads/train/train_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>

using namespace bakeoff;
using namespace bakeoff::train;

TEST(TrainConfig, TinyParameterCountByHand) {
    const TrainShape s = *train_preset("tiny");  // L 2, D 64, F 128, V 256
    // Per layer: two norms 2*64, q k v o 4*64*64, gate up down 3*128*64.
    const std::int64_t layer = 2 * 64 + 4 * 64 * 64 + 3 * 128 * 64;  // 41088
    const std::int64_t embed = 256 * 64, head = 256 * 64, final_norm = 64;
    EXPECT_EQ(train_param_count(s), embed + 2 * layer + final_norm + head);  // 115008
    EXPECT_EQ(train_nonembedding_params(s), 2 * layer + final_norm + head);  // 98624
    // 6 N per token, 4 sequences of 64 tokens.
    EXPECT_DOUBLE_EQ(train_step_flops(s), 6.0 * 98624 * 256);
}

TEST(TrainConfig, ParamSpecsMatchTheIndex) {
    const TrainShape s = *train_preset("small");
    const auto specs = train_param_specs(s);
    const ParamIndex ix = train_param_index(s);
    EXPECT_EQ(specs.size(), 3u + 9u * std::size_t(s.layers));
    EXPECT_EQ(specs[ix.embed].name, "embed");
    EXPECT_EQ(specs[ix.lm_head].name, "lm_head");
    EXPECT_EQ(specs[ix.layers[3].wd].name, "layers.3.wd");
    EXPECT_EQ(specs[ix.layers[3].wd].rows, s.dim);
    EXPECT_EQ(specs[ix.layers[3].wd].cols, s.ffn);
    EXPECT_EQ(specs[ix.layers[0].attn_norm].init, Init::ones);
}

TEST(TrainTask, TargetsFollowTheRuleAndSequencesChain) {
    const TaskRule rule = task_rule(256, 99);
    EXPECT_EQ(rule.a % 2, 1);
    EXPECT_NE(rule.a, 1);
    EXPECT_GT(rule.c, 0);
    const Batch b = make_batch(rule, 3, 16, 5);
    ASSERT_EQ(b.tokens.size(), 48u);
    std::set<std::int32_t> starts;
    for (std::int64_t i = 0; i < 3; ++i) {
        starts.insert(b.tokens[std::size_t(i * 16)]);
        for (std::int64_t t = 0; t < 16; ++t) {
            const auto x = b.tokens[std::size_t(i * 16 + t)];
            ASSERT_GE(x, 0);
            ASSERT_LT(x, 256);
            EXPECT_EQ(b.targets[std::size_t(i * 16 + t)], (rule.a * x + rule.c) % 256);
            if (t + 1 < 16) {
                EXPECT_EQ(b.tokens[std::size_t(i * 16 + t + 1)], b.targets[std::size_t(i * 16 + t)]);
            }
        }
    }
    EXPECT_GT(starts.size(), 1u);  // sequences start apart
    const Batch again = make_batch(rule, 3, 16, 5);
    EXPECT_EQ(again.tokens, b.tokens);  // a function of the seed
    EXPECT_NE(make_batch(rule, 3, 16, 6).tokens, b.tokens);
}

TEST(TrainConfig, ParamsRoundTripAndBadInput) {
    TrainShape s = *train_preset("tiny");
    const TrainShape back = train_shape_from_params(train_params(s));
    EXPECT_EQ(back.dim, s.dim);
    EXPECT_EQ(back.lr, s.lr);
    EXPECT_DOUBLE_EQ(back.loss_threshold(), 0.25 * std::log(256.0));
    auto p = train_params(s);
    p["heads"] = 5;  // 64 does not split into 5 heads
    bktest::expect_invalid_argument_naming([&] { train_shape_from_params(p); }, "heads", "bad heads accepted");
    p = train_params(s);
    p.erase("lr");
    EXPECT_THROW(train_shape_from_params(p), std::invalid_argument);
}

TEST(TrainWorkloadCases, SuitesAndFilters) {
    TrainStepWorkload w;
    DeviceInfo d;
    EXPECT_TRUE(w.cases(Suite::quick, d, {}).empty());
    const auto standard = w.cases(Suite::standard, d, {});
    ASSERT_EQ(standard.size(), 1u);
    EXPECT_EQ(standard[0].params.at("preset"), "small");
    EXPECT_EQ(standard[0].dtype, BK_F32);
    EXPECT_TRUE(w.cases(Suite::standard, d, CaseChoice{{}, {BK_BF16}, "", {}}).empty());
    const auto sized = w.cases(Suite::standard, d, CaseChoice{{2}, {}, "", {}});
    ASSERT_EQ(sized.size(), 1u);
    EXPECT_EQ(sized[0].params.at("batch"), 2);
    const WorkCounts c = w.counts(sized[0]);
    EXPECT_EQ(c.items, 2.0 * 128);  // tokens per step
    EXPECT_EQ(w.metric(sized[0]).unit, "tokens/s");
}

TEST(TrainHostModel, GradientsMatchCentralDifferences) {
    // A smaller shape than tiny keeps the fp64 reference fast; every kind of
    // parameter is probed, including the embedding and the norms.
    TrainShape s = *train_preset("tiny");
    s.layers = 1;
    s.dim = 16;
    s.heads = 2;
    s.ffn = 24;
    s.vocab = 32;
    s.seq = 8;
    s.batch = 2;
    const Batch b = make_batch(task_rule(s.vocab, 3), s.batch, s.seq, 4);
    HostParams p = initial_params(s, 11);
    // Norm weights of one are a special point; move them off it.
    for (auto& v : p)
        for (std::size_t i = 0; i < v.size(); ++i)
            if (v[i] == 1.0) v[i] = 1.0 + 0.01 * double(i % 7);
    const HostResult r = host_step(s, p, b, true);
    const auto specs = train_param_specs(s);
    ASSERT_EQ(r.grads.size(), specs.size());
    for (std::size_t t = 0; t < specs.size(); ++t) {
        ASSERT_EQ(r.grads[t].size(), p[t].size()) << specs[t].name;
        // The embedding rows of tokens in the batch are the only nonzero ones; probe one.
        const std::size_t probes[] = {0, p[t].size() / 2, p[t].size() - 1,
                                      std::size_t(b.tokens[0]) * std::size_t(s.dim) % p[t].size()};
        for (std::size_t i : probes) {
            const double h = 1e-5, orig = p[t][i];
            p[t][i] = orig + h;
            const double up = host_step(s, p, b, false).loss;
            p[t][i] = orig - h;
            const double down = host_step(s, p, b, false).loss;
            p[t][i] = orig;
            const double fd = (up - down) / (2 * h);
            EXPECT_NEAR(r.grads[t][i], fd, 1e-6 + 1e-4 * std::abs(fd)) << specs[t].name << "[" << i << "]";
        }
    }
}
