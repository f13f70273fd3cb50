// The header of a results file: schema, tool build, host, devices, run settings.
#pragma once

#include "core/backend.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bakeoff {

nlohmann::json device_json(const DeviceInfo& d);

nlohmann::json results_header(const std::vector<DeviceInfo>& devices, const std::vector<std::string>& command_line,
                              std::uint64_t seed, const std::string& suite);

}  // namespace bakeoff
