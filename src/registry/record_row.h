// How a results file becomes rows of the registry: the run's row (host,
// tool, devices, digest) and one flat row per record, with the device model
// the leaderboard groups by and the case id the `reproduced` rule matches on.
#pragma once

#include "registry/registry.h"
#include "registry/sqlite.h"

#include <string>

namespace bakeoff::registry {

struct RunRow {
    RunInfo info;
};

// The run's facts from the header. info.digest is the digest recomputed at read.
RunRow run_row(const ResultsFile& f, const std::string& source);
// The major of a version "1.2.3" (1); -1 when it does not start with a number.
int major_version(const std::string& version);
// The case a record measures: its id without the trailing "@<device id>".
std::string case_id_of(const Record& r);
// What the leaderboard groups by: the chip the run matched (claim.chip) when
// there is one, else the device's name as the backend reports it.
std::string device_model(const Record& r);

void insert_run(Connection& c, const RunRow& run, const std::string& document, const std::string& added_utc);
void insert_record(Connection& c, std::int64_t run, std::size_t position, const ResultsFile& f, const RunRow& row);

// The flat view's columns, in the order read_flat_row expects.
inline constexpr const char* kFlatColumns =
    "run, position, created_utc, date, host, tool_version, tool_major, suite, id, case_id, workload, dtype, size, "
    "size_label, path, device, model, chip, backend, status, reason, value, ci_low, ci_high, unit, lower_is_better, "
    "percent_of_claim, samples, cache_resident, params";
FlatRow read_flat_row(const Statement& s);

}  // namespace bakeoff::registry
