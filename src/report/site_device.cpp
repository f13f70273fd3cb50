// One device model's page of the leaderboard site: where it stands on each
// leaderboard, its runs with their provenance and digests, its serving
// Pareto chart, and a roofline per run (the report's own sections, over the
// runs' records of this model).
#include "report/site.h"

#include "registry/leaderboard.h"
#include "report/compare.h"
#include "report/format.h"
#include "report/html_sections.h"
#include "report/html_util.h"

#include <fmt/format.h>

#include <set>

namespace bakeoff::site {

namespace {

std::string standing(const std::string& model, const SiteInput& in) {
    std::set<std::pair<std::string, std::string>> boards;
    for (const auto& r : in.rows)
        if (r.model == model && r.status == "ok" && r.value) boards.insert({r.workload, r.dtype});
    html::TableSpec t{"Standing", {"workload", "dtype", "rank", "value", "95 % CI", "unit", "case", "agree", "status"}, {},
                      {false, false, true, true, true, false, false, true, false}};
    for (const auto& [workload, dtype] : boards) {
        const auto board = registry::leaderboard(in.rows, workload, dtype);
        for (std::size_t i = 0; i < board.size(); ++i) {
            if (board[i].model != model) continue;
            const auto& b = board[i].best;
            t.rows.push_back({workload, dtype, fmt::format("{} of {}", i + 1, board.size()), format_figure(*b.value),
                              format_figure(b.ci_low.value_or(0)) + " – " + format_figure(b.ci_high.value_or(0)), b.unit,
                              b.case_id, fmt::format("{} of {}", board[i].agree, board[i].runs),
                              board[i].reproduced ? "reproduced" : "reported"});
        }
    }
    if (t.rows.empty()) return "<p class=\"none\">No verified figure for this model.</p>\n";
    return html::table(t);
}

std::string runs_table(const std::string& model, const SiteInput& in) {
    std::map<std::int64_t, int> records;
    for (const auto& r : in.rows)
        if (r.model == model) ++records[r.run];
    html::TableSpec t{"Runs",
                      {"run", "created (UTC)", "host", "tool", "commit", "suite", "records of this model", "state",
                       "digest (SHA-256)", "added from"},
                      {},
                      {true, false, false, false, false, false, true, false, false, false}};
    for (const auto& run : in.runs) {
        if (!records.contains(run.run)) continue;
        t.rows.push_back({std::to_string(run.run), run.created_utc, run.host, run.tool_version, run.tool_commit, run.suite,
                          std::to_string(records[run.run]), run.complete ? "complete" : "incomplete",
                          run.digest + (run.digest_written ? "" : " (computed at add: the file had none)"), run.source});
    }
    return html::table(t);
}

// The stored runs narrowed to this model's records and devices, as the report's inputs.
std::vector<InputFile> model_inputs(const std::string& model, const SiteInput& in) {
    std::set<std::pair<std::int64_t, std::string>> keep;  // run, record id
    for (const auto& r : in.rows)
        if (r.model == model) keep.insert({r.run, r.id});
    std::vector<InputFile> out;
    for (const auto& s : in.stored) {
        ResultsFile f;
        f.header = s.results.header;
        std::set<std::string> devices;
        for (const auto& r : s.results.records)
            if (keep.contains({s.info.run, r.id})) {
                f.records.push_back(r);
                devices.insert(r.device_id);
            }
        if (f.records.empty()) continue;
        if (f.header.contains("devices") && f.header["devices"].is_array()) {
            nlohmann::json kept = nlohmann::json::array();
            for (const auto& d : f.header["devices"])
                if (d.is_object() && d.contains("id") && d["id"].is_string() && devices.contains(d["id"].get<std::string>()))
                    kept.push_back(d);
            f.header["devices"] = kept;
        }
        out.push_back({fmt::format("run-{}", s.info.run), std::move(f)});
    }
    return out;
}

}  // namespace

std::string device_page(const std::string& model, const SiteInput& in) {
    std::string body = html::section_open("standing", "Standing",
                                          "Where this model stands on each leaderboard (docs/registry.md, \"Rules\").");
    body += standing(model, in) + "</section>\n";
    body += html::section_open("runs", "Runs", "Each run as added to the registry, with the digest of its file.");
    body += runs_table(model, in) + "</section>\n";
    std::vector<registry::FlatRow> mine;
    for (const auto& r : in.rows)
        if (r.model == model) mine.push_back(r);
    if (std::string pareto = pareto_block(mine, "Serving on " + model); !pareto.empty())
        body += html::section_open("serving", "Serving (llm.serve)") + pareto + "</section>\n";
    std::vector<InputFile> inputs = model_inputs(model, in);
    if (!inputs.empty()) {
        CompareOptions o;
        o.chips = in.chips;
        const Comparison c = build_comparison(std::move(inputs), o);
        body += html::provenance_section(c);
        body += html::roofline_section(c);
    }
    return page_frame(model, body, in);
}

}  // namespace bakeoff::site
