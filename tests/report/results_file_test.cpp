#include "results/results_file.h"
#include "report/run_summary.h"
#include "results/validate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace bakeoff;
namespace fs = std::filesystem;

namespace {

Record sample_record(const std::string& id, std::vector<double> samples) {
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

ResultsFile sample_file() {
    ResultsFile f;
    f.header = {{"schema", kResultsSchema}, {"schema_version", kResultsSchemaVersion},
                {"tool", {{"name", "bakeoff"}}}, {"host", {{"hostname", "h"}}}, {"devices", nlohmann::json::array()},
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

fs::path temp_file(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("bakeoff-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

}  // namespace

TEST(ResultsFile, RoundTripKeepsEveryField) {
    auto path = temp_file("roundtrip.json");
    const auto f = sample_file();
    write_results(path, f);
    const auto back = read_results(path);
    ASSERT_EQ(back.records.size(), 2u);
    EXPECT_EQ(to_json(back.records[0]), to_json(f.records[0]));
    EXPECT_EQ(to_json(back.records[1]), to_json(f.records[1]));
    EXPECT_EQ(back.header["seed"], 5);
    EXPECT_TRUE(check_consistency(back).empty());
}

TEST(ResultsFile, AtomicWriteLeavesNoTemporaryFiles) {
    auto path = temp_file("atomic.json");
    write_results(path, sample_file());
    write_results(path, sample_file());
    int files = 0;
    for (const auto& e : fs::directory_iterator(path.parent_path()))
        if (e.path().filename().string().find("atomic") != std::string::npos) ++files;
    EXPECT_EQ(files, 1);
}

TEST(ResultsFile, WriteIntoAMissingFolderFailsNamingTheFile) {
    try {
        write_results("/nonexistent-folder/x.json", sample_file());
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/x.json"), std::string::npos);
    }
}

TEST(Validate, FlagsAnEditedFigureNamingTheRecord) {
    auto f = sample_file();
    f.records[0].stats->median *= 1.10;  // someone made the figure look 10 % better
    auto problems = check_consistency(f);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("a@cpu:0"), std::string::npos);
    EXPECT_NE(problems[0].find("median"), std::string::npos);
}

TEST(Validate, FlagsAnEditedSampleAndAFailedRecordWithAFigure) {
    auto f = sample_file();
    f.records[0].samples_s[2] = 0.0005;
    EXPECT_FALSE(check_consistency(f).empty());
    auto g = sample_file();
    g.records[1].stats = compute_statistics(std::vector<double>{1, 2, 3});
    auto problems = check_consistency(g);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("b@cpu:0"), std::string::npos);
}

TEST(Validate, FlagsOkWithoutPassingVerificationAndDuplicateIds) {
    auto f = sample_file();
    f.records[0].verification->ok = false;
    EXPECT_FALSE(check_consistency(f).empty());
    auto g = sample_file();
    g.records[1].id = g.records[0].id;
    EXPECT_FALSE(check_consistency(g).empty());
}

TEST(ReadResults, MalformedInputsGiveOneLineNamingTheFile) {
    struct Case {
        const char* name;
        std::string text;
        const char* expect;
    } cases[] = {
        {"empty.json", "", "empty file"},
        {"truncated.json", R"({"schema": "bakeoff-results", "records": [)", "truncated"},
        {"garbage.json", "\x7f" "ELF\x01\x02", "not valid JSON"},
        {"array.json", "[1, 2, 3]", "not a bakeoff results file"},
        {"other.json", R"({"hello": "world"})", "not a bakeoff results file"},
        {"future.json", R"({"schema": "bakeoff-results", "schema_version": 99, "records": []})", "version 99"},
        {"badrecord.json", R"({"schema": "bakeoff-results", "schema_version": 1, "records": [{"id": "x"}]})",
         "record 0 (x)"},
        {"wrongtype.json", R"({"schema": "bakeoff-results", "schema_version": 1, "records": "no"})", "records"},
    };
    for (const auto& c : cases) {
        auto p = temp_file(c.name);
        write_text(p, c.text);
        try {
            read_results(p);
            ADD_FAILURE() << c.name << " was accepted";
        } catch (const InputError& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
            EXPECT_NE(msg.find(c.expect), std::string::npos) << c.name << ": " << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << "more than one line: " << msg;
        }
    }
    EXPECT_THROW(read_results(temp_file("does-not-exist.json")), InputError);
}

TEST(RunSummary, TextTableIsAlignedAndNotesExplainFailures) {
    auto f = sample_file();
    f.records[0].warnings = {"OPENBLAS_CORETYPE=Haswell forces AVX2 kernels"};
    const std::string text = run_summary(f.records, {});
    // Header, rule, two rows, blank line, two notes.
    EXPECT_NE(text.find("median"), std::string::npos);
    EXPECT_NE(text.find("FAILED"), std::string::npos);
    EXPECT_NE(text.find("[1] membw.triad fp64 1MiB portable on cpu:0: warning: OPENBLAS_CORETYPE"), std::string::npos);
    EXPECT_NE(text.find("failed: verification failed"), std::string::npos);
    // Aligned: the "median" column starts at the same offset in the header and under it.
    std::istringstream in(text);
    std::string header, rule, row1, row2;
    std::getline(in, header);
    std::getline(in, rule);
    std::getline(in, row1);
    std::getline(in, row2);
    const auto col = header.find("95% CI");
    ASSERT_NE(col, std::string::npos);
    EXPECT_EQ(row1.substr(col, 1), "[");
    // % of peak: the median over 100 GB/s.
    EXPECT_NE(row1.find(" %"), std::string::npos);
}

TEST(RunSummary, MarkdownEscapesPipes) {
    auto f = sample_file();
    f.records[0].size_label = "1|2";
    const std::string md = run_summary(f.records, {.show_device = true, .format = Format::markdown});
    EXPECT_NE(md.find("1\\|2"), std::string::npos) << md;
    EXPECT_EQ(md.rfind("| workload | dtype | size | path | device |", 0), 0u);
    EXPECT_NE(md.find("| ---: |"), std::string::npos);
}
