#include "results/results_file.h"
#include "results/validate.h"
#include "sample_results.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace bakeoff;
using bakeoff::testing::sample_file;
namespace fs = std::filesystem;

namespace {

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
