#include "report/compare_format.h"

#include "core/terminal_text.h"

#include "report/format.h"
#include "report/output.h"
#include "report/serving.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff {

std::string cell_figure(const CompareCell& cell) {
    if (!cell.record) return "missing";
    const Record& r = *cell.record;
    if (r.status != RecordStatus::ok || !r.stats) return std::string(record_status_name(r.status));
    return fmt::format("{} [{}, {}]", format_figure(r.stats->median), format_figure(r.stats->ci_low),
                       format_figure(r.stats->ci_high));
}

std::string difference_text(const Difference& d) {
    const std::string ratio = fmt::format("{:.2f}×", d.ratio);
    switch (d.verdict) {
        case Verdict::win: return ratio + " win";
        case Verdict::loss: return ratio + " loss";
        case Verdict::tie: return ratio + " ≈";
    }
    return ratio;
}

std::string coverage_text(const Coverage& cov) {
    return fmt::format("{} ok, {} failed, {} unsupported, {} skipped, {} missing of {} cases", cov.ok, cov.failed,
                       cov.unsupported, cov.skipped, cov.missing, cov.cases());
}

std::string chip_text(const CompareColumn& col) {
    const auto& m = col.chip;
    if (m.chip)
        return fmt::format("{} ({}; claims: {})", m.chip->id,
                           m.reason.empty() ? std::string(specs::to_string(m.status)) : m.reason,
                           specs::to_string(m.chip->confidence));
    if (!m.reason.empty()) return "no claim: " + m.reason;
    return "no claim: chip database not consulted";
}

namespace {

// Short notes for cells that carry a reason, numbered in order of appearance.
struct Notes {
    std::vector<std::string> lines;
    std::string add(const std::string& text) {
        lines.push_back(text);
        return fmt::format("[{}]", lines.size());
    }
};

bool column_has_claims(const Comparison& c, std::size_t col) {
    for (const auto& row : c.rows)
        if (row.cells[col].percent_of_claim) return true;
    return false;
}

Table build_table(const Comparison& c, Notes& notes) {
    Table t;
    t.columns = {"workload", "dtype", {"size", Align::right}, "path", "unit"};
    std::vector<bool> claims(c.columns.size());
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        t.columns.emplace_back(c.columns[i].label + (i == c.baseline ? " (baseline)" : ""), Align::right);
        if (i != c.baseline) t.columns.emplace_back("vs baseline", Align::right);
        claims[i] = column_has_claims(c, i);
        if (claims[i]) t.columns.emplace_back("% of claim", Align::right);
    }
    for (const auto& row : c.rows) {
        std::vector<Cell> cells = {row.key.workload, row.key.dtype, row.key.size_label, row.key.path, row.unit};
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            const CompareCell& cell = row.cells[i];
            std::string fig = cell_figure(cell);
            if (cell.record && !cell.record->reason.empty() && cell.record->status != RecordStatus::ok) {
                fig += ' ';
                fig += notes.add(fmt::format("{} {}: {}: {}", c.columns[i].label, row.key.text(),
                                             record_status_name(cell.record->status), cell.record->reason));
            }
            if (cell.record)
                for (const auto& w : cell.record->warnings) {
                    fig += ' ';
                    fig += notes.add(fmt::format("{} {}: warning: {}", c.columns[i].label, row.key.text(), w));
                }
            cells.push_back(fig);
            if (i != c.baseline) cells.push_back(cell.vs_baseline ? difference_text(*cell.vs_baseline) : "—");
            if (claims[i]) cells.push_back(format_percent(cell.percent_of_claim));
        }
        t.rows.push_back(std::move(cells));
    }
    return t;
}

std::string legend(const Comparison& c) {
    return fmt::format(
        "Median [95 % CI]; higher is better (for latencies in units of time, lower). Baseline: {}. \"≈\": no clear difference — the CIs overlap, or a "
        "Mann–Whitney U test on the samples gives p ≥ {:.2f}.",
        c.columns.empty() ? "—" : c.columns[c.baseline].label, kRankTestAlpha);
}

