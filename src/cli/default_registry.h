// The registry every command uses: the built-in CPU backend, then plugins from
// BAKEOFF_PLUGIN_PATH and the plugin folder beside the binary.
#pragma once

#include "core/plugin_registry.h"

#include <memory>
#include <string>
#include <vector>

namespace bakeoff::cli {

// `skip`: plugin files not to load at all. `probe`: false loads without
// probing each plugin in a child first, for a process whose parent probed the
// same files (a run's worker, told which files its supervisor refused).
std::unique_ptr<PluginRegistry> load_default_registry(const std::vector<std::string>& skip = {}, bool probe = true);

}  // namespace bakeoff::cli
