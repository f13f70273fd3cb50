#include "registry/registry.h"

#include "core/host_info.h"
#include "registry/guarded.h"
#include "registry/sqlite.h"
#include "registry/record_row.h"
#include "registry/schema.h"
#include "results/validate.h"

#include <fmt/format.h>

#include <cstdlib>
#include <system_error>

namespace bakeoff::registry {

namespace fs = std::filesystem;

fs::path registry_path(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* e = std::getenv("BAKEOFF_DB"); e && *e) return e;
    return kDefaultFile;
}

Registry::Registry(const fs::path& file, bool create) : file_(file) {
    std::error_code ec;
    const auto st = fs::status(file, ec);
    if (!create && !fs::exists(st))
        throw RegistryError(fmt::format("{}: no registry there ('bakeoff db add --db {} FILE' creates it)", file.string(),
                                        file.string()));
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw RegistryError(fmt::format("{}: not a regular file", file.string()));
    guarded(file_, "opening", [&] {
        db_ = std::make_unique<Connection>(file, create, kBusyTimeoutMs);
        open_schema();
        return 0;
    });
}

Registry::~Registry() = default;

void Registry::open_schema() {
    // Quick check first: a file that is not a database fails here with one line.
    db_->exec("PRAGMA foreign_keys = ON");
    Statement probe = db_->prepare("PRAGMA application_id");
    probe.step();
    if (probe.integer(0) == kApplicationId && stored_schema_version(*db_) == kSchemaVersion) return;
    Transaction t(*db_);
    create_or_migrate(*db_);
    t.commit();
}

int Registry::schema_version() const {
    return guarded(file_, "reading the schema version", [&] { return stored_schema_version(*db_); });
}

AddResult Registry::add(const fs::path& path) {
    const std::string name = path.string();
    // The reader's limits (size, nesting) apply before anything reaches the database.
    nlohmann::json doc = read_json_file(path);
    const ResultsFile f = results_from_json(doc, name);
    if (f.digest.state == DigestCheck::State::differs)
        throw RegistryError(fmt::format("{}: refused: {}", name, f.digest.problem));
    if (const auto problems = check_consistency(f); !problems.empty())
        throw RegistryError(fmt::format("{}: refused: fails validation ({} problem{}, the first: {})", name,
                                        problems.size(), problems.size() == 1 ? "" : "s", problems[0]));
    const RunRow run = run_row(f, name);
    return guarded(file_, "adding a run", [&] {
        Transaction t(*db_);
        {
            Statement dup = db_->prepare("SELECT run, source FROM runs WHERE digest = ?");
            dup.bind(1, run.info.digest);
            if (dup.step())
                throw RegistryError(fmt::format("{}: refused: already in as run {} (added from {})", name,
                                                dup.integer(0), dup.text(1)));
        }
        insert_run(*db_, run, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), utc_now());
        const std::int64_t id = db_->last_insert_rowid();
        for (std::size_t i = 0; i < f.records.size(); ++i) insert_record(*db_, id, i, f, run);
        t.commit();
        return AddResult{id, f.records.size(), run.info.digest_written};
    });
}

std::vector<RunInfo> Registry::runs() const {
    return guarded(file_, "listing runs", [&] {
        std::vector<RunInfo> out;
        Statement s = db_->prepare(
            "SELECT u.run, u.digest, u.digest_written, u.added_utc, u.source, u.created_utc, u.host, u.tool_version, "
            "u.tool_commit, u.suite, u.devices, u.tool_major, u.complete, "
            "(SELECT count(*) FROM records r WHERE r.run = u.run) FROM runs u ORDER BY u.run");
        while (s.step()) {
            RunInfo r;
            r.run = s.integer(0);
            r.digest = s.text(1);
            r.digest_written = s.integer(2) != 0;
            r.added_utc = s.text(3);
            r.source = s.text(4);
            r.created_utc = s.text(5);
            r.host = s.text(6);
            r.tool_version = s.text(7);
            r.tool_commit = s.text(8);
            r.suite = s.text(9);
            r.devices = s.text(10);
            r.tool_major = static_cast<int>(s.integer(11));
            r.complete = s.integer(12) != 0;
            r.records = s.integer(13);
            out.push_back(std::move(r));
        }
        return out;
    });
}

bool Registry::remove(std::int64_t run) {
    return guarded(file_, "removing a run", [&] {
        Transaction t(*db_);
        db_->prepare("DELETE FROM records WHERE run = ?").bind(1, run).run();
        db_->prepare("DELETE FROM runs WHERE run = ?").bind(1, run).run();
        const bool removed = db_->changes() > 0;
        t.commit();
        return removed;
    });
}

}  // namespace bakeoff::registry
