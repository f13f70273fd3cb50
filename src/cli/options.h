// What every subcommand shares on its command line: the one usage-error type,
// `--format` with the same spellings, help and check everywhere, `-o/--out`
// for an output file, and the one place exceptions become exit codes
// (0 ok, 1 failures, 2 usage errors).
#pragma once

#include "report/output.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace bakeoff::cli {

// A command-line mistake: a bad flag value, a missing or conflicting flag.
// Thrown by every command for usage errors; run_guarded() prints it as one
// line and exits 2. A CLI11 parse error so that a usage error found while
// parsing (in an option's callback) and one found after are the same thing.
struct UsageError : CLI::ParseError {
    explicit UsageError(std::string message) : CLI::ParseError("UsageError", std::move(message), 2) {}
};

// Adds --format to `sub`, parsed into `format` (default text); a spelling not
// in format_choices() is a usage error naming it.
CLI::Option* add_format_option(CLI::App* sub, Format& format);

// Adds --chips FILE: the chip database replacing the built-in one, the same
// flag and help in every command that reads chips.
CLI::Option* add_chips_option(CLI::App* sub, std::string& file);

// Adds -o/--out, the file a command writes.
CLI::Option* add_out_option(CLI::App* sub, std::string& out, const std::string& help);

// The one place a usage error becomes an exit code: prints "bakeoff: MESSAGE"
// (one line) on stderr and returns 2.
int usage_exit(const std::string& message);

// Runs a parsed subcommand: a UsageError prints "bakeoff: MESSAGE" and gives
// 2, any other exception prints "bakeoff: MESSAGE" and gives 1.
int run_guarded(const std::function<int()>& run);

}  // namespace bakeoff::cli
