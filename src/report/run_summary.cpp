#include "report/run_summary.h"

#include "report/format.h"
#include "report/not_applicable.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff {

Table run_summary_table(const std::vector<Record>& records, const RunSummaryOptions& o) {
    Table t;
    t.columns = {"workload", "dtype", "size", "path"};
    if (o.show_device) t.columns.emplace_back("device");
    bool any_claim = false;
    for (const auto& r : records) any_claim = any_claim || r.percent_of_claim().has_value();
    t.columns.emplace_back("median", Align::right);
    t.columns.emplace_back("95% CI");
    t.columns.emplace_back("unit");
    t.columns.emplace_back("% peak", Align::right);
    if (any_claim) t.columns.emplace_back("% claim", Align::right);
    t.columns.emplace_back("verified");
    auto percent = [](std::optional<double> pct) {
        return pct ? Cell::of_number(*pct, format_percent(pct)) : Cell::unknown(format_percent(pct));
    };
    LeftOut left_out;
    for (const auto& r : records) {
        if (left_out.take(r)) continue;
        std::vector<Cell> row = {r.workload, r.dtype, r.size_label, r.path};
        if (o.show_device) row.emplace_back(r.device_id);
        std::string marker;
        auto note = [&](const std::string& text) {
            t.notes.push_back(fmt::format("[{}] {} on {}: {}", t.notes.size() + 1,
                                          r.workload + " " + r.dtype + " " + r.size_label + " " + r.path, r.device_id,
                                          text));
            marker += fmt::format("[{}]", t.notes.size());
        };
        for (const auto& w : r.warnings) note("warning: " + w);
        if (r.status == RecordStatus::ok && r.stats) {
            row.push_back(Cell::of_number(r.stats->median, format_figure(r.stats->median)));
            row.emplace_back(fmt::format("[{}, {}]", format_figure(r.stats->ci_low), format_figure(r.stats->ci_high)));
            row.emplace_back(r.metric.unit);
            row.push_back(percent(r.percent_of_peak()));
            if (any_claim) row.push_back(percent(r.percent_of_claim()));
            row.emplace_back("ok" + (marker.empty() ? "" : " " + marker));
        } else {
            note(std::string(record_status_name(r.status)) + ": " + r.reason);
            row.insert(row.end(), {Cell::unknown("—"), Cell::unknown(""), r.metric.unit, Cell::unknown("—")});
            if (any_claim) row.push_back(Cell::unknown("—"));
            row.emplace_back((r.status == RecordStatus::failed ? std::string("FAILED")
                                                               : std::string(record_status_name(r.status))) +
                             " " + marker);
        }
        t.rows.push_back(std::move(row));
    }
    if (left_out.count()) t.notes.push_back(left_out.line());
    return t;
}

std::string run_summary(const std::vector<Record>& records, const RunSummaryOptions& o) {
    return render(run_summary_table(records, o), o.format);
}

}  // namespace bakeoff
