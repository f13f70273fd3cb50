#include "specs/device_match.h"

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

std::string_view to_string(MatchStatus s) {
    switch (s) {
        case MatchStatus::matched: return "matched";
        case MatchStatus::overridden: return "overridden";
        case MatchStatus::ambiguous: return "ambiguous";
        case MatchStatus::unknown_device: return "unknown device";
        case MatchStatus::unknown_override: return "unknown chip id";
    }
    return "?";
}

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
        m.chip = db.find(chip_override);
        if (!m.chip) {
            m.status = MatchStatus::unknown_override;
            m.reason = "no chip with id '" + std::string(chip_override) + "' in " + db.origin() +
                       " (see `bakeoff chips`)";
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

std::optional<double> claimed_bandwidth_gbs(const Chip& chip) { return chip.memory_bandwidth_gbs; }

std::optional<double> claimed_peak(const Chip& chip, std::string_view dtype) {
    const PeakDtype* d = find_peak_dtype(dtype);
    if (!d) return std::nullopt;
    return chip.*(d->member);
}

std::optional<double> percent_of_claim(double measured, std::optional<double> claimed) {
    if (!claimed || !(*claimed > 0) || !std::isfinite(*claimed)) return std::nullopt;
    if (!std::isfinite(measured) || measured < 0) return std::nullopt;
    return 100.0 * measured / *claimed;
}

}  // namespace bakeoff::specs
