// The registry through its API: add (and what it refuses), ls, rm, query
// with filters, load for compare/report, bound parameters against an SQL
// injection in a device name, and the one-line errors for a corrupt, a
// foreign, a newer and a missing database.
#include "registry/registry.h"
#include "registry/sqlite.h"
#include "registry_fixtures.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace bakeoff;
using namespace bakeoff::registry;
using namespace bakeoff::testing;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path dir;
    explicit Scratch(const std::string& tag) : dir(temp_dir("registry-" + tag)) {
        fs::remove(dir / "r.db");
    }
    fs::path db() const { return dir / "r.db"; }
    fs::path file(const std::string& name, const ResultsFile& f) const {
        write_results(dir / name, f);
        return dir / name;
    }
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const RegistryError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Registry, AddListQueryRemove) {
    Scratch s("basic");
    Registry reg(s.db(), true);
    EXPECT_EQ(reg.schema_version(), kSchemaVersion);
    const auto a = reg.add(s.file("a.json", registry_file("host-a", "2026-01-01", 100, 900, "Alpha", "alpha-chip")));
    const auto b = reg.add(s.file("b.json", registry_file("host-b", "2026-01-02", 50, 400, "Beta")));
    EXPECT_EQ(a.run, 1);
    EXPECT_EQ(b.run, 2);
    EXPECT_EQ(a.records, 2u);
    EXPECT_TRUE(a.digest_written);

    const auto runs = reg.runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].host, "host-a");
    EXPECT_EQ(runs[0].devices, "Alpha");
    EXPECT_EQ(runs[0].tool_major, 0);
    EXPECT_EQ(runs[1].created_utc, "2026-01-02T10:00:00Z");
    EXPECT_EQ(runs[1].records, 2);

    const auto all = reg.query({});
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].model, "alpha-chip");  // the chip the run matched
    EXPECT_EQ(all[2].model, "Beta");        // no chip: the device name
    EXPECT_EQ(all[1].case_id, "gemm/fp32/1024/vendor");
    EXPECT_NEAR(*all[1].value, 900, 1e-6);
    EXPECT_LT(*all[1].ci_low, *all[1].value);

    Filter gemm;
    gemm.workload = "gemm";
    gemm.device = "bet";  // case ignored
    const auto some = reg.query(gemm);
    ASSERT_EQ(some.size(), 1u);
    EXPECT_EQ(some[0].device, "Beta");

    EXPECT_TRUE(reg.remove(1));
    EXPECT_FALSE(reg.remove(1));
    EXPECT_EQ(reg.runs().size(), 1u);
    EXPECT_EQ(reg.query({}).size(), 2u);
}

TEST(Registry, RefusesAFileAlreadyInATamperedOneAndBadFigures) {
    Scratch s("refuse");
    Registry reg(s.db(), true);
    const fs::path a = s.file("a.json", registry_file("h", "2026-01-01", 100, 900));
    reg.add(a);
    // The same content under another name is the same run.
    fs::copy_file(a, s.dir / "copy.json", fs::copy_options::overwrite_existing);
    EXPECT_NE(error_of([&] { reg.add(s.dir / "copy.json"); }).find("copy.json: refused: already in as run 1"),
              std::string::npos);

    auto doc = nlohmann::json::parse(slurp(a));
    doc["records"][1]["samples_s"][0] = 1.0;
    std::ofstream(s.dir / "tampered.json") << doc.dump();
    const std::string e = error_of([&] { reg.add(s.dir / "tampered.json"); });
    EXPECT_NE(e.find("tampered.json: refused: digest: record 1 (gemm/fp32/1024/vendor@cpu:0) differs"), std::string::npos) << e;

    // Figures edited consistently with a recomputed digest still fail the statistics check.
    ResultsFile bad = registry_file("h2", "2026-01-01", 100, 900);
    bad.records[0].stats->median *= 2;
    const std::string e2 = error_of([&] { reg.add(s.file("bad.json", bad)); });
    EXPECT_NE(e2.find("bad.json: refused: fails validation"), std::string::npos) << e2;
    EXPECT_EQ(reg.runs().size(), 1u);
}

