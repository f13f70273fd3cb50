// bakeoff db query (the flat view, one row per record) and bakeoff db
// leaderboard (best verified figure per device model, with the `reproduced`
// rule): docs/registry.md.
#include "cli/cmd_db.h"

#include "cli/options.h"
#include "registry/leaderboard.h"
#include "report/format.h"
#include "report/output.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

namespace {

Cell number(std::optional<double> v) { return v ? Cell::of_number(*v, format_figure(*v)) : Cell::unknown(); }
Cell integer(std::int64_t v) { return Cell::of_number(double(v), std::to_string(v)); }
Cell percent(std::optional<double> v) { return v ? Cell::of_number(*v, format_percent(v)) : Cell::unknown(); }

struct QueryArgs {
    std::string db;
    registry::Filter filter;
    Format format = Format::text;
    std::string workload, dtype;
};

int query(const QueryArgs& a) {
    registry::Registry reg(registry::registry_path(a.db), false);
    Table t;
    t.columns = {{"run", Align::right}, {"created (UTC)", Align::left, "created_utc"}, "host", "workload", "dtype",
                 {"size", Align::left, "size_label"}, "path", "device", "chip", {"value", Align::right},
                 {"CI low", Align::right, "ci95_low"}, {"CI high", Align::right, "ci95_high"}, "unit", "status",
                 {"% of claim", Align::right, "percent_of_claim"}, {"tool", Align::left, "tool_version"}, "suite"};
    for (const auto& r : reg.query(a.filter))
        t.rows.push_back({integer(r.run), r.created_utc, r.host, r.workload, r.dtype, r.size_label, r.path, r.device,
                          r.chip.empty() ? Cell::unknown() : Cell(r.chip), number(r.value), number(r.ci_low),
                          number(r.ci_high), r.unit, r.status, percent(r.percent_of_claim), r.tool_version, r.suite});
    if (t.rows.empty()) t.notes.push_back("no record matches");
    fmt::print("{}", render(t, a.format));
    return 0;
}

int show_leaderboard(const QueryArgs& a) {
    registry::Registry reg(registry::registry_path(a.db), false);
    registry::Filter f;
    f.workload = a.workload;
    f.dtype = a.dtype;
    f.status = "ok";
    const auto board = registry::leaderboard(reg.query(f), a.workload, a.dtype);
    Table t;
    t.title = {fmt::format("{}{}: best verified figure per device model", a.workload, a.dtype.empty() ? "" : "/" + a.dtype)};
    t.columns = {{"#", Align::right, "rank"}, "model", {"value", Align::right}, {"CI low", Align::right, "ci95_low"},
                 {"CI high", Align::right, "ci95_high"}, "unit", "case", {"runs", Align::right},
                 {"agree", Align::right}, {"spread %", Align::right, "spread_percent"}, "reproduced",
                 {"best run", Align::right, "best_run"}, "host"};
    int rank = 0;
    for (const auto& e : board)
        t.rows.push_back({integer(++rank), e.model, number(e.best.value), number(e.best.ci_low), number(e.best.ci_high),
                          e.best.unit, e.best.case_id, integer(e.runs), integer(e.agree),
                          Cell::of_number(e.spread_percent, fmt::format("{:.1f}", e.spread_percent)),
                          e.reproduced ? "reproduced" : "reported", integer(e.best.run), e.best.host});
    if (t.rows.empty()) t.notes.push_back("no verified figure for this workload");
    t.notes.push_back(fmt::format(
        "runs: independent runs (one per host and UTC date) of the best figure's case on the same model and tool "
        "major version; agree: within {:.0f} % of the best; reproduced: at least {} agree (docs/registry.md)",
        100 * registry::kAgreement, registry::kReproducedRuns));
    fmt::print("{}", render(t, a.format));
    return 0;
}

}  // namespace

DbSubcommand add_db_query_command(CLI::App& db) {
    auto a = std::make_shared<QueryArgs>();
    auto* sub = db.add_subcommand("query", "One row per record (the flat view), filtered; as a table, Markdown, CSV or JSON");
    add_db_option(sub, a->db);
    add_filter_options(sub, a->filter);
    add_format_option(sub, a->format);
    return {sub, [a] { return query(*a); }};
}

DbSubcommand add_db_leaderboard_command(CLI::App& db) {
    auto a = std::make_shared<QueryArgs>();
    auto* sub = db.add_subcommand("leaderboard", "Best verified figure per device model, with how many independent runs agree");
    add_db_option(sub, a->db);
    sub->add_option("--workload", a->workload, "The workload (e.g. gemm, membw.triad, llm.serve)")->required();
    sub->add_option("--dtype", a->dtype, "Only this dtype");
    add_format_option(sub, a->format);
    return {sub, [a] { return show_leaderboard(*a); }};
}

}  // namespace bakeoff::cli
