#include "report/claims.h"

#include "specs/efficiency.h"

namespace bakeoff {

namespace {
// The vendor's claim for this record's metric (per device and per package),
// in the database's unit (GB/s; TFLOPS/TOPS), with the factor to the record's unit.
std::optional<std::pair<specs::Claim, double>> record_claim(const Record& r, const specs::Chip& chip) {
    if (r.metric.unit == "GB/s") {
        if (r.cache_resident()) return std::nullopt;  // a cache figure is no memory-bandwidth claim's match
        return std::pair{specs::bandwidth_claim(chip), 1.0};
    }
    if (r.metric.unit == "GFLOP/s" || r.metric.unit == "GOP/s") return std::pair{specs::peak_claim(chip, r.dtype), 1000.0};
    return std::nullopt;
}
std::optional<double> scaled(std::optional<double> v, double factor) {
    return v ? std::optional<double>(*v * factor) : std::nullopt;
}
}  // namespace

std::optional<double> claim_in_record_unit(const Record& r, const specs::Chip& chip) {
    const auto c = record_claim(r, chip);
    return c ? scaled(c->first.value, c->second) : std::nullopt;  // per device
}

nlohmann::json claim_json(const Record& r, const specs::DeviceMatch& match, const specs::PriceList* prices) {
    using nlohmann::json;
    if (!match.chip) return {{"chip", nullptr}, {"reason", match.reason}};
    const auto& chip = *match.chip;
    auto opt = [](std::optional<double> v) { return v ? json(*v) : json(nullptr); };
    const auto claimed = claim_in_record_unit(r, chip);
    const auto value = r.value();
    json j = {{"chip", chip.id},
              {"chip_name", chip.vendor + " " + chip.name},
              {"match", specs::to_string(match.status)},
              {"match_reason", match.reason},
              {"confidence", specs::to_string(chip.confidence)},
              {"source", chip.source},
              {"claimed", opt(claimed)},
              {"unit", r.metric.unit},
              {"percent", value ? opt(specs::percent_of_claim(*value, claimed)) : json(nullptr)},
              {"tdp_w", opt(chip.tdp_w)}};
    // A package software sees as several devices: `claimed` and `per_watt` are
    // one device's share; the package's own figure beside them.
    const int devices = specs::devices_per_package(chip);
    if (devices > 1) {
        const auto c = record_claim(r, chip);
        j["devices_per_package"] = devices;
        j["claimed_package"] = c ? opt(scaled(c->first.package_value, c->second)) : json(nullptr);
    }
    if (value) {
        j["per_watt"] = opt(specs::measured_per_watt(*value, chip));
        j["per_watt_unit"] = r.metric.unit + (devices > 1 ? " per W (claimed TDP / devices per package)"
                                                          : " per W (claimed TDP)");
        if (prices) {
            if (const auto* p = prices->find(chip.id)) {
                j["per_kusd"] = opt(specs::per_kusd(*value, p->price_usd));
                j["per_usd_hour"] = opt(specs::per_usd_hour(*value, p->price_per_hour_usd));
                // Serving: what a million output tokens cost at the rental price
                // (docs/serving.md): $/h / (tokens/s x 3600 s/h) x 10^6.
                if (r.workload == "llm.serve" && p->price_per_hour_usd && *p->price_per_hour_usd > 0 && *value > 0)
                    j["usd_per_million_output_tokens"] = *p->price_per_hour_usd / (*value * 3600.0) * 1e6;
                j["price_source"] = p->source;
            }
        }
    }
    return j;
}

}  // namespace bakeoff
