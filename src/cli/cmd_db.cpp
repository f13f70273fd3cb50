// bakeoff db add|ls|rm|query|leaderboard|site: the results registry in SQLite
// (docs/registry.md). add, ls and rm are here; the others in cmd_db_*.cpp.
#include "cli/cmd_db.h"

#include "cli/commands.h"
#include "cli/options.h"
#include "core/terminal_text.h"
#include "report/output.h"

#include <fmt/format.h>

#include <memory>
#include <vector>

namespace bakeoff::cli {

void add_db_option(CLI::App* sub, std::string& db) {
    sub->add_option("--db", db, "The registry (SQLite) file; default $BAKEOFF_DB, else bakeoff.db in this folder");
}

void add_filter_options(CLI::App* sub, registry::Filter& f) {
    sub->add_option("--run", f.runs, "Only these runs (numbers from 'bakeoff db ls'); repeatable");
    sub->add_option("--workload", f.workload, "Only this workload (e.g. gemm, membw.triad)");
    sub->add_option("--dtype", f.dtype, "Only this dtype");
    sub->add_option("--path", f.path, "Only this path (vendor, portable)");
    sub->add_option("--status", f.status, "Only records with this status (ok, failed, unsupported, skipped, n/a)");
    sub->add_option("--host", f.host, "Only records measured on this host");
    sub->add_option("--device", f.device, "Only devices whose name or model contains this text (ASCII case ignored)");
}

namespace {

int add(const std::string& db, const std::vector<std::string>& files) {
    registry::Registry reg(registry::registry_path(db), true);
    int rc = 0;
    for (const auto& f : files) {
        try {
            const auto r = reg.add(f);
            fmt::print("{}: added as run {} ({} records{})\n", terminal_safe(f), r.run, r.records,
                       r.digest_written ? "" : "; no digest in the file (written before results files carried one): "
                                               "digest computed now");
        } catch (const std::exception& e) {  // this file is refused; the others are still added
            fmt::print(stderr, "bakeoff: {}\n", terminal_safe(e.what()));
            rc = 1;
        }
    }
    return rc;
}

int list_runs(const std::string& db, Format format) {
    registry::Registry reg(registry::registry_path(db), false);
    Table t;
    t.columns = {{"run", Align::right}, {"created (UTC)", Align::left, "created_utc"}, "host", "devices",
                 {"tool", Align::left, "tool_version"}, "suite", {"records", Align::right}, "state",
                 {"digest", Align::left}, {"from", Align::left, "source", true}};
    for (const auto& r : reg.runs())
        t.rows.push_back({Cell::of_number(double(r.run), std::to_string(r.run)), r.created_utc, r.host, r.devices,
                          r.tool_version + (r.tool_commit.empty() ? "" : " (" + r.tool_commit + ")"), r.suite,
                          Cell::of_number(double(r.records), std::to_string(r.records)),
                          r.complete ? "complete" : "incomplete",
                          r.digest.substr(0, 16) + (r.digest_written ? "" : " (computed)"), r.source});
    if (t.rows.empty()) t.notes.push_back("no runs yet: 'bakeoff db add FILE' adds one");
    fmt::print("{}", render(t, format));
    return 0;
}

int remove_run(const std::string& db, std::int64_t run) {
    registry::Registry reg(registry::registry_path(db), false);
    if (!reg.remove(run)) {
        fmt::print(stderr, "bakeoff: {}: no run {} ('bakeoff db ls' lists them)\n", terminal_safe(reg.file().string()), run);
        return 1;
    }
    fmt::print("removed run {}\n", run);
    return 0;
}

struct DbArgs {
    std::string db;
    std::vector<std::string> files;
    Format format = Format::text;
    std::int64_t run = 0;
};

}  // namespace

Subcommand add_db_command(CLI::App& parent) {
    auto a = std::make_shared<DbArgs>();
    auto* db = parent.add_subcommand("db", "The results registry (SQLite): add runs, list, query, leaderboard, site");
    db->require_subcommand(1);
    std::vector<DbSubcommand> subs;

    auto* add_cmd = db->add_subcommand("add", "Validate results files and add them (refused: a bad digest or figures, or one already in)");
    add_db_option(add_cmd, a->db);
    add_cmd->add_option("files", a->files, "Results files (JSON)")->required();
    subs.push_back({add_cmd, [a] { return add(a->db, a->files); }});

    auto* ls = db->add_subcommand("ls", "List the runs: when, host, devices, tool version, suite");
    add_db_option(ls, a->db);
    add_format_option(ls, a->format);
    subs.push_back({ls, [a] { return list_runs(a->db, a->format); }});

    auto* rm = db->add_subcommand("rm", "Remove a run and its records");
    add_db_option(rm, a->db);
    rm->add_option("run", a->run, "The run's number (bakeoff db ls)")->required()->check(CLI::PositiveNumber);
    subs.push_back({rm, [a] { return remove_run(a->db, a->run); }});

    subs.push_back(add_db_query_command(*db));
    subs.push_back(add_db_leaderboard_command(*db));
    subs.push_back(add_db_site_command(*db));
    return {db, [subs] {
                for (const auto& s : subs)
                    if (s.app->parsed()) return s.run();
                return 2;
            }};
}

}  // namespace bakeoff::cli
