#include "report/compare.h"

#include "report/compare_claims.h"
#include "results/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace bakeoff {

namespace fs = std::filesystem;

std::vector<InputFile> read_inputs(const std::vector<std::string>& paths) {
    std::vector<InputFile> out;
    out.reserve(paths.size());
    // The reader validate uses: a file it would reject is refused, never charted.
    for (const auto& p : paths) out.push_back({p, read_validated_results(p)});
    return out;
}

bool same_file(const std::string& a, const std::string& b) {
    if (a == b) return true;
    std::error_code ec;
    return fs::equivalent(a, b, ec) && !ec;
}

std::vector<std::string> with_baseline_file(const std::vector<std::string>& files, const std::string& baseline) {
    std::vector<std::string> paths = files;
    if (baseline.empty()) return paths;
    for (const auto& f : files)
        if (same_file(f, baseline)) return paths;
    std::error_code ec;
    if (fs::is_regular_file(baseline, ec)) paths.insert(paths.begin(), baseline);
    return paths;
}

std::string CaseKey::text() const { return fmt::format("{}/{}/{}/{}", workload, dtype, size_label, path); }

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::win: return "win";
        case Verdict::loss: return "loss";
        case Verdict::tie: return "tie";
    }
    return "tie";
}

Difference compare_records(const Record& base, const Record& other) {
    Difference d;
    const double b = base.value().value_or(0), o = other.value().value_or(0);
    d.ratio = b > 0 ? o / b : 0;
    const Statistics& sb = *base.stats;
    const Statistics& so = *other.stats;
    d.ci_overlap = !(so.ci_low > sb.ci_high || so.ci_high < sb.ci_low);
    const auto xb = metric_values(base.metric, base.work, base.samples_s);
    const auto xo = metric_values(other.metric, other.work, other.samples_s);
    d.rank_test = stats::mann_whitney_u(xo, xb);
    const bool clear = !d.ci_overlap && d.rank_test.p_value < kRankTestAlpha;
    // A latency (lower_is_better) wins by being smaller; the ratio stays other / base.
    const bool better = base.metric.lower_is_better ? o < b : o > b;
    d.verdict = !clear ? Verdict::tie : (better ? Verdict::win : Verdict::loss);
    return d;
}

namespace {

// Devices of a file in the order the header lists them, then any device a
// record names that the header does not.
std::vector<CompareColumn> file_columns(const InputFile& in, std::size_t file_index) {
    std::vector<CompareColumn> cols;
    std::set<std::string> seen;
    const auto& h = in.results.header;
    if (h.contains("devices") && h["devices"].is_array()) {
        for (const auto& d : h["devices"]) {
            if (!d.is_object() || !d.contains("id") || !d["id"].is_string()) continue;
            CompareColumn c;
            c.file = file_index;
            c.device_id = d["id"].get<std::string>();
            if (!seen.insert(c.device_id).second) continue;
            c.device = d;
            if (d.contains("name") && d["name"].is_string()) c.device_name = d["name"].get<std::string>();
            if (d.contains("backend") && d["backend"].is_string()) c.backend = d["backend"].get<std::string>();
            cols.push_back(std::move(c));
        }
    }
    for (const auto& r : in.results.records) {
        if (seen.insert(r.device_id).second) {
            CompareColumn c;
            c.file = file_index;
            c.device_id = r.device_id;
            cols.push_back(std::move(c));
        }
    }
    // Fill what the header did not say from the records; drop devices no record uses.
    std::vector<CompareColumn> used;
    for (auto& c : cols) {
        const Record* first = nullptr;
        for (const auto& r : in.results.records)
            if (r.device_id == c.device_id) {
                first = &r;
                break;
            }
        if (!first) continue;
        if (c.device_name.empty()) c.device_name = first->device_name;
        if (c.backend.empty()) c.backend = first->backend;
        used.push_back(std::move(c));
    }
    return used;
}

void assign_labels(std::vector<CompareColumn>& cols, const std::vector<InputFile>& inputs) {
    // File names, or the paths as given where two files share a name.
    std::vector<std::string> file_label(inputs.size());
    std::map<std::string, int> name_count;
    for (const auto& in : inputs) ++name_count[fs::path(in.path).filename().string()];
    std::map<std::string, int> used;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::string name = fs::path(inputs[i].path).filename().string();
        std::string l = name_count[name] > 1 ? inputs[i].path : name;
        if (l.empty()) l = inputs[i].path;
        if (int k = ++used[l]; k > 1) l += fmt::format(" ({})", k);
        file_label[i] = l;
    }
    std::map<std::size_t, int> devices_per_file;
    for (const auto& c : cols) ++devices_per_file[c.file];
    for (auto& c : cols)
        c.label = devices_per_file[c.file] > 1 ? file_label[c.file] + "#" + c.device_id : file_label[c.file];
}

