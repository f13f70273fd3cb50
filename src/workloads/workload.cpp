#include "workloads/workload.h"

#include <fmt/format.h>

namespace bakeoff {

std::string_view suite_name(Suite s) {
    switch (s) {
        case Suite::smoke: return "smoke";
        case Suite::quick: return "quick";
        case Suite::standard: return "standard";
        case Suite::full: return "full";
        case Suite::collective: return "collective";
    }
    return "unknown";
}

std::optional<Suite> parse_suite(std::string_view name) {
    for (Suite s : {Suite::smoke, Suite::quick, Suite::standard, Suite::full, Suite::collective})
        if (suite_name(s) == name) return s;
    return std::nullopt;
}

std::string CaseSpec::id() const {
    return fmt::format("{}/{}/{}/{}", workload, dtype_name(dtype), size_label, path_name(path));
}

}  // namespace bakeoff
