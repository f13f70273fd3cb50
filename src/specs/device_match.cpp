#include "specs/device_match.h"

#include "core/name_table.h"

#include "specs/text_util.h"

#include <cmath>

namespace bakeoff::specs {

std::string normalize_device_name(std::string_view name, bool keep_glob) {
    std::string out;
    bool sep = false;
    for (const char c : to_lower(name)) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                          (keep_glob && (c == '*' || c == '?'));
        if (!keep) {
            sep = true;
            continue;
        }
        if (sep && !out.empty()) out += ' ';
        sep = false;
        out += c;
    }
    return out;
}

constexpr NameEntry<MatchStatus> kMatchStatusNames[] = {
    {MatchStatus::matched, "matched"},
    {MatchStatus::overridden, "overridden"},
    {MatchStatus::ambiguous, "ambiguous"},
    {MatchStatus::unknown_device, "unknown device"},
    {MatchStatus::unknown_override, "unknown chip id"},
};

std::string_view to_string(MatchStatus s) { return name_of(kMatchStatusNames, s, "?"); }

DeviceMatch match_device(const ChipDatabase& db, std::string_view device_name, std::string_view chip_override) {
    DeviceMatch m;
    const std::string norm = normalize_device_name(device_name);
    std::string first_pattern;
    if (!norm.empty()) {
        for (const Chip& chip : db.chips()) {
            for (const auto& p : chip.device_patterns) {
                if (glob_match(p, norm)) {
                    if (m.candidates.empty()) first_pattern = p;
                    m.candidates.push_back(&chip);
                    break;
                }
            }
        }
    }

    if (!chip_override.empty()) {
        const auto found = db.lookup(chip_override);
        m.chip = found.chip;
        if (!m.chip) {
            m.status = MatchStatus::unknown_override;
            m.reason = found.error + " (in " + db.origin() + ")";
            return m;
        }
        m.status = MatchStatus::overridden;
        m.reason = "chip '" + m.chip->id + "' given explicitly";
        if (m.candidates.size() == 1 && m.candidates.front() != m.chip)
            m.reason += "; the device name would have matched '" + m.candidates.front()->id + "'";
        return m;
    }

    if (m.candidates.size() == 1) {
        m.status = MatchStatus::matched;
        m.chip = m.candidates.front();
        m.pattern = first_pattern;
        m.reason = "device name '" + std::string(device_name) + "' matches pattern '" + first_pattern +
                   "' of chip '" + m.chip->id + "'";
        return m;
    }
    if (m.candidates.size() > 1) {
        m.status = MatchStatus::ambiguous;
        std::string ids;
        for (const Chip* c : m.candidates) ids += (ids.empty() ? "" : ", ") + c->id;
        m.reason = "device name '" + std::string(device_name) + "' matches several chips (" + ids +
                   "); name one explicitly";
        return m;
    }
    m.status = MatchStatus::unknown_device;
    m.reason = "device name '" + std::string(device_name) + "' (normalized '" + norm +
               "') matches no chip in " + db.origin() + "; name one explicitly";
    return m;
}

namespace {
Claim claim_of(const Chip& chip, std::optional<double> package_value) {
    Claim c;
    c.package_value = package_value;
    c.devices_per_package = devices_per_package(chip);
    if (package_value) c.value = *package_value / c.devices_per_package;
    c.confidence = chip.confidence;
    c.source = chip.source;
    return c;
}
}  // namespace

Claim peak_claim(const Chip& chip, std::string_view dtype) {
    const PeakDtype* d = find_peak_dtype(dtype);
    return claim_of(chip, d ? chip.*(d->member) : std::nullopt);
}
Claim bandwidth_claim(const Chip& chip) { return claim_of(chip, chip.memory_bandwidth_gbs); }
Claim capacity_claim(const Chip& chip) { return claim_of(chip, chip.memory_capacity_gb); }
Claim tdp_claim(const Chip& chip) { return claim_of(chip, chip.tdp_w); }

std::optional<double> claimed_bandwidth_gbs(const Chip& chip) { return bandwidth_claim(chip).value; }
std::optional<double> claimed_peak(const Chip& chip, std::string_view dtype) { return peak_claim(chip, dtype).value; }
std::optional<double> claimed_tdp_w(const Chip& chip) { return tdp_claim(chip).value; }

std::optional<double> percent_of_claim(double measured, std::optional<double> claimed) {
    if (!claimed || !(*claimed > 0) || !std::isfinite(*claimed)) return std::nullopt;
    if (!std::isfinite(measured) || measured < 0) return std::nullopt;
    return 100.0 * measured / *claimed;
}

}  // namespace bakeoff::specs
