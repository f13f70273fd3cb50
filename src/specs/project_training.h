// Training plan for one target (formulas: docs/projections.md):
//   total FLOPs   = 6 x active params x tokens  (or given directly)
//   chip-hours    = FLOPs / (peak x MFU) / 3600
//   days on N     = chip-hours / N / 24
//   chips for D days = ceil(chip-hours / (24 x D))
//   energy (MWh)  = chip-hours x TDP x PUE / 1e6
//   cost          = chip-hours x price per chip-hour (user-supplied only)
//   implied MFU   = FLOPs / (reported chip-hours x 3600 x peak)
// The peak is the vendor's dense peak for the precision: MFU is defined
// against it, so a measured GEMM rate does not replace it (it bounds MFU).
#pragma once

#include "specs/project_target.h"

#include <optional>

namespace bakeoff::specs {

// 6 FLOPs per parameter and token: 2 forward, 4 backward.
double training_flops(double active_params, double tokens);

struct TrainInput {
    double flops = 0;                            // total training FLOPs
    double mfu = 0.40;                           // model-FLOPs utilisation
    double pue = 1.2;                            // power usage effectiveness
    std::optional<double> devices;               // chips in the cluster
    std::optional<double> days;                  // deadline
    std::optional<double> reported_chip_hours;   // for the implied MFU
};

struct TrainResult {
    Quantity chip_hours;
    Quantity days_on_devices;     // needs --devices
    Quantity devices_for_days;    // needs --days
    Quantity energy_mwh;
    Quantity cost_usd;
    Quantity implied_mfu;         // needs reported chip-hours
};

TrainResult project_training(const TrainInput& in, const ProjectTarget& target);

}  // namespace bakeoff::specs
