// A train.step case on one device, and the two checks its verification runs:
// the first step's loss against the fp64 host model, and convergence.
#pragma once

#include "workloads/train/train_model.h"

#include <memory>

namespace bakeoff::train {

// Loss after each of the steps of a fresh training run from the seed.
struct Convergence {
    std::vector<double> losses;  // mean loss per step, before its update
    double final_loss = 0;       // mean of the last few steps
    bool ok = false;             // final_loss below the shape's threshold
};
// Resets the model and trains s.converge_steps steps (untimed).
Convergence train_fresh(DeviceModel& model, Stream& st);

// The first step's per-token losses of sequence 0 vs the fp64 host forward
// from the same initial parameters: the largest |device - fp64| / max(1, fp64).
double first_step_loss_error(DeviceModel& model, Stream& st, std::uint64_t seed);

std::unique_ptr<CaseInstance> make_train_case(Device& dev, const TrainShape& s, bk_path gemm_path,
                                              std::uint64_t seed);

}  // namespace bakeoff::train
