// A small results file for the results and report tests: one passing
// membw.triad record with a peak, and one failed record (its verification
// wrong, no statistics).
#pragma once

#include "results/record.h"
#include "results/results_file.h"

#include <string>
#include <vector>

namespace bakeoff::testing {

inline Record sample_record(const std::string& id, std::vector<double> samples) {
    Record r;
    r.id = id;
    r.workload = "membw.triad";
    r.dtype = "fp64";
    r.path = "portable";
    r.size = 1 << 20;
    r.size_label = "1MiB";
    r.params = {{"elements", 131072}};
    r.device_id = "cpu:0";
    r.device_name = "Test CPU <script>";
    r.backend = "cpu";
    r.status = RecordStatus::ok;
    r.seed = 5;
    r.work = {262144, 3145728};
    r.metric = {"bandwidth", "GB/s", "bytes", 1e9};
    r.samples_s = std::move(samples);
    r.first_call_s = 0.01;
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.peak = 100;
    r.peak_basis = "test";
    r.verification = Verification{true, "exact", "elements that differ", 0, 0, ""};
    return r;
}

inline ResultsFile sample_file() {
    ResultsFile f;
    f.header = {{"schema", kResultsSchema}, {"schema_version", kResultsSchemaVersion},
                {"tool", {{"name", "bakeoff"}}}, {"host", {{"hostname", "h"}}}, {"devices", {{{"id", "cpu:0"}, {"name", "Test CPU <script>"}, {"backend", "cpu"}}}},
                {"created_utc", "2026-11-22T00:00:00Z"}, {"seed", 5}, {"command_line", {"bakeoff"}},
                {"complete", true}};
    f.records.push_back(sample_record("a@cpu:0", {0.001, 0.0011, 0.00105, 0.00102, 0.00099, 0.001}));
    Record failed = sample_record("b@cpu:0", {0.001, 0.002});
    failed.status = RecordStatus::failed;
    failed.reason = "verification failed: 3 of 131072 elements wrong";
    failed.stats.reset();
    failed.verification->ok = false;
    failed.verification->error = 3;
    f.records.push_back(failed);
    return f;
}

}  // namespace bakeoff::testing
