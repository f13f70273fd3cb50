#include "specs/project_target.h"

#include "results/results_file.h"
#include "specs/device_match.h"
#include "specs/text_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bakeoff::specs {

namespace {

Quantity known_or(std::optional<double> v, std::string why) {
    if (v && *v > 0) return Quantity::of(*v);
    return Quantity::unknown(std::move(why));
}

std::optional<double> ratio(std::optional<double> measured, const Quantity& claimed) {
    if (!measured || !claimed.value || !(*claimed.value > 0)) return std::nullopt;
    return *measured / *claimed.value;
}

std::string basis(std::optional<double> measured, std::optional<double> eff) {
    if (!measured) return "claimed";
    if (!eff) return "measured";
    return fmt::format("measured ({:.0f} % of claimed)", *eff * 100);
}

// `per_device`: a measured device of a package that software sees as several
// devices (the 910C's dies) gets its share of the package's claims and price;
// a chip named for a projection is the whole package.
Quantity price_for(const Chip* chip, const PriceSource& price, bool per_device) {
    if (price.flat_per_hour) return Quantity::of(*price.flat_per_hour);
    if (price.prices && chip)
        if (const auto* p = price.prices->find(chip->id); p && p->price_per_hour_usd)
            return Quantity::of(*p->price_per_hour_usd / (per_device ? devices_per_package(*chip) : 1));
    return Quantity::unknown("no price per chip-hour given");
}

void fill_claims(ProjectTarget& t, const Chip& chip, std::string_view dtype, bool per_device) {
    const std::string d = to_lower(dtype);
    auto pick = [per_device](const Claim& c) { return per_device ? c.value : c.package_value; };
    t.claimed_peak_tflops = known_or(pick(peak_claim(chip, d)), "no " + d + " peak in the database");
    t.claimed_bandwidth_gbs = known_or(pick(bandwidth_claim(chip)), "no memory bandwidth in the database");
    t.tdp_w = known_or(pick(tdp_claim(chip)), "no TDP in the database");
    t.capacity_gb = known_or(pick(capacity_claim(chip)), "no memory capacity in the database");
}

}  // namespace

Quantity ProjectTarget::peak_tflops() const {
    if (measured_peak_tflops) return Quantity::of(*measured_peak_tflops);
    return claimed_peak_tflops;
}
Quantity ProjectTarget::bandwidth_gbs() const {
    if (measured_bandwidth_gbs) return Quantity::of(*measured_bandwidth_gbs);
    return claimed_bandwidth_gbs;
}
std::optional<double> ProjectTarget::compute_efficiency() const {
    return ratio(measured_peak_tflops, claimed_peak_tflops);
}
std::optional<double> ProjectTarget::memory_efficiency() const {
    return ratio(measured_bandwidth_gbs, claimed_bandwidth_gbs);
}
std::string ProjectTarget::compute_basis() const { return basis(measured_peak_tflops, compute_efficiency()); }
std::string ProjectTarget::memory_basis() const { return basis(measured_bandwidth_gbs, memory_efficiency()); }

ProjectTarget target_for_chip(const Chip& chip, std::string_view dtype, const PriceSource& price) {
    ProjectTarget t;
    t.label = chip.id;
    t.chip = &chip;
    t.dtype = to_lower(dtype);
    fill_claims(t, chip, dtype, /*per_device=*/false);
    t.price_per_hour_usd = price_for(&chip, price, /*per_device=*/false);
    return t;
}

std::vector<ProjectTarget> targets_from_results(const ResultsFile& results, const ChipDatabase& db,
                                                std::string_view dtype, const PriceSource& price) {
    struct Device {
        std::string key, name, chip_id;
        std::optional<double> gemm_gflops, membw_gbs;
        bool any = false;
    };
    std::vector<Device> devices;
    const std::string d = to_lower(dtype);
    for (const auto& r : results.records) {
        if (r.status != RecordStatus::ok) continue;
        const bool gemm = r.workload == "gemm" && (r.metric.unit == "GFLOP/s" || r.metric.unit == "GOP/s");
        const bool membw = r.workload.rfind("membw", 0) == 0 && r.metric.unit == "GB/s";
        if (!gemm && !membw) continue;
        const auto v = r.value();
        if (!v || !std::isfinite(*v) || *v <= 0) continue;
        const std::string key = r.device_id + "|" + r.device_name;
        auto it = std::find_if(devices.begin(), devices.end(), [&](const Device& x) { return x.key == key; });
        if (it == devices.end()) {
            devices.push_back({key, r.device_name.empty() ? r.device_id : r.device_name, {}, {}, {}, false});
            it = devices.end() - 1;
        }
        if (it->chip_id.empty() && r.claim.is_object() && r.claim.contains("chip") && r.claim["chip"].is_string())
            it->chip_id = r.claim["chip"].get<std::string>();
        it->any = true;
        if (gemm && to_lower(r.dtype) == d) it->gemm_gflops = std::max(it->gemm_gflops.value_or(0), *v);
        if (membw) it->membw_gbs = std::max(it->membw_gbs.value_or(0), *v);
    }

    std::vector<ProjectTarget> out;
    for (const auto& dev : devices) {
        ProjectTarget t;
        t.dtype = d;
        const DeviceMatch m = match_device(db, dev.name, dev.chip_id);
        t.chip = m.chip;
        if (m.chip) {
            fill_claims(t, *m.chip, d, /*per_device=*/true);
            t.label = dev.name + " (" + m.chip->id + ")";
        } else {
            const std::string why = "device '" + dev.name + "' matches no chip in the database";
            t.claimed_peak_tflops = t.claimed_bandwidth_gbs = t.tdp_w = t.capacity_gb = Quantity::unknown(why);
            t.label = dev.name;
        }
        if (dev.gemm_gflops) t.measured_peak_tflops = *dev.gemm_gflops / 1000.0;
        if (dev.membw_gbs) t.measured_bandwidth_gbs = *dev.membw_gbs;
        t.price_per_hour_usd = price_for(m.chip, price, /*per_device=*/true);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace bakeoff::specs
