#include "workloads/workload.h"

#include "core/name_table.h"

#include <fmt/format.h>

#include <stdexcept>

namespace bakeoff {

namespace {
constexpr NameEntry<Suite> kSuiteNames[] = {{Suite::smoke, "smoke"},
                                            {Suite::quick, "quick"},
                                            {Suite::standard, "standard"},
                                            {Suite::full, "full"},
                                            {Suite::collective, "collective"}};
}

std::string_view suite_name(Suite s) { return name_of(kSuiteNames, s); }

std::optional<Suite> parse_suite(std::string_view name) { return value_named(kSuiteNames, name); }

std::string CaseSpec::id() const {
    return fmt::format("{}/{}/{}/{}", workload, dtype_name(dtype), size_label, path_name(path));
}

std::int64_t positive_param(const nlohmann::json& p, const char* key, std::string_view who) {
    if (!p.contains(key) || !p.at(key).is_number_integer())
        throw std::invalid_argument(fmt::format("{} case parameters: '{}' missing or not an integer", who, key));
    const std::int64_t v = p.at(key).get<std::int64_t>();
    if (v <= 0) throw std::invalid_argument(fmt::format("{} case parameters: '{}' must be positive, not {}", who, key, v));
    return v;
}

double number_param(const nlohmann::json& p, const char* key, std::string_view who) {
    if (!p.contains(key) || !p.at(key).is_number())
        throw std::invalid_argument(fmt::format("{} case parameters: '{}' missing or not a number", who, key));
    return p.at(key).get<double>();
}

}  // namespace bakeoff
