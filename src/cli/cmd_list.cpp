// bakeoff list: the workloads, and with --suite the cases a suite would run here.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "harness/suite.h"
#include "report/output.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

Subcommand add_list_command(CLI::App& parent) {
    auto suite = std::make_shared<std::string>();
    auto format = std::make_shared<Format>(Format::text);
    auto* sub = parent.add_subcommand("list", "List workloads, or the cases of a suite on this machine");
    add_format_option(sub, *format);
    sub->add_option("--suite", *suite, "Show the cases this suite runs on the devices found")
        ->check(CLI::IsMember({"smoke", "quick", "standard", "full", "collective"}));
    return {sub, [suite, format]() {
                if (suite->empty()) {
                    Table t;
                    t.columns = {"workload", "description"};
                    for (const auto& w : all_workloads()) t.rows.push_back({w->id(), w->description()});
                    t.notes = {"suites: smoke (seconds, for tests), quick (< 1 min), standard (< 10 min), full, collective (across MPI ranks: docs/collectives.md)"};
                    fmt::print("{}", render(t, *format));
                    return 0;
                }
                auto reg = load_default_registry();
                auto plan = plan_suite(*parse_suite(*suite), reg->devices(), {});
                Table t;
                t.columns = {"case", "device", "unit"};
                for (const auto& p : plan)
                    t.rows.push_back({p.spec.id(), p.device.id(), p.workload->metric(p.spec).unit});
                fmt::print("{}", render(t, *format));
                // The count for people, after the table as before; CSV and JSON rows count themselves.
                if (*format == Format::text || *format == Format::markdown) fmt::print("{} cases\n", plan.size());
                return 0;
            }};
}

}  // namespace bakeoff::cli
