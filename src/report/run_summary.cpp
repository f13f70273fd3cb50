#include "report/run_summary.h"

#include "report/format.h"
#include "report/table.h"

#include <fmt/format.h>

#include <cmath>

namespace bakeoff {


std::string run_summary(const std::vector<Record>& records, const RunSummaryOptions& o) {
    Table t;
    t.header = {"workload", "dtype", "size", "path"};
    if (o.show_device) t.header.push_back("device");
    bool any_claim = false;
    for (const auto& r : records) any_claim = any_claim || r.percent_of_claim().has_value();
    for (const char* h : {"median", "95% CI", "unit", "% peak"}) t.header.push_back(h);
    if (any_claim) t.header.push_back("% claim");
    t.header.push_back("verified");
    t.right_align.assign(t.header.size(), false);
    const std::size_t first_num = o.show_device ? 5 : 4;
    t.right_align[first_num] = true;      // median
    t.right_align[first_num + 3] = true;  // % peak
    if (any_claim) t.right_align[first_num + 4] = true;
    std::vector<std::string> notes;
    for (const auto& r : records) {
        std::vector<std::string> row = {r.workload, r.dtype, r.size_label, r.path};
        if (o.show_device) row.push_back(r.device_id);
        std::string marker;
        auto note = [&](const std::string& text) {
            notes.push_back(fmt::format("[{}] {} on {}: {}", notes.size() + 1, r.workload + " " + r.dtype + " " +
                                                                                 r.size_label + " " + r.path,
                                        r.device_id, text));
            marker += fmt::format("[{}]", notes.size());
        };
        for (const auto& w : r.warnings) note("warning: " + w);
        if (r.status == RecordStatus::ok && r.stats) {
            row.push_back(format_figure(r.stats->median));
            row.push_back(fmt::format("[{}, {}]", format_figure(r.stats->ci_low), format_figure(r.stats->ci_high)));
            row.push_back(r.metric.unit);
            row.push_back(format_percent(r.percent_of_peak()));
            if (any_claim) row.push_back(format_percent(r.percent_of_claim()));
            row.push_back("ok" + (marker.empty() ? "" : " " + marker));
        } else {
            note(std::string(record_status_name(r.status)) + ": " + r.reason);
            row.insert(row.end(), {"—", "", r.metric.unit, "—"});
            if (any_claim) row.push_back("—");
            row.push_back((r.status == RecordStatus::failed ? std::string("FAILED") : std::string(record_status_name(r.status))) +
                          " " + marker);
        }
        t.rows.push_back(row);
    }
    std::string out = o.markdown ? t.to_markdown() : t.to_text();
    if (!notes.empty()) {
        out += "\n";
        for (const auto& n : notes) out += n + "\n";
    }
    return out;
}

}  // namespace bakeoff
