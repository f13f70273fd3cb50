// The registry every command uses: the built-in CPU backend, then plugins from
// BAKEOFF_PLUGIN_PATH and the plugin folder beside the binary.
#pragma once

#include "core/plugin_registry.h"

#include <memory>

namespace bakeoff::cli {

std::unique_ptr<PluginRegistry> load_default_registry();

}  // namespace bakeoff::cli
