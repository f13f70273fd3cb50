// `bakeoff db`: the results registry (docs/registry.md). The subcommands live
// in cmd_db*.cpp and share the --db option and the filter flags.
#pragma once

#include "registry/registry.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace bakeoff::cli {

// --db FILE (else $BAKEOFF_DB, else bakeoff.db).
void add_db_option(CLI::App* sub, std::string& db);
// --run, --workload, --dtype, --path, --status, --host, --device.
void add_filter_options(CLI::App* sub, registry::Filter& f);

// A nested subcommand of `db` and what it runs.
struct DbSubcommand {
    CLI::App* app = nullptr;
    std::function<int()> run;
};
DbSubcommand add_db_query_command(CLI::App& db);
DbSubcommand add_db_leaderboard_command(CLI::App& db);
DbSubcommand add_db_site_command(CLI::App& db);

}  // namespace bakeoff::cli
