// Finds, loads and checks backends. The CPU backend is added built-in; every
// other backend is a shared library named libbakeoff_<name>.so, found in the
// folders of BAKEOFF_PLUGIN_PATH (':'-separated) and then in the plugin folder
// beside the bakeoff binary. A plugin that fails a check is refused with one
// line saying why; the others load regardless.
//
// Loading runs third-party code (constructors, the entry point, init(),
// device_props()) before any case, where no worker process protects the
// caller. So each plugin file is first probed in a forked child that does
// the whole load and asks every device's properties; a child that crashes,
// exits, hangs past the probe timeout or reports a failure gets the plugin
// refused ("crashed while loading (SIGABRT)"), and only a plugin that passed
// is loaded into this process.
#pragma once

#include "core/backend.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff {

struct RefusedPlugin {
    std::string origin;  // file path, or "built-in"
    std::string reason;  // one line
};

class PluginRegistry {
public:
    PluginRegistry() = default;
    ~PluginRegistry();
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Why a table cannot be used (wrong ABI version, a required entry point
    // missing, ...), or nullopt when it can.
    static std::optional<std::string> check_table(const bk_backend* table);

    // Folders searched, in order: BAKEOFF_PLUGIN_PATH entries, then
    // <exe_dir>/plugins and <exe_dir>/../lib/bakeoff/plugins.
    static std::vector<std::filesystem::path> search_path(const std::filesystem::path& exe_dir);

    // Seconds a plugin's probe may take; 0 loads without a probe (a process
    // whose plugins a probe already passed: the run's workers). The default
    // is BAKEOFF_PLUGIN_PROBE_TIMEOUT, else kDefaultProbeTimeout.
    static constexpr double kDefaultProbeTimeout = 60.0;
    void set_probe_timeout(double seconds) { probe_timeout_s_ = seconds; }
    // A file load_directory() passes over without a word (one refused
    // already, in the process that started this one).
    void skip_file(const std::filesystem::path& file) { skipped_.push_back(file); }

    // Adds a table compiled into the binary. Returns false (and records why)
    // if it is refused.
    bool add_builtin(const bk_backend* table);
    // dlopens one plugin file. Returns false (and records why) if refused.
    bool load_file(const std::filesystem::path& file);
    // Loads every libbakeoff_*.so in a folder, in name order. A missing folder is not an error.
    void load_directory(const std::filesystem::path& dir);

    const std::vector<std::unique_ptr<Backend>>& backends() const { return backends_; }
    const std::vector<RefusedPlugin>& refused() const { return refused_; }
    const Backend* find(const std::string& name) const;

    // Every device of every backend, with its properties.
    std::vector<DeviceInfo> devices() const;

private:
    bool add(const bk_backend* table, const std::string& origin, void* dl_handle);
    // Why the probe of `file` failed, or nullopt when it passed.
    std::optional<std::string> probe(const std::filesystem::path& file) const;

    double probe_timeout_s_ = default_probe_timeout();
    std::vector<std::filesystem::path> skipped_;
    static double default_probe_timeout();

    std::vector<std::unique_ptr<Backend>> backends_;
    std::vector<RefusedPlugin> refused_;
};

// The folder holding the running executable.
std::filesystem::path executable_dir();

}  // namespace bakeoff