// Text from a results file is untrusted: control characters (a terminal escape
// sequence in a device name) become '?' (terminal_safe, as everywhere), and
// for Markdown '<' and '>' are backslash-escaped so a renderer that allows
// inline HTML shows them as text.
std::string sanitize(const std::string& s, bool markdown) {
    const std::string safe = terminal_safe(s);
    if (!markdown) return safe;
    std::string o;
    o.reserve(safe.size());
    for (char ch : safe) {
        if (ch == '<' || ch == '>') o += '\\';
        o += ch;
    }
    return o;
}

// The table with the legend above it and the columns and notes below: Markdown
// as headings and lists, text as an indented block.
std::string render_text_raw(const Comparison& c, bool markdown) {
    Notes notes;
    Table t = build_table(c, notes);
    t.title = {legend(c)};
    if (markdown) {
        t.notes = {"**Columns**", ""};
        for (std::size_t i = 0; i < c.columns.size(); ++i) {
            const auto& col = c.columns[i];
            t.notes.push_back(fmt::format("- {}: {} ({}, {}) — {}; chip: {}", col.label, col.device_name,
                                          col.device_id, col.backend, coverage_text(c.coverage[i]), chip_text(col)));
        }
        if (!notes.lines.empty()) {
            t.notes.insert(t.notes.end(), {"", "**Notes**", ""});
            for (std::size_t i = 0; i < notes.lines.size(); ++i)
                t.notes.push_back(fmt::format("{}. {}", i + 1, notes.lines[i]));
        }
        if (c.not_applicable.count()) t.notes.insert(t.notes.end(), {"", c.not_applicable.line()});
        return render_markdown(t);
    }
    t.notes = {"columns:"};
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        const auto& col = c.columns[i];
        t.notes.push_back(fmt::format("  {}: {} ({}, {})\n    coverage: {}\n    chip: {}", col.label, col.device_name,
                                      col.device_id, col.backend, coverage_text(c.coverage[i]), chip_text(col)));
    }
    if (!notes.lines.empty()) {
        t.notes.push_back("notes:");
        for (std::size_t i = 0; i < notes.lines.size(); ++i)
            t.notes.push_back(fmt::format("  [{}] {}", i + 1, notes.lines[i]));
    }
    if (c.not_applicable.count()) t.notes.push_back(c.not_applicable.line());
    return render_text(t);
}

// The serving loads of every device with their place on the Pareto frontier
// (docs/report.md, "Serving"); "" when no file holds an llm.serve figure.
std::string serving_frontier_raw(const Comparison& c, bool markdown) {
    const auto series = serving_series(c);
    if (series.empty()) return {};
    Table t = serving_table(series, false);
    t.title = {"serving (llm.serve): tokens/s per device against tokens/s per user; frontier \"yes\": no other load "
               "of the same device, model and profile has at least as much of both and more of one"};
    return "\n" + (markdown ? render_markdown(t) : render_text(t));
}

std::string render_for_people(const Comparison& c, bool markdown) {
    return sanitize(render_text_raw(c, markdown) + serving_frontier_raw(c, markdown), markdown);
}

std::string num(std::optional<double> v) { return v && std::isfinite(*v) ? fmt::format("{:.6g}", *v) : ""; }

// One line per case and column, every figure unrounded, for spreadsheets.
Table csv_table(const Comparison& c) {
    Table t;
    for (const char* k : {"workload", "dtype", "size", "size_label", "path", "unit", "column", "baseline", "file",
                          "device_id", "device_name", "backend", "status", "median", "ci95_low", "ci95_high", "n",
                          "ratio", "verdict", "ci_overlap", "p_value", "claimed", "percent_of_claim", "reason"})
        t.columns.emplace_back(k);
    for (const auto& row : c.rows) {
        for (std::size_t i = 0; i < row.cells.size(); ++i) {
            const CompareCell& cell = row.cells[i];
            const CompareColumn& col = c.columns[i];
            const Record* r = cell.record;
            const bool has = r && r->status == RecordStatus::ok && r->stats;
            const auto& d = cell.vs_baseline;
            t.rows.push_back({
                row.key.workload, row.key.dtype, std::to_string(row.key.size), row.key.size_label, row.key.path,
                row.unit, col.label, i == c.baseline ? "true" : "false", c.inputs[col.file].path, col.device_id,
                col.device_name, col.backend, r ? std::string(record_status_name(r->status)) : "missing",
                has ? num(r->stats->median) : "", has ? num(r->stats->ci_low) : "", has ? num(r->stats->ci_high) : "",
                has ? std::to_string(r->stats->n) : "", d ? num(d->ratio) : "",
                d ? std::string(verdict_name(d->verdict)) : "", d ? (d->ci_overlap ? "true" : "false") : "",
                d ? num(d->rank_test.p_value) : "", num(cell.claimed), num(cell.percent_of_claim),
                r ? r->reason : ""});
        }
    }
    return t;
}

}  // namespace

