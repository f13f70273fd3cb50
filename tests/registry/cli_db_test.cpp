// `bakeoff db` end to end on files `bakeoff run --suite smoke` wrote: add,
// ls, query in every format, leaderboard, rm, compare and report from the
// registry, validate's digest line, two processes adding at once, and the
// one-line failures (corrupt database, refused file, missing run).
#include "common/command_runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using bakeoff::testing_support::BakeoffInScratch;
using bakeoff::testing_support::CommandResult;
using bakeoff::testing_support::count_lines;
using bakeoff::testing_support::slurp;

namespace {

const BakeoffInScratch& bakeoff_db() {
    static const BakeoffInScratch b("bakeoff-db-e2e");
    return b;
}
CommandResult bk(const std::string& args, const std::string& env = "") { return bakeoff_db()(args, env); }
fs::path dir() { return bakeoff_db().dir; }

// Two smoke runs (a copy and a GEMM in fp32, to stay fast), written once per test process.
const fs::path& smoke(int i) {
    static const fs::path files[2] = {dir() / "smoke-1.json", dir() / "smoke-2.json"};
    static const bool made = [] {
        for (const auto& f : files) {
            auto r = bk("run --suite smoke --workload membw.copy,gemm --dtype fp32 --device cpu:0 --quiet --out '" + f.string() + "'");
            EXPECT_EQ(r.code, 0) << r.err;
        }
        return true;
    }();
    (void)made;
    return files[i];
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST(DbCli, AddListQueryLeaderboardRemove) {
    const fs::path db = dir() / "e2e.db";
    fs::remove(db);
    auto val = bk("validate " + q(smoke(0)));
    ASSERT_EQ(val.code, 0) << val.err;
    EXPECT_NE(val.out.find("matches"), std::string::npos) << val.out;

    // A file from before digests validates with a note.
    auto doc = nlohmann::json::parse(slurp(smoke(1)));
    doc.erase("digest");
    std::ofstream(dir() / "old.json") << doc.dump();
    auto old = bk("validate " + q(dir() / "old.json"));
    EXPECT_EQ(old.code, 0) << old.err;
    EXPECT_NE(old.out.find("no digest (written before results files carried one)"), std::string::npos) << old.out;

    auto add = bk("db add " + q(smoke(0)) + " " + q(smoke(1)), "BAKEOFF_DB=" + db.string());
    ASSERT_EQ(add.code, 0) << add.err;
    EXPECT_NE(add.out.find("added as run 1"), std::string::npos) << add.out;
    EXPECT_NE(add.out.find("added as run 2"), std::string::npos) << add.out;

    auto again = bk("db add --db " + q(db) + " " + q(smoke(0)));
    EXPECT_EQ(again.code, 1);
    EXPECT_EQ(count_lines(again.err), 1) << again.err;
    EXPECT_NE(again.err.find("refused: already in as run 1"), std::string::npos) << again.err;

    auto ls = bk("db ls --db " + q(db) + " --format json");
    ASSERT_EQ(ls.code, 0) << ls.err;
    const auto runs = nlohmann::json::parse(ls.out);
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0]["suite"], "smoke");
    EXPECT_EQ(runs[0]["state"], "complete");

    auto csv = bk("db query --db " + q(db) + " --workload membw.copy --status ok --format csv");
    ASSERT_EQ(csv.code, 0) << csv.err;
    EXPECT_EQ(csv.out.rfind("run,created_utc,host,workload,dtype,size_label,path,device,chip,value", 0), 0u) << csv.out;
    EXPECT_GE(count_lines(csv.out), 3);
    auto md = bk("db query --db " + q(db) + " --run 2 --format markdown");
    ASSERT_EQ(md.code, 0) << md.err;
    EXPECT_NE(md.out.find("| membw.copy"), std::string::npos) << md.out;
    auto json = nlohmann::json::parse(bk("db query --db " + q(db) + " --run 2 --format json").out);
    for (const auto& r : json) EXPECT_EQ(r["run"], 2);

    auto board = bk("db leaderboard --db " + q(db) + " --workload gemm --dtype fp32 --format json");
    ASSERT_EQ(board.code, 0) << board.err;
    const auto entries = nlohmann::json::parse(board.out);
    ASSERT_GE(entries.size(), 1u) << board.out;
    // Two runs on one host and date count once: reported, not reproduced.
    EXPECT_EQ(entries[0]["runs"], 1);
    EXPECT_EQ(entries[0]["reproduced"], "reported");
    EXPECT_EQ(entries[0]["unit"], "GFLOP/s");
    EXPECT_EQ(entries[0]["rank"], 1);

