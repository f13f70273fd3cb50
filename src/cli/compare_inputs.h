// What `compare` and `report` share: the input options (files, baseline,
// chip database, chip overrides) and turning them into a Comparison, with the
// same one-line errors and exit codes (1 bad file, 2 usage).
#pragma once

#include "registry/registry.h"
#include "report/compare.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bakeoff::cli {

struct CompareInputArgs {
    std::vector<std::string> files;
    std::string baseline;
    std::string chips_file;
    std::vector<std::string> chip_overrides;  // COLUMN=CHIP_ID
    // --db FILE: runs from the registry as well (each a file labelled run-N),
    // narrowed by the filter flags (--run, --workload, ...).
    std::string db;
    registry::Filter db_filter;
};

void add_compare_input_options(CLI::App* sub, CompareInputArgs& a);

// Throws UsageError when `out` (-o) names one of the files read (results
// files, the baseline, the chip database): the atomic rename would replace
// an input with the report made from it.
void refuse_output_among_inputs(const std::string& out, const CompareInputArgs& a);

// The files, then the registry's runs that pass the filter (none without --db).
// Throws UsageError when there is neither a file nor --db, or the filter leaves no record.
std::vector<InputFile> read_compare_inputs(const CompareInputArgs& a);

// Builds the comparison and hands it to `use`; returns 0. Throws UsageError
// for a bad --chip or --baseline, and lets a file that cannot be read through.
int with_comparison(const CompareInputArgs& a, const std::string& command,
                    const std::function<void(const Comparison&)>& use);

}  // namespace bakeoff::cli
