// The bakeoff command's subcommands. Each lives in its own cmd_<name>.cpp and
// registers itself on the top-level CLI11 app; main() runs the one that was
// parsed and returns its exit code (0 ok, 1 failures, 2 usage errors).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bakeoff::cli {

struct Subcommand {
    CLI::App* app = nullptr;     // the parsed-or-not CLI11 subcommand
    std::function<int()> run;    // called after parsing when app was given
};

// The command line as given, recorded in results files (set by main).
std::vector<std::string>& command_line();

Subcommand add_devices_command(CLI::App& parent);
Subcommand add_list_command(CLI::App& parent);
Subcommand add_run_command(CLI::App& parent);
Subcommand add_validate_command(CLI::App& parent);
Subcommand add_chips_command(CLI::App& parent);
Subcommand add_compare_command(CLI::App& parent);
Subcommand add_report_command(CLI::App& parent);
Subcommand add_project_command(CLI::App& parent);
Subcommand add_conformance_command(CLI::App& parent);
Subcommand add_db_command(CLI::App& parent);  // the results registry: cmd_db*.cpp
Subcommand add_worker_command(CLI::App& parent);  // hidden: `bakeoff run`'s per-device worker

}  // namespace bakeoff::cli
