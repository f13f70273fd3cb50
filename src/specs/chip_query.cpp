#include "specs/chip_query.h"

#include "specs/export_control.h"

#include <algorithm>
#include <stdexcept>

namespace bakeoff::specs {

namespace {
bool is_numeric(const FieldInfo& f) { return f.type == FieldType::integer || f.type == FieldType::number; }
}  // namespace

std::vector<std::string> numeric_sort_keys() {
    std::vector<std::string> keys;
    for (const auto& f : chip_fields())
        if (is_numeric(f)) keys.emplace_back(f.name);
    keys.emplace_back("tpp");
    keys.emplace_back("pd");
    return keys;
}

std::optional<double> sort_value(const Chip& chip, std::string_view key) {
    if (key == "tpp") return compute_tpp(chip).value;
    if (key == "pd") return performance_density(chip);
    if (const FieldInfo* f = find_chip_field(key); f && is_numeric(*f)) return numeric_field(chip, key);
    std::string known;
    for (const auto& k : numeric_sort_keys()) known += (known.empty() ? "" : ", ") + k;
    throw std::invalid_argument("cannot sort by '" + std::string(key) + "' (numeric keys: " + known + ")");
}

std::vector<const Chip*> sort_chips_by(std::span<const Chip* const> chips,
                                       const std::function<std::optional<double>(const Chip&)>& value,
                                       bool ascending) {
    using Keyed = std::pair<std::optional<double>, const Chip*>;
    std::vector<Keyed> keyed;
    keyed.reserve(chips.size());
    for (const Chip* c : chips) keyed.emplace_back(value(*c), c);
    std::stable_sort(keyed.begin(), keyed.end(), [ascending](const Keyed& a, const Keyed& b) {
        if (!a.first || !b.first) return a.first.has_value() && !b.first.has_value();
        return ascending ? *a.first < *b.first : *a.first > *b.first;
    });
    std::vector<const Chip*> out;
    out.reserve(keyed.size());
    for (const auto& k : keyed) out.push_back(k.second);
    return out;
}

std::vector<const Chip*> sort_chips(std::span<const Chip* const> chips, std::string_view key, bool ascending) {
    (void)sort_value(Chip{}, key);  // an unknown key is an error, even with no chips
    return sort_chips_by(chips, [key](const Chip& c) { return sort_value(c, key); }, ascending);
}

std::vector<const Chip*> sort_chips(const ChipDatabase& db, std::string_view key, bool ascending) {
    std::vector<const Chip*> all;
    for (const auto& c : db.chips()) all.push_back(&c);
    return sort_chips(all, key, ascending);
}

ChipComparison compare_chips(const ChipDatabase& db, std::span<const std::string> ids_or_names) {
    if (ids_or_names.empty()) throw std::invalid_argument("compare_chips: no chips given");
    ChipComparison cmp;
    for (const auto& id : ids_or_names) {
        cmp.chips.push_back(&db.resolve(id));
        cmp.confidence.push_back(cmp.chips.back()->confidence);
    }
    for (const auto& f : chip_fields()) {
        // Claimed figures only: not the year, not the device count.
        if (f.type != FieldType::number) continue;
        ComparisonRow row{f.name, f.unit, {}, {}};
        const auto first = numeric_field(*cmp.chips.front(), f.name);
        for (const Chip* c : cmp.chips) {
            const auto v = numeric_field(*c, f.name);
            row.values.push_back(v);
            row.ratios.push_back(v && first ? std::optional<double>(*v / *first) : std::nullopt);
        }
        cmp.rows.push_back(std::move(row));
    }
    return cmp;
}

}  // namespace bakeoff::specs
