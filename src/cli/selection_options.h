// The selection options `run`, `list` and `conformance` share, added by one
// function each so a flag reads the same everywhere; harness/selection.h
// checks and applies them.
#pragma once

#include "harness/selection.h"

#include <CLI/CLI.hpp>

namespace bakeoff::cli {

// --device and --backend: which devices (all three commands).
void add_device_options(CLI::App& cmd, SelectionArgs& a);

// --suite, --workload, --dtype, --size, --path, then the device options:
// which cases (run and list). A non-empty a.suite is shown as the default.
void add_selection_options(CLI::App& cmd, SelectionArgs& a);
// llm.serve's load: --profile, --isl, --osl, --requests, --concurrency,
// --request-rate, --slo-ttft, --slo-tpot, --kv-blocks (docs/serving.md).
void add_serve_options(CLI::App& cmd, ServeChoice& s);

}  // namespace bakeoff::cli
