// bakeoff devices: every backend, its devices and their properties; plugins
// that were refused, and backends without devices, with the reason.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "report/format.h"
#include "results/results_header.h"
#include "report/table.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

Subcommand add_devices_command(CLI::App& parent) {
    auto format = std::make_shared<std::string>("table");
    auto* sub = parent.add_subcommand("devices", "List backends and devices with their properties");
    sub->add_option("--format", *format, "Output format")->check(CLI::IsMember({"table", "json"}));
    return {sub, [format]() {
                auto reg = load_default_registry();
                const auto devices = reg->devices();
                if (*format == "json") {
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
                t.header = {"device", "name", "kind", "units", "threads", "memory", "clock MHz", "fp32 peak GFLOP/s"};
                t.right_align = {false, false, false, true, true, true, true, true};
                for (const auto& d : devices) {
                    const auto& p = d.props;
                    t.rows.push_back({d.id(), p.name, p.kind, std::to_string(p.compute_units), std::to_string(p.threads),
                                      format_gib(p.memory_bytes), p.clock_mhz > 0 ? fmt::format("{:.0f}", p.clock_mhz) : "—",
                                      p.peak_gflops[BK_F32] > 0 ? format_figure(p.peak_gflops[BK_F32]) : "—"});
                }
                fmt::print("{}", t.to_text());
                for (const auto& d : devices) {
                    fmt::print("\n{}: {}\n", d.id(), d.props.name);
                    if (d.props.library_versions[0]) fmt::print("  libraries: {}\n", d.props.library_versions);
                    if (d.props.driver_version[0]) fmt::print("  driver: {}\n", d.props.driver_version);
                    if (d.props.peak_basis[0]) fmt::print("  peak: {}\n", d.props.peak_basis);
                    for (const auto& [k, v] : d.properties()) fmt::print("  {} = {}\n", k, v);
                }
                for (const auto& b : reg->backends())
                    if (b->device_count == 0) fmt::print("\nbackend {} ({}): no devices: {}\n", b->name, b->origin, b->no_device_reason);
                for (const auto& r : reg->refused()) fmt::print("\nplugin refused: {}: {}\n", r.origin, r.reason);
                return 0;
            }};
}

}  // namespace bakeoff::cli
