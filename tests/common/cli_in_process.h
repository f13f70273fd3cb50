// Runs one bakeoff subcommand in-process through its CLI11 registration, as
// main() would, capturing exit code, stdout and stderr. For tests that compile
// a cmd_<name>.cpp in instead of running the binary.
#pragma once

#include "cli/commands.h"
#include "cli/options.h"
#include "common/command_runner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace bakeoff::testing_support {

inline CommandResult run_in_process(bakeoff::cli::Subcommand (*add)(CLI::App&), const std::string& name,
                                    std::vector<std::string> args) {
    CLI::App app{"bakeoff"};
    auto sub = add(app);
    args.insert(args.begin(), {"bakeoff", name});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    CommandResult r;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
        r.code = sub.app->parsed() ? bakeoff::cli::run_guarded(sub.run) : 2;
    } catch (const bakeoff::cli::UsageError& e) {  // as main() does
        r.code = bakeoff::cli::usage_exit(e.what());
    } catch (const CLI::ParseError& e) {
        r.code = bakeoff::cli::usage_exit(e.what());
    }
    std::fflush(stdout);
    std::fflush(stderr);
    r.out = ::testing::internal::GetCapturedStdout();
    r.err = ::testing::internal::GetCapturedStderr();
    return r;
}

}  // namespace bakeoff::testing_support
