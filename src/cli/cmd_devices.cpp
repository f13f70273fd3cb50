// bakeoff devices: every backend, its devices and their properties; plugins
// that were refused, and backends without devices, with the reason.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "core/terminal_text.h"
#include "report/format.h"
#include "report/output.h"
#include "results/results_header.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

Subcommand add_devices_command(CLI::App& parent) {
    auto format = std::make_shared<Format>(Format::text);
    auto* sub = parent.add_subcommand("devices", "List backends and devices with their properties");
    add_format_option(sub, *format);
    return {sub, [format]() {
                auto reg = load_default_registry();
                const auto devices = reg->devices();
                // JSON: a document of devices, backends and refused plugins, as before the shared formats.
                if (*format == Format::json) {
                    nlohmann::json j = {{"devices", nlohmann::json::array()}, {"backends", nlohmann::json::array()},
                                        {"refused", nlohmann::json::array()}};
                    for (const auto& d : devices) j["devices"].push_back(device_json(d));
                    for (const auto& b : reg->backends())
                        j["backends"].push_back({{"name", b->name}, {"origin", b->origin},
                                                 {"devices", b->device_count}, {"no_device_reason", b->no_device_reason}});
                    for (const auto& r : reg->refused()) j["refused"].push_back({{"origin", r.origin}, {"reason", r.reason}});
                    fmt::print("{}\n", j.dump(2));
                    return 0;
                }
                Table t;
                const auto right = Align::right;
                t.columns = {{"device", Align::left, "id"}, "name", "kind", {"units", right}, {"threads", right},
                             {"memory", right, "memory_bytes"}, {"clock MHz", right, "clock_mhz"},
                             {"fp32 peak GFLOP/s", right, "fp32_peak_gflops"}};
                for (const auto& d : devices) {
                    const auto& p = d.props;
                    auto positive = [](double v, std::string shown) {
                        return v > 0 ? Cell::of_number(v, std::move(shown)) : Cell::unknown("—");
                    };
                    t.rows.push_back({d.id(), p.name, p.kind, Cell::of_number(p.compute_units, std::to_string(p.compute_units)),
                                      Cell::of_number(p.threads, std::to_string(p.threads)),
                                      positive(double(p.memory_bytes), format_gib(p.memory_bytes)),
                                      positive(p.clock_mhz, fmt::format("{:.0f}", p.clock_mhz)),
                                      positive(p.peak_gflops[BK_F32], format_figure(p.peak_gflops[BK_F32]))});
                }
                fmt::print("{}", render(t, *format));
                if (*format != Format::text) return 0;  // the properties below are for people
                // Names, versions and reasons come from plugins: one filter for the terminal.
                std::string text;
                for (const auto& d : devices) {
                    text += fmt::format("\n{}: {}\n", d.id(), d.props.name);
                    if (d.props.library_versions[0]) text += fmt::format("  libraries: {}\n", d.props.library_versions);
                    if (d.props.driver_version[0]) text += fmt::format("  driver: {}\n", d.props.driver_version);
                    if (d.props.peak_basis[0]) text += fmt::format("  peak: {}\n", d.props.peak_basis);
                    for (const auto& [k, v] : d.properties()) text += fmt::format("  {} = {}\n", k, v);
                }
                for (const auto& b : reg->backends())
                    if (b->device_count == 0)
                        text += fmt::format("\nbackend {} ({}): no devices: {}\n", b->name, b->origin, b->no_device_reason);
                for (const auto& r : reg->refused()) text += fmt::format("\nplugin refused: {}: {}\n", r.origin, r.reason);
                fmt::print("{}", terminal_safe(text));
                return 0;
            }};
}

}  // namespace bakeoff::cli
