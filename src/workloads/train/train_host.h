// The train.step model in fp64 on the host, composed from the nnref::
// references op for op as the device runs it: the reference for the
// forward loss verification checks and for the gradient tests.
#pragma once

#include "workloads/train/train_config.h"

#include <vector>

namespace bakeoff::train {

using HostParams = std::vector<std::vector<double>>;  // one tensor per ParamSpec, row-major

// Initial parameters from the seed: f32 as the device starts from them, and
// the same values widened.
std::vector<std::vector<float>> initial_weights(const TrainShape& s, std::uint64_t seed);
HostParams initial_params(const TrainShape& s, std::uint64_t seed);

struct HostResult {
    std::vector<double> row_loss;  // per token
    double loss = 0;               // mean over tokens
    HostParams grads;              // d loss / d param, empty without backward
};

// Forward (and backward) over b (s.batch sequences of s.seq tokens).
HostResult host_step(const TrainShape& s, const HostParams& p, const Batch& b, bool backward);

}  // namespace bakeoff::train
