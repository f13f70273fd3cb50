// The results registry: a SQLite file that keeps results files (runs) and
// one row per record, for `bakeoff db` and for `compare` / `report --db`.
// Schema, migration and rules: docs/registry.md.
//
// A run is added only when its file validates: its digest matches (or it has
// none, written before files carried one), its figures match its samples, and
// no run with the same digest is in already. All SQL takes values through
// bound parameters. Writers take the lock at BEGIN and wait up to
// kBusyTimeoutMs for one another, so concurrent adds all land or fail cleanly.
#pragma once

#include "results/results_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff::registry {

inline constexpr int kSchemaVersion = 1;
inline constexpr std::int64_t kApplicationId = 0x626B6F66;  // "bkof" in the SQLite header
inline constexpr int kBusyTimeoutMs = 15000;
inline constexpr const char* kDefaultFile = "bakeoff.db";

// One line naming the database or the results file; the command exits 1.
class RegistryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The database file a command uses: `flag` when given, else $BAKEOFF_DB, else bakeoff.db.
std::filesystem::path registry_path(const std::string& flag);

struct RunInfo {
    std::int64_t run = 0;
    std::string digest;         // the file digest (recomputed at add)
    bool digest_written = true;  // false: the file had none (written before digests)
    std::string added_utc, source, created_utc, host, tool_version, tool_commit, suite, devices;
    int tool_major = -1;        // -1: no version
    bool complete = false;
    std::int64_t records = 0;
};

// One record as the flat view shows it.
struct FlatRow {
    std::int64_t run = 0, position = 0;
    std::string created_utc, date, host, tool_version, suite;
    int tool_major = -1;
    std::string id, case_id, workload, dtype, size_label, path;
    std::int64_t size = 0;
    std::string device, model, chip, backend, status, reason, unit;
    std::optional<double> value, ci_low, ci_high, percent_of_claim;
    bool lower_is_better = false, cache_resident = false;
    std::int64_t samples = 0;
    nlohmann::json params = nlohmann::json::object();
};

struct Filter {
    std::vector<std::int64_t> runs;
    std::string workload, dtype, path, status, host;
    std::string device;  // a part of the device name or model, ASCII case ignored
};

struct AddResult {
    std::int64_t run = 0;
    std::size_t records = 0;
    bool digest_written = true;
};

// A run as compare and report read it: the stored document, its records
// narrowed to the filter's.
struct StoredRun {
    RunInfo info;
    ResultsFile results;
};

class Connection;  // registry/sqlite.h: only the registry's own files see SQLite
class Registry {
public:
    // Opens the database. `create`: make the file and its schema when missing
    // (db add); otherwise a missing file is a RegistryError. An older schema is
    // migrated; a newer one, a corrupt file or another program's database is a
    // RegistryError naming the file.
    Registry(const std::filesystem::path& file, bool create);
    ~Registry();

    const std::filesystem::path& file() const { return file_; }
    int schema_version() const;

    // Validates and adds one results file; RegistryError "FILE: refused: why" when not.
    AddResult add(const std::filesystem::path& results_file);
    std::vector<RunInfo> runs() const;
    // False when there is no such run.
    bool remove(std::int64_t run);
    std::vector<FlatRow> query(const Filter& f) const;
    std::vector<StoredRun> load(const Filter& f) const;

private:
    void open_schema();

    std::filesystem::path file_;
    std::unique_ptr<Connection> db_;
};

}  // namespace bakeoff::registry
