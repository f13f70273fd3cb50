// bakeoff: the command-line front end. Each subcommand lives in cmd_<name>.cpp.
#include "cli/commands.h"
#include "cli/options.h"

#include <bakeoff/build_info.h>
#include <fmt/format.h>

#include <cstdio>
#include <exception>

std::vector<std::string>& bakeoff::cli::command_line() {
    static std::vector<std::string> args;
    return args;
}

int main(int argc, char** argv) {
    bakeoff::cli::command_line().assign(argv, argv + argc);
    CLI::App app{"bakeoff — an open, vendor-neutral benchmark for AI accelerators"};
    app.set_version_flag("--version", std::string("bakeoff ") + BAKEOFF_VERSION + " (" + BAKEOFF_GIT_COMMIT + ")");
    app.require_subcommand(1);
    std::vector<bakeoff::cli::Subcommand> subs = {
        bakeoff::cli::add_devices_command(app), bakeoff::cli::add_list_command(app),
        bakeoff::cli::add_run_command(app),     bakeoff::cli::add_validate_command(app),
        bakeoff::cli::add_chips_command(app),
        bakeoff::cli::add_compare_command(app), bakeoff::cli::add_report_command(app),
        bakeoff::cli::add_project_command(app),
        bakeoff::cli::add_conformance_command(app),
        bakeoff::cli::add_db_command(app),
        bakeoff::cli::add_worker_command(app),
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help, --version
    } catch (const bakeoff::cli::UsageError& e) {
        return bakeoff::cli::usage_exit(e.what());  // ours, from an option's callback: it names the flag
    } catch (const CLI::ParseError& e) {
        // CLI11's own: the flag or value, then a pointer to --help.
        return bakeoff::cli::usage_exit(fmt::format("{} (see 'bakeoff --help')", e.what()));
    }
    for (auto& s : subs)
        if (s.app->parsed()) return bakeoff::cli::run_guarded(s.run);
    return 2;
}
