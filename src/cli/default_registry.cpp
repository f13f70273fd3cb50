#include "cli/default_registry.h"

#include "cpu/cpu_backend.h"

namespace bakeoff::cli {

std::unique_ptr<PluginRegistry> load_default_registry(const std::vector<std::string>& skip, bool probe) {
    auto reg = std::make_unique<PluginRegistry>();
    if (!probe) reg->set_probe_timeout(0);
    for (const auto& f : skip) reg->skip_file(f);
    reg->add_builtin(bakeoff_cpu_backend());
    for (const auto& dir : PluginRegistry::search_path(executable_dir())) reg->load_directory(dir);
    return reg;
}

}  // namespace bakeoff::cli
