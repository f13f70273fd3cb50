#include "report/compare_claims.h"

#include "report/claims.h"

namespace bakeoff {

specs::DeviceMatch match_column_chip(const specs::ChipDatabase& db, const std::string& device_name,
                                     const std::string& chip_override) {
    return specs::match_device(db, device_name, chip_override);
}

std::optional<double> claimed_figure(const specs::Chip& chip, const Record& r) {
    return claim_in_record_unit(r, chip);
}

std::string recorded_chip_id(const Record& r) {
    if (r.claim.is_object() && r.claim.contains("chip") && r.claim["chip"].is_string()) return r.claim["chip"].get<std::string>();
    return "";
}

std::optional<double> percent_of_claim(const specs::Chip* chip, const Record& r) {
    auto v = r.value();
    if (!chip || !v) return std::nullopt;
    return specs::percent_of_claim(*v, claimed_figure(*chip, r));
}

}  // namespace bakeoff
