#include "results/results_file.h"
#include "results/validate.h"
#include "sample_results.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
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

// ---- the checks a careless or hostile edit used to get past ----------------

namespace {
// The sample file as JSON, edited by `edit`, written and read back: the
// problems validate reports, or the reader's refusal as one line.
std::vector<std::string> problems_after(const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json doc = to_json(sample_file());
    edit(doc);
    const auto p = temp_file("edited.json");
    write_text(p, doc.dump());
    try {
        return check_consistency(read_results(p));
    } catch (const InputError& e) {
        return {e.what()};
    }
}
bool mentions(const std::vector<std::string>& problems, const std::string& what) {
    for (const auto& p : problems)
        if (p.find(what) != std::string::npos) return true;
    return false;
}
}  // namespace

TEST(Validate, TheUneditedSampleIsConsistent) {
    EXPECT_TRUE(problems_after([](nlohmann::json&) {}).empty());
}

TEST(Validate, ValueMustBeTheMedianAndAnOkRecordMustHaveOne) {
    auto tripled = problems_after([](nlohmann::json& d) { d["records"][0]["value"] = 3 * d["records"][0]["value"].get<double>(); });
    EXPECT_TRUE(mentions(tripled, "is not statistics.median")) << tripled[0];
    auto null_value = problems_after([](nlohmann::json& d) { d["records"][0]["value"] = nullptr; });
    EXPECT_TRUE(mentions(null_value, "value is null")) << null_value[0];
    auto failed_with_value = problems_after([](nlohmann::json& d) { d["records"][1]["value"] = 12.5; });
    EXPECT_TRUE(mentions(failed_with_value, "a value without statistics")) << failed_with_value[0];
}

TEST(Validate, NegativeSizesAbsurdSeedsAndUnlistedDevicesAreFlagged) {
    EXPECT_TRUE(mentions(problems_after([](nlohmann::json& d) { d["records"][1]["size"] = -5; }), "size -5 is negative"));
    EXPECT_TRUE(mentions(problems_after([](nlohmann::json& d) { d["seed"] = 1e30; }), "header: seed"));
    EXPECT_TRUE(mentions(problems_after([](nlohmann::json& d) { d["seed"] = -1; }), "header: seed"));
    EXPECT_TRUE(mentions(problems_after([](nlohmann::json& d) { d["devices"] = nlohmann::json::array(); }),
                         "'devices' is empty"));
    auto other = problems_after([](nlohmann::json& d) { d["records"][0]["device"]["id"] = "cuda:0"; });
    EXPECT_TRUE(mentions(other, "device cuda:0 is not one of the file's devices"));
    // Collective records belong to the whole MPI job, not to one listed device.
    auto coll = problems_after([](nlohmann::json& d) {
        d["records"][1]["workload"] = "collective.allreduce";
        d["records"][1]["device"]["id"] = "mpi:host";
    });
    EXPECT_FALSE(mentions(coll, "not one of the file's devices"));
}

TEST(Validate, TheReaderForFiguresRefusesAFileValidateRejects) {
    const auto good = temp_file("good.json");
    write_results(good, sample_file());
    EXPECT_EQ(read_validated_results(good).records.size(), 2u);
    auto f = sample_file();
    f.records[0].verification->ok = false;  // an ok record whose output was wrong
    const auto bad = temp_file("bad.json");
    write_results(bad, f);
    try {
        read_validated_results(bad);
        FAIL() << "accepted";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(bad.string() + ": fails validation (1 problem, the first: record a@cpu:0: status ok but "
                                            "verification did not pass)",
                             0),
                  0u)
            << what;
    }
}

TEST(ResultsFile, AtomicWriteRefusesToReplaceAFifoOrADevice) {
    const auto fifo = temp_file("answers.fifo");
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        write_results(fifo, sample_file());
        FAIL() << "replaced a FIFO";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("it is a FIFO, not a regular file"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(fs::is_fifo(fifo));
    fs::remove(fifo);
    EXPECT_THROW(write_results("/dev/null", sample_file()), std::runtime_error);
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(ReadResults, ReadersRefuseFifosAndDevicesAtOnce) {
    const auto fifo = temp_file("results.fifo");
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);  // no writer: a blocking open would wait for ever
    try {
        read_results(fifo);
        FAIL() << "read a FIFO";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), fifo.string() + ": is a FIFO, not a regular file");
    }
    fs::remove(fifo);
    try {
        read_results("/dev/zero");  // would read until memory runs out
        FAIL() << "read /dev/zero";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "/dev/zero: is a character device, not a regular file");
    }
}
