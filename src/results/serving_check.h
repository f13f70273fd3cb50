// `validate` for llm.serve records: the serving figures in
// params.measured.serving recomputed from the raw per-request times kept
// beside them (docs/serving.md), so an edited percentile or goodput shows.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace bakeoff {

// "" when params has no serving figures or they match their raw times; else
// the first mismatch, one line.
std::string check_serving_figures(const nlohmann::json& params);

}  // namespace bakeoff
