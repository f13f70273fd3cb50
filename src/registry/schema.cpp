#include "registry/schema.h"

#include "registry/registry.h"

#include <fmt/format.h>

#include <string>

namespace bakeoff::registry {

namespace {

// Migration i (1-based) takes schema version i - 1 to version i. Append only:
// a released migration never changes.
constexpr const char* kMigrations[] = {
    // 1: runs, their records, and the flat view.
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '0');
CREATE TABLE runs (
  run INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,
  digest_written INTEGER NOT NULL,
  added_utc TEXT NOT NULL,
  source TEXT NOT NULL,
  created_utc TEXT NOT NULL,
  host TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  tool_major INTEGER NOT NULL,
  tool_commit TEXT NOT NULL,
  suite TEXT NOT NULL,
  devices TEXT NOT NULL,
  complete INTEGER NOT NULL,
  document TEXT NOT NULL
);
CREATE TABLE records (
  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  workload TEXT NOT NULL,
  dtype TEXT NOT NULL,
  size INTEGER NOT NULL,
  size_label TEXT NOT NULL,
  path TEXT NOT NULL,
  device TEXT NOT NULL,
  model TEXT NOT NULL,
  chip TEXT NOT NULL,
  backend TEXT NOT NULL,
  host TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  value REAL,
  ci_low REAL,
  ci_high REAL,
  unit TEXT NOT NULL,
  lower_is_better INTEGER NOT NULL,
  percent_of_claim REAL,
  samples INTEGER NOT NULL,
  cache_resident INTEGER NOT NULL,
  params TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (run, position)
);
CREATE INDEX records_by_case ON records (workload, dtype, model);
CREATE VIEW flat AS
  SELECT r.run, r.position, u.created_utc, substr(u.created_utc, 1, 10) AS date, r.host, u.tool_version,
         u.tool_major, u.suite, r.id, r.case_id, r.workload, r.dtype, r.size, r.size_label, r.path, r.device,
         r.model, r.chip, r.backend, r.status, r.reason, r.value, r.ci_low, r.ci_high, r.unit, r.lower_is_better,
         r.percent_of_claim, r.samples, r.cache_resident, r.params
  FROM records r JOIN runs u ON u.run = r.run;
)sql",
};
constexpr int kMigrationCount = static_cast<int>(std::size(kMigrations));
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

std::int64_t pragma_integer(Connection& c, const char* pragma) {
    Statement s = c.prepare(pragma);
    return s.step() ? s.integer(0) : 0;
}

}  // namespace

int stored_schema_version(Connection& c) {
    Statement s = c.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!s.step()) throw SchemaError("a bakeoff registry without a schema_version (damaged)");
    const std::string v = s.text(0);
    try {
        return std::stoi(v);
    } catch (const std::exception&) {
        throw SchemaError(fmt::format("schema_version '{}' is not a number (damaged)", v));
    }
}

void create_or_migrate(Connection& c) {
    const std::int64_t app = pragma_integer(c, "PRAGMA application_id");
    const std::int64_t tables = pragma_integer(c, "SELECT count(*) FROM sqlite_master");
    int version = 0;
    if (app == kApplicationId) {
        version = stored_schema_version(c);
    } else if (app != 0 || tables != 0) {
        throw SchemaError("a SQLite database, but not a bakeoff registry (another program's tables)");
    }
    if (version > kSchemaVersion)
        throw SchemaError(fmt::format("registry schema version {} is newer than this bakeoff's ({}); use a newer bakeoff",
                                        version, kSchemaVersion));
    if (version == kSchemaVersion) return;
    for (int v = version; v < kMigrationCount; ++v) c.exec(kMigrations[v]);
    c.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").bind(1, std::to_string(kSchemaVersion)).run();
    c.exec(fmt::format("PRAGMA application_id = {}", kApplicationId).c_str());
}

}  // namespace bakeoff::registry