std::size_t find_baseline(const Comparison& c, const std::string& want) {
    if (want.empty()) return 0;
    for (std::size_t i = 0; i < c.columns.size(); ++i)
        if (c.columns[i].label == want) return i;
    for (std::size_t i = 0; i < c.columns.size(); ++i)
        if (same_file(c.inputs[c.columns[i].file].path, want)) return i;
    throw InputError(fmt::format("{}: the baseline is not one of the files compared (or a column of them)", want));
}

}  // namespace

Comparison build_comparison(std::vector<InputFile> inputs, const CompareOptions& o) {
    Comparison c;
    c.inputs = std::move(inputs);
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
        auto cols = file_columns(c.inputs[i], i);
        for (auto& col : cols) c.columns.push_back(std::move(col));
    }
    assign_labels(c.columns, c.inputs);
    c.baseline = c.columns.empty() ? 0 : find_baseline(c, o.baseline);

    // Chip of each column.
    std::set<std::string> overrides_used;
    for (auto& col : c.columns) {
        std::string user_id, recorded_id;
        for (const auto& key : {col.label, col.device_name})
            if (auto it = o.chip_overrides.find(key); it != o.chip_overrides.end()) {
                user_id = it->second;
                overrides_used.insert(key);
                break;
            }
        // Else the chip `bakeoff run` recorded (it knows run --chip overrides), else the name decides.
        if (user_id.empty())
            for (const auto& r : c.inputs[col.file].results.records)
                if (r.device_id == col.device_id && !(recorded_id = recorded_chip_id(r)).empty()) break;
        if (!o.chips) continue;
        col.chip = match_column_chip(*o.chips, col.device_name, user_id.empty() ? recorded_id : user_id);
        if (col.chip.status == specs::MatchStatus::unknown_override) {
            if (!user_id.empty()) throw std::invalid_argument("--chip: " + col.chip.reason);
            col.chip = match_column_chip(*o.chips, col.device_name, "");  // recorded id unknown to this database
        }
    }
    for (const auto& [key, id] : o.chip_overrides)
        if (!overrides_used.count(key))
            throw std::invalid_argument(fmt::format("--chip {}={}: no column is labelled or has a device named '{}'",
                                                    key, id, key));

    // Rows in order of first appearance; a (file, device, case) names one record.
    std::map<CaseKey, std::size_t> row_of;
    std::map<std::pair<std::size_t, std::string>, std::size_t> column_of;
    for (std::size_t i = 0; i < c.columns.size(); ++i) column_of[{c.columns[i].file, c.columns[i].device_id}] = i;
    for (std::size_t f = 0; f < c.inputs.size(); ++f) {
        for (const auto& r : c.inputs[f].results.records) {
            if (c.not_applicable.take(r)) continue;
            CaseKey key{r.workload, r.dtype, r.size, r.size_label, r.path};
            auto [it, added] = row_of.try_emplace(key, c.rows.size());
            if (added) c.rows.push_back({key, r.metric.unit, std::vector<CompareCell>(c.columns.size())});
            CompareCell& cell = c.rows[it->second].cells[column_of.at({f, r.device_id})];
            if (!cell.record) cell.record = &r;  // ids are unique in a file; keep the first if not
        }
    }

    c.coverage.assign(c.columns.size(), {});
    for (auto& row : c.rows) {
        const Record* base = row.cells.empty() ? nullptr : row.cells[c.baseline].record;
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            CompareCell& cell = row.cells[i];
            Coverage& cov = c.coverage[i];
            if (!cell.record) {
                ++cov.missing;
                continue;
            }
            const Record& r = *cell.record;
            switch (r.status) {
                case RecordStatus::ok: ++cov.ok; break;
                case RecordStatus::failed: ++cov.failed; break;
                case RecordStatus::unsupported: ++cov.unsupported; break;
                case RecordStatus::skipped: ++cov.skipped; break;
                case RecordStatus::not_applicable: break;  // never in a row (LeftOut)
            }
            if (const specs::Chip* chip = c.columns[i].chip.chip) {
                cell.claimed = claimed_figure(*chip, r);
                cell.percent_of_claim = percent_of_claim(chip, r);
            }
            if (i != c.baseline && base && base->value() && r.value() && base->stats && r.stats)
                cell.vs_baseline = compare_records(*base, r);
        }
    }
    return c;
}

}  // namespace bakeoff
