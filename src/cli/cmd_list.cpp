// bakeoff list: the workloads, and with --suite the cases a suite would run here.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "harness/suite.h"
#include "report/table.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

Subcommand add_list_command(CLI::App& parent) {
    auto suite = std::make_shared<std::string>();
    auto* sub = parent.add_subcommand("list", "List workloads, or the cases of a suite on this machine");
    sub->add_option("--suite", *suite, "Show the cases this suite runs on the devices found")
        ->check(CLI::IsMember({"smoke", "quick", "standard", "full", "collective"}));
    return {sub, [suite]() {
                if (suite->empty()) {
                    Table t;
                    t.header = {"workload", "description"};
                    for (const auto& w : all_workloads()) t.rows.push_back({w->id(), w->description()});
                    fmt::print("{}", t.to_text());
                    fmt::print("\nsuites: smoke (seconds, for tests), quick (< 1 min), standard (< 10 min), full, collective (across MPI ranks: docs/collectives.md)\n");
                    return 0;
                }
                auto reg = load_default_registry();
                auto plan = plan_suite(*parse_suite(*suite), reg->devices(), {});
                Table t;
                t.header = {"case", "device", "unit"};
                for (const auto& p : plan)
                    t.rows.push_back({p.spec.id(), p.device.id(), p.workload->metric(p.spec).unit});
                fmt::print("{}{} cases\n", t.to_text(), plan.size());
                return 0;
            }};
}

}  // namespace bakeoff::cli
