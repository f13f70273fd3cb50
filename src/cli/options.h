// What every subcommand shares on its command line: the one usage-error type,
// `--format` with the same spellings, help and check everywhere, `-o/--out`
// for an output file, and the one place exceptions become exit codes
// (0 ok, 1 failures, 2 usage errors).
#pragma once

#include "core/usage_error.h"
#include "report/output.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace bakeoff::cli {

// A command-line mistake: a bad flag value, a missing or conflicting flag.
// The one type (core/usage_error.h), thrown by every command and by the
// layers below (case and device selection, the run session); run_guarded()
// and main() print it as one line and exit 2.
using bakeoff::UsageError;
// Adds --format to `sub`, parsed into `format` (default text); a spelling not
// in format_choices() is a usage error naming it.
CLI::Option* add_format_option(CLI::App* sub, Format& format);

// Adds --chips FILE: the chip database replacing the built-in one, the same
// flag and help in every command that reads chips.
CLI::Option* add_chips_option(CLI::App* sub, std::string& file);

// Adds -o/--out, the file a command writes. An empty name is a usage error,
// not the default name.
CLI::Option* add_out_option(CLI::App* sub, std::string& out, const std::string& help);

// Checks for numeric flags, run on the text before it becomes a number, so
// that NaN, infinities, signs and wrap-around never get through: a finite
// decimal number in [lo, hi]; a whole number 0 .. 2^64 - 1 (a seed).
// CLI11 turns a failed check into "--flag: why", a usage error (exit 2).
CLI::Validator finite_in(double lo, double hi);
CLI::Validator unsigned_64();

// The one place a usage error becomes an exit code: prints "bakeoff: MESSAGE"
// (one line) on stderr and returns 2.
int usage_exit(const std::string& message);

// Runs a parsed subcommand: a UsageError prints "bakeoff: MESSAGE" and gives
// 2, any other exception prints "bakeoff: MESSAGE" and gives 1.
int run_guarded(const std::function<int()>& run);

}  // namespace bakeoff::cli
