// docs/results-schema.md cannot drift from what bakeoff writes: every field
// to_json(Record), results_header() and device_json() write is named in the
// document, and so is every workload and status a record can carry.
#include "results/record.h"
#include "results/results_header.h"
#include "workloads/workload.h"

#include "common/cpu_device.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bakeoff {
namespace {

std::string schema_doc() {
    std::ifstream in(std::string(BAKEOFF_SOURCE_DIR) + "/docs/results-schema.md");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text of the document from `heading` to the next heading of any level.
std::string section(const std::string& doc, const std::string& heading) {
    const auto at = doc.find("\n" + heading + "\n");
    if (at == std::string::npos) return {};
    const auto start = at + heading.size() + 2;
    const auto end = doc.find("\n#", start);
    return doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The table row (one line) whose first cell names `field`, e.g. "| `metric` |".
std::string row_of(const std::string& table, const std::string& field) {
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
        const auto first_cell_end = line.find('|', 1);
        if (line.rfind("| ", 0) == 0 && first_cell_end != std::string::npos &&
            line.substr(0, first_cell_end).find("`" + field + "`") != std::string::npos)
            return line;
    }
    return {};
}

bool names(const std::string& text, const std::string& field) {
    return text.find("`" + field + "`") != std::string::npos;
}

// A record with every optional part present, so to_json writes every field.
Record full_record() {
    Record r;
    r.id = "gemm/fp32/64/portable@cpu:0";
    r.workload = "gemm";
    r.status = RecordStatus::ok;
    r.samples_s = {1e-3, 1.1e-3, 0.9e-3};
    r.first_call_s = 2e-3;
    r.metric = MetricDef{"throughput", "GFLOP/s", "flops", 1e9, false};
    r.work.flops = 1e6;
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    r.peak = 100;
    r.peak_basis = "test";
    r.verification = Verification{true, "exact", "max abs error", 0, 0, ""};
    r.rank = 0;
    r.host = "h";
    return r;
}

// Objects whose members vary by workload or backend, described in prose.
bool free_form(const std::string& field) {
    return field == "params" || field == "telemetry" || field == "claim";
}

TEST(ResultsSchemaDoc, NamesEveryRecordField) {
    const auto doc = schema_doc();
    const auto table = section(doc, "## Record");
    ASSERT_FALSE(table.empty()) << "docs/results-schema.md has no '## Record' section";
    const auto j = to_json(full_record());
    for (const auto& [field, value] : j.items()) {
        const auto row = row_of(table, field);
        EXPECT_FALSE(row.empty()) << "record field '" << field << "' is not in docs/results-schema.md";
        if (row.empty() || !value.is_object() || free_form(field)) continue;
        for (const auto& [sub, unused] : value.items())
            EXPECT_TRUE(names(row, sub)) << "record field '" << field << "." << sub
                                         << "' is not named in its row of docs/results-schema.md";
    }
}

TEST(ResultsSchemaDoc, NamesEveryHeaderAndDeviceField) {
    const auto doc = schema_doc();
    const auto top = section(doc, "## Top level");
    const auto device = section(doc, "### Device");
    ASSERT_FALSE(top.empty());
    ASSERT_FALSE(device.empty());
    const auto& dev = testing::cpu_device();
    const auto header = results_header({dev.info()}, {"bakeoff", "run"}, 1, "quick");
    for (const auto& [field, unused] : header.items())
        EXPECT_FALSE(row_of(top, field).empty()) << "header field '" << field << "' is not in docs/results-schema.md";
    const auto device_fields = device_json(dev.info());
    for (const auto& [field, unused] : device_fields.items())
        EXPECT_TRUE(names(device, field)) << "device field '" << field << "' is not in docs/results-schema.md";
}

TEST(ResultsSchemaDoc, NamesEveryStatus) {
    const auto row = row_of(section(schema_doc(), "## Record"), "status");
    ASSERT_FALSE(row.empty());
    for (RecordStatus s : {RecordStatus::ok, RecordStatus::failed, RecordStatus::unsupported, RecordStatus::skipped,
                           RecordStatus::not_applicable}) {
        const std::string name(record_status_name(s));
        EXPECT_TRUE(names(row, name)) << "status '" << name << "' is not in the `status` row of docs/results-schema.md";
        EXPECT_EQ(parse_record_status(name), s) << name;
    }
}

TEST(ResultsSchemaDoc, NamesEveryWorkload) {
    const auto row = row_of(section(schema_doc(), "## Record"), "workload");
    ASSERT_FALSE(row.empty());
    for (const auto& w : all_workloads())
        EXPECT_TRUE(names(row, w->id())) << "workload '" << w->id() << "' is not listed in the `workload` row of docs/results-schema.md";
}

}  // namespace
}  // namespace bakeoff