    auto cmp = bk("compare --db " + q(db) + " --workload membw.copy");
    ASSERT_EQ(cmp.code, 0) << cmp.err;
    EXPECT_NE(cmp.out.find("run-1"), std::string::npos) << cmp.out;
    EXPECT_NE(cmp.out.find("run-2"), std::string::npos) << cmp.out;
    auto mixed = bk("compare " + q(smoke(0)) + " --db " + q(db) + " --run 2");
    ASSERT_EQ(mixed.code, 0) << mixed.err;
    EXPECT_NE(mixed.out.find("smoke-1.json"), std::string::npos) << mixed.out;
    auto rep = bk("report --db " + q(db) + " -o " + q(dir() / "from-db.html"));
    ASSERT_EQ(rep.code, 0) << rep.err;
    EXPECT_NE(slurp(dir() / "from-db.html").find("run-2"), std::string::npos);
    auto none = bk("compare --db " + q(db) + " --workload no.such");
    EXPECT_EQ(none.code, 1);
    EXPECT_NE(none.err.find("no record matches"), std::string::npos) << none.err;
    EXPECT_EQ(bk("compare").code, 2);

    auto rm = bk("db rm --db " + q(db) + " 1");
    ASSERT_EQ(rm.code, 0) << rm.err;
    auto rm2 = bk("db rm --db " + q(db) + " 1");
    EXPECT_EQ(rm2.code, 1);
    EXPECT_NE(rm2.err.find("no run 1"), std::string::npos) << rm2.err;
    EXPECT_EQ(nlohmann::json::parse(bk("db ls --db " + q(db) + " --format json").out).size(), 1u);
}

TEST(DbCli, ProcessesAddingAtOnceAllLandOrAreRefusedCleanly) {
    const fs::path db = dir() / "concurrent.db";
    fs::remove(db);
    // Copies with distinct content (another seed in the header): distinct runs.
    std::string first, second, all;
    for (int i = 0; i < 20; ++i) {
        auto doc = nlohmann::json::parse(slurp(smoke(i % 2)));
        doc["seed"] = 1000 + i;
        doc.erase("digest");  // written before digests: computed at add
        const fs::path f = dir() / ("c" + std::to_string(i) + ".json");
        std::ofstream(f) << doc.dump();
        (i < 10 ? first : second) += " " + q(f);
        all += " " + q(f);
    }
    // Three processes started together on a database that does not exist yet:
    // two add ten files each, the third all twenty (each file lands once; the
    // other adder of it is refused as already in).
    const std::string bin = "'" BAKEOFF_BINARY_PATH "' db add --db " + q(db);
    const std::string cmd = "cd " + q(dir()) + " && (" + bin + first + " >a.out 2>a.err & " + bin + second +
                            " >b.out 2>b.err & " + bin + all + " >c.out 2>c.err & wait)";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const std::string out = slurp(dir() / "a.out") + slurp(dir() / "b.out") + slurp(dir() / "c.out");
    const std::string err = slurp(dir() / "a.err") + slurp(dir() / "b.err") + slurp(dir() / "c.err");
    EXPECT_EQ(count_lines(out), 20) << out << err;
    EXPECT_EQ(count_lines(err), 20) << err;
    int refused = 0;
    for (auto p = err.find("refused: already in as run"); p != std::string::npos;
         p = err.find("refused: already in as run", p + 1))
        ++refused;
    EXPECT_EQ(refused, 20) << err;
    EXPECT_EQ(nlohmann::json::parse(bk("db ls --db " + q(db) + " --format json").out).size(), 20u);
}

TEST(DbCli, CorruptDatabaseAndBadInputAreOneLine) {
    const fs::path junk = dir() / "junk.db";
    std::ofstream(junk) << "SQLite format 3\0 but not really" << std::string(2000, '\x01');
    for (const std::string& args : {"db ls --db " + q(junk), "db add --db " + q(junk) + " " + q(smoke(0)),
                                    "db query --db " + q(junk), "report --db " + q(junk) + " -o " + q(dir() / "x.html")}) {
        auto r = bk(args);
        EXPECT_EQ(r.code, 1) << args;
        EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
        EXPECT_NE(r.err.find("junk.db"), std::string::npos) << r.err;
    }
    // The results reader's limits apply before anything reaches the database.
    const fs::path deep = dir() / "deep.json";
    std::ofstream(deep) << std::string(500, '[') << std::string(500, ']');
    auto nested = bk("db add --db " + q(dir() / "limits.db") + " " + q(deep));
    EXPECT_EQ(nested.code, 1);
    EXPECT_EQ(count_lines(nested.err), 1) << nested.err;
    EXPECT_NE(nested.err.find("nested more than 100 deep"), std::string::npos) << nested.err;
    EXPECT_NE(bk("db add --db " + q(dir() / "limits.db") + " /dev/zero").err.find("not a regular file"), std::string::npos);

    auto missing = bk("db ls --db " + q(dir() / "missing.db"));
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("no registry there"), std::string::npos) << missing.err;
    EXPECT_EQ(bk("db").code, 2);
    EXPECT_EQ(bk("db leaderboard").code, 2);
    EXPECT_EQ(bk("db rm --db x.db -3").code, 2);
}
