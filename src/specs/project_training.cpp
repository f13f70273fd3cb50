#include "specs/project_training.h"

#include <cmath>

namespace bakeoff::specs {

double training_flops(double active_params, double tokens) { return 6.0 * active_params * tokens; }

TrainResult project_training(const TrainInput& in, const ProjectTarget& target) {
    TrainResult r;
    const Quantity& peak = target.claimed_peak_tflops;
    if (peak) r.chip_hours = Quantity::of(in.flops / (*peak.value * 1e12 * in.mfu) / 3600.0);
    else r.chip_hours = Quantity::unknown(peak.missing);

    const auto from_hours = [&](auto f) {
        return r.chip_hours ? Quantity::of(f(*r.chip_hours.value)) : Quantity::unknown(r.chip_hours.missing);
    };
    if (in.devices) r.days_on_devices = from_hours([&](double h) { return h / *in.devices / 24.0; });
    else r.days_on_devices = Quantity::unknown("no --devices given");
    if (in.days) r.devices_for_days = from_hours([&](double h) { return std::ceil(h / (24.0 * *in.days)); });
    else r.devices_for_days = Quantity::unknown("no --days given");

    if (!r.chip_hours) r.energy_mwh = Quantity::unknown(r.chip_hours.missing);
    else if (!target.tdp_w) r.energy_mwh = Quantity::unknown(target.tdp_w.missing);
    else r.energy_mwh = Quantity::of(*r.chip_hours.value * *target.tdp_w.value * in.pue / 1e6);

    if (!r.chip_hours) r.cost_usd = Quantity::unknown(r.chip_hours.missing);
    else if (!target.price_per_hour_usd) r.cost_usd = Quantity::unknown(target.price_per_hour_usd.missing);
    else r.cost_usd = Quantity::of(*r.chip_hours.value * *target.price_per_hour_usd.value);

    if (!in.reported_chip_hours) r.implied_mfu = Quantity::unknown("no --chip-hours given");
    else if (!peak) r.implied_mfu = Quantity::unknown(peak.missing);
    else r.implied_mfu = Quantity::of(in.flops / (*in.reported_chip_hours * 3600.0 * *peak.value * 1e12));
    return r;
}

}  // namespace bakeoff::specs
