#include "cli/default_registry.h"

#include "cpu/cpu_backend.h"

namespace bakeoff::cli {

std::unique_ptr<PluginRegistry> load_default_registry() {
    auto reg = std::make_unique<PluginRegistry>();
    reg->add_builtin(bakeoff_cpu_backend());
    for (const auto& dir : PluginRegistry::search_path(executable_dir())) reg->load_directory(dir);
    return reg;
}

}  // namespace bakeoff::cli