TEST(Registry, AFileWrittenBeforeDigestsIsAddedWithItsDigestComputed) {
    Scratch s("old");
    const fs::path p = s.file("old.json", registry_file("h", "2026-01-01", 100, 900));
    auto doc = nlohmann::json::parse(slurp(p));
    doc.erase("digest");
    std::ofstream(p) << doc.dump();
    Registry reg(s.db(), true);
    const auto r = reg.add(p);
    EXPECT_FALSE(r.digest_written);
    EXPECT_EQ(reg.runs()[0].digest.size(), 64u);
    EXPECT_NE(error_of([&] { reg.add(p); }).find("already in"), std::string::npos);
}

TEST(Registry, AnSqlInjectionInADeviceNameIsStoredAsText) {
    Scratch s("inject");
    const std::string evil = "x'); DROP TABLE runs; DELETE FROM records; --";
    Registry reg(s.db(), true);
    reg.add(s.file("a.json", registry_file("h1", "2026-01-01", 100, 900)));
    reg.add(s.file("evil.json", registry_file("h2' OR '1'='1", "2026-01-01", 100, 900, evil)));
    const auto rows = reg.query({});
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[2].device, evil);
    EXPECT_EQ(rows[2].host, "h2' OR '1'='1");
    Filter f;
    f.device = evil;
    EXPECT_EQ(reg.query(f).size(), 2u);
    f.device = "' OR 1=1 --";
    EXPECT_EQ(reg.query(f).size(), 0u);
    // Both tables are intact, seen from a fresh connection.
    Connection c(s.db(), false, 1000);
    auto n = c.prepare("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM records)");
    ASSERT_TRUE(n.step());
    EXPECT_EQ(n.integer(0), 2);
    EXPECT_EQ(n.integer(1), 4);
}

TEST(Registry, LoadGivesTheStoredRunsNarrowedAndRefusesAnEditedDocument) {
    Scratch s("load");
    Registry reg(s.db(), true);
    reg.add(s.file("a.json", registry_file("h1", "2026-01-01", 100, 900)));
    reg.add(s.file("b.json", registry_file("h2", "2026-01-01", 90, 800)));
    Filter f;
    f.workload = "gemm";
    const auto runs = reg.load(f);
    ASSERT_EQ(runs.size(), 2u);
    ASSERT_EQ(runs[0].results.records.size(), 1u);
    EXPECT_EQ(runs[0].results.records[0].workload, "gemm");
    EXPECT_EQ(runs[1].info.host, "h2");
    EXPECT_EQ(runs[1].results.header["host"]["hostname"], "h2");

    Connection c(s.db(), false, 1000);
    c.exec("UPDATE runs SET document = replace(document, '\"h2\"', '\"h3\"') WHERE run = 2");
    const std::string e = error_of([&] { reg.load(f); });
    EXPECT_NE(e.find("run-2: the stored document does not match its digest"), std::string::npos) << e;
}

TEST(Registry, CorruptForeignNewerAndMissingDatabasesAreOneLine) {
    Scratch s("bad");
    const fs::path junk = s.dir / "junk.db";
    std::ofstream(junk) << std::string(4096, 'x');
    std::string e = error_of([&] { Registry r(junk, true); });
    EXPECT_NE(e.find(junk.string() + ": not a usable SQLite database"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);

    const fs::path foreign = s.dir / "foreign.db";
    fs::remove(foreign);
    {
        Connection c(foreign, true, 1000);
        c.exec("CREATE TABLE photos (id INTEGER)");
    }
    e = error_of([&] { Registry r(foreign, true); });
    EXPECT_NE(e.find("not a bakeoff registry"), std::string::npos) << e;

    {
        Registry r(s.db(), true);
    }
    {
        Connection c(s.db(), false, 1000);
        c.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }
    e = error_of([&] { Registry r(s.db(), false); });
    EXPECT_NE(e.find("schema version 99 is newer"), std::string::npos) << e;

    e = error_of([&] { Registry r(s.dir / "none.db", false); });
    EXPECT_NE(e.find("none.db: no registry there"), std::string::npos) << e;
    EXPECT_FALSE(fs::exists(s.dir / "none.db"));
}

TEST(Registry, PathFromFlagEnvironmentOrDefault) {
    ::unsetenv("BAKEOFF_DB");
    EXPECT_EQ(registry_path(""), fs::path("bakeoff.db"));
    ::setenv("BAKEOFF_DB", "/tmp/x.db", 1);
    EXPECT_EQ(registry_path(""), fs::path("/tmp/x.db"));
    EXPECT_EQ(registry_path("y.db"), fs::path("y.db"));
    ::unsetenv("BAKEOFF_DB");
}
