// bakeoff list: the workloads; with --suite or any case filter (the same
// options as run, applied by the same selection), the cases run would run here.
#include "cli/commands.h"
#include "cli/default_registry.h"
#include "cli/options.h"
#include "cli/selection_options.h"
#include "harness/selection.h"
#include "report/output.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {

int list(const SelectionArgs& a, Format format) {
    if (!a.selects_cases() && a.devices.empty() && a.backends.empty()) {
        Table t;
        t.columns = {"workload", "description"};
        for (const auto& w : all_workloads()) t.rows.push_back({w->id(), w->description()});
        t.notes = {"suites: smoke (seconds, for tests), quick (< 1 min), standard (< 10 min), full, collective (across MPI ranks: docs/collectives.md)"};
        fmt::print("{}", render(t, format));
        return 0;
    }
    auto reg = load_default_registry();
    const Selection s = select_cases(a, *reg);  // a bad filter: UsageError, exit 2
    for (const auto& n : s.notes) fmt::print(stderr, "bakeoff: {}\n", n);
    Table t;
    t.columns = {"case", "device", "unit"};
    for (const auto& p : s.plan) t.rows.push_back({p.spec.id(), p.device.id(), p.workload->metric(p.spec).unit});
    fmt::print("{}", render(t, format));
    // The count for people, after the table as before; CSV and JSON rows count themselves.
    if (format == Format::text || format == Format::markdown) fmt::print("{} cases\n", s.plan.size());
    return 0;
}

}  // namespace

Subcommand add_list_command(CLI::App& parent) {
    auto a = std::make_shared<SelectionArgs>();
    auto format = std::make_shared<Format>(Format::text);
    auto* sub = parent.add_subcommand(
        "list", "List workloads; with --suite or a filter (as for run), the cases run would run on this machine");
    add_selection_options(*sub, *a);
    add_format_option(sub, *format);
    return {sub, [a, format]() { return list(*a, *format); }};
}

}  // namespace bakeoff::cli
