#include "report/claims.h"

#include "specs/efficiency.h"

namespace bakeoff {

std::optional<double> claim_in_record_unit(const Record& r, const specs::Chip& chip) {
    if (r.metric.unit == "GB/s") {
        if (r.cache_resident()) return std::nullopt;  // a cache figure is no memory-bandwidth claim's match
        return specs::claimed_bandwidth_gbs(chip);
    }
    if (r.metric.unit == "GFLOP/s" || r.metric.unit == "GOP/s") {
        auto t = specs::claimed_peak(chip, r.dtype);  // TFLOPS / TOPS
        if (t) return *t * 1000.0;
    }
    return std::nullopt;
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
    if (value) {
        j["per_watt"] = opt(specs::per_watt(*value, chip.tdp_w));
        j["per_watt_unit"] = r.metric.unit + " per W (claimed TDP)";
        if (prices) {
            if (const auto* p = prices->find(chip.id)) {
                j["per_kusd"] = opt(specs::per_kusd(*value, p->price_usd));
                j["per_usd_hour"] = opt(specs::per_usd_hour(*value, p->price_per_hour_usd));
                j["price_source"] = p->source;
            }
        }
    }
    return j;
}

}  // namespace bakeoff
