// bakeoff list: the workloads; with --suite or any case filter (the same
// options as run, applied by the same selection), the cases run would run here.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/selection_options.h"
#include "harness/selection.h"
#include "report/table.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {

int list(const SelectionArgs& a) {
    if (!a.selects_cases() && a.devices.empty() && a.backends.empty()) {
        Table t;
        t.header = {"workload", "description"};
        for (const auto& w : all_workloads()) t.rows.push_back({w->id(), w->description()});
        fmt::print("{}", t.to_text());
        fmt::print("\nsuites: smoke (seconds, for tests), quick (< 1 min), standard (< 10 min), full, collective (across MPI ranks: docs/collectives.md)\n");
        return 0;
    }
    auto reg = load_default_registry();
    Selection s;
    try {
        s = select_cases(a, *reg);
    } catch (const UsageError& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 2;
    }
    for (const auto& n : s.notes) fmt::print(stderr, "bakeoff: {}\n", n);
    Table t;
    t.header = {"case", "device", "unit"};
    for (const auto& p : s.plan) t.rows.push_back({p.spec.id(), p.device.id(), p.workload->metric(p.spec).unit});
    fmt::print("{}{} cases\n", t.to_text(), s.plan.size());
    return 0;
}

}  // namespace

Subcommand add_list_command(CLI::App& parent) {
    auto a = std::make_shared<SelectionArgs>();
    auto* sub = parent.add_subcommand(
        "list", "List workloads; with --suite or a filter (as for run), the cases run would run on this machine");
    add_selection_options(*sub, *a);
    return {sub, [a]() { return list(*a); }};
}

}  // namespace bakeoff::cli