nlohmann::json comparison_json(const Comparison& c) {
    using nlohmann::json;
    auto opt = [](std::optional<double> v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); };
    json doc = {{"baseline", c.columns.empty() ? json(nullptr) : json(c.columns[c.baseline].label)},
                {"alpha", kRankTestAlpha},
                {"columns", json::array()},
                {"rows", json::array()}};
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
        const auto& col = c.columns[i];
        const auto& cov = c.coverage[i];
        doc["columns"].push_back(
            {{"label", col.label}, {"file", c.inputs[col.file].path}, {"device_id", col.device_id},
             {"device_name", col.device_name}, {"backend", col.backend},
             {"chip", col.chip.chip ? json(col.chip.chip->id) : json(nullptr)},
             {"chip_match", col.chip.reason},
             {"coverage", {{"ok", cov.ok}, {"failed", cov.failed}, {"unsupported", cov.unsupported},
                           {"skipped", cov.skipped}, {"missing", cov.missing}}}});
    }
    for (const auto& row : c.rows) {
        json jr = {{"workload", row.key.workload}, {"dtype", row.key.dtype}, {"size", row.key.size},
                   {"size_label", row.key.size_label}, {"path", row.key.path}, {"unit", row.unit},
                   {"cells", json::array()}};
        for (const auto& cell : row.cells) {
            const Record* r = cell.record;
            json jc = {{"status", r ? std::string(record_status_name(r->status)) : "missing"},
                       {"reason", r ? r->reason : ""}};
            if (r && r->status == RecordStatus::ok && r->stats) {
                jc["median"] = r->stats->median;
                jc["ci95_low"] = r->stats->ci_low;
                jc["ci95_high"] = r->stats->ci_high;
                jc["n"] = r->stats->n;
            }
            if (const auto& d = cell.vs_baseline) {
                jc["ratio"] = d->ratio;
                jc["verdict"] = verdict_name(d->verdict);
                jc["ci_overlap"] = d->ci_overlap;
                jc["rank_test"] = {{"test", "mann-whitney-u"}, {"u", d->rank_test.u_x}, {"z", d->rank_test.z},
                                   {"p_value", d->rank_test.p_value}, {"exact", d->rank_test.exact}};
            }
            jc["claimed"] = opt(cell.claimed);
            jc["percent_of_claim"] = opt(cell.percent_of_claim);
            jr["cells"].push_back(std::move(jc));
        }
        doc["rows"].push_back(std::move(jr));
    }
    // Serving loads with their frontier flag, one object per load.
    const auto series = serving_series(c);
    for (const auto& s : series)
        for (const auto& p : s.points)
            doc["serving"].push_back({{"device", s.device}, {"model", s.model}, {"profile", s.profile},
                                      {"concurrency", p.concurrency ? json(*p.concurrency) : json(nullptr)},
                                      {"request_rate", opt(p.request_rate)},
                                      {"tokens_per_s_per_device", p.per_device},
                                      {"tokens_per_s_per_user", p.per_user},
                                      {"on_frontier", p.on_frontier}});
    return doc;
}

std::string render_comparison(const Comparison& c, Format f) {
    switch (f) {
        case Format::text: return render_for_people(c, false);
        case Format::markdown: return render_for_people(c, true);
        case Format::csv: return render_csv(csv_table(c));
        // A document rather than an array of rows: the columns and the tests behind each verdict.
        case Format::json: return comparison_json(c).dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    return {};
}

}  // namespace bakeoff
