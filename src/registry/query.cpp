// Registry::query and Registry::load: the flat view narrowed by a filter,
// every value bound as a parameter.
#include "registry/guarded.h"
#include "registry/sqlite.h"
#include "registry/record_row.h"
#include "registry/registry.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace bakeoff::registry {

namespace {

struct Where {
    std::string sql;
    std::vector<std::string> text;       // bound in order after the run ids
    std::vector<std::int64_t> runs;
};

Where where_of(const Filter& f) {
    Where w;
    w.sql = " WHERE 1 = 1";
    if (!f.runs.empty()) {
        w.sql += " AND run IN (";
        for (std::size_t i = 0; i < f.runs.size(); ++i) w.sql += i ? ", ?" : "?";
        w.sql += ")";
        w.runs = f.runs;
    }
    auto equal = [&](const char* column, const std::string& v) {
        if (v.empty()) return;
        w.sql += fmt::format(" AND {} = ?", column);
        w.text.push_back(v);
    };
    equal("workload", f.workload);
    equal("dtype", f.dtype);
    equal("path", f.path);
    equal("status", f.status);
    equal("host", f.host);
    if (!f.device.empty()) {
        w.sql += " AND (instr(lower(device), lower(?)) > 0 OR instr(lower(model), lower(?)) > 0)";
        w.text.push_back(f.device);
        w.text.push_back(f.device);
    }
    return w;
}

void bind_where(Statement& s, const Where& w) {
    int i = 1;
    for (auto run : w.runs) s.bind(i++, run);
    for (const auto& t : w.text) s.bind(i++, t);
}

}  // namespace

std::vector<FlatRow> Registry::query(const Filter& f) const {
    return guarded(file_, "querying", [&] {
        const Where w = where_of(f);
        Statement s = db_->prepare(fmt::format("SELECT {} FROM flat{} ORDER BY run, position", kFlatColumns, w.sql));
        bind_where(s, w);
        std::vector<FlatRow> out;
        while (s.step()) out.push_back(read_flat_row(s));
        return out;
    });
}

std::vector<StoredRun> Registry::load(const Filter& f) const {
    const std::vector<FlatRow> rows = query(f);
    std::map<std::int64_t, std::set<std::int64_t>> positions;
    for (const auto& r : rows) positions[r.run].insert(r.position);
    std::map<std::int64_t, RunInfo> infos;
    for (auto& i : runs()) infos[i.run] = std::move(i);
    return guarded(file_, "reading runs", [&] {
        std::vector<StoredRun> out;
        for (const auto& [run, keep] : positions) {
            Statement s = db_->prepare("SELECT document FROM runs WHERE run = ?");
            s.bind(1, run);
            if (!s.step()) continue;  // removed meanwhile
            const std::string label = fmt::format("run-{}", run);
            nlohmann::json doc = nlohmann::json::parse(s.text(0), nullptr, false);
            if (doc.is_discarded()) throw RegistryError(fmt::format("{}: {}: the stored document is not JSON", file_.string(), label));
            StoredRun r{infos[run], {}};
            try {
                r.results = results_from_json(std::move(doc), label);
            } catch (const InputError& e) {
                throw RegistryError(fmt::format("{}: {}", file_.string(), e.what()));
            }
            // A document edited inside the database no longer matches the digest it was added with.
            if (r.results.digest.file != r.info.digest)
                throw RegistryError(fmt::format("{}: {}: the stored document does not match its digest (edited in the database)",
                                                file_.string(), label));
            std::vector<Record> kept;
            for (std::size_t i = 0; i < r.results.records.size(); ++i)
                if (keep.contains(static_cast<std::int64_t>(i))) kept.push_back(std::move(r.results.records[i]));
            r.results.records = std::move(kept);
            out.push_back(std::move(r));
        }
        return out;
    });
}

}  // namespace bakeoff::registry
